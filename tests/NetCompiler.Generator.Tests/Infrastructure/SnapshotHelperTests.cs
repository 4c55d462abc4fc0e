using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

// The descriptors below exist only to exercise the diagnostics file; they are not shipped rules.
#pragma warning disable RS2008

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>Self-tests of <see cref="Snapshot"/>. Every test writes into its own temporary directory.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private const string Type = nameof(SnapshotHelperTests);
    private const string FooSource = "namespace Demo;\n\ninternal static class Foo\n{\n}\n";
    private const string BarSource = "namespace Demo;\n\ninternal static class Bar\n{\n}\n";

    private static readonly DiagnosticDescriptor TestDescriptor = new(
        "NC9999", "Odd layer", "Layer {0} is odd", "NetCompiler", DiagnosticSeverity.Warning,
        isEnabledByDefault: true, helpLinkUri: "https://example.invalid/NC9999");

    private readonly string directory = Path.Combine(Path.GetTempPath(), "snapshot-selftest-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MissingVerified_Throws_AndWritesReceived()
    {
        var exception = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings()));

        var received = Path.Combine(directory, $"{Type}.MissingVerified_Throws_AndWritesReceived#Foo.g.received.cs");
        Assert.True(File.Exists(received));
        Assert.False(File.Exists(received.Replace(".received.", ".verified.", StringComparison.Ordinal)));
        Assert.Contains("no verified file", exception.Message, StringComparison.Ordinal);
        Assert.Contains(received, exception.Message, StringComparison.Ordinal);
        Assert.Contains("NETCOMPILER_ACCEPT_SNAPSHOTS=1", exception.Message, StringComparison.Ordinal);

        // UTF-8 with BOM, \n line endings, no trailing newline, starting with the hint name.
        var bytes = File.ReadAllBytes(received);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3).ToArray());
        Assert.Equal("//HintName: Foo.g.cs\n" + FooSource.TrimEnd('\n'), Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }

    [Fact]
    public void Matching_Passes_AndRemovesReceived()
    {
        var prefix = $"{Type}.Matching_Passes_AndRemovesReceived";
        WriteFile($"{prefix}#Foo.g.verified.cs", "//HintName: Foo.g.cs\n" + FooSource);
        WriteFile($"{prefix}#Foo.g.received.cs", "left over from an earlier failure");

        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings());

        Assert.Equal([$"{prefix}#Foo.g.verified.cs"], FileNames());
    }

    [Fact]
    public void Mismatch_NamesFileLineAndReceivedPath()
    {
        var verifiedName = $"{Type}.Mismatch_NamesFileLineAndReceivedPath#Foo.g.verified.cs";
        WriteFile(verifiedName, "//HintName: Foo.g.cs\nnamespace Demo;\n\ninternal static class Old\n{\n}");

        var exception = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings()));

        var received = Path.Combine(directory, verifiedName.Replace(".verified.", ".received.", StringComparison.Ordinal));
        Assert.True(File.Exists(received));
        Assert.Contains(verifiedName, exception.Message, StringComparison.Ordinal);
        Assert.Contains("first difference at line 4", exception.Message, StringComparison.Ordinal);
        Assert.Contains("expected: `internal static class Old`", exception.Message, StringComparison.Ordinal);
        Assert.Contains("actual:   `internal static class Foo`", exception.Message, StringComparison.Ordinal);
        Assert.Contains(received, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatch_ReportsEndOfFile_WhenOutputGrew()
    {
        WriteFile($"{Type}.Mismatch_ReportsEndOfFile_WhenOutputGrew#Foo.g.verified.cs", "//HintName: Foo.g.cs\nnamespace Demo;");

        var exception = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings()));

        Assert.Contains("first difference at line 3\n    expected: <end of file>\n    actual:   ``", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamedParameters_AppearInFileNames()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Snapshot.Verify(Run(("Foo.g.cs", FooSource)),
                Settings().AutoVerify().UseParameters(("activation", "Sigmoid"), ("rate", 0.5), ("path", "a/b")));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }

        Assert.Equal([$"{Type}.NamedParameters_AppearInFileNames_activation=Sigmoid_rate=0.5_path=a-b#Foo.g.verified.cs"], FileNames());
    }

    [Theory]
    [InlineData("Tanh", 3)]
    [InlineData(null, 4)]
    public void PositionalParameters_AreNamedAfterTheTestParameters(string? activation, int size)
    {
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings().AutoVerify().UseParameters(activation, size));

        var value = activation ?? "null";
        Assert.Equal([$"{Type}.PositionalParameters_AreNamedAfterTheTestParameters_activation={value}_size={size}#Foo.g.verified.cs"], FileNames());
    }

    [Fact]
    public void TextForParameters_AppearsInFileNames()
    {
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings().AutoVerify().UseTextForParameters("xor"));

        Assert.Equal([$"{Type}.TextForParameters_AppearsInFileNames_xor#Foo.g.verified.cs"], FileNames());
    }

    [Fact]
    public void SharedNameAndExtension_GetIndexSuffixes()
    {
        (string, string)[] sources = [("Sub/Foo.cs", BarSource), ("Foo.cs", FooSource), ("Foo.txt", "text")];

        Snapshot.Verify(sources, settings: Settings().AutoVerify());

        var prefix = $"{Type}.SharedNameAndExtension_GetIndexSuffixes";
        Assert.Equal([$"{prefix}#Foo.00.verified.cs", $"{prefix}#Foo.01.verified.cs", $"{prefix}#Foo.verified.txt"], FileNames());
        Assert.StartsWith("//HintName: Foo.cs\n", ReadFile($"{prefix}#Foo.00.verified.cs"), StringComparison.Ordinal);
        Assert.StartsWith("//HintName: Sub/Foo.cs\n", ReadFile($"{prefix}#Foo.01.verified.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void SourcesAreSortedByHintName_EachInItsOwnFile()
    {
        Snapshot.Verify(Run(("b.g.cs", BarSource), ("a.g.cs", FooSource)), Settings().AutoVerify());

        var prefix = $"{Type}.SourcesAreSortedByHintName_EachInItsOwnFile";
        Assert.Equal([$"{prefix}#a.g.verified.cs", $"{prefix}#b.g.verified.cs"], FileNames());
    }

    [Fact]
    public void VerifiedTargetNoLongerProduced_Fails()
    {
        var prefix = $"{Type}.VerifiedTargetNoLongerProduced_Fails";
        WriteFile($"{prefix}#Foo.g.verified.cs", "//HintName: Foo.g.cs\n" + FooSource);
        WriteFile($"{prefix}#Gone.g.verified.cs", "//HintName: Gone.g.cs\n");
        WriteFile($"{prefix}.verified.txt", "{ Diagnostics: [] }");
        WriteFile($"{prefix}_other=1#Kept.g.verified.cs", "belongs to another test case");

        var exception = Assert.Throws<SnapshotMismatchException>(() => Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings()));

        Assert.Contains($"{prefix}#Gone.g.verified.cs: this run no longer produces it", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{prefix}.verified.txt: this run no longer produces it", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Kept", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"{prefix}#Foo.g", exception.Message, StringComparison.Ordinal);

        // Accepting deletes the files that are no longer produced, and nothing else.
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings().AutoVerify());
        Assert.Equal([$"{prefix}#Foo.g.verified.cs", $"{prefix}_other=1#Kept.g.verified.cs"], FileNames());
    }

    [Fact]
    public void VerifiedWithBomCrlfAndTrailingNewline_StillMatches()
    {
        var text = ("//HintName: Foo.g.cs\n" + FooSource + "\n").Replace("\n", "\r\n", StringComparison.Ordinal);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, $"{Type}.VerifiedWithBomCrlfAndTrailingNewline_StillMatches#Foo.g.verified.cs"),
            text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Snapshot.Verify(Run(("Foo.g.cs", FooSource.Replace("\n", "\r\n", StringComparison.Ordinal))), Settings());
    }

    [Fact]
    public void NoDiagnostics_NoTextFile()
    {
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings().AutoVerify());

        Assert.Equal([$"{Type}.NoDiagnostics_NoTextFile#Foo.g.verified.cs"], FileNames());
    }

    [Fact]
    public void GeneratorDiagnostics_WrittenToTextFile()
    {
        var driver = CSharpGeneratorDriver.Create(new TestGenerator([("Foo.g.cs", FooSource)], report: TestDescriptor))
            .RunGenerators(CSharpCompilation.Create("SnapshotSelfTest"));

        Snapshot.Verify(driver, Settings().AutoVerify());

        var prefix = $"{Type}.GeneratorDiagnostics_WrittenToTextFile";
        Assert.Equal([$"{prefix}#Foo.g.verified.cs", $"{prefix}.verified.txt"], FileNames());
        Assert.Contains("Message: Layer 7 is odd", ReadFile($"{prefix}.verified.txt"), StringComparison.Ordinal);
        Assert.DoesNotContain("Location", ReadFile($"{prefix}.verified.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnostics_UseVerifyShape_SortedByLocationThenId()
    {
        var tree = CSharpSyntaxTree.ParseText("class A { }\nclass B { }\n", path: "Net.cs");
        var second = Location.Create(tree, new TextSpan(18, 1));
        var first = Location.Create(tree, new TextSpan(6, 1));
        var errorDescriptor = new DiagnosticDescriptor("NC0001", "Bad", "Bad {0}", "NetCompiler", DiagnosticSeverity.Error, true);
        Diagnostic[] diagnostics =
        [
            Diagnostic.Create(TestDescriptor, second, "B"),
            Diagnostic.Create(TestDescriptor, first, "A"),
            Diagnostic.Create(errorDescriptor, first, "A"),
        ];

        Snapshot.Verify([("Net.g.cs", FooSource)], diagnostics, Settings().AutoVerify());

        Assert.Equal(
            """
            {
              Diagnostics: [
                {
                  Location: Net.cs: (0,6)-(0,7),
                  Message: Bad A,
                  Severity: Error,
                  WarningLevel: 0,
                  Descriptor: {
                    Id: NC0001,
                    Title: Bad,
                    MessageFormat: Bad {0},
                    Category: NetCompiler,
                    DefaultSeverity: Error,
                    IsEnabledByDefault: true
                  }
                },
                {
                  Location: Net.cs: (0,6)-(0,7),
                  Message: Layer A is odd,
                  Severity: Warning,
                  WarningLevel: 1,
                  Descriptor: {
                    Id: NC9999,
                    Title: Odd layer,
                    HelpLink: https://example.invalid/NC9999,
                    MessageFormat: Layer {0} is odd,
                    Category: NetCompiler,
                    DefaultSeverity: Warning,
                    IsEnabledByDefault: true
                  }
                },
                {
                  Location: Net.cs: (1,6)-(1,7),
                  Message: Layer B is odd,
                  Severity: Warning,
                  WarningLevel: 1,
                  Descriptor: {
                    Id: NC9999,
                    Title: Odd layer,
                    HelpLink: https://example.invalid/NC9999,
                    MessageFormat: Layer {0} is odd,
                    Category: NetCompiler,
                    DefaultSeverity: Warning,
                    IsEnabledByDefault: true
                  }
                }
              ]
            }
            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            ReadFile($"{Type}.Diagnostics_UseVerifyShape_SortedByLocationThenId.verified.txt"));
    }

    [Fact]
    public void AutoVerify_WritesVerified_AndNoReceived()
    {
        var prefix = $"{Type}.AutoVerify_WritesVerified_AndNoReceived";
        WriteFile($"{prefix}#Foo.g.verified.cs", "//HintName: Foo.g.cs\nstale content");

        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings().AutoVerify());

        Assert.Equal([$"{prefix}#Foo.g.verified.cs"], FileNames());
        Assert.Equal("//HintName: Foo.g.cs\n" + FooSource.TrimEnd('\n'), ReadFile($"{prefix}#Foo.g.verified.cs"));
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), Settings());
    }

    [Fact]
    public void ScrubLinesWithReplace_ReplacesAndDropsLines()
    {
        const string source = "[GeneratedCode(\"NetCompiler\", \"0.1.0\")]\n// drop me\nclass Foo { }";
        var settings = Settings().AutoVerify()
            .ScrubLinesWithReplace(line => line.Replace("\"0.1.0\"", "\"VERSION\"", StringComparison.Ordinal))
            .ScrubLinesWithReplace(line => line.StartsWith("// drop", StringComparison.Ordinal) ? null : line);

        Snapshot.Verify(Run(("Foo.g.cs", source)), settings);

        Assert.Equal("//HintName: Foo.g.cs\n[GeneratedCode(\"NetCompiler\", \"VERSION\")]\nclass Foo { }",
            ReadFile($"{Type}.ScrubLinesWithReplace_ReplacesAndDropsLines#Foo.g.verified.cs"));
    }

    [Fact]
    public void IgnoreGeneratedResult_LeavesSourcesOut()
    {
        Snapshot.Verify(Run(("Foo.g.cs", FooSource), ("Bar.g.cs", BarSource)),
            Settings().AutoVerify().IgnoreGeneratedResult(source => source.HintName.StartsWith("Bar", StringComparison.Ordinal)));

        Assert.Equal([$"{Type}.IgnoreGeneratedResult_LeavesSourcesOut#Foo.g.verified.cs"], FileNames());
    }

    [Fact]
    public void GeneratorException_IsRethrown()
    {
        var driver = CSharpGeneratorDriver.Create(new TestGenerator([], fail: true))
            .RunGenerators(CSharpCompilation.Create("SnapshotSelfTest"));

        var exception = Assert.Throws<InvalidOperationException>(() => Snapshot.Verify(driver, Settings()));
        Assert.Equal("generator failed", exception.Message);
    }

    [Fact]
    public void SamePrefixTwice_Throws_UnlessDisabled()
    {
        var settings = new SnapshotSettings().UseDirectory(directory).AutoVerify();
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), settings);

        var exception = Assert.Throws<InvalidOperationException>(() => Snapshot.Verify(Run(("Foo.g.cs", FooSource)), settings));
        Assert.Contains("UseParameters", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultDirectory_IsBesideTheTestFile_AndTypeIsItsName()
    {
        Directory.CreateDirectory(directory);
        var fakeTestFile = Path.Combine(directory, "FakeTests.cs");

        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), new SnapshotSettings().AutoVerify(), fakeTestFile, "Method");
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), new SnapshotSettings().AutoVerify().UseDirectory("Snapshots"), fakeTestFile, "Method");
        Snapshot.Verify(Run(("Foo.g.cs", FooSource)), new SnapshotSettings().AutoVerify().UseTypeName("Other"), fakeTestFile, "Method");

        Assert.Equal(["FakeTests.Method#Foo.g.verified.cs", "Other.Method#Foo.g.verified.cs"], FileNames());
        Assert.True(File.Exists(Path.Combine(directory, "Snapshots", "FakeTests.Method#Foo.g.verified.cs")));
    }

    [Fact]
    public void PathMappedSourceFile_IsFoundBelowTheTestBinaries()
    {
        // What a deterministic CI build ([CallerFilePath] mapped to "/_/…") would pass in for this very file.
        var mapped = "/_/" + ThisFile().Replace(':', '_').TrimStart('/', '\\');

        var resolved = Snapshot.ResolveDirectory(mapped, null);

        Assert.True(File.Exists(Path.Combine(resolved, "SnapshotHelperTests.cs")), resolved);
        Assert.Equal(Path.Combine(resolved, "Snapshots"), Snapshot.ResolveDirectory(mapped, "Snapshots"));
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;

    private SnapshotSettings Settings() => new SnapshotSettings().UseDirectory(directory).DisableRequireUniquePrefix();

    private static GeneratorDriver Run(params (string HintName, string Source)[] sources) =>
        CSharpGeneratorDriver.Create(new TestGenerator(sources)).RunGenerators(CSharpCompilation.Create("SnapshotSelfTest"));

    private void WriteFile(string name, string text)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name), text);
    }

    private string ReadFile(string name) => File.ReadAllText(Path.Combine(directory, name), Encoding.UTF8);

    private List<string> FileNames() =>
        Directory.EnumerateFiles(directory).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Adds fixed sources; optionally reports <paramref name="report"/> or throws during generation.</summary>
    private sealed class TestGenerator(IReadOnlyList<(string HintName, string Source)> sources,
        DiagnosticDescriptor? report = null, bool fail = false) : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            context.RegisterPostInitializationOutput(output =>
            {
                foreach (var (hintName, source) in sources)
                {
                    output.AddSource(hintName, source);
                }
            });
            context.RegisterSourceOutput(context.CompilationProvider, (output, _) =>
            {
                if (fail)
                {
                    throw new InvalidOperationException("generator failed");
                }
                if (report is not null)
                {
                    output.ReportDiagnostic(Diagnostic.Create(report, Location.None, 7));
                }
            });
        }
    }
}
