using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetCompiler.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetCompiler.Generator.Tests.Package;

/// <summary>
/// The generated code as RyuJIT sees it: no generated method of the five peer benchmark networks
/// (tests/NetCompiler.Benchmarks/Peers/PeerNetworks.cs) is too large for the JIT to optimize. Above about 60 KB
/// of IL, 20,000 instructions, 2,000 locals or 2,000 basic blocks the JIT compiles a method with MinOpts (no
/// register allocation across statements, no inlining, no CSE), which makes it several times slower.
/// <para>
/// The Release build of tests/NetCompiler.Benchmarks is (re)built, then run with <c>--peers-exercise</c> (every public
/// method of every peer network, a few times) under <c>DOTNET_TieredCompilation=0</c>, so that every method is
/// compiled once, fully optimized unless the JIT falls back to MinOpts, and <c>DOTNET_JitDisasmSummary=1</c> with
/// <c>DOTNET_JitStdOutFile</c>, so that the JIT writes one line per compiled method, for example
/// <c>   62: JIT compiled NetCompiler.Benchmarks.Peers.PeerIris:__Forward(System.ReadOnlySpan`1[float],System.Span`1[float]) [FullOpts, IL size=1804, code size=3044]</c>
/// or, for a method over the limits, <c>[Tier-0 switched MinOpts, IL size=96008, code size=372604]</c>
/// (.NET 10). The generator's shared runtime helpers (namespace NetCompiler.Generated) that the run compiles are
/// checked as well. The build takes 10 seconds to a few minutes, the runs under a second each.
/// </para>
/// </summary>
public sealed class JitTests
{
    private const string PeerNamespace = "NetCompiler.Benchmarks.Peers.";

    private const string GeneratedNamespace = "NetCompiler.Generated.";

    private static readonly string[] PeerTypes = { "PeerXor", "PeerIris", "PeerDigits", "PeerMnist", "PeerDeep" };

    private static readonly string[] PublicEntryPoints = { "Forward", "ForwardBatch", "ComputeLoss", "Gradient", "Train", "TrainBatch" };

    /// <summary>The benchmarks project, built once for both end-to-end tests below.</summary>
    private static readonly Lazy<ExternalProcess.ProcessResult> Build = new(() => ExternalProcess.RunDotnet(
        ExternalProcess.RepositoryRoot(), TimeSpan.FromMinutes(15), null,
        "build", "tests/NetCompiler.Benchmarks/NetCompiler.Benchmarks.csproj", "-c", "Release",
        "--disable-build-servers", "-p:UseSharedCompilation=false"));

    private static readonly Regex SummaryLine = new(
        @"^\s*\d+: JIT compiled (?<method>.+) \[(?<tier>[^\[\],]+), IL size=(?<il>\d+), code size=(?<code>\d+)[^\]]*\]\s*$",
        RegexOptions.CultureInvariant);

    private readonly ITestOutputHelper output;

    public JitTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    [Trait("Category", "EndToEnd")]
    public void NoGeneratedMethodOfThePeerNetworksIsCompiledWithMinOpts()
    {
        IReadOnlyList<JitCompiled> compiled = RunPeersExercise(extraEnvironment: null);

        List<JitCompiled> peers = compiled.Where(c => PeerTypeOf(c) is not null).ToList();
        foreach (string type in PeerTypes)
        {
            string[] missing = PublicEntryPoints
                .Where(m => !peers.Any(c => PeerTypeOf(c) == type && c.MethodName == m))
                .ToArray();
            Assert.True(
                missing.Length == 0,
                $"The JIT summary lists no compilation of {type}.{string.Join(", " + type + ".", missing)}: the exercise did not call them, or the summary format changed.");
        }

        foreach (JitCompiled c in peers.OrderByDescending(c => c.IlSize).Take(8))
        {
            output.WriteLine($"{c.Method} [{c.Tier}, IL size={c.IlSize}, code size={c.CodeSize}]");
        }

        // The shared runtime helpers the generator adds to the assembly (namespace NetCompiler.Generated), which the
        // peers call, are generated code too.
        List<JitCompiled> checkedMethods = peers.Concat(compiled.Where(c => c.TypeName.StartsWith(GeneratedNamespace, StringComparison.Ordinal))).ToList();
        string[] offending = checkedMethods
            .Where(c => !c.IsFullyOptimized)
            .OrderByDescending(c => c.IlSize)
            .Select(c => $"  {c.Method} [{c.Tier}, IL size={c.IlSize.ToString(CultureInfo.InvariantCulture)}, code size={c.CodeSize.ToString(CultureInfo.InvariantCulture)}]")
            .ToArray();
        Assert.True(
            offending.Length == 0,
            $"{offending.Length} of the {checkedMethods.Count} generated methods of the peer networks (and of NetCompiler.Generated) are not fully optimized by the JIT (MinOpts: a method over ~60 KB IL, 20,000 instructions, 2,000 locals or 2,000 basic blocks):{Environment.NewLine}{string.Join(Environment.NewLine, offending)}");
    }

