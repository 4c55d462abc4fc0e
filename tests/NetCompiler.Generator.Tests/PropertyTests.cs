using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using NetCompiler.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Property-based tests: "never throws, always compiles". CsCheck generates thousands of random
/// declarations, valid and invalid: extreme sizes, every enum value and casts outside the enums,
/// missing arguments, named arguments in any order, partial or not, static, generic, nested, records,
/// structs, split declarations, member conflicts, syntax errors inside the attribute lists, [Dense]
/// without [Network], several [Network], ... An oracle written here, independently of the generator,
/// from API.md and the documented diagnostics and limits, decides what each declaration must give:
/// <list type="bullet">
/// <item>valid: exactly one generated source, no diagnostic at all (warning level 9999), and the
/// network runs: Forward, ForwardBatch, ComputeLoss, Gradient, Train and TrainBatch give finite,
/// mutually consistent values;</item>
/// <item>rejected by NetCompiler: exactly the NCxxxx diagnostics the oracle predicts, no C# error,
/// and nothing generated;</item>
/// <item>a C# error in the user's code (syntax error, missing argument, wrong type, ...): a compiler
/// error in that file, and nothing generated.</item>
/// </list>
/// No generated file ever carries a diagnostic, whatever the declaration. Each batch of declarations
/// is sampled once from a fixed CsCheck seed, so a run is deterministic; a failure prints the seed of
/// its batch ("Set seed: ... or -e CsCheck_Seed=... to reproduce") and the declarations at fault.
/// </summary>
public sealed class PropertyTests
{
    /// <summary>The master seed: batch b of a property is sampled from PCG(stream, MasterSeed + b).</summary>
    private const ulong MasterSeed = 20_251_101;

    /// <summary>Declarations of every kind, checked through the generator and the compiler (not run).</summary>
    private const int SweepBatches = 10, SweepBatchSize = 300;

    /// <summary>Declarations with a C# error, checked through the generator only.</summary>
    private const int StrictBatches = 4, StrictBatchSize = 150;

    /// <summary>Small valid networks, compiled, emitted and run.</summary>
    private const int RunBatches = 2, RunBatchSize = 80;

