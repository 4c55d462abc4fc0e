extern alias generator;

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using NetCompiler.Generator.Tests.Infrastructure;
using NetworkGenerator = generator::NetCompiler.Generator.NetworkGenerator;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Every supported combination of activation, loss, bias, precision and code shape, generated into ONE
/// compilation: the generated code compiles with no diagnostic at all (warning level 9999, documentation
/// comments checked), emits, and is the same text on every run and under every culture.
/// </summary>
public class GeneratedCodeTests
{
    private static readonly Activation[] Hidden = { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU };

    /// <summary>All valid (output activation, loss) pairs.</summary>
    private static IEnumerable<(Activation Output, Loss Loss)> OutputsAndLosses()
    {
        foreach (Activation output in Enum.GetValues<Activation>())
        {
            yield return (output, Loss.HalfSquaredError);
            yield return (output, Loss.MeanSquaredError);
            if (output is Activation.Softmax or Activation.Sigmoid)
            {
                yield return (output, Loss.CrossEntropy);
            }
        }
    }

    /// <summary>One source declaring every combination (about 170 networks).</summary>
    public static string AllCombinations()
    {
        var source = new StringBuilder("using NetCompiler;\n\nnamespace Combinations;\n\n");
        int n = 0;
        foreach ((Activation output, Loss loss) in OutputsAndLosses())
        {
            foreach (bool bias in new[] { true, false })
            {
                foreach (Precision precision in new[] { Precision.Single, Precision.Double })
                {
                    foreach (string unroll in new[] { "", ", UnrollLimit = 0", ", UnrollLimit = 20" })
                    {
                        Activation hidden = Hidden[n % Hidden.Length];
                        Activation hidden2 = Hidden[(n + 2) % Hidden.Length];
                        string b = bias ? "" : ", Bias = false";
                        source.Append(CultureInfo.InvariantCulture, $"/// <summary>Combination {n}.</summary>\n");
                        source.Append(CultureInfo.InvariantCulture, $"[Network(3, Loss = Loss.{loss}, Precision = Precision.{precision}{unroll})]\n");
                        source.Append(CultureInfo.InvariantCulture, $"[Dense(5, Activation.{hidden}{b})]\n[Dense(4, Activation.{hidden2}{b})]\n[Dense(3, Activation.{output}{b})]\n");
                        source.Append(CultureInfo.InvariantCulture, $"public partial class Net{n++} {{ }}\n\n");
                    }
                }
            }
        }

        return source.ToString();
    }

    private const string SpecialTypes = """
        using NetCompiler;

        /// <summary>In the global namespace, internal and sealed.</summary>
        [Network(2)]
        [Dense(2, Activation.Tanh)]
        [Dense(1)]
        internal sealed partial class GlobalNet { }

        namespace Nesting
        {
            using N = NetCompiler;

            /// <summary>A container.</summary>
            public static partial class Outer
            {
                /// <summary>A container in a container.</summary>
                public partial struct Middle
                {
                    /// <summary>Nested, declared through a namespace alias.</summary>
                    [N.Network(2, Loss = N.Loss.CrossEntropy)]
                    [N.Dense(3, N.Activation.ReLU)]
                    [N.Dense(2, N.Activation.Softmax)]
                    public abstract partial class Inner { }
                }
            }

            /// <summary>With its own constructor and documentation.</summary>
            [Network(1)]
            [Dense(1, Activation.Sigmoid)]
            public partial class WithConstructor
            {
                /// <summary>Creates it.</summary>
                /// <param name="name">A name.</param>
                public WithConstructor(string name) => Name = name;

                /// <summary>The name.</summary>
                public string Name { get; }
            }
        }
        """;

    /// <summary>A global using in one file, the declaration in another with no using of its own.</summary>
    private static readonly string[] GlobalUsing =
    {
        "global using NetCompiler;\nglobal using Alias = NetCompiler.Activation;\n",
        """
        namespace Globals;

        /// <summary>Declared through a global using and a global alias.</summary>
        [Network(2, Loss = Loss.MeanSquaredError)]
        [Dense(2, Alias.LeakyReLU)]
        [Dense(2)]
        public partial class GlobalUsingNet { }
        """,
    };

    [Fact]
    public void EveryCombinationCompilesWithoutAnyDiagnosticAndEmits()
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(new[] { AllCombinations(), SpecialTypes }.Concat(GlobalUsing).ToArray());
        GeneratorDriver driver = GeneratorHarness.Run(compilation, out Compilation output);

        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Equal(OutputsAndLosses().Count() * 12 + 4, GeneratorHarness.GeneratedSources(driver).Count);
        GeneratorHarness.AssertNoDiagnostics(output);

