extern alias generator;

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Perfolizer.Horology;
using NetworkGenerator = generator::NetCompiler.Generator.NetworkGenerator;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The generator's own time and memory: NetCompiler's generator run in-process by a Roslyn
/// <see cref="GeneratorDriver"/> on an in-memory compilation (against the .NET 10 reference assemblies) that
/// holds one network, for each network of <see cref="GeneratorNetwork.All"/>. Run with
/// <c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*Generator*'</c> (about 4 minutes).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="ColdRun"/>: a fresh driver on a fresh compilation, the cost of one command-line build (or of
/// opening the project in the IDE): the attributes are bound, parsed, validated, and the code emitted.</item>
/// <item><see cref="IncrementalRun"/>: a driver that has already run once, on the compilation plus one unrelated
/// new file, the cost of one keystroke elsewhere in the IDE. Roslyn re-runs the attribute transform of
/// <c>ForAttributeWithMetadataName</c> on every new compilation; everything after it is value-equal, so the
/// emitter must not run again (checked in <see cref="Setup"/> and shown in the <c>Emitter re-run</c> column).</item>
/// </list>
/// Each invocation builds its compilation anew from the same syntax trees (sharing the bound reference
/// assemblies, as the compiler does between edits), so the semantic work the generator asks for (binding
/// the attributes) is measured every time instead of being cached in one reused compilation. The
/// <c>Parameters</c>, <c>Generated</c> and <c>Emitter re-run</c> columns are computed outside the measurement,
/// by one extra driver run in the host process.
/// </remarks>
[Config(typeof(GeneratorBenchmarkConfig))]
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _withoutNetwork = null!;
    private CSharpCompilation _withNetwork = null!;
    private SyntaxTree _networkTree = null!;
    private SyntaxTree _editTree = null!;
    private GeneratorDriver _warmDriver = null!;

    public static IEnumerable<GeneratorNetwork> Networks => GeneratorNetwork.All;

    [ParamsSource(nameof(Networks))]
    public GeneratorNetwork Network { get; set; } = GeneratorNetwork.All[0];

    [GlobalSetup]
    public void Setup()
    {
        _withoutNetwork = GeneratorRuns.CreateBaseCompilation();
        _networkTree = GeneratorRuns.Parse(Network.Source, "Network.cs");
        _editTree = GeneratorRuns.Parse(GeneratorRuns.UnrelatedEdit, "Edit.cs");
        _withNetwork = _withoutNetwork.AddSyntaxTrees(_networkTree);
        _warmDriver = GeneratorRuns.CreateDriver().RunGenerators(_withNetwork);
        GeneratorRuns.Check(Network, _warmDriver);

        string reRun = GeneratorRuns.EmitterReRun(Network);
        if (reRun != GeneratorRuns.NotReRun)
        {
            throw new InvalidOperationException($"{Network}: an unrelated edit re-ran the emitter ({reRun}).");
        }
    }

    [Benchmark(Description = "Cold driver run")]
    public GeneratorDriver ColdRun() =>
        GeneratorRuns.CreateDriver().RunGenerators(_withoutNetwork.AddSyntaxTrees(_networkTree));

    [Benchmark(Description = "Incremental re-run")]
    public GeneratorDriver IncrementalRun() =>
        _warmDriver.RunGenerators(_withNetwork.AddSyntaxTrees(_editTree));
}

/// <summary>
/// A network declaration to run the generator on: the textbook net, two usual classifiers, and the largest
/// networks the generator accepts (<c>GeneratorLimits</c>), each at a different limit; and one just over a limit.
/// </summary>
public sealed class GeneratorNetwork : IComparable<GeneratorNetwork>, IComparable
{
    /// <summary>In table order.</summary>
    public static readonly IReadOnlyList<GeneratorNetwork> All = new[]
    {
        // The textbook network of the README.
        new GeneratorNetwork(0, "2-3-1 textbook", 2, "Loss = Loss.HalfSquaredError",
            Layer(3, "Sigmoid", bias: false), Layer(1, "Sigmoid", bias: false)),
        new GeneratorNetwork(1, "64-32-10", 64, "Loss = Loss.CrossEntropy",
            Layer(32, "ReLU"), Layer(10, "Softmax")),
        new GeneratorNetwork(2, "784-128-10", 784, "Loss = Loss.CrossEntropy",
            Layer(128, "ReLU"), Layer(10, "Softmax")),

        // MaxParameters: exactly 2^24 = 16,777,216 parameters.
        new GeneratorNetwork(3, "4096-4096 max params", 4096, null,
            Layer(4096, "Identity", bias: false)),

        // MaxLayers and MaxTotalUnits at once: 256 layers of 64 units (16,384 units), all looped (default rule).
        new GeneratorNetwork(4, "64x256 max layers", 64, null,
            Enumerable.Repeat(Layer(64, "ReLU"), 255).Append(Layer(64, "Identity")).ToArray()),

        // The most unrolled code: 256 layers (MaxLayers) of 32 x 32 = 1,024 weights (MaxUnrollLimit), every
        // layer unrolled: 262,144 unrolled weights.
        new GeneratorNetwork(5, "32x256 unrolled", 32, "UnrollLimit = 1024",
            Enumerable.Repeat(Layer(32, "ReLU"), 255).Append(Layer(32, "Identity")).ToArray()),

        // One bias vector over MaxParameters: refused with NC0014 (network too large), nothing emitted.
        new GeneratorNetwork(6, "4096-4096+b rejected", 4096, null,
            Layer(4096, "Identity")) { ExpectedDiagnostic = "NC0014" },
    };