    /// <summary>
    /// Per sweep batch, the generated code of this many valid networks beyond the run's caps (the
    /// largest, among those with less than 150 KB of code), and of one network generated despite a C#
    /// error, is compiled. Generated code is large (about 30 KB for the smallest network, 80 KB and more with looped layers
    /// or with TrainBatch's lane-per-sample pass), so compiling
    /// all of it would take minutes; the run property compiles the small networks.
    /// </summary>
    private const int CompiledPerSweepBatch = 2;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>References bound once: each batch adds its trees to this compilation and so reuses its bound references.</summary>
    private static readonly Lazy<CSharpCompilation> BaseCompilation = new(() =>
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Array.Empty<string>(), GeneratorHarness.ParseOptions);
        _ = compilation.GetTypeByMetadataName("NetCompiler.NetworkAttribute") ?? throw new InvalidOperationException("NetCompiler is not referenced.");
        return compilation;
    });

    private readonly ITestOutputHelper output;

    public PropertyTests(ITestOutputHelper output) => this.output = output;

    private enum Mode
    {
        /// <summary>Every kind of declaration: generator outcome, C# errors, generated code of the networks the run does not cover.</summary>
        Sweep,

        /// <summary>Declarations with a C# error: nothing generated.</summary>
        Strict,

        /// <summary>Valid networks: no diagnostic at all, emit, load, run.</summary>
        Run,
    }

    /// <summary>
    /// Thousands of declarations of every kind: the generator never throws, each declaration gets the
    /// outcome the oracle predicts, and no generated file that is compiled has a diagnostic.
    /// </summary>
    [Fact]
    public void GeneratorNeverThrowsAndJudgesEveryDeclarationLikeTheOracle()
    {
        Tally tally = Sample(Generators.AnyDeclaration, Mode.Sweep, stream: 1, SweepBatches, SweepBatchSize);

        // The generators must keep exercising every outcome (a change that makes them degenerate fails here).
        int total = SweepBatches * SweepBatchSize;
        Assert.Equal(total, tally.Declarations);
        Assert.True(tally.Valid >= total / 5, $"too few valid declarations: {tally.Describe()}");
        Assert.True(tally.Rejected >= total / 8, $"too few declarations rejected by NetCompiler: {tally.Describe()}");
        Assert.True(tally.CompileErrors >= total / 8, $"too few declarations with C# errors: {tally.Describe()}");
        Assert.True(tally.CompiledBeyondRunCaps >= SweepBatches * CompiledPerSweepBatch, $"too few extreme valid networks compiled: {tally.Describe()}");
        foreach (string id in new[] { "NC0001", "NC0002", "NC0003", "NC0004", "NC0005", "NC0006", "NC0007", "NC0008", "NC0009", "NC0010", "NC0011", "NC0012", "NC0013", "NC0014", "NC0015", "NC0017" })
        {
            Assert.True(tally.Ids.GetValueOrDefault(id) >= 5, $"{id} is (almost) never produced: {tally.Describe()}");
        }
    }

    /// <summary>
    /// Declarations with a C# error in their own code (syntax errors in the attribute lists, missing or
    /// mistyped arguments, misspelled attributes, duplicate or misplaced named arguments, ...): the
    /// compiler reports the error, and NetCompiler generates nothing for the type.
    /// </summary>
    [Fact]
    public void NothingIsGeneratedForADeclarationWithACSharpError()
    {
        Tally tally = Sample(Generators.AnyDeclaration.Where(d => d.Judge().CompileError), Mode.Strict, stream: 3, StrictBatches, StrictBatchSize);
        Assert.Equal(StrictBatches * StrictBatchSize, tally.CompileErrors);
    }

    /// <summary>
    /// Hundreds of small valid networks of every shape, many per compilation: the output compiles with
    /// no diagnostic at all, emits, loads into a collectible context, and every network runs.
    /// </summary>
    [Fact]
    public void ValidNetworksCompileWithoutDiagnosticsAndRun()
    {
        Tally tally = Sample(Generators.RunnableDeclaration, Mode.Run, stream: 2, RunBatches, RunBatchSize);
        Assert.Equal(RunBatches * RunBatchSize, tally.Ran);
    }

    /// <summary>The oracle's view of the enums matches the attribute assembly (names and values).</summary>
    [Fact]
    public void OracleKnowsEveryEnumMember()
    {
        Assert.Equal(Enum.GetNames<Activation>(), Enums.Activation.Members);
        Assert.Equal(Enum.GetNames<Loss>(), Enums.Loss.Members);
        Assert.Equal(Enum.GetNames<Precision>(), Enums.Precision.Members);
        Assert.Equal(Enumerable.Range(0, 6), Enum.GetValues<Activation>().Select(a => (int)a));
        Assert.Equal(Enumerable.Range(0, 3), Enum.GetValues<Loss>().Select(l => (int)l));
        Assert.Equal(Enumerable.Range(0, 2), Enum.GetValues<Precision>().Select(p => (int)p));
    }

    private Tally Sample(Gen<Declaration> declarations, Mode mode, uint stream, int batches, int batchSize)
    {
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Gen<Declaration[]> batch = declarations.Array[batchSize];
        for (int b = 0; b < batches; b++)
        {
            batch.Sample(
                declarationBatch => CheckBatch(declarationBatch, mode, tally),
                seed: new PCG(stream, MasterSeed + (ulong)b).ToString(),
                iter: 1,
                threads: 1,
                print: d => $"a batch of {d.Length} declarations; the failing ones are shown below");
        }

        output.WriteLine($"{mode}: {tally.Declarations} declarations in {clock.Elapsed.TotalSeconds:F1} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU): {tally.Describe()}");
        return tally;
    }

    // ------------------------------------------------------------------------------------------------
    // The properties.
    // ------------------------------------------------------------------------------------------------

    private static void CheckBatch(Declaration[] batch, Mode mode, Tally tally)
    {
        var files = batch.Select((declaration, i) => new Rendered(declaration, i)).ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Source, GeneratorHarness.ParseOptions, f.Path)).ToList();
        if (mode == Mode.Run)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Drivers(files), GeneratorHarness.ParseOptions, "Drivers.cs"));
        }

        Compilation input = BaseCompilation.Value.AddSyntaxTrees(trees);

        // The generator never throws (the harness throws too if it does).
        Compilation outputCompilation = input;
        GeneratorDriver driver = tally.Time("generator", () => GeneratorHarness.Run(input, out outputCompilation));
        GeneratorDriverRunResult result = driver.GetRunResult();
        foreach (GeneratorRunResult generatorResult in result.Results)
        {
            Assert.Null(generatorResult.Exception);
        }

        var sources = result.Results.SelectMany(r => r.GeneratedSources).ToList();
        tally.GeneratedFiles += sources.Count;
        tally.GeneratedChars += sources.Sum(s => (long)s.SourceText.Length);
        var generatedTrees = sources.Select(s => s.SyntaxTree).ToHashSet();
        var networkTrees = sources.Where(s => files.Any(f => f.HintName == s.HintName)).ToDictionary(s => s.HintName, s => s.SyntaxTree);
        var generatorDiagnostics = result.Diagnostics.ToLookup(d => d.Location.GetLineSpan().Path);
        var failures = new List<string>();

        if (mode == Mode.Strict)
        {
            CheckNothingGenerated(files, input, networkTrees, generatorDiagnostics, tally, failures);
            Fail(failures);
            return;
        }

        // The code that is compiled: everything in a run; in the sweep, the user's code, the shared
        // generated code, and the generated code of a few networks that the run does not cover.
        List<Diagnostic> diagnostics;
        byte[]? image = null;
        if (mode == Mode.Run)
        {
            using var stream = new MemoryStream();
            EmitResult emitted = tally.Time("emit", () => outputCompilation.Emit(stream));
            diagnostics = emitted.Diagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden).ToList();
            if (emitted.Success)
            {
                image = stream.ToArray();
            }
            else if (!diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                failures.Add("Emit failed without an error.");
            }
        }
        else
        {
            int Length(Rendered f) => networkTrees[f.HintName].Length;
            var candidates = files.Where(f => networkTrees.ContainsKey(f.HintName)).ToList();
            var compiled = candidates.Where(f => f.Verdict.CompileError).OrderBy(Length).Take(1)
                .Concat(candidates
                    .Where(f => f.Verdict.Valid && f.Verdict.Shape!.BeyondRunCaps && Length(f) < 150_000)
                    .OrderByDescending(f => f.Verdict.Shape!.ParameterCount + f.Verdict.Shape!.Layers)
                    .Take(CompiledPerSweepBatch))
                .Select(f => f.HintName)
                .ToHashSet();
            tally.CompiledBeyondRunCaps += files.Count(f => compiled.Contains(f.HintName) && f.Verdict.Valid);
            Compilation checkedCompilation = outputCompilation.RemoveSyntaxTrees(networkTrees.Where(p => !compiled.Contains(p.Key)).Select(p => p.Value));
            diagnostics = tally.Time("compile", () => checkedCompilation.GetDiagnostics().Where(d => d.Severity != DiagnosticSeverity.Hidden).ToList());
        }

        // No diagnostic at all in generated code: no follow-on errors, no warnings.
        foreach (var group in diagnostics.Where(d => generatedTrees.Contains(d.Location.SourceTree!)).GroupBy(d => d.Location.SourceTree!))
        {
            Rendered? owner = files.FirstOrDefault(f => networkTrees.GetValueOrDefault(f.HintName) == group.Key);
            failures.Add($"Diagnostics in generated file {group.Key.FilePath}:\n{string.Join("\n", group.Take(10))}"
                + (owner is null ? "" : $"\nfrom the declaration ({owner.Verdict}):\n{owner.Source}")
                + "\n--- generated:\n" + Numbered(group.Key.ToString(), group.First().Location.GetLineSpan().StartLinePosition.Line));
        }

        foreach (Diagnostic diagnostic in diagnostics.Where(d => d.Location.SourceTree is null || d.Location.SourceTree.FilePath == "Drivers.cs"))
        {
            failures.Add($"Diagnostic outside the declarations: {diagnostic}");
        }

        foreach (Diagnostic diagnostic in result.Diagnostics.Where(d => !files.Any(f => f.Path == d.Location.GetLineSpan().Path)))
        {
            failures.Add($"Generator diagnostic not located in a declaration: {diagnostic}");
        }

        // Each declaration gets the outcome the oracle predicts.
        HashSet<string> declaredTypes = DeclaredTypes(generatedTrees);
        var diagnosticsByFile = diagnostics.ToLookup(d => d.Location.SourceTree?.FilePath);
        foreach (Rendered file in files)
        {
            tally.Count(file.Verdict);
            var own = diagnosticsByFile[file.Path].ToList();
            var errors = own.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var ids = generatorDiagnostics[file.Path].Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToList();
            int emitted = sources.Count(s => s.HintName == file.HintName);
            var problems = new List<string>();
            foreach (string id in ids)
            {
                tally.Ids[id] = tally.Ids.GetValueOrDefault(id) + 1;
            }

            if (file.Verdict.Valid)
            {
                if (emitted != 1)
                {
                    problems.Add($"expected exactly one generated source {file.HintName}, got {emitted}; generated: {string.Join(", ", sources.Select(s => s.HintName))}");
                }

                if (ids.Count > 0)
                {
                    problems.Add($"expected no generator diagnostic, got {string.Join("; ", generatorDiagnostics[file.Path])}");
                }

                if (own.Count > 0)
                {
                    problems.Add($"expected no compiler diagnostic, got {string.Join("; ", own.Take(5))}");
                }
            }
            else if (file.Verdict.CompileError)
            {
                // Whether the generator may still emit is the strict property's business; here, its output
                // (if compiled) must simply be free of diagnostics, which the check above ensures.
                tally.GeneratedDespiteCSharpErrors += emitted;
                if (errors.Count == 0)
                {
                    problems.Add($"the oracle expects a C# error, but the file has none (generator: [{string.Join(", ", ids)}], {emitted} generated)");
                }
            }
            else
            {
                if (emitted != 0 || Declares(declaredTypes, file))
                {
                    problems.Add($"expected nothing generated, got {emitted} source(s) named {file.HintName}; generated code declares {file.TypeName}: {Declares(declaredTypes, file)}");
                }

                if (errors.Count > 0)
                {
                    problems.Add($"the oracle expects no C# error, got {string.Join("; ", errors.Take(5))}");
                }

                if (!ids.SequenceEqual(file.Verdict.Ids))
                {
                    problems.Add($"expected the diagnostics [{string.Join(", ", file.Verdict.Ids)}], got [{string.Join(", ", ids)}]:\n  {string.Join("\n  ", generatorDiagnostics[file.Path])}");
                }
            }

            if (problems.Count > 0)
            {
                failures.Add($"{file.Path} ({file.Verdict}):\n{string.Join("\n", problems)}\n--- declaration:\n{file.Source}");
            }
        }

        Fail(failures);

        if (mode == Mode.Run)
        {
            RunNetworks(files, image!, tally, failures);
            Fail(failures);
        }
    }

    /// <summary>The names of the types that generated files declare (whatever the hint names).</summary>
    private static HashSet<string> DeclaredTypes(IEnumerable<SyntaxTree> generatedTrees) =>
        generatedTrees
            .SelectMany(t => Regex.Matches(t.ToString(), @"\b(?:class|record|struct|interface) (\w+)").Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether generated code declares the type of a declaration (special names are also members, so only N{i}).</summary>
    private static bool Declares(HashSet<string> declaredTypes, Rendered file) =>
        file.Declaration.Type.SpecialName is null && declaredTypes.Contains(file.TypeName);

    private static void CheckNothingGenerated(List<Rendered> files, Compilation input, Dictionary<string, SyntaxTree> networkTrees, ILookup<string, Diagnostic> generatorDiagnostics, Tally tally, List<string> failures)
    {
        HashSet<string> declaredTypes = DeclaredTypes(networkTrees.Values);
        var offenders = new List<(Rendered File, List<Diagnostic> Errors)>();
        foreach (Rendered file in files)
        {
            tally.Count(file.Verdict);
            SyntaxTree tree = input.SyntaxTrees.Single(t => t.FilePath == file.Path);
            var errors = tally.Time("compile", () => input.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList());
            if (errors.Count == 0)
            {
                failures.Add($"{file.Path}: the oracle expects a C# error, but the file has none (generator: [{string.Join(", ", generatorDiagnostics[file.Path].Select(d => d.Id))}])\n--- declaration:\n{file.Source}");
            }
            else if (networkTrees.ContainsKey(file.HintName) || Declares(declaredTypes, file))
            {
                offenders.Add((file, errors));
            }
        }

        if (offenders.Count > 0)
        {
            // The shortest declarations make the best reproductions; the histogram shows which errors slip through.
            string histogram = string.Join(", ", offenders
                .GroupBy(o => string.Join("+", o.Errors.Select(e => e.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal)))
                .OrderByDescending(g => g.Count())
                .Select(g => $"{g.Key} x{g.Count()}"));
            failures.Add($"NetCompiler generated a network for {offenders.Count} of {files.Count} declarations that have a C# error "
                + $"(compiler errors: {histogram}); the shortest:\n\n"
                + string.Join("\n\n", offenders.OrderBy(o => o.File.Source.Length).Take(6).Select(o =>
                    $"{o.File.Path} -> {o.File.HintName}\n{string.Join("\n", o.Errors.Take(3))}\n{o.File.Source}")));
        }
    }

    private static void Fail(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"{failures.Count} failure(s); the first ones:\n\n" + string.Join("\n\n=====\n\n", failures.Take(4)));
        }
    }

    private static string Numbered(string text, int around)
    {
        string[] lines = text.Split('\n');
        var result = new StringBuilder();
        for (int i = Math.Max(0, around - 15); i < Math.Min(lines.Length, around + 15); i++)
        {
            result.Append(Inv, $"{i + 1,5}: {lines[i]}\n");
        }

        return result.ToString();
    }

    // ------------------------------------------------------------------------------------------------
    // Running valid networks: one driver class per network calls every member with fixed random data.
    // ------------------------------------------------------------------------------------------------

    private const double LearningRate = 0.01;
    private const int Header = 9;

    private static string Drivers(List<Rendered> files)
    {
        var s = new StringBuilder();
        s.Append("namespace PropertyDrivers\n{\n");
        s.Append("    internal static class Values\n    {\n");
        s.Append("        internal static void Add(System.Collections.Generic.List<double> list, float[] values)\n        {\n            foreach (float v in values)\n            {\n                list.Add(v);\n            }\n        }\n\n");
        s.Append("        internal static void Add(System.Collections.Generic.List<double> list, double[] values)\n        {\n            foreach (double v in values)\n            {\n                list.Add(v);\n            }\n        }\n    }\n");
        foreach (Rendered file in files.Where(f => f.Verdict.Valid))
        {
            Shape shape = file.Verdict.Shape!;
            Declaration d = file.Declaration;
            string t = shape.Precision == 1 ? "double" : "float";
            string type = "global::" + file.FullName;
            bool intConstructor = d.Type.Member == Member.IntConstructor;
            var data = new Data(shape, d.DataSeed);
            s.Append(Inv, $"\n    internal static class D{file.Index}\n    {{\n");
            string make;
            if (d.Type.Modifier == "abstract")
            {
                s.Append(Inv, $"        private sealed class Concrete : {type}\n        {{\n            public Concrete(){(intConstructor ? " : base(0)" : "")}\n            {{\n            }}\n        }}\n\n");
                make = "new Concrete()";
            }
            else
            {
                make = intConstructor ? $"new {type}(0)" : $"new {type}()";
            }

            s.Append("        internal static double[] Run()\n        {\n");
            s.Append(Inv, $"            var net = {make};\n");
            s.Append(Inv, $"            {t}[] input = {Literal(t, data.Input)};\n");
            s.Append(Inv, $"            {t}[] target = {Literal(t, data.Target)};\n");
            s.Append(Inv, $"            {t}[] inputs = {Literal(t, data.Input.Concat(data.Input2))};\n");
            s.Append(Inv, $"            {t}[] targets = {Literal(t, data.Target.Concat(data.Target2))};\n");
            s.Append(Inv, $"            {t}[] output = new {t}[{type}.OutputCount];\n");
            s.Append(Inv, $"            {t}[] again = new {t}[{type}.OutputCount];\n");
            s.Append(Inv, $"            {t}[] outputs = new {t}[2 * {type}.OutputCount];\n");
            s.Append(Inv, $"            {t}[] gradient = new {t}[{type}.ParameterCount];\n");
            s.Append("            net.Forward(input, output);\n");
            s.Append("            net.Forward(input, again);\n");
            s.Append("            net.ForwardBatch(inputs, outputs);\n");
            s.Append(Inv, $"            {t} loss = net.ComputeLoss(input, target);\n");
            s.Append(Inv, $"            {t} gradientLoss = net.Gradient(input, target, gradient);\n");
            s.Append(Inv, $"            {t}[] before = net.Parameters.ToArray();\n");
            s.Append(Inv, $"            {t} trainLoss = net.Train(input, target, {Number(t, LearningRate)});\n");
            s.Append(Inv, $"            {t}[] trained = net.Parameters.ToArray();\n");
            s.Append(Inv, $"            {t} after = net.ComputeLoss(input, target);\n");
            s.Append(Inv, $"            {t} batchLoss = net.TrainBatch(inputs, targets, {Number(t, LearningRate)});\n");
            s.Append(Inv, $"            var result = new System.Collections.Generic.List<double> {{ {type}.InputCount, {type}.OutputCount, {type}.ParameterCount, net.Parameters.Length, loss, gradientLoss, trainLoss, after, batchLoss }};\n");
            foreach (string array in new[] { "output", "again", "outputs", "gradient", "before", "trained" })
            {
                s.Append(Inv, $"            Values.Add(result, {array});\n");
            }

            s.Append("            return result.ToArray();\n        }\n    }\n");
        }

        s.Append("}\n");
        return s.ToString();
    }

    private static string Number(string type, double value) =>
        value.ToString("0.###", Inv) + (type == "double" ? "d" : "f");

    private static string Literal(string type, IEnumerable<double> values) =>
        $"new {type}[] {{ {string.Join(", ", values.Select(v => Number(type, v)))} }}";

    /// <summary>The inputs and targets of a network's run, from its declaration's seed.</summary>
    private sealed class Data
    {
        public Data(Shape shape, int seed)
        {
            var random = new Random(seed);
            double Value() => random.Next(-1000, 1001) / 1000.0;
            double[] Row(int n) => Enumerable.Range(0, n).Select(_ => Value()).ToArray();
            double[] MakeTarget()
            {
                if (shape.Loss == 2 && shape.LastActivation == 5)
                {
                    int hot = random.Next(shape.Outputs);
                    return Enumerable.Range(0, shape.Outputs).Select(k => k == hot ? 1.0 : 0.0).ToArray();
                }

                if (shape.Loss == 2)
                {
                    return Enumerable.Range(0, shape.Outputs).Select(_ => (double)random.Next(2)).ToArray();
                }

                return Row(shape.Outputs);
            }

            Input = Row(shape.Inputs);
            Input2 = Row(shape.Inputs);
            Target = MakeTarget();
            Target2 = MakeTarget();
        }

        public double[] Input { get; }
        public double[] Input2 { get; }
        public double[] Target { get; }
        public double[] Target2 { get; }
    }

    private static void RunNetworks(List<Rendered> files, byte[] image, Tally tally, List<string> failures)
    {
        var context = new AssemblyLoadContext("PropertyTests", isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromStream(new MemoryStream(image));
            foreach (Rendered file in files.Where(f => f.Verdict.Valid))
            {
                MethodInfo method = assembly.GetType($"PropertyDrivers.D{file.Index}", throwOnError: true)!
                    .GetMethod("Run", BindingFlags.NonPublic | BindingFlags.Static)!;
                double[] values;
                try
                {
                    values = tally.Time("run", () => (double[])method.Invoke(null, null)!);
                }
                catch (TargetInvocationException e)
                {
                    failures.Add($"{file.Path}: running the network threw {e.InnerException}\n--- declaration:\n{file.Source}");
                    continue;
                }

                tally.Ran++;
                string? problem = CheckRun(file.Verdict.Shape!, values);
                if (problem is not null)
                {
                    failures.Add($"{file.Path}: {problem}\n--- declaration:\n{file.Source}");
                }
            }
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Checks one run's values (layout: see <see cref="Drivers"/>); returns what is wrong, or null.</summary>
    private static string? CheckRun(Shape shape, double[] values)
    {
        int o = shape.Outputs;
        int p = (int)shape.ParameterCount;
        bool single = shape.Precision == 0;
        if (values.Length != Header + (4 * o) + (3 * p))
        {
            return $"expected {Header + (4 * o) + (3 * p)} values (OutputCount {o}, ParameterCount {p}), got {values.Length}";
        }

        if (values[0] != shape.Inputs || values[1] != o || values[2] != p || values[3] != p)
        {
            return $"sizes: expected InputCount {shape.Inputs}, OutputCount {o}, ParameterCount and Parameters.Length {p}; got {values[0]}, {values[1]}, {values[2]}, {values[3]}";
        }

        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
        {
            return $"value {bad} is not finite: {values[bad]} ({string.Join(", ", values.Take(Header + o))})";
        }

        ArraySegment<double> output = new(values, Header, o);
        ArraySegment<double> again = new(values, Header + o, o);
        ArraySegment<double> batch = new(values, Header + (2 * o), 2 * o);
        ArraySegment<double> gradient = new(values, Header + (4 * o), p);
        ArraySegment<double> before = new(values, Header + (4 * o) + p, p);
        ArraySegment<double> trained = new(values, Header + (4 * o) + (2 * p), p);
        double tolerance = single ? 1e-4 : 1e-9;
        bool Close(double a, double b, double scale) => Math.Abs(a - b) <= tolerance * (1 + scale);

        if (!output.SequenceEqual(again))
        {
            return $"Forward is not deterministic: [{string.Join(", ", output)}] then [{string.Join(", ", again)}]";
        }

        for (int k = 0; k < o; k++)
        {
            if (!Close(batch[k], output[k], Math.Abs(output[k])))
            {
                return $"ForwardBatch row 0 differs from Forward at output {k}: {batch[k]} vs {output[k]}";
            }
        }

        double loss = values[4], gradientLoss = values[5], trainLoss = values[6], batchLoss = values[8];
        if (loss < 0 || batchLoss < 0)
        {
            return $"negative loss: ComputeLoss {loss}, TrainBatch {batchLoss}";
        }

        if (!Close(gradientLoss, loss, loss) || !Close(trainLoss, loss, loss))
        {
            return $"the losses of ComputeLoss ({loss}), Gradient ({gradientLoss}) and Train ({trainLoss}) differ";
        }

        switch (shape.LastActivation)
        {
            case 5 when output.Any(y => y < 0 || y > 1) || Math.Abs(output.Sum() - 1) > tolerance * o:
                return $"Softmax outputs are not a distribution: [{string.Join(", ", output)}]";
            case 1 when output.Any(y => y < 0 || y > 1):
                return $"Sigmoid outputs outside [0, 1]: [{string.Join(", ", output)}]";
            case 2 when output.Any(y => y < -1 || y > 1):
                return $"Tanh outputs outside [-1, 1]: [{string.Join(", ", output)}]";
            case 3 when output.Any(y => y < 0):
                return $"negative ReLU outputs: [{string.Join(", ", output)}]";
        }

        if (before.All(v => v == 0))
        {
            return "the parameters of a new instance are all zero (not initialized)";
        }

        for (int i = 0; i < p; i++)
        {
            double expected = before[i] - (LearningRate * gradient[i]);
            if (!Close(trained[i], expected, Math.Abs(before[i]) + Math.Abs(LearningRate * gradient[i])))
            {
                return $"Train is not one gradient-descent step: parameter {i} was {before[i]}, gradient {gradient[i]}, expected {expected}, got {trained[i]}";
            }
        }

        return null;
    }

    // ------------------------------------------------------------------------------------------------
    // The model of a declaration, its rendering as C#, and the oracle.
    // ------------------------------------------------------------------------------------------------

    /// <summary>An attribute argument as written, with its value, or null when it does not compile where it is used.</summary>
    private sealed record Expr(string Text, int? Value)
    {
        public bool Compiles => Value is not null;

        public override string ToString() => Text;
    }

    private sealed record EnumInfo(string Name, string[] Members, string Foreign);

    private static class Enums
    {
        public static readonly EnumInfo Activation = new("Activation", new[] { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax" }, "Loss.CrossEntropy");
        public static readonly EnumInfo Loss = new("Loss", new[] { "HalfSquaredError", "MeanSquaredError", "CrossEntropy" }, "Precision.Double");
        public static readonly EnumInfo Precision = new("Precision", new[] { "Single", "Double" }, "Activation.Tanh");
    }

    /// <summary>How the constructor arguments of a [Dense] are written.</summary>
    private enum Arrangement
    {
        Positional,
        Named,
        NamedSwapped,
        NamedThenPositional,
        PositionalThenNamed,

        /// <summary>activation: a, u (CS8323: a named argument out of position followed by a positional one).</summary>
        OutOfPosition,

        /// <summary>Bias = b before the constructor arguments (CS1016).</summary>
        PropertyFirst,
    }

    private sealed record DenseModel(string Name, bool NameKnown, Expr? Units, Expr? Activation, Expr? Bias, Expr? SecondBias, bool UnknownProperty, Arrangement Arrangement, bool EmptyParentheses)
    {
        public int UnitsValue => Units?.Value ?? 0;

        public int ActivationValue => Activation?.Value ?? 0;

        public bool HasBias => (Bias?.Value ?? 1) != 0;

        private List<string> ConstructorArguments()
        {
            var list = new List<string>();
            string? u = Units?.Text, a = Activation?.Text;
            if (u is null)
            {
                if (a is not null)
                {
                    list.Add("activation: " + a);
                }

                return list;
            }

            switch (Arrangement)
            {
                case Arrangement.Named:
                    list.Add("units: " + u);
                    if (a is not null)
                    {
                        list.Add("activation: " + a);
                    }

                    break;
                case Arrangement.NamedSwapped when a is not null:
                    list.Add("activation: " + a);
                    list.Add("units: " + u);
                    break;
                case Arrangement.NamedThenPositional:
                    list.Add("units: " + u);
                    if (a is not null)
                    {
                        list.Add(a);
                    }

                    break;
                case Arrangement.PositionalThenNamed:
                    list.Add(u);
                    if (a is not null)
                    {
                        list.Add("activation: " + a);
                    }

                    break;
                case Arrangement.OutOfPosition when a is not null:
                    list.Add("activation: " + a);
                    list.Add(u);
                    break;
                default:
                    list.Add(u);
                    if (a is not null)
                    {
                        list.Add(a);
                    }

                    break;
            }

            return list;
        }

        private List<string> Properties()
        {
            var list = new List<string>();
            if (Bias is not null)
            {
                list.Add("Bias = " + Bias.Text);
            }

            if (SecondBias is not null)
            {
                list.Add("Bias = " + SecondBias.Text);
            }

            if (UnknownProperty)
            {
                list.Add("Bais = true");
            }

            return list;
        }

        private bool PropertyBeforeArgument => Arrangement == Arrangement.PropertyFirst && Properties().Count > 0 && ConstructorArguments().Count > 0;

        public string Render()
        {
            List<string> arguments = PropertyBeforeArgument ? Properties().Concat(ConstructorArguments()).ToList() : ConstructorArguments().Concat(Properties()).ToList();
            return arguments.Count == 0 ? (EmptyParentheses ? Name + "()" : Name) : $"{Name}({string.Join(", ", arguments)})";
        }

        public bool Compiles =>
            NameKnown
            && Units is { Compiles: true }
            && Activation?.Compiles != false
            && Bias?.Compiles != false
            && SecondBias is null
            && !UnknownProperty
            && !(Arrangement == Arrangement.OutOfPosition && Activation is not null)
            && !PropertyBeforeArgument;
    }

    private sealed record NetworkModel(string Name, bool NameKnown, Expr? Inputs, bool InputsNamed, (string Key, Expr Value)[] Properties, bool PropertyFirst, bool EmptyParentheses)
    {
        public static readonly NetworkModel Simple = new("Network", true, new Expr("2", 2), false, Array.Empty<(string, Expr)>(), false, false);

        private static readonly string[] Known = { "Loss", "Precision", "UnrollLimit" };

        public int InputsValue => Inputs?.Value ?? 0;

        public int Property(string key, int fallback) => Properties.FirstOrDefault(p => p.Key == key).Value?.Value ?? fallback;

        private bool PropertyBeforeArgument => PropertyFirst && Properties.Length > 0 && Inputs is not null;

        public string Render()
        {
            var arguments = new List<string>();
            if (Inputs is not null)
            {
                arguments.Add((InputsNamed ? "inputs: " : "") + Inputs.Text);
            }

            IEnumerable<string> properties = Properties.Select(p => $"{p.Key} = {p.Value.Text}");
            arguments = PropertyBeforeArgument ? properties.Concat(arguments).ToList() : arguments.Concat(properties).ToList();
            return arguments.Count == 0 ? (EmptyParentheses ? Name + "()" : Name) : $"{Name}({string.Join(", ", arguments)})";
        }

        public bool Compiles =>
            NameKnown
            && Inputs is { Compiles: true }
            && Properties.All(p => p.Value.Compiles && Known.Contains(p.Key))
            && Properties.Select(p => p.Key).Distinct().Count() == Properties.Length
            && !PropertyBeforeArgument;
    }

    private sealed record Container(string Keyword, bool Partial, bool Generic, string Access);

    private enum Member
    {
        None,
        DefaultConstructor,
        IntConstructor,
        Helper,
        ForwardOverload,
        InitializeOverload,
        ConflictingProperty,
        ConflictingForwardFloat,
        ConflictingForwardDouble,
        ConflictingInitialize,
    }

    private enum SecondPart
    {
        None,
        Empty,
        WithDense,
        WithNetwork,
    }

    private enum Corruption
    {
        None,
        DropCloseParenthesis,
        ExtraCloseParenthesis,
        ExtraOpenParenthesis,
        StrayComma,
        DropCloseBracket,
        DropOpenBracket,
        Garbage,
        MissingComma,
        EmptyList,
    }

    private enum NamespaceKind
    {
        Global,
        Block,
        FileScoped,
        Dotted,
    }

    private sealed record TypeModel(
        NamespaceKind Namespace,
        Container[] Containers,
        string Kind,
        string Access,
        string Modifier,
        bool Partial,
        bool Generic,
        string? SpecialName,
        Member Member,
        SecondPart Second);

    /// <summary>One random declaration: the type, its attributes (in source order) and how they are written.</summary>
    private sealed record Declaration(
        TypeModel Type,
        NetworkModel[] Networks,
        int[] NetworkPositions,
        DenseModel[] Layers,
        bool[] ListBreaks,
        bool TrailingComma,
        bool TypeTarget,
        Corruption Corruption,
        int CorruptedList,
        int Garbage,
        int DataSeed)
    {
        private Verdict? verdict;

        public Verdict Judge() => verdict ??= Oracle.Judge(this);

        /// <summary>The attributes of the main declaration in source order.</summary>
        public List<string> Attributes()
        {
            var items = Layers.Select(l => l.Render()).ToList();
            for (int n = 0; n < Networks.Length; n++)
            {
                items.Insert(Math.Min(NetworkPositions[n], items.Count), Networks[n].Render());
            }

            return items;
        }
    }

    /// <summary>What a declaration must give. <see cref="Ids"/> (sorted) only when there is no C# error.</summary>
    private sealed record Verdict(bool CompileError, string[] Ids, Shape? Shape)
    {
        public bool Valid => !CompileError && Ids.Length == 0 && Shape is not null;

        public override string ToString() =>
            Valid ? "valid" : CompileError ? "a C# error" : $"rejected with [{string.Join(", ", Ids)}]";
    }

    /// <summary>The network a valid declaration describes.</summary>
    private sealed record Shape(int Inputs, int Outputs, long ParameterCount, int Loss, int Precision, int LastActivation, int Layers, int MaxUnits)
    {
        /// <summary>Larger than the networks the run property compiles and runs.</summary>
        public bool BeyondRunCaps => Inputs > 40 || MaxUnits > 40 || Layers > 5;
    }

    /// <summary>
    /// The independent oracle: what the C# compiler and NetCompiler must say about a declaration,
    /// from API.md, the diagnostics table and the documented limits.
    /// </summary>
    private static class Oracle
    {
        // Limits documented in the README and the diagnostics (NC0014, NC0017).
        private const int MaxUnrollLimit = 1024;
        private const long MaxParameters = 1 << 24;
        private const long MaxTotalUnits = 16384;
        private const int MaxLayers = 256;

        /// <summary>Names of generated members (API.md) used as a type name: always a conflict (NC0013).</summary>
        public static readonly string[] GeneratedNames = { "InputCount", "OutputCount", "Parameters", "Forward", "Train", "ComputeLoss" };

        public static Verdict Judge(Declaration d)
        {
            TypeModel type = d.Type;
            int networks = d.Networks.Length + (type.Second == SecondPart.WithNetwork ? 1 : 0);
            int denseParts = (d.Layers.Length > 0 ? 1 : 0) + (type.Second == SecondPart.WithDense ? 1 : 0);

            bool error =
                d.Corruption != Corruption.None
                || d.Networks.Any(n => !n.Compiles)
                || d.Layers.Any(l => !l.Compiles)
                || networks > 1                                                           // CS0579: AllowMultiple = false
                || (type.Kind == "struct" && (networks > 0 || denseParts > 0))            // CS0592: classes only
                || (type.Kind == "struct" && type.Modifier != "")                         // CS0106
                || (type.Kind == "record" && type.Modifier == "static")                   // CS0106
                || (type.Modifier == "static" && type.Member != Member.None)              // CS0708/CS0710: instance member in a static class
                || (!type.Partial && type.Second != SecondPart.None)                      // CS0260
                || (type.SpecialName is not null && type.SpecialName == MemberName(type.Member)); // CS0542: a member named like its type
            if (error)
            {
                return new Verdict(true, Array.Empty<string>(), null);
            }

            var ids = new List<string>();
            if (networks == 0)
            {
                // NC0015, once per declaration that has [Dense].
                ids.AddRange(Enumerable.Repeat("NC0015", denseParts));
                return new Verdict(false, Sorted(ids), null);
            }

            NetworkModel network;
            DenseModel[] layers;
            bool split;
            if (d.Networks.Length == 1)
            {
                network = d.Networks[0];
                layers = d.Layers;
                split = type.Second == SecondPart.WithDense;
            }
            else
            {
                network = NetworkModel.Simple;
                layers = Array.Empty<DenseModel>();
                split = d.Layers.Length > 0;
            }

            int inputs = network.InputsValue;
            int loss = network.Property("Loss", 0);
            int precision = network.Property("Precision", 0);
            int unrollLimit = network.Property("UnrollLimit", -1);

            // The type.
            bool unsupported = type.Kind == "record" || type.Modifier == "static" || type.Generic || type.Access == "file" || type.Containers.Any(c => c.Generic);
            if (unsupported)
            {
                ids.Add("NC0010");
            }
            else if (!type.Partial)
            {
                ids.Add("NC0001");
            }

            if (type.Containers.Any(c => !c.Partial))
            {
                ids.Add("NC0011");
            }

            if (split)
            {
                ids.Add("NC0012");
            }

            if (type.SpecialName is not null)
            {
                ids.Add("NC0013");
            }

            bool conflict = type.Member switch
            {
                Member.ConflictingProperty or Member.ConflictingInitialize => true,
                Member.ConflictingForwardFloat => precision != 1,
                Member.ConflictingForwardDouble => precision == 1,
                _ => false,
            };
            if (conflict)
            {
                ids.Add("NC0013");
            }

            // [Network] arguments.
            if (inputs < 1)
            {
                ids.Add("NC0003");
            }

            if (loss is < 0 or > 2)
            {
                ids.Add("NC0006");
            }

            if (precision is < 0 or > 1)
            {
                ids.Add("NC0007");
            }

            if (unrollLimit > MaxUnrollLimit)
            {
                ids.Add("NC0017");
            }

            // Layers.
            if (layers.Length == 0)
            {
                ids.Add("NC0002");
            }

            for (int l = 0; l < layers.Length; l++)
            {
                if (layers[l].UnitsValue < 1)
                {
                    ids.Add("NC0004");
                }

                int activation = layers[l].ActivationValue;
                if (activation is < 0 or > 5)
                {
                    ids.Add("NC0005");
                }
                else if (activation == 5 && l != layers.Length - 1)
                {
                    ids.Add("NC0008");
                }
            }

            if (loss == 2 && layers.Length > 0 && layers[^1].ActivationValue is not (1 or 5))
            {
                ids.Add("NC0009");
            }

            if (ids.Count > 0)
            {
                return new Verdict(false, Sorted(ids), null);
            }

            // Size limits, only for an otherwise valid declaration.
            long parameters = 0, units = 0, fanIn = inputs;
            bool tooLarge = layers.Length > MaxLayers;
            foreach (DenseModel layer in layers)
            {
                parameters += (layer.UnitsValue * fanIn) + (layer.HasBias ? layer.UnitsValue : 0);
                units += layer.UnitsValue;
                fanIn = layer.UnitsValue;
                tooLarge |= parameters > MaxParameters || units > MaxTotalUnits;
            }

            if (tooLarge)
            {
                return new Verdict(false, new[] { "NC0014" }, null);
            }

            return new Verdict(false, Array.Empty<string>(), new Shape(inputs, layers[^1].UnitsValue, parameters, loss, precision, layers[^1].ActivationValue, layers.Length, layers.Max(l => l.UnitsValue)));
        }

        private static string? MemberName(Member member) => member switch
        {
            Member.ForwardOverload or Member.ConflictingForwardFloat or Member.ConflictingForwardDouble => "Forward",
            Member.InitializeOverload or Member.ConflictingInitialize => "InitializeParameters",
            Member.ConflictingProperty => "InputCount",
            Member.Helper => "Helper",
            Member.IntConstructor => "Size",
            _ => null,
        };

        private static string[] Sorted(List<string> ids) => ids.OrderBy(id => id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>A declaration written out as one source file, with the names the generator derives from it.</summary>
    private sealed class Rendered
    {
        public Rendered(Declaration declaration, int index)
        {
            Declaration = declaration;
            Index = index;
            Verdict = declaration.Judge();
            TypeModel type = declaration.Type;
            TypeName = type.SpecialName ?? $"N{index}";
            Path = $"Declaration{index}.cs";

            string? ns = type.Namespace switch
            {
                NamespaceKind.Global => null,
                NamespaceKind.Dotted => $"P{index}.Inner",
                _ => $"P{index}",
            };
            var containerNames = type.Containers.Select((_, k) => $"O{index}{(char)('a' + k)}").ToList();
            FullName = string.Join(".", new[] { ns }.Concat(containerNames).Append(TypeName).OfType<string>());
            HintName = HintNameOf(FullName);
            Source = Render(declaration, index, ns, containerNames);
        }

        public Declaration Declaration { get; }

        public int Index { get; }

        public Verdict Verdict { get; }

        public string TypeName { get; }

        public string FullName { get; }

        /// <summary>
        /// The generator's file name rule: the full name, plus (unless it is all lower case) an FNV-1a hash of
        /// its exact spelling, since Roslyn compares hint names without regard to case.
        /// </summary>
        private static string HintNameOf(string fullName)
        {
            if (fullName == fullName.ToLowerInvariant())
            {
                return fullName + ".g.cs";
            }

            uint hash = 2166136261;
            foreach (char c in fullName)
            {
                hash = unchecked((hash ^ c) * 16777619);
            }

            return fullName + "." + hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
        }

        public string HintName { get; }

        public string Path { get; }

        public string Source { get; }

        private string Render(Declaration d, int index, string? ns, List<string> containerNames)
        {
            TypeModel type = d.Type;
            var s = new StringBuilder("using NetCompiler;\nusing N = NetCompiler;\n\n");
            int depth = 0;
            string Indent() => new(' ', 4 * depth);
            switch (type.Namespace)
            {
                case NamespaceKind.FileScoped:
                    s.Append(Inv, $"namespace {ns};\n\n");
                    break;
                case NamespaceKind.Block or NamespaceKind.Dotted:
                    s.Append(Inv, $"namespace {ns}\n{{\n");
                    depth++;
                    break;
            }

            for (int k = 0; k < type.Containers.Length; k++)
            {
                Container c = type.Containers[k];
                string keyword = c.Keyword == "static class" ? "static " + (c.Partial ? "partial " : "") + "class" : (c.Partial ? "partial " : "") + c.Keyword;
                s.Append(Inv, $"{Indent()}/// <summary>Container {k}.</summary>\n");
                s.Append(Inv, $"{Indent()}{Access(c.Access)}{keyword} {containerNames[k]}{(c.Generic ? $"<T{k}>" : "")}\n{Indent()}{{\n");
                depth++;
            }

            string typeParameters = type.Generic ? "<T>" : "";
            s.Append(Inv, $"{Indent()}/// <summary>Declaration {index}.</summary>\n");
            foreach (string list in AttributeLists(d))
            {
                s.Append(Inv, $"{Indent()}{list}\n");
            }

            string modifiers = Access(type.Access) + (type.Modifier == "" ? "" : type.Modifier + " ") + (type.Partial ? "partial " : "");
            s.Append(Inv, $"{Indent()}{modifiers}{type.Kind} {TypeName}{typeParameters}\n{Indent()}{{\n");
            string member = MemberText(type.Member, TypeName);
            if (member.Length > 0)
            {
                foreach (string line in member.Split('\n'))
                {
                    s.Append(Inv, $"{Indent()}    {line}\n");
                }
            }

            s.Append(Inv, $"{Indent()}}}\n");

            if (type.Second != SecondPart.None)
            {
                string attribute = type.Second switch
                {
                    SecondPart.WithDense => "[Dense(2)]\n",
                    SecondPart.WithNetwork => "[Network(2)]\n",
                    _ => "",
                };
                s.Append('\n');
                if (attribute.Length > 0)
                {
                    s.Append(Inv, $"{Indent()}{attribute}");
                }

                s.Append(Inv, $"{Indent()}{(type.Access == "file" ? "file " : "")}partial {type.Kind} {TypeName}{typeParameters}\n{Indent()}{{\n{Indent()}}}\n");
            }

            while (depth > (type.Namespace is NamespaceKind.Block or NamespaceKind.Dotted ? 1 : 0))
            {
                depth--;
                s.Append(Inv, $"{Indent()}}}\n");
            }

            if (depth == 1)
            {
                s.Append("}\n");
            }

            return s.ToString();
        }

        private static string Access(string access) => access.Length == 0 ? "" : access + " ";

        private static List<string> AttributeLists(Declaration d)
        {
            List<string> items = d.Attributes();
            var lists = new List<List<string>>();
            var current = new List<string>();
            for (int i = 0; i < items.Count; i++)
            {
                current.Add(items[i]);
                if (i == items.Count - 1 || d.ListBreaks[i % d.ListBreaks.Length])
                {
                    lists.Add(current);
                    current = new List<string>();
                }
            }

            var texts = new List<string>();
            for (int k = 0; k < lists.Count; k++)
            {
                bool corrupt = d.Corruption != Corruption.None && k == d.CorruptedList % lists.Count;
                string separator = corrupt && d.Corruption == Corruption.MissingComma && lists[k].Count > 1 ? " " : ", ";
                string body = string.Join(separator, lists[k]);
                if (corrupt && d.Corruption == Corruption.MissingComma && lists[k].Count == 1)
                {
                    body += " Dense(1)";
                }

                string text = "[" + (d.TypeTarget && k == lists.Count - 1 ? "type: " : "") + body + (d.TrailingComma && k == 0 ? "," : "") + "]";
                texts.Add(corrupt ? Corrupt(text, d.Corruption, d.Garbage) : text);
            }

            return texts;
        }

        private static string Corrupt(string list, Corruption corruption, int garbage)
        {
            int open = list.IndexOf('(', StringComparison.Ordinal);
            int close = list.LastIndexOf(')');
            string[] junk = { "`", "\\", "?!", ";", "}" };
            return corruption switch
            {
                Corruption.DropCloseParenthesis when close >= 0 => list.Remove(close, 1),
                Corruption.DropCloseParenthesis => list[..^1],
                Corruption.ExtraCloseParenthesis => list[..^1] + ")]",
                Corruption.ExtraOpenParenthesis when open >= 0 => list.Insert(open, "("),
                Corruption.ExtraOpenParenthesis => list[..^1] + "(]",
                Corruption.StrayComma when open >= 0 => list.Insert(open + 1, ","),
                Corruption.StrayComma => list.Insert(1, ","),
                Corruption.DropCloseBracket => list[..^1],
                Corruption.DropOpenBracket => list[1..],
                Corruption.Garbage => list.Insert(open >= 0 ? open + 1 : 1, junk[garbage % junk.Length] + " "),
                Corruption.EmptyList => "[] " + list,
                _ => list,
            };
        }

        private static string MemberText(Member member, string name) => member switch
        {
            Member.DefaultConstructor => $"/// <summary>Creates it.</summary>\npublic {name}()\n{{\n}}",
            Member.IntConstructor => $"/// <summary>Creates it.</summary>\n/// <param name=\"size\">A size.</param>\npublic {name}(int size)\n{{\n    Size = size;\n}}\n\n/// <summary>A size.</summary>\npublic int Size {{ get; }}",
            Member.Helper => "/// <summary>A helper.</summary>\n/// <returns>One.</returns>\npublic int Helper() => 1;",
            Member.ForwardOverload => "/// <summary>Not a generated overload.</summary>\n/// <param name=\"x\">A value.</param>\n/// <returns>The value.</returns>\npublic int Forward(int x) => x;",
            Member.InitializeOverload => "/// <summary>Not a generated overload.</summary>\n/// <param name=\"seed\">A seed.</param>\npublic void InitializeParameters(long seed)\n{\n}",
            Member.ConflictingProperty => "/// <summary>Clashes.</summary>\npublic int InputCount => 0;",
            Member.ConflictingForwardFloat => "/// <summary>Clashes in single precision.</summary>\n/// <param name=\"input\">In.</param>\n/// <param name=\"output\">Out.</param>\npublic void Forward(System.ReadOnlySpan<float> input, System.Span<float> output)\n{\n}",
            Member.ConflictingForwardDouble => "/// <summary>Clashes in double precision.</summary>\n/// <param name=\"input\">In.</param>\n/// <param name=\"output\">Out.</param>\npublic void Forward(System.ReadOnlySpan<double> input, System.Span<double> output)\n{\n}",
            Member.ConflictingInitialize => "/// <summary>Clashes.</summary>\n/// <param name=\"seed\">A seed.</param>\npublic void InitializeParameters(int seed)\n{\n}",
            _ => "",
        };
    }

    // ------------------------------------------------------------------------------------------------
    // CsCheck generators.
    // ------------------------------------------------------------------------------------------------

    private static class Generators
    {
        /// <summary>Declarations of every kind; the wilder the level, the more arguments and features go wrong.</summary>
        public static readonly Gen<Declaration> AnyDeclaration = Weighted(
            (20, Declaration(0, runnable: false)),
            (25, Declaration(2, runnable: false)),
            (30, Declaration(6, runnable: false)),
            (25, Declaration(25, runnable: false)));

        /// <summary>Small valid declarations whose networks can be instantiated and run.</summary>
        public static readonly Gen<Declaration> RunnableDeclaration = Declaration(0, runnable: true);

        /// <summary>One of several generators, with weights.</summary>
        private static Gen<T> Weighted<T>(params (int Weight, Gen<T> Gen)[] choices) =>
            Gen.Frequency<T>(choices.Select(c => (c.Weight, (IGen<T>)c.Gen)).ToArray());

        /// <summary>One of several generators, equally likely.</summary>
        private static Gen<T> Any<T>(params Gen<T>[] choices) =>
            Gen.OneOf<T>(choices.Select(c => (IGen<T>)c).ToArray());

        /// <summary>
        /// A wild choice with probability <paramref name="wild"/> percent: every feature that makes a
        /// declaration invalid is drawn through this, so level 0 only gives supported declarations.
        /// </summary>
        private static Gen<T> Either<T>(int wild, Gen<T> nice, Gen<T> broken) =>
            wild == 0 ? nice : Weighted((100 - wild, nice), (wild, broken));

        private static string Lit(int n) => n.ToString(Inv);

        // Sizes.
        private static readonly Gen<int> SmallCount = Weighted((6, Gen.Int[1, 4]), (3, Gen.Int[5, 16]), (1, Gen.Int[17, 40]));
        private static readonly Gen<int> TinyCount = Gen.Int[1, 3];

        private static readonly Gen<int> HugeCount = Weighted(
            (3, Gen.Int[41, 300]),
            (2, Gen.Int[301, 5000]),
            (2, Gen.Int[5001, 16384]),
            (2, Gen.Int[16385, 100_000]),
            (1, Gen.Int[100_001, int.MaxValue - 1]),
            (2, Gen.Const(int.MaxValue)));

        private static readonly Gen<int> NonPositive = Weighted(
            (4, Gen.Const(0)),
            (3, Gen.Int[-10, -1]),
            (1, Gen.Int[int.MinValue + 1, -11]),
            (1, Gen.Const(int.MinValue)));

        private static Gen<int> Count(int wild, bool runnable) =>
            runnable ? SmallCount : Either(wild * 2, Weighted((95, SmallCount), (5, HugeCount)), Any(NonPositive, HugeCount));

        private static Gen<int> LayerCount(int wild, bool runnable) =>
            runnable
                ? Weighted((5, Gen.Int[1, 2]), (4, Gen.Int[3, 4]), (2, Gen.Const(5)))
                : Either(
                    wild,
                    Weighted((120, Gen.Int[1, 3]), (60, Gen.Int[4, 6]), (16, Gen.Int[7, 12]), (1, Gen.Int[255, 256])),
                    Weighted((4, Gen.Const(0)), (1, Gen.Int[257, 270])));

        // Argument expressions.
        private static Gen<Expr> IntForms(int n)
        {
            var forms = new List<Expr> { new(Lit(n), n), new(Lit(n), n), new(Lit(n), n), new($"({Lit(n / 2)} + {Lit(n - (n / 2))})", n) };
            if (n >= 0)
            {
                forms.Add(new("0x" + n.ToString("X", Inv), n));
            }

            if (n == int.MaxValue)
            {
                forms.Add(new("int.MaxValue", n));
            }

            if (n == int.MinValue)
            {
                forms.Add(new("int.MinValue", n));
                forms.Add(new("unchecked(int.MaxValue + 1)", n));
            }

            if (n is >= short.MinValue and <= short.MaxValue)
            {
                forms.Add(new($"(short)({Lit(n)})", n));
            }

            return Gen.OneOf(forms.ToArray());
        }

        private static Gen<Expr> BrokenInt(int n) => Gen.OneOf(
            new Expr($"\"{Lit(n)}\"", null),
            new Expr(Lit(n) + "L", null),
            new Expr(Lit(n) + ".5", null),
            new Expr("null", null),
            new Expr("int.MaxValue + 1", null),
            new Expr("Undefined", null),
            new Expr("true", null));

        private static Gen<Expr> IntExpr(Gen<int> numbers, int wild) =>
            from n in numbers
            from e in Either(wild, IntForms(n), BrokenInt(n))
            select e;

        private static Gen<Expr> EnumForms(EnumInfo e, int v)
        {
            var forms = new List<Expr>();
            if (v >= 0 && v < e.Members.Length)
            {
                string m = e.Members[v];
                forms.AddRange(Enumerable.Repeat(new Expr($"{e.Name}.{m}", v), 6));
                forms.Add(new($"NetCompiler.{e.Name}.{m}", v));
                forms.Add(new($"global::NetCompiler.{e.Name}.{m}", v));
                forms.Add(new($"N.{e.Name}.{m}", v));
            }

            for (int a = 0; a < e.Members.Length; a++)
            {
                for (int b = a + 1; b < e.Members.Length; b++)
                {
                    if ((a | b) == v)
                    {
                        forms.Add(new($"{e.Name}.{e.Members[a]} | {e.Name}.{e.Members[b]}", v));
                    }
                }
            }

            if (v == 0)
            {
                forms.Add(new("0", 0));
                forms.Add(new("default", 0));
                forms.Add(new($"default({e.Name})", 0));
            }

            forms.Add(new(v < 0 ? $"({e.Name})({Lit(v)})" : $"({e.Name}){Lit(v)}", v));
            return Gen.OneOf(forms.ToArray());
        }

        private static Gen<Expr> BrokenEnum(EnumInfo e) => Gen.OneOf(
            new Expr($"({e.Name})-1", null),
            new Expr($"{e.Name}.Bogus", null),
            new Expr("1", null),
            new Expr($"\"{e.Members[0]}\"", null),
            new Expr(e.Foreign, null));

        private static Gen<Expr> EnumExpr(EnumInfo e, int value, int wild) => Either(wild, EnumForms(e, value), BrokenEnum(e));

        private static readonly Gen<int> UndefinedActivation = Gen.OneOf(6, 7, 99, -1, int.MaxValue, int.MinValue);

        private static Gen<int> ActivationValue(int wild, bool last, int loss) =>
            Either(
                wild,
                last ? (loss == 2 ? Gen.OneOf(1, 5) : Gen.Int[0, 5]) : Gen.Int[0, 4],
                Any(Gen.Const(5), Gen.Int[0, 5], UndefinedActivation));

        private static Gen<Expr> BoolExpr(int wild) =>
            Either(
                wild,
                Gen.OneOf(new Expr("true", 1), new Expr("false", 0), new Expr("false", 0), new Expr("!true", 0), new Expr("!false", 1), new Expr("default", 0)),
                Gen.OneOf(new Expr("1", null), new Expr("\"true\"", null), new Expr("null", null)));

        private static Gen<(string Name, bool Known)> AttributeName(string name, int wild) =>
            Either(
                wild,
                Gen.OneOf((name, true), (name, true), (name, true), (name + "Attribute", true), ("NetCompiler." + name, true), ("global::NetCompiler." + name + "Attribute", true), ("N." + name, true)),
                Gen.Const((name.Remove(2, 1), false)));

        private static Gen<DenseModel> Dense(Gen<int> units, int wild, bool last, int loss) =>
            from name in AttributeName("Dense", wild)
            from unitsExpr in IntExpr(units, wild)
            from missingUnits in Either(wild, Gen.Const(false), Gen.Bool)
            from activation in ActivationValue(wild, last, loss)
            from activationExpr in EnumExpr(Enums.Activation, activation, wild)
            from omitActivation in Gen.Bool
            from bias in Weighted((2, BoolExpr(wild).Select(b => (Expr?)b)), (3, Gen.Const((Expr?)null)))
            from secondBias in Either(wild, Gen.Const((Expr?)null), BoolExpr(0).Select(b => (Expr?)b))
            from unknown in Either(wild, Gen.Const(false), Gen.Bool)
            from arrangement in Either(
                wild,
                Gen.OneOf(Arrangement.Positional, Arrangement.Positional, Arrangement.Positional, Arrangement.Named, Arrangement.NamedSwapped, Arrangement.NamedThenPositional, Arrangement.PositionalThenNamed),
                Gen.OneOf(Arrangement.OutOfPosition, Arrangement.PropertyFirst))
            from emptyParentheses in Gen.Bool
            select new DenseModel(
                name.Name,
                name.Known,
                missingUnits ? null : unitsExpr,
                activationExpr.Value == 0 && omitActivation ? null : activationExpr,
                bias,
                bias is null ? null : secondBias,
                unknown,
                arrangement,
                emptyParentheses);

        private static Gen<NetworkModel> Network(Gen<int> inputs, int loss, int wild, bool runnable) =>
            from name in AttributeName("Network", wild)
            from inputsExpr in IntExpr(inputs, wild)
            from missingInputs in Either(wild, Gen.Const(false), Gen.Bool)
            from inputsNamed in Weighted((4, Gen.Const(false)), (1, Gen.Const(true)))
            from lossExpr in EnumExpr(Enums.Loss, loss, wild)
            from precision in Either(wild, Gen.Int[0, 1], Gen.OneOf(2, 7, -1, int.MaxValue))
            from precisionExpr in EnumExpr(Enums.Precision, precision, wild)
            from unrollLimit in Either(
                wild,
                runnable
                    ? Weighted((8, Gen.Const(-1)), (1, Gen.Int[-100, -2]), (3, Gen.Const(0)), (3, Gen.Int[1, 64]), (1, Gen.Int[65, 400]))
                    : Weighted((10, Gen.Const(-1)), (1, Gen.Int[-100, -2]), (1, Gen.Const(int.MinValue)), (3, Gen.Const(0)), (3, Gen.Int[1, 64]), (1, Gen.Int[65, 400]), (1, Any(Gen.Int[401, 1023], Gen.Const(1024)))),
                Any(Gen.Const(1025), Gen.Int[1026, 100_000], Gen.Const(int.MaxValue)))
            from unrollExpr in IntExpr(Gen.Const(unrollLimit), wild)
            from include in Gen.Bool.Array[3]
            from order in Gen.Int[0, 1000].Array[3]
            from extra in Either(wild, Gen.Const(""), Gen.OneOf("Loss", "Inputs", "Los", "UnrollLimit"))
            from propertyFirst in Either(wild, Gen.Const(false), Gen.Bool)
            from emptyParentheses in Gen.Bool
            select new NetworkModel(
                name.Name,
                name.Known,
                missingInputs ? null : inputsExpr,
                inputsNamed,
                new[]
                {
                    (Key: "Loss", Value: lossExpr, Include: include[0] || loss != 0, Order: order[0]),
                    (Key: "Precision", Value: precisionExpr, Include: include[1] || precision != 0, Order: order[1]),
                    (Key: "UnrollLimit", Value: unrollExpr, Include: include[2] || unrollLimit != -1, Order: order[2]),
                    (Key: extra, Value: extra == "UnrollLimit" ? new Expr("3", 3) : lossExpr, Include: extra.Length > 0, Order: 500),
                }.Where(p => p.Include).OrderBy(p => p.Order).Select(p => (p.Key, p.Value)).ToArray(),
                propertyFirst,
                emptyParentheses);

        private static Gen<Container> ContainerGen(int wild, bool runnable) =>
            from keyword in Gen.OneOf("class", "class", "struct", "record", "record struct", "interface", "static class")
            from partial in Either(wild, Gen.Const(true), Gen.Const(false))
            from generic in Either(wild, Gen.Const(false), Gen.Const(true))
            from access in runnable ? Gen.OneOf("public", "internal") : Gen.OneOf("public", "internal", "")
            select new Container(keyword, partial, generic, access);

        private static Gen<TypeModel> TypeGen(int wild, bool runnable) =>
            from ns in Gen.OneOf(NamespaceKind.Global, NamespaceKind.Block, NamespaceKind.Block, NamespaceKind.FileScoped, NamespaceKind.Dotted)
            from containers in ContainerGen(wild, runnable).Array[Weighted((6, Gen.Const(0)), (3, Gen.Const(1)), (1, Gen.Const(2)))]
            from kind in Either(wild, Gen.Const("class"), Gen.OneOf("record", "struct"))
            from access in Either(
                wild,
                containers.Length == 0 ? Gen.OneOf("public", "internal", "")
                    : runnable ? Gen.OneOf("public", "internal")
                    : containers[^1].Keyword is "interface" or "static class" ? Gen.OneOf("public", "internal", "")
                    : Gen.OneOf("public", "internal", "", "private"),
                containers.Length == 0 ? Gen.Const("file") : Gen.OneOf("public", "internal"))
            from modifier in Either(wild, Gen.OneOf("", "", "", "sealed", "abstract"), Gen.Const("static"))
            from partial in Either(wild, Gen.Const(true), Gen.Const(false))
            from generic in Either(wild, Gen.Const(false), Gen.Const(true))
            from special in Either(
                wild,
                Gen.Const((string?)null),
                ns == NamespaceKind.Global && containers.Length == 0 ? Gen.Const((string?)null) : Gen.OneOf(Oracle.GeneratedNames).Select(n => (string?)n))
            from member in Either(
                wild,
                Gen.OneOf(Member.None, Member.None, Member.None, Member.DefaultConstructor, Member.IntConstructor, Member.Helper, Member.ForwardOverload, Member.InitializeOverload, Member.ConflictingForwardFloat, Member.ConflictingForwardDouble),
                Gen.OneOf(Member.ConflictingProperty, Member.ConflictingInitialize, Member.ConflictingForwardFloat, Member.ConflictingForwardDouble))
            from second in Either(wild, Gen.OneOf(SecondPart.None, SecondPart.None, SecondPart.None, SecondPart.Empty), Gen.OneOf(SecondPart.WithDense, SecondPart.WithNetwork))
            select new TypeModel(ns, containers, kind, access, modifier, partial, generic, special, member, second);

        private static Gen<Declaration> Declaration(int wild, bool runnable) =>
            from type in TypeGen(wild, runnable)
            from layerCount in LayerCount(wild, runnable)
            from loss in Either(wild, Gen.Int[0, 2], Gen.OneOf(3, 99, -1, int.MinValue))
            from hidden in Dense(layerCount > 100 ? TinyCount : Count(wild, runnable), wild, last: false, loss).Array[Math.Max(0, layerCount - 1)]
            from last in Dense(Count(wild, runnable), wild, last: true, loss).Array[Math.Min(1, layerCount)]
            from network in Network(Count(wild, runnable), loss, wild, runnable)
            from networkCount in Either(wild, Gen.Const(1), Gen.OneOf(0, 2))
            from positions in Gen.Int[0, layerCount].Array[2]
            from breaks in Gen.Bool.Array[Math.Max(1, layerCount + 1)]
            from trailingComma in Weighted((9, Gen.Const(false)), (1, Gen.Const(true)))
            from typeTarget in Weighted((9, Gen.Const(false)), (1, Gen.Const(true)))
            from corruption in Either(wild, Gen.Const(Corruption.None), Gen.OneOf(Enum.GetValues<Corruption>().Where(c => c != Corruption.None).ToArray()))
            from corruptedList in Gen.Int[0, 100]
            from garbage in Gen.Int[0, 100]
            from dataSeed in Gen.Int
            select new Declaration(
                runnable ? MatchPrecision(type, network.Property("Precision", 0)) : type,
                Enumerable.Repeat(network, networkCount == 0 && layerCount == 0 ? 1 : networkCount).ToArray(),
                positions,
                hidden.Concat(last).ToArray(),
                breaks,
                trailingComma,
                typeTarget,
                corruption,
                corruptedList,
                garbage,
                dataSeed);

        /// <summary>A runnable network keeps its Forward(span, span) overload, but in the other precision (not a conflict).</summary>
        private static TypeModel MatchPrecision(TypeModel type, int precision) => type.Member switch
        {
            Member.ConflictingForwardFloat or Member.ConflictingForwardDouble =>
                type with { Member = precision == 1 ? Member.ConflictingForwardFloat : Member.ConflictingForwardDouble },
            _ => type,
        };
    }

    private sealed class Tally
    {
        public int Declarations { get; private set; }

        public int Valid { get; private set; }

        public int Rejected { get; private set; }

        public int CompileErrors { get; private set; }

        public int Ran { get; set; }

        public int CompiledBeyondRunCaps { get; set; }

        public int GeneratedDespiteCSharpErrors { get; set; }

        public Dictionary<string, int> Ids { get; } = new();

        public Dictionary<string, TimeSpan> Phases { get; } = new();

        public int GeneratedFiles { get; set; }

        public long GeneratedChars { get; set; }

        public T Time<T>(string phase, Func<T> action)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                return action();
            }
            finally
            {
                Phases[phase] = Phases.GetValueOrDefault(phase) + clock.Elapsed;
            }
        }

        public void Count(Verdict verdict)
        {
            Declarations++;
            if (verdict.Valid)
            {
                Valid++;
            }
            else if (verdict.CompileError)
            {
                CompileErrors++;
            }
            else
            {
                Rejected++;
            }
        }

        public string Describe() =>
            $"{Valid} valid, {Rejected} rejected by NetCompiler, {CompileErrors} with C# errors ({GeneratedDespiteCSharpErrors} generated anyway), "
            + $"{Ran} run, {CompiledBeyondRunCaps} compiled beyond the run's caps; diagnostics: "
            + string.Join(", ", Ids.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} x{p.Value}"))
            + $"; {GeneratedFiles} files generated ({GeneratedChars / 1024} KB)"
            + "; time: " + string.Join(", ", Phases.Select(p => $"{p.Key} {p.Value.TotalSeconds:F1} s"));
    }
}
