using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Helpers;

namespace NetCompiler.Generator.Baking;

/// <summary>
/// A parameter file among the project's AdditionalFiles. NetCompiler's build targets hand a binary
/// <c>*.safetensors</c> item to the generator as text: a marker line <c>#netcompiler-base64 1 {path}</c>
/// (the item's path as written in the project) and then the bytes in base64. A <c>*.safetensors</c> item
/// that arrives without the marker was decoded as text by the compiler and lost its bytes.
/// </summary>
/// <param name="Path">The item's path as written in the project (for encoded files), else the file's path.</param>
/// <param name="Encoded">Whether the bytes came through NetCompiler's build targets.</param>
/// <param name="Bytes">The file's exact bytes (empty when not encoded or not decodable).</param>
/// <param name="Error">Why the encoded text could not be decoded, or null.</param>
internal sealed record ParameterFile(string Path, bool Encoded, EquatableArray<byte> Bytes, string? Error)
{
    public const string Marker = "#netcompiler-base64 1 ";

    public static ParameterFile? From(AdditionalText text, CancellationToken cancellationToken)
    {
        bool binaryName = text.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        bool encodedName = text.Path.EndsWith(".b64", StringComparison.OrdinalIgnoreCase);
        if (!binaryName && !encodedName)
        {
            return null;
        }

        string? content = text.GetText(cancellationToken)?.ToString();
        if (content is null || !content.StartsWith(Marker, StringComparison.Ordinal))
        {
            return binaryName ? new ParameterFile(text.Path, false, EquatableArray<byte>.Empty, null) : null;
        }

        int end = content.IndexOf('\n');
        string path = content.Substring(Marker.Length, (end < 0 ? content.Length : end) - Marker.Length).Trim();
        try
        {
            byte[] bytes = Convert.FromBase64String(end < 0 ? string.Empty : content.Substring(end + 1));
            return new ParameterFile(path, true, bytes.ToEquatableArray(), null);
        }
        catch (FormatException)
        {
            return new ParameterFile(path, true, EquatableArray<byte>.Empty, "its encoded text in obj/ is damaged; rebuild");
        }
    }

    /// <summary>
    /// Finds the file a declaration names: by path relative to the project folder, else by bare file name
    /// when exactly one file has it. Returns the file, or null and the reason.
    /// </summary>
    public static ParameterFile? Find(IEnumerable<ParameterFile> files, string declared, out string reason)
    {
        reason = string.Empty;
        string wanted = Normalize(declared);
        List<ParameterFile> all = files.ToList();
        List<ParameterFile> matches = all.Where(f => f.Encoded && string.Equals(Normalize(f.Path), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            string name = FileName(wanted);
            matches = all.Where(f => f.Encoded && string.Equals(FileName(Normalize(f.Path)), name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count > 1)
            {
                reason = $"several AdditionalFiles items are named '{name}' ({string.Join(", ", matches.Select(m => m.Path))}): give the path relative to the project folder";
                return null;
            }
        }

        if (matches.Count == 1)
        {
            return matches[0];
        }

        bool undecoded = all.Any(f => !f.Encoded && string.Equals(FileName(Normalize(f.Path)), FileName(wanted), StringComparison.OrdinalIgnoreCase));
        reason = undecoded
            ? "the file reached the compiler as text, which loses its bytes: NetCompiler's build targets (build/NetCompiler.targets in the package) must run; with a project reference to the generator, import them"
            : $"no AdditionalFiles item matches it: add <AdditionalFiles Include=\"{declared}\" /> to the project";
        return null;
    }

    private static string Normalize(string path)
    {
        string result = path.Replace('\\', '/');
        while (result.StartsWith("./", StringComparison.Ordinal))
        {
            result = result.Substring(2);
        }

        return result;
    }

    private static string FileName(string path) => path.Substring(path.LastIndexOf('/') + 1);
}
