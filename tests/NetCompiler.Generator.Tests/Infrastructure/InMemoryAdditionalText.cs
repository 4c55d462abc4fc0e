using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>An AdditionalFiles item held in memory.</summary>
public sealed class InMemoryAdditionalText : AdditionalText
{
    private readonly SourceText _text;

    public InMemoryAdditionalText(string path, string text)
    {
        Path = path;
        _text = SourceText.From(text);
    }

    public override string Path { get; }

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;

    /// <summary>
    /// What NetCompiler's build targets (src/NetCompiler/build/NetCompiler.targets) hand the generator for a
    /// binary AdditionalFiles item: a marker line with the item's path, then the bytes in base64.
    /// </summary>
    public static InMemoryAdditionalText Encoded(string itemPath, byte[] bytes) =>
        new("/project/obj/netcompiler/" + itemPath.Replace('/', '_') + ".b64",
            "#netcompiler-base64 1 " + itemPath + "\n" + System.Convert.ToBase64String(bytes, System.Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n") + "\n");
}