    private readonly int _order;

    private GeneratorNetwork(int order, string name, int inputs, string? networkArguments, params (int Units, string Activation, bool Bias)[] layers)
    {
        _order = order;
        Name = name;

        var source = new StringBuilder();
        source.Append("using NetCompiler;\n\nnamespace GeneratorBenchmark;\n\n");
        source.Append(CultureInfo.InvariantCulture, $"[Network({inputs}{(networkArguments is null ? string.Empty : ", " + networkArguments)})]\n");
        long parameters = 0;
        int layerInputs = inputs;
        foreach ((int units, string activation, bool bias) in layers)
        {
            source.Append(CultureInfo.InvariantCulture, $"[Dense({units}, Activation.{activation}{(bias ? string.Empty : ", Bias = false")})]\n");
            parameters += ((long)units * layerInputs) + (bias ? units : 0);
            layerInputs = units;
        }

        source.Append("public partial class Net { }\n");
        Source = source.ToString();
        ParameterCount = parameters;
    }

    public string Name { get; }

    /// <summary>The one source file holding the declaration (class <c>GeneratorBenchmark.Net</c>).</summary>
    public string Source { get; }

    /// <summary>Weights and biases, counted as the validator counts them.</summary>
    public long ParameterCount { get; }

    /// <summary>The diagnostic the generator must report instead of emitting code, or null for a valid network.</summary>
    public string? ExpectedDiagnostic { get; private init; }

    public override string ToString() => Name;

    public int CompareTo(GeneratorNetwork? other) => other is null ? 1 : _order.CompareTo(other._order);

    public int CompareTo(object? obj) => CompareTo(obj as GeneratorNetwork);

    private static (int Units, string Activation, bool Bias) Layer(int units, string activation, bool bias = true) =>
        (units, activation, bias);
}

/// <summary>Compilations and driver runs shared by <see cref="GeneratorBenchmarks"/> and its columns.</summary>
internal static class GeneratorRuns
{
    public const string NotReRun = "no";

    /// <summary>The unrelated file added by the incremental edit.</summary>
    public const string UnrelatedEdit =
        "namespace GeneratorBenchmark;\n\ninternal static class Edit\n{\n    public static int Answer() => 42;\n}\n";

    private const string Unrelated =
        "using System;\n\nnamespace GeneratorBenchmark;\n\ninternal static class Program\n{\n    public static void Main() => Console.WriteLine(new Net().GetType().Name);\n}\n";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
            .ToImmutableArray();

    private static readonly ISourceGenerator Generator = new NetworkGenerator().AsSourceGenerator();

