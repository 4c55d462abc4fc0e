namespace NetCompiler.Generator.Emission;

/// <summary>
/// What every layer kind's emitter writes code with: the scalar type, its Math class and literals, the vector type and
/// whether VectorMath has vector kernels for it. <see cref="NetworkPlan"/> (Dense stacks) and the kinds of
/// <see cref="LayeredPlan"/> share it.
/// </summary>
internal class CodeContext
{
    public CodeContext(Precision precision)
    {
        Precision = precision;
        T = precision == Precision.Single ? "float" : "double";
        Math = precision == Precision.Single ? "global::System.MathF" : "global::System.Math";
    }

    public Precision Precision { get; }

    /// <summary><c>float</c> or <c>double</c>.</summary>
    public string T { get; }

    /// <summary><c>global::System.MathF</c> or <c>global::System.Math</c>.</summary>
    public string Math { get; }

    /// <summary>4 for <c>float</c>, 8 for <c>double</c>.</summary>
    public int ScalarBytes => Precision == Precision.Single ? 4 : 8;

    public string Lit(double value) => Literals.Format(value, Precision);

    /// <summary><c>global::System.Numerics.Vector&lt;T&gt;</c>: the machine's SIMD width, chosen by the JIT.</summary>
    public string Vector => $"global::System.Numerics.Vector<{T}>";

    /// <summary>Whether VectorMath has Vector&lt;T&gt; kernels for e^x, tanh and sigmoid (float); for double it calls Math per element.</summary>
    public bool VectorKernels => Precision == Precision.Single;

    /// <summary>e^x in the scalar tail of a vector loop: VectorMath's scalar kernel in float (bit for bit its vector kernel), Math.Exp in double.</summary>
    public string ExpInTail => VectorKernels ? $"{VectorMath}.Exp" : $"{Math}.Exp";

    /// <summary>The shared vector kernels (<c>Runtime/VectorMath.cs</c>).</summary>
    public const string VectorMath = "global::NetCompiler.Generated.VectorMath";

    public const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";

    /// <summary>
    /// The most elements a Vector&lt;T&gt; can hold (16 floats at 512 bits): a loop over a multiple of this many
    /// elements needs no scalar tail whatever width the JIT picks.
    /// </summary>
    public const int WidestVector = 16;

    /// <summary><c>ref</c>-able expression for the first element of <paramref name="span"/>.</summary>
    public string Reference(string span) => $"global::System.Runtime.InteropServices.MemoryMarshal.GetReference({span})";
}
