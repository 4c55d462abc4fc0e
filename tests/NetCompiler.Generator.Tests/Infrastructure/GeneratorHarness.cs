extern alias generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetworkGenerator = generator::NetCompiler.Generator.NetworkGenerator;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// Runs NetCompiler's generator in-process on in-memory compilations against the .NET 10 reference
/// assemblies, always under a culture whose minus sign is U+2212 and whose decimal separator is a comma,
/// so that any culture-sensitive formatting in the generator shows up as broken generated code.
/// </summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>A culture that breaks naive number formatting: minus sign U+2212, decimal comma.</summary>
    public static readonly CultureInfo HostileCulture = CreateHostileCulture();

    private static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NetCompiler.NetworkAttribute).Assembly.Location))
            .ToImmutableArray();

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CreateCompilation(sources, ParseOptions);

    public static CSharpCompilation CreateCompilation(IEnumerable<string> sources, CSharpParseOptions parseOptions, IEnumerable<MetadataReference>? references = null) =>
        CSharpCompilation.Create(
            "NetCompilerTests",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Source{i}.cs")),
            references ?? References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                deterministic: true,
                // As the SDK does: NetCompiler.dll's net8.0 build references System.Runtime 8.0, unified with 10.0 here.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null, IEnumerable<AdditionalText>? additionalTexts = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            additionalTexts: additionalTexts,
            parseOptions: parseOptions ?? ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on <paramref name="compilation"/> under <see cref="HostileCulture"/>.</summary>
    public static GeneratorDriver Run(Compilation compilation, out Compilation output, GeneratorDriver? driver = null)
    {
        CultureInfo culture = CultureInfo.CurrentCulture, uiCulture = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = HostileCulture;
            CultureInfo.CurrentUICulture = HostileCulture;
            GeneratorDriver result = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out output, out _);
            foreach (GeneratorRunResult run in result.GetRunResult().Results)
            {
                if (run.Exception is not null)
                {
                    throw new InvalidOperationException("The generator threw.", run.Exception);
                }
            }

            return result;
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }

    public static GeneratorDriver Run(params string[] sources) => Run(CreateCompilation(sources), out _);

    /// <summary>The generator's diagnostics of a run.</summary>
    public static ImmutableArray<Diagnostic> GeneratorDiagnostics(GeneratorDriver driver) =>
        driver.GetRunResult().Diagnostics;

    /// <summary>Sources added to every compilation, or to every one that has a network: not the networks themselves.</summary>
    public static bool IsSharedSource(string hintName) =>
        hintName is "Microsoft.CodeAnalysis.EmbeddedAttribute.cs" or "NetCompiler-Safetensors.g.cs" or "NetCompiler-VectorMath.g.cs"
            or "NetCompiler-AlignedBuffer.g.cs";

    /// <summary>The generated network source texts of a run by hint name (without <see cref="IsSharedSource"/> ones).</summary>
    public static IReadOnlyDictionary<string, string> GeneratedSources(GeneratorDriver driver) =>
        driver.GetRunResult().Results
            .SelectMany(r => r.GeneratedSources)
            .Where(s => !IsSharedSource(s.HintName))
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>
    /// Fails with the diagnostics and the line-numbered generated source if the compilation has any
    /// diagnostic other than hidden ones (warning level 9999, documentation comments checked).
    /// </summary>
    public static void AssertNoDiagnostics(Compilation output)
    {
        var diagnostics = output.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToList();
        if (diagnostics.Count == 0)
        {
            return;
        }

        var message = new System.Text.StringBuilder();
        message.AppendLine($"{diagnostics.Count} diagnostics:");
        foreach (Diagnostic diagnostic in diagnostics.Take(20))
        {
            message.AppendLine(diagnostic.ToString());
        }

        foreach (SyntaxTree tree in diagnostics.Select(d => d.Location.SourceTree).OfType<SyntaxTree>().Distinct().Take(2))
        {
            message.AppendLine($"--- {tree.FilePath}");
            string[] lines = tree.ToString().Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                message.AppendLine($"{i + 1,5}: {lines[i]}");
            }
        }

        throw new Xunit.Sdk.XunitException(message.ToString());
    }

    private static CultureInfo CreateHostileCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NegativeSign = "\u2212";
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = "\u00A0";
        culture.NumberFormat.PercentDecimalSeparator = ",";
        return culture;
    }
}