    private static readonly ConcurrentDictionary<GeneratorNetwork, (string Generated, string ReRun)> Facts = new();

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A compilation with one unrelated file and the reference assemblies already bound.</summary>
    public static CSharpCompilation CreateBaseCompilation()
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "GeneratorBenchmark",
            new[] { Parse(Unrelated, "Program.cs") },
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _ = compilation.GetTypeByMetadataName("NetCompiler.NetworkAttribute") ?? throw new InvalidOperationException("NetCompiler.dll is not referenced.");
        return compilation;
    }

    /// <summary>A driver as the compiler makes one: no step tracking.</summary>
    public static GeneratorDriver CreateDriver(bool track = false) =>
        CSharpGeneratorDriver.Create(
            new[] { Generator },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    /// <summary>Throws unless the run generated the network (or reported exactly the expected diagnostic).</summary>
    public static void Check(GeneratorNetwork network, GeneratorDriver driver)
    {
        GeneratorDriverRunResult result = driver.GetRunResult();
        if (result.Results.FirstOrDefault(r => r.Exception is not null).Exception is { } exception)
        {
            throw new InvalidOperationException($"{network}: the generator threw.", exception);
        }

        string diagnostics = string.Join(", ", result.Diagnostics.Select(d => d.Id).Distinct());
        bool generated = NetworkSource(result) is not null;
        bool expected = network.ExpectedDiagnostic is null
            ? generated && diagnostics.Length == 0
            : !generated && diagnostics == network.ExpectedDiagnostic;
        if (!expected)
        {
            throw new InvalidOperationException(
                $"{network}: expected {network.ExpectedDiagnostic ?? "generated code and no diagnostic"}, got {(generated ? "generated code" : "no code")} and diagnostics [{diagnostics}]: "
                + string.Join("; ", result.Diagnostics));
        }
    }

    /// <summary>The size of the network's generated file (UTF-8), or the diagnostic reported instead.</summary>
    public static string GeneratedSize(GeneratorNetwork network) => GetFacts(network).Generated;

    /// <summary>
    /// <see cref="NotReRun"/> when a run after an unrelated edit took every source output from the cache (the
    /// emitter did not run), else the steps that ran again and why.
    /// </summary>
    public static string EmitterReRun(GeneratorNetwork network) => GetFacts(network).ReRun;

    private static (string Generated, string ReRun) GetFacts(GeneratorNetwork network) =>
        Facts.GetOrAdd(network, static network =>
        {
            CSharpCompilation compilation = CreateBaseCompilation().AddSyntaxTrees(Parse(network.Source, "Network.cs"));
            GeneratorDriver first = CreateDriver(track: true).RunGenerators(compilation);
            Check(network, first);
            GeneratorDriverRunResult result = first.GetRunResult();
            string generated = NetworkSource(result) is { } source
                ? FormatBytes(Encoding.UTF8.GetByteCount(source.ToString()))
                : "none (" + network.ExpectedDiagnostic + ")";

            GeneratorDriver second = first.RunGenerators(compilation.AddSyntaxTrees(Parse(UnrelatedEdit, "Edit.cs")));
            List<string> reRun = second.GetRunResult().Results
                .SelectMany(r => r.TrackedOutputSteps)
                .SelectMany(step => step.Value.SelectMany(run => run.Outputs.Select(output => (step.Key, output.Reason))))
                .Where(output => output.Reason != IncrementalStepRunReason.Cached)
                .Select(output => $"{output.Key}: {output.Reason}")
                .ToList();
            return (generated, reRun.Count == 0 ? NotReRun : "YES: " + string.Join(", ", reRun));
        });

    /// <summary>The network's own generated file (not the shared runtime sources every compilation gets once).</summary>
    private static Microsoft.CodeAnalysis.Text.SourceText? NetworkSource(GeneratorDriverRunResult result) =>
        result.Results
            .SelectMany(r => r.GeneratedSources)
            .Where(s => s.HintName != "Microsoft.CodeAnalysis.EmbeddedAttribute.cs" && !s.HintName.StartsWith("NetCompiler-", StringComparison.Ordinal))
            .Select(s => s.SourceText)
            .FirstOrDefault();

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MB",
    };
}

/// <summary>
/// A short job for a small, shared machine: one launch, 6 warmups (Roslyn is a lot of code to tier up), 20
/// measured iterations of about 250 ms (a run that takes longer than that is one invocation per iteration).
/// All 14 cases take about 4 minutes; on a busy machine read Median and Min, not Mean.
/// </summary>
public sealed class GeneratorBenchmarkConfig : ManualConfig
{
    public GeneratorBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithId("Generator")
            .WithLaunchCount(1)
            .WithWarmupCount(6)
            .WithIterationCount(20)
            .WithIterationTime(TimeInterval.FromMilliseconds(250)));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
        AddColumn(
            new NetworkFactColumn("Parameters", "Weights and biases of the network", n => n.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)),
            new NetworkFactColumn("Generated", "Size (UTF-8) of the network's generated file; the shared NetCompiler-*.g.cs runtime files are added once per compilation", GeneratorRuns.GeneratedSize),
            new NetworkFactColumn("Emitter re-run", "Whether the run after an unrelated edit produced any source output anew instead of from the cache", GeneratorRuns.EmitterReRun));
    }
}

/// <summary>A column with a fact about the benchmark case's network, computed in the host process.</summary>
internal sealed class NetworkFactColumn : IColumn
{
    private readonly Func<GeneratorNetwork, string> _value;

    public NetworkFactColumn(string name, string legend, Func<GeneratorNetwork, string> value)
    {
        ColumnName = name;
        Legend = legend;
        _value = value;
    }

    public string Id => nameof(NetworkFactColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Params;

    public int PriorityInCategory => 1;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters[nameof(GeneratorBenchmarks.Network)] is GeneratorNetwork network ? _value(network) : "?";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
}