    /// <summary>
    /// The negative control of the test above, through the same build, run and parser: with <c>DOTNET_JITMinOpts=1</c>
    /// the JIT compiles every method with MinOpts, and the check must see it.
    /// </summary>
    [Fact]
    [Trait("Category", "EndToEnd")]
    public void ForcedMinOptsIsDetected()
    {
        IReadOnlyList<JitCompiled> compiled = RunPeersExercise(new Dictionary<string, string> { ["DOTNET_JITMinOpts"] = "1" });

        List<JitCompiled> peers = compiled.Where(c => PeerTypeOf(c) is not null).ToList();
        Assert.All(PeerTypes, type => Assert.Contains(peers, c => PeerTypeOf(c) == type && c.MethodName == "Train"));
        Assert.All(peers, c => Assert.False(c.IsFullyOptimized, $"{c.Method} [{c.Tier}] counts as optimized under DOTNET_JITMinOpts=1"));
    }

    /// <summary>
    /// The generated code has paths chosen by the JIT for the width of <c>Vector&lt;T&gt;</c> (for example the packed
    /// 8-lane activation of unrolled layers, the vector tails), and this machine runs only one of them by default. The
    /// same build runs <c>--peers-check</c> (Forward on 128 samples, one Train step and one TrainBatch step of 32, each
    /// against the naive and TensorPrimitives references) with <c>Vector&lt;float&gt;</c> at 4, 8 and, where the
    /// processor has 512-bit vectors, 16 lanes (<c>DOTNET_MaxVectorTBitWidth</c>).
    /// </summary>
    [Theory]
    [Trait("Category", "EndToEnd")]
    [InlineData(128)]
    [InlineData(256)]
    [InlineData(512)]
    public void ThePeerNetworksAgreeWithTheReferencesAtEveryVectorWidth(int bits)
    {
        ExternalProcess.ProcessResult build = Build.Value;
        Assert.True(build.ExitCode == 0, "building tests/NetCompiler.Benchmarks failed" + build.Describe());
        string root = ExternalProcess.RepositoryRoot();
        string program = Path.Combine(root, "tests", "NetCompiler.Benchmarks", "bin", "Release", "net10.0", "NetCompiler.Benchmarks.dll");

        var environment = new Dictionary<string, string> { ["DOTNET_MaxVectorTBitWidth"] = bits.ToString(CultureInfo.InvariantCulture) };
        ExternalProcess.ProcessResult run = ExternalProcess.RunDotnet(root, TimeSpan.FromMinutes(2), environment, program, "--peers-check");
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, $"--peers-check at {bits}-bit Vector<T> failed" + run.Describe());