        using var stream = new MemoryStream();
        EmitResult result = output.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void KeywordNamesAndNamesThatDifferOnlyInCaseGenerate()
    {
        // Roslyn compares hint names without regard to case, and C# names may be escaped keywords.
        GeneratorDriver driver = GeneratorHarness.Run(GeneratorHarness.CreateCompilation("""
            using NetCompiler;

            namespace @class.App
            {
                /// <summary>A keyword name.</summary>
                [Network(2)]
                [Dense(1)]
                public partial class @event { }

                /// <summary>Differs from NET only in case.</summary>
                [Network(2)]
                [Dense(1)]
                public partial class Net { }

                /// <summary>Differs from Net only in case.</summary>
                [Network(2)]
                [Dense(2)]
                public partial class NET { }
            }
            """), out Compilation output);
        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Equal(3, GeneratorHarness.GeneratedSources(driver).Count);
        GeneratorHarness.AssertNoDiagnostics(output);
    }

    [Fact]
    public void GeneratedTextIsDeterministicAndCultureInvariant()
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(AllCombinations(), SpecialTypes);
        IReadOnlyDictionary<string, string> first = GeneratorHarness.GeneratedSources(GeneratorHarness.Run(compilation, out _));

        // A second, independent run under the invariant culture.
        CultureInfo culture = CultureInfo.CurrentCulture;
        IReadOnlyDictionary<string, string> second;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            second = GeneratorHarness.GeneratedSources(GeneratorHarness.CreateDriver().RunGenerators(compilation));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        Assert.Equal(first.Keys.OrderBy(k => k, StringComparer.Ordinal), second.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach ((string hint, string text) in first)
        {
            Assert.Equal(text, second[hint]);
            Assert.DoesNotContain("\u2212", text);
            Assert.DoesNotContain("\r", text);
            Assert.StartsWith("// <auto-generated/>\n", text);
            Assert.Contains("#nullable enable\n", text);

            // No versions, timestamps or machine paths in the generated text.
            Assert.DoesNotContain(typeof(NetworkGenerator).Assembly.GetName().Version!.ToString(), text);
            Assert.DoesNotContain(DateTime.Now.Year.ToString(CultureInfo.InvariantCulture), text);
            Assert.DoesNotContain(Path.GetTempPath(), text);
            Assert.DoesNotContain(AppContext.BaseDirectory, text);
        }
    }

