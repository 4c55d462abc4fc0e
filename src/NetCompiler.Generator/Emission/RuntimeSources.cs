using System.IO;
using System.Reflection;

namespace NetCompiler.Generator.Emission;

/// <summary>
/// Source files the generator adds verbatim to a compilation that has networks. They live in
/// <c>Runtime/</c> as ordinary C# files (embedded resources here), so they can be read and reviewed
/// like any other code.
/// </summary>
internal static class RuntimeSources
{
    /// <summary>With a '-', which no type name has, so that no network's file can take this name.</summary>
    public const string SafetensorsHintName = "NetCompiler-Safetensors.g.cs";

    public static string Safetensors { get; } = Read("NetCompiler.Generator.Runtime.Safetensors.cs");

    /// <summary>See <see cref="SafetensorsHintName"/>.</summary>
    public const string VectorMathHintName = "NetCompiler-VectorMath.g.cs";

    public static string VectorMath { get; } = Read("NetCompiler.Generator.Runtime.VectorMath.cs");

    /// <summary>See <see cref="SafetensorsHintName"/>.</summary>
    public const string AlignedBufferHintName = "NetCompiler-AlignedBuffer.g.cs";

    public static string AlignedBuffer { get; } = Read("NetCompiler.Generator.Runtime.AlignedBuffer.cs");

    private static string Read(string name)
    {
        using Stream stream = typeof(RuntimeSources).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException("Embedded resource not found.", name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }
}