        // The width must have taken effect (the run prints it): 4 lanes at 128 bits; at most bits / 32 lanes otherwise (the
        // processor, or the runtime's preference on processors that slow down with 512-bit vectors, may give fewer).
        Match printed = Regex.Match(run.Output, @"Vector<float>\.Count = (?<lanes>\d+)");
        Assert.True(printed.Success, "--peers-check did not print the vector width" + run.Describe());
        int lanes = int.Parse(printed.Groups["lanes"].Value, CultureInfo.InvariantCulture);
        Assert.True(bits == 128 ? lanes == 4 : lanes <= bits / 32 && lanes >= 4, $"{lanes} lanes under DOTNET_MaxVectorTBitWidth={bits}");
    }

    /// <summary>
    /// The convolution and pooling code has a 512-bit path (where <c>Vector512.IsHardwareAccelerated</c>) and a
    /// <c>Vector&lt;T&gt;</c> path, and a machine runs only one of them by default. The same build runs <c>--conv-check</c>
    /// (the three benchmark networks' Forward, Train and TrainBatch against a naive and a TensorPrimitives convolution)
    /// as the machine has it, with AVX-512 turned off (<c>DOTNET_EnableAVX512F=0</c>: Vector&lt;T&gt; of 256 bits), and
    /// with <c>Vector&lt;T&gt;</c> at 128 bits as well.
    /// </summary>
    [Theory]
    [Trait("Category", "EndToEnd")]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("0", 128)]
    public void TheConvolutionalNetworksAgreeWithTheReferencesOnEveryPath(string? avx512, int? bits)
    {
        ExternalProcess.ProcessResult build = Build.Value;
        Assert.True(build.ExitCode == 0, "building tests/NetCompiler.Benchmarks failed" + build.Describe());
        string root = ExternalProcess.RepositoryRoot();
        string program = Path.Combine(root, "tests", "NetCompiler.Benchmarks", "bin", "Release", "net10.0", "NetCompiler.Benchmarks.dll");

        var environment = new Dictionary<string, string>();
        if (avx512 is not null)
        {
            environment["DOTNET_EnableAVX512F"] = avx512;
        }

        if (bits is { } width)
        {
            environment["DOTNET_MaxVectorTBitWidth"] = width.ToString(CultureInfo.InvariantCulture);
        }

        ExternalProcess.ProcessResult run = ExternalProcess.RunDotnet(root, TimeSpan.FromMinutes(3), environment, program, "--conv-check");
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, $"--conv-check (AVX-512 {avx512 ?? "as the machine has it"}, Vector<T> {bits?.ToString(CultureInfo.InvariantCulture) ?? "default"} bits) failed" + run.Describe());
        Assert.Contains("all three implementations agree on all networks", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheParserReadsTheJitSummaryFormat()
    {
        const string text = """
               1: JIT compiled NetCompiler.Benchmarks.Program:Main(System.String[]) [FullOpts, IL size=203, code size=983]
               5: JIT compiled NetCompiler.Benchmarks.Peers.PeerCheck:Check(NetCompiler.Benchmarks.Peers.PeerSpec,System.Func`1[NetCompiler.Benchmarks.Peers.IPeerNetwork]) [FullOpts, IL size=770, code size=2549]
              62: JIT compiled NetCompiler.Benchmarks.Peers.PeerIris:__Forward(System.ReadOnlySpan`1[float],System.Span`1[float]) [FullOpts, IL size=1804, code size=3044]
              63: JIT compiled NetCompiler.Benchmarks.Peers.PeerMnist:Train(System.ReadOnlySpan`1[float],System.ReadOnlySpan`1[float],float) [Tier-0 switched MinOpts, IL size=96008, code size=372604]
              64: JIT compiled NetCompiler.Benchmarks.Peers.PeerDeep:__Gradient(System.ReadOnlySpan`1[float],System.ReadOnlySpan`1[float],System.Span`1[float]) [MinOpts, IL size=70000, code size=300000]
              65: JIT compiled NetCompiler.Benchmarks.Peers.PeerXor:<__Initialize>g__Mix|27_1(ulong) [FullOpts with Synthesized PGO, IL size=43, code size=59]
              66: JIT compiled System.SpanHelpers:SequenceCompareTo(byref,int,byref,int) [Tier0, IL size=274, code size=689]
            not a summary line
            """;

        IReadOnlyList<JitCompiled> parsed = Parse(text, out IReadOnlyList<string> unparsed);

        Assert.Empty(unparsed);
        Assert.Equal(7, parsed.Count);

        JitCompiled check = parsed[1];
        Assert.Equal("NetCompiler.Benchmarks.Peers.PeerCheck", check.TypeName);
        Assert.Equal("Check", check.MethodName);
        Assert.Null(PeerTypeOf(check));

        JitCompiled forward = parsed[2];
        Assert.Equal("PeerIris", PeerTypeOf(forward));
        Assert.Equal("__Forward", forward.MethodName);
        Assert.Equal("FullOpts", forward.Tier);
        Assert.Equal(1804, forward.IlSize);
        Assert.Equal(3044, forward.CodeSize);
        Assert.True(forward.IsFullyOptimized);

        JitCompiled switched = parsed[3];
        Assert.Equal("PeerMnist", PeerTypeOf(switched));
        Assert.Equal("Train", switched.MethodName);
        Assert.Equal("Tier-0 switched MinOpts", switched.Tier);
        Assert.Equal(96008, switched.IlSize);
        Assert.False(switched.IsFullyOptimized);

        Assert.Equal("PeerDeep", PeerTypeOf(parsed[4]));
        Assert.False(parsed[4].IsFullyOptimized);

        Assert.Equal("PeerXor", PeerTypeOf(parsed[5]));
        Assert.True(parsed[5].IsFullyOptimized);

        Assert.False(parsed[6].IsFullyOptimized); // Tier0: not expected with TieredCompilation=0, and not optimized

        Assert.False(new JitCompiled("A:B()", "Tier-0 switched to FullOpts, then to MinOpts", 1, 1).IsFullyOptimized);
        Assert.True(new JitCompiled("A:B()", "Tier-0 switched to FullOpts", 1, 1).IsFullyOptimized);
        Assert.True(new JitCompiled("A:B()", "Tier1", 1, 1).IsFullyOptimized);

        // A line that says "JIT compiled" in a format the parser does not know is reported, not skipped.
        Parse("   7: JIT compiled Foo:Bar() [FullOpts, IL size=1]", out unparsed);
        Assert.Single(unparsed);
    }

    /// <summary>Runs <c>--peers-exercise</c> with the JIT summary on; returns the parsed summary.</summary>
    private IReadOnlyList<JitCompiled> RunPeersExercise(IReadOnlyDictionary<string, string>? extraEnvironment)
    {
        ExternalProcess.ProcessResult build = Build.Value;
        Assert.True(build.ExitCode == 0, "building tests/NetCompiler.Benchmarks failed" + build.Describe());

        string root = ExternalProcess.RepositoryRoot();
        string program = Path.Combine(root, "tests", "NetCompiler.Benchmarks", "bin", "Release", "net10.0", "NetCompiler.Benchmarks.dll");
        Assert.True(File.Exists(program), "no " + program + build.Describe());

        string summary = Path.Combine(Path.GetTempPath(), "netcompiler-jit-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["DOTNET_TieredCompilation"] = "0",
                ["DOTNET_JitDisasmSummary"] = "1",
                ["DOTNET_JitStdOutFile"] = summary,
            };
            foreach (KeyValuePair<string, string> pair in extraEnvironment ?? new Dictionary<string, string>())
            {
                environment[pair.Key] = pair.Value;
            }

            ExternalProcess.ProcessResult run = ExternalProcess.RunDotnet(root, TimeSpan.FromMinutes(2), environment, program, "--peers-exercise");
            Assert.True(run.ExitCode == 0, "--peers-exercise failed" + run.Describe());
            Assert.True(File.Exists(summary), "the JIT wrote no summary to " + summary + run.Describe());

            string text = File.ReadAllText(summary);
            IReadOnlyList<JitCompiled> compiled = Parse(text, out IReadOnlyList<string> unparsed);
            Assert.True(
                unparsed.Count == 0,
                $"JIT summary lines in an unknown format:{Environment.NewLine}{string.Join(Environment.NewLine, unparsed.Take(20))}");
            Assert.True(compiled.Count > 0, "the JIT summary lists no method:" + Environment.NewLine + text);
            output.WriteLine($"{compiled.Count} methods compiled, {run.Elapsed.TotalSeconds:F1} s");
            return compiled;
        }
        finally
        {
            try
            {
                File.Delete(summary);
            }
            catch (IOException)
            {
                // Left in the temp folder.
            }
        }
    }

    /// <summary>The summary lines of <paramref name="text"/>; lines that mention "JIT compiled" but do not parse go to <paramref name="unparsed"/>.</summary>
    internal static IReadOnlyList<JitCompiled> Parse(string text, out IReadOnlyList<string> unparsed)
    {
        var compiled = new List<JitCompiled>();
        var bad = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            string trimmed = line.TrimEnd('\r');
            Match match = SummaryLine.Match(trimmed);
            if (match.Success)
            {
                compiled.Add(new JitCompiled(
                    match.Groups["method"].Value,
                    match.Groups["tier"].Value.Trim(),
                    int.Parse(match.Groups["il"].Value, CultureInfo.InvariantCulture),
                    int.Parse(match.Groups["code"].Value, CultureInfo.InvariantCulture)));
            }
            else if (trimmed.Contains("JIT compiled", StringComparison.Ordinal))
            {
                bad.Add(trimmed);
            }
        }

        unparsed = bad;
        return compiled;
    }

    /// <summary>"PeerXor" etc. for a method of one of the five peer networks (or of a type nested in one), else null.</summary>
    internal static string? PeerTypeOf(JitCompiled c)
    {
        foreach (string type in PeerTypes)
        {
            string full = PeerNamespace + type;
            if (c.TypeName == full || c.TypeName.StartsWith(full + "+", StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>One line of the JIT summary: <c>Namespace.Type:Method(args)</c>, the tier name, the IL and code sizes.</summary>
    internal sealed record JitCompiled(string Method, string Tier, int IlSize, int CodeSize)
    {
        private int NameEnd => Method.IndexOf('(') is int paren and >= 0 ? paren : Method.Length;

        public string TypeName => Method.Substring(0, Math.Max(0, Method.LastIndexOf(':', NameEnd - 1)));

        public string MethodName => Method.Substring(Method.LastIndexOf(':', NameEnd - 1) + 1, NameEnd - Method.LastIndexOf(':', NameEnd - 1) - 1);

        /// <summary>
        /// FullOpts (possibly "with ... PGO"), Tier1 and "Tier-0 switched to FullOpts" are; anything that says MinOpts
        /// ("MinOpts", "Tier-0 switched MinOpts", "Tier-0 switched to FullOpts, then to MinOpts"), Tier0, Debug and any
        /// unknown name are not.
        /// </summary>
        public bool IsFullyOptimized =>
            !Tier.Contains("MinOpts", StringComparison.OrdinalIgnoreCase)
            && (Tier.StartsWith("FullOpts", StringComparison.Ordinal)
                || Tier.Contains("Tier1", StringComparison.Ordinal)
                || Tier.Contains("switched to FullOpts", StringComparison.Ordinal));
    }
}