    [Fact]
    public void LiteralsRoundTripExactly()
    {
        // Every initialization limit in the generated code is written so that parsing gives back the
        // exact double the generator computed: sqrt(6 / (fan_in + fan_out)) or sqrt(6 / fan_in).
        string text = GeneratorHarness.GeneratedSources(GeneratorHarness.Run("""
            using NetCompiler;
            [Network(7)]
            [Dense(11, Activation.Tanh)]
            [Dense(13, Activation.ReLU)]
            [Dense(3)]
            public partial class Net { }
            """)).Values.Single();
        var expected = new[] { Math.Sqrt(6.0 / 18), Math.Sqrt(6.0 / 11), Math.Sqrt(6.0 / 16) };
        foreach (double limit in expected)
        {
            string literal = limit.ToString("R", CultureInfo.InvariantCulture) + "d";
            Assert.Contains(literal, text);
            Assert.Equal(limit, double.Parse(literal.TrimEnd('d'), CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void SmallNetworksAreFullyUnrolledWithoutLoops()
    {
        // The textbook network: Forward, ComputeLoss, Gradient and Train have no loop over neurons or
        // connections, only statements with constant indices.
        string text = GeneratorHarness.GeneratedSources(GeneratorHarness.Run("""
            using NetCompiler;
            [Network(2)]
            [Dense(3, Activation.Sigmoid, Bias = false)]
            [Dense(1, Activation.Sigmoid, Bias = false)]
            public partial class SeedNet { }
            """)).Values.Single();
        foreach (string method in new[] { "public float ComputeLoss(", "public float Train(", "private void __Forward(", "private float __Gradient(" })
        {
            string body = MethodBody(text, method);
            Assert.DoesNotContain("for (", body);
            Assert.DoesNotContain("stackalloc", body);
        }

        Assert.Contains("float net1_0 = p[6] * o0_0 + p[7] * o0_1 + p[8] * o0_2;", text);
        Assert.Contains("p[0] -= learningRate * (delta0_0 * x0);", text);
    }

    /// <summary>The digits network (64-32-10): both layers looped by the default rule.</summary>
    private const string DigitsSource = """
        using NetCompiler;
        [Network(64, Loss = Loss.CrossEntropy)]
        [Dense(32, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        public partial class Digits { }
        """;

    [Fact]
    public void LargeLayersAreLoopedWithConstantBounds()
    {
        string text = GeneratorHarness.GeneratedSources(GeneratorHarness.Run(DigitsSource)).Values.Single();
        string forward = MethodBody(text, "private void __Forward(");
        // Eight rows of W per pass over the inputs (float), summed across lanes together; 64 inputs are whole vectors at
        // any width, so no scalar tail.
        Assert.Contains("for (int j = 0; j < 32; j += 8)", forward);
        Assert.Contains("global::NetCompiler.Generated.VectorMath.StoreSums(ref global::System.Runtime.CompilerServices.Unsafe.Add(ref dst, j), ref global::System.Runtime.CompilerServices.Unsafe.Add(ref pRef, 2048 + j), s0, s1, s2, s3, s4, s5, s6, s7);", forward);
        Assert.Contains("for (; i <= 64 - global::System.Numerics.Vector<float>.Count; i += global::System.Numerics.Vector<float>.Count)", forward);
        Assert.DoesNotContain("for (; i < 64; i++)", forward);
        Assert.Contains("looped: 2048 weights > 64", forward);
    }

    [Fact]
    public void TheArithmeticMethodsAreCompiledFullyOptimizedFromTheFirstCall()
    {
        // Decided by measurement (README, "Speed against other .NET options"): no tier-0 phase for a network.
        string text = GeneratorHarness.GeneratedSources(GeneratorHarness.Run(DigitsSource)).Values.Single();
        const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";
        foreach (string method in new[] { "public float ComputeLoss(", "public float Train(", "public float TrainBatch(", "private void __Forward(", "private float __Gradient(", "private float __Backpropagate(", "private void __ChunkSums(", "private static void __ChunkGradient(" })
        {
            int at = text.IndexOf(method, System.StringComparison.Ordinal);
            Assert.True(at > 0, method);
            string header = text.Substring(text.LastIndexOf("</summary>", at, System.StringComparison.Ordinal), at - text.LastIndexOf("</summary>", at, System.StringComparison.Ordinal));
            Assert.Contains(Optimize, header);
        }

        Assert.Equal(8, System.Text.RegularExpressions.Regex.Matches(text, System.Text.RegularExpressions.Regex.Escape(Optimize)).Count);
    }

    [Fact]
    public void NoDeclarationUnrollsMoreThan2048WeightsInOneNetwork()
    {
        // Otherwise 256 unrolled 32x32 layers would be 70 MB of C# and a build that takes many minutes.
        string text = GeneratorHarness.GeneratedSources(GeneratorHarness.Run(
            "using NetCompiler;\n[Network(32, UnrollLimit = 1024)]\n" + string.Concat(System.Linq.Enumerable.Repeat("[Dense(32)]\n", 256)) + "public partial class Net { }"))
            .Values.Single();
        Assert.Contains("// Layer 1: Dense 32 -> 32, Identity, bias (unrolled).", text);
        Assert.Contains("// Layer 2: Dense 32 -> 32, Identity, bias (looped: over 2048 unrolled weights in the network).", text);
        Assert.DoesNotMatch(@"// Layer ([2-9]|\d{2,}): [^\n]*\(unrolled\)", text);
        Assert.Contains("// Layer 255: Dense 32 -> 32, Identity, bias (looped: over 2048 unrolled weights in the network).", text);
        // 255 looped layers, each written out in six methods (about 7 KB per layer and method), stay far below that.
        Assert.True(text.Length < 12_000_000, $"{text.Length} characters");
    }

    [Fact]
    public void TheDefaultUnrollsOnlyLayersWhoseSumsStayInRegisters()
    {
        // Measured default (README, "Unrolled or looped"): at most 64 weights, at most 12 inputs unless the
        // layer has a single unit, and at most 256 unrolled weights in the whole network.
        string text = GeneratorHarness.GeneratedSources(GeneratorHarness.Run("""
            using NetCompiler;
            [Network(16)]
            [Dense(2, Activation.Tanh)]
            [Dense(8, Activation.Tanh)]
            [Dense(8, Activation.Tanh)]
            [Dense(8, Activation.Tanh)]
            [Dense(8, Activation.Tanh)]
            [Dense(8, Activation.Tanh)]
            [Dense(1)]
            public partial class Net { }
            """)).Values.Single();
        Assert.Contains("// Layer 0: Dense 16 -> 2, Tanh, bias (looped: 16 inputs > 12: the running sums would not stay in registers).", text);
        Assert.Contains("// Layer 1: Dense 2 -> 8, Tanh, bias (unrolled).", text);
        Assert.Contains("// Layer 4: Dense 8 -> 8, Tanh, bias (unrolled).", text);
        Assert.Contains("// Layer 5: Dense 8 -> 8, Tanh, bias (looped: over 256 unrolled weights in the network).", text);
        Assert.Contains("// Layer 6: Dense 8 -> 1, Identity, bias (unrolled).", text);
    }

    private static string MethodBody(string text, string signature)
    {
        int start = text.IndexOf(signature, StringComparison.Ordinal);
        Assert.True(start >= 0, $"{signature} not found");
        int end = text.IndexOf("\n    }\n", start, StringComparison.Ordinal);
        return text.Substring(start, end - start);
    }
}
