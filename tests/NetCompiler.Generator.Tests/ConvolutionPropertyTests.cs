using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Random convolutional declarations, valid and invalid: every one gets exactly the diagnostics an independent oracle
/// predicts from the rules of API.md (argument ranges, placement, ranks, groups, "same" padding, PyTorch's output-size
/// rules, pooling padding, the loss); every valid one gets a network whose size constants are the oracle's, and whose
/// generated code compiles with no diagnostic.
/// </summary>
public sealed class ConvolutionPropertyTests
{
    private const int Batches = 3, BatchSize = 120;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] Activations = { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax" };

    [Fact]
    public void Every_declaration_gets_the_oracles_diagnostics_and_valid_ones_its_shapes()
    {
        int valid = 0, rejected = 0;
        var ids = new Dictionary<string, int>();
        for (int batch = 0; batch < Batches; batch++)
        {
            var rng = new Random(20261204 + batch);
            var declarations = Enumerable.Range(0, BatchSize).Select(i => Declaration.Random(rng, $"N{batch}_{i}")).ToList();
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation(
                declarations.Select(d => "using NetCompiler;\n" + d.Source),
                GeneratorHarness.ParseOptions);
            GeneratorDriver driver = GeneratorHarness.Run(compilation, out Compilation output);
            var byFile = GeneratorHarness.GeneratorDiagnostics(driver)
                .GroupBy(d => d.Location.GetLineSpan().Path)
                .ToDictionary(g => g.Key, g => g.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToList());
            IReadOnlyDictionary<string, string> sources = GeneratorHarness.GeneratedSources(driver);

            for (int i = 0; i < declarations.Count; i++)
            {
                Declaration d = declarations[i];
                Oracle.Verdict expected = Oracle.Judge(d);
                List<string> actual = byFile.TryGetValue($"Source{i}.cs", out List<string>? list) ? list : new List<string>();
                Assert.True(expected.Ids.SequenceEqual(actual), $"{d.Source}\nexpected [{string.Join(", ", expected.Ids)}], generator [{string.Join(", ", actual)}]");
                foreach (string id in actual)
                {
                    ids[id] = ids.GetValueOrDefault(id) + 1;
                }

                string? source = sources.Where(s => s.Key.StartsWith(d.Name + ".", StringComparison.Ordinal)).Select(s => s.Value).FirstOrDefault();
                if (expected.Ids.Count > 0)
                {
                    rejected++;
                    Assert.True(source is null, $"{d.Source}\nhas errors but a network was generated");
                    continue;
                }

                valid++;
                Assert.True(source is not null, $"{d.Source}\nis valid but no network was generated");
                Assert.Equal(expected.Inputs, Constant(source!, "InputCount"));
                Assert.Equal(expected.Outputs, Constant(source!, "OutputCount"));
                Assert.Equal(expected.Parameters, Constant(source!, "ParameterCount"));
            }

            // The valid networks' generated code compiles (the declarations with errors generate nothing).
            GeneratorHarness.AssertNoDiagnostics(output.RemoveSyntaxTrees(output.SyntaxTrees.Where((t, n) => n < declarations.Count && Oracle.Judge(declarations[n]).Ids.Count > 0)));
        }

        // The generator keeps exercising every outcome.
        Assert.True(valid >= Batches * BatchSize / 4, $"only {valid} valid declarations");
        Assert.True(rejected >= Batches * BatchSize / 4, $"only {rejected} rejected declarations");
        foreach (string id in new[] { "NC0003", "NC0005", "NC0008", "NC0009", "NC0020", "NC0021", "NC0022", "NC0023", "NC0024", "NC0025", "NC0026", "NC0027", "NC0028" })
        {
            Assert.True(ids.GetValueOrDefault(id) >= 3, $"{id} is (almost) never produced: {string.Join(", ", ids.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
        }
    }

    private static int Constant(string source, string name) =>
        int.Parse(Regex.Match(source, $@"public const int {name} = (\d+);").Groups[1].Value, Inv);

    /// <summary>One layer as declared: its kind, its constructor arguments and the named ones that are set.</summary>
    private sealed record Layer(string Kind, int[] Arguments, string? Activation, IReadOnlyDictionary<string, int> Named)
    {
        public bool IsDense => Kind == "Dense";

        public bool IsConv => Kind is "Conv1D" or "Conv2D";

        public bool IsPool => Kind.Contains("Pool", StringComparison.Ordinal) && Kind != "GlobalAvgPool";

        public int Rank => Kind.EndsWith("1D", StringComparison.Ordinal) ? 1 : Kind.EndsWith("2D", StringComparison.Ordinal) ? 2 : 0;

        public string Render()
        {
            var parts = new List<string>(Arguments.Select(a => a.ToString(Inv)));
            if (Activation is not null)
            {
                parts.Add(Activation);
            }

            parts.AddRange(Named.Select(kv => kv.Key is "Same" or "Bias" ? $"{kv.Key} = {(kv.Value != 0 ? "true" : "false")}" : $"{kv.Key} = {kv.Value.ToString(Inv)}"));
            return parts.Count == 0 ? $"[{Kind}]" : $"[{Kind}({string.Join(", ", parts)})]";
        }
    }

    private sealed record Declaration(string Name, int[] Input, string Loss, IReadOnlyList<Layer> Layers)
    {
        public string Source
        {
            get
            {
                var s = new StringBuilder();
                s.Append(Inv, $"[Network({string.Join(", ", Input)}, Loss = Loss.{Loss})]\n");
                foreach (Layer layer in Layers)
                {
                    s.Append(layer.Render()).Append('\n');
                }

                s.Append(Inv, $"public partial class {Name} {{ }}\n");
                return s.ToString();
            }
        }

        public static Declaration Random(Random rng, string name)
        {
            bool broken = rng.Next(3) == 0;
            int Size(int lo, int hi) => broken && rng.Next(25) == 0 ? rng.Next(-2, 1) : rng.Next(lo, hi + 1);
            int rank = rng.Next(10) == 0 ? 0 : rng.Next(1, 3);
            int[] input = rank switch
            {
                0 => new[] { Size(1, 40) },
                1 => new[] { Size(1, 4), Size(1, 24) },
                _ => new[] { Size(1, 4), Size(1, 12), Size(1, 12) },
            };

            var layers = new List<Layer>();
            int spatial = rng.Next(broken ? 0 : 1, 4);
            for (int l = 0; l < spatial; l++)
            {
                int layerRank = broken && rng.Next(12) == 0 ? 3 - Math.Max(rank, 1) : Math.Max(rank, 1);
                layers.Add(rng.Next(5) switch
                {
                    0 or 1 => Conv(rng, layerRank, broken),
                    2 or 3 => Pool(rng, layerRank, broken),
                    _ => new Layer("GlobalAvgPool", Array.Empty<int>(), null, new Dictionary<string, int>()),
                });
            }

            int dense = rng.Next(spatial == 0 ? 1 : 0, 3);
            for (int l = 0; l < dense; l++)
            {
                bool last = l == dense - 1;
                string activation = last ? Pick(rng, "Identity", "Sigmoid", "Softmax", "Tanh") : Pick(rng, "ReLU", "Tanh", "Sigmoid");
                if (broken && rng.Next(15) == 0)
                {
                    activation = "Softmax";
                }

                layers.Add(new Layer("Dense", new[] { Size(1, 6) }, broken && rng.Next(20) == 0 ? "(Activation)7" : "Activation." + activation, Bias(rng)));
            }

            if (broken && rng.Next(12) == 0 && layers.Count > 0)
            {
                layers.Add(Conv(rng, Math.Max(rank, 1), broken: false));
            }

            bool lastIsProbability = layers.Count > 0 && layers[^1].Activation is "Activation.Softmax" or "Activation.Sigmoid";
            string loss = lastIsProbability && rng.Next(2) == 0 ? "CrossEntropy" : Pick(rng, "HalfSquaredError", "MeanSquaredError", broken ? "CrossEntropy" : "HalfSquaredError");
            return new Declaration(name, input, loss, layers);
        }

        private static Layer Conv(Random rng, int rank, bool broken)
        {
            int Arg(int lo, int hi) => broken && rng.Next(20) == 0 ? rng.Next(-1, 1) : rng.Next(lo, hi + 1);
            string kind = rank == 1 ? "Conv1D" : "Conv2D";
            int groups = rng.Next(3) == 0 ? rng.Next(1, 4) : 1;
            int filters = groups * rng.Next(1, 4) + (broken && rng.Next(10) == 0 ? 1 : 0);
            var named = new Dictionary<string, int>();
            void Maybe(string key, int chance, Func<int> value)
            {
                if (rng.Next(chance) == 0)
                {
                    named[key] = value();
                }
            }

            Maybe("Stride", 3, () => Arg(1, 3));
            Maybe("Dilation", 5, () => Arg(1, 2));
            Maybe("Groups", 1, () => groups);
            Maybe("Bias", 4, () => rng.Next(2));
            bool same = rng.Next(3) == 0;
            if (same)
            {
                named["Same"] = 1;
            }

            if (!same || (broken && rng.Next(6) == 0))
            {
                Maybe("Padding", 2, () => Arg(0, 2) - (broken && rng.Next(15) == 0 ? 3 : 0));
            }

            if (rank == 2)
            {
                Maybe("KernelWidth", 5, () => Arg(1, 4));
                Maybe("StrideHeight", 6, () => Arg(1, 2));
                if (!same)
                {
                    Maybe("PaddingWidth", 6, () => Arg(0, 2));
                }

                Maybe("DilationWidth", 8, () => Arg(1, 2));
            }

            string activation = broken && rng.Next(15) == 0 ? "(Activation)9"
                : "Activation." + (broken && rng.Next(15) == 0 ? "Softmax" : Pick(rng, "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU"));
            return new Layer(kind, new[] { filters, Arg(1, 4) }, activation, named);
        }

        private static Layer Pool(Random rng, int rank, bool broken)
        {
            int Arg(int lo, int hi) => broken && rng.Next(20) == 0 ? rng.Next(-1, 1) : rng.Next(lo, hi + 1);
            string kind = (rng.Next(2) == 0 ? "MaxPool" : "AvgPool") + (rank == 1 ? "1D" : "2D");
            int kernel = Arg(1, 3);
            var named = new Dictionary<string, int>();
            if (rng.Next(3) == 0)
            {
                named["Stride"] = Arg(1, 3);
            }

            if (rng.Next(3) == 0)
            {
                named["Padding"] = rng.Next(0, broken ? 3 : Math.Max(1, (kernel / 2) + 1));
            }

            if (rank == 2 && rng.Next(6) == 0)
            {
                named["KernelHeight"] = Arg(1, 3);
            }

            return new Layer(kind, new[] { kernel }, null, named);
        }

        private static IReadOnlyDictionary<string, int> Bias(Random rng) =>
            rng.Next(4) == 0 ? new Dictionary<string, int> { ["Bias"] = 0 } : new Dictionary<string, int>();

        private static string Pick(Random rng, params string[] choices) => choices[rng.Next(choices.Length)];
    }

    /// <summary>
    /// The rules of API.md, written out independently of the generator: each layer checked with the shape it receives
    /// (unknown after a layer with an error), PyTorch's output sizes, TensorFlow's "same" padding.
    /// </summary>
    private static class Oracle
    {
        public sealed record Verdict(List<string> Ids, int Inputs, int Outputs, int Parameters);

        private sealed record Shape(int Channels, int Height, int Width, int Rank)
        {
            public int Size => Channels * Height * Width;
        }

        public static Verdict Judge(Declaration d)
        {
            var ids = new List<string>();
            Shape? shape = d.Input.Length switch
            {
                1 => new Shape(d.Input[0], 1, 1, 0),
                2 => new Shape(d.Input[0], 1, d.Input[1], 1),
                _ => new Shape(d.Input[0], d.Input[1], d.Input[2], 2),
            };
            foreach (int size in d.Input)
            {
                if (size < 1)
                {
                    ids.Add("NC0003");
                    shape = null;
                }
            }

            int inputs = shape?.Size ?? 0, parameters = 0;
            bool afterDense = false;
            for (int l = 0; l < d.Layers.Count; l++)
            {
                Layer layer = d.Layers[l];
                bool last = l == d.Layers.Count - 1;
                int before = ids.Count;
                Shape? output = null;
                if (layer.IsDense)
                {
                    int units = layer.Arguments[0];
                    if (units < 1)
                    {
                        ids.Add("NC0004");
                    }

                    if (layer.Activation!.StartsWith("(", StringComparison.Ordinal))
                    {
                        ids.Add("NC0005");
                    }
                    else if (layer.Activation == "Activation.Softmax" && !last)
                    {
                        ids.Add("NC0008");
                    }

                    if (ids.Count == before)
                    {
                        output = new Shape(units, 1, 1, 0);
                        parameters += shape is null ? 0 : (units * shape.Size) + (layer.Named.ContainsKey("Bias") ? 0 : units);
                    }

                    afterDense = true;
                }
                else
                {
                    bool placed = true;
                    if (afterDense)
                    {
                        ids.Add("NC0023");
                        placed = false;
                    }
                    else if (shape is not null && (layer.Rank == 0 ? shape.Rank == 0 : shape.Rank != layer.Rank))
                    {
                        ids.Add("NC0024");
                        placed = false;
                    }

                    if (layer.IsConv)
                    {
                        output = JudgeConv(layer, shape, placed, ids, before, ref parameters);
                    }
                    else if (layer.IsPool)
                    {
                        output = JudgePool(layer, shape, placed, ids, before);
                    }
                    else if (placed && shape is not null)
                    {
                        output = new Shape(shape.Channels, 1, 1, shape.Rank);
                    }
                }

                shape = ids.Count == before ? output : null;
            }

            if (d.Loss == "CrossEntropy" && d.Layers.Count > 0)
            {
                Layer lastLayer = d.Layers[^1];
                if (!lastLayer.IsDense)
                {
                    ids.Add("NC0028");
                }
                else if (lastLayer.Activation is not ("Activation.Softmax" or "Activation.Sigmoid"))
                {
                    ids.Add("NC0009");
                }
            }

            ids.Sort(StringComparer.Ordinal);
            return new Verdict(ids, inputs, shape?.Size ?? 0, parameters);
        }

        private static Shape? JudgeConv(Layer layer, Shape? input, bool placed, List<string> ids, int before, ref int parameters)
        {
            int filters = layer.Arguments[0], kernel = layer.Arguments[1];
            int Get(string key, int fallback) => layer.Named.TryGetValue(key, out int v) ? v : fallback;
            if (filters < 1)
            {
                ids.Add("NC0020");
            }

            if (kernel < 1)
            {
                ids.Add("NC0020");
            }

            foreach ((string key, int value) in layer.Named)
            {
                int minimum = key is "Padding" or "PaddingHeight" or "PaddingWidth" ? 0 : key is "Same" or "Bias" ? int.MinValue : 1;
                if (value < minimum)
                {
                    ids.Add("NC0020");
                }
            }

            if (layer.Activation!.StartsWith("(", StringComparison.Ordinal))
            {
                ids.Add("NC0005");
            }
            else if (layer.Activation == "Activation.Softmax")
            {
                ids.Add("NC0026");
            }

            bool same = Get("Same", 0) != 0;
            if (same)
            {
                ids.AddRange(layer.Named.Keys.Where(k => k is "Padding" or "PaddingHeight" or "PaddingWidth").Select(_ => "NC0025"));
            }

            if (ids.Count > before || !placed || input is null)
            {
                return null;
            }

            int groups = Get("Groups", 1);
            if (input.Channels % groups != 0)
            {
                ids.Add("NC0022");
            }

            if (filters % groups != 0)
            {
                ids.Add("NC0022");
            }

            int stride = Get("Stride", 1), padding = Get("Padding", 0), dilation = Get("Dilation", 1);
            int kh = layer.Rank == 2 ? Get("KernelHeight", kernel) : 1, kw = layer.Rank == 2 ? Get("KernelWidth", kernel) : kernel;
            int sh = layer.Rank == 2 ? Get("StrideHeight", stride) : 1, sw = layer.Rank == 2 ? Get("StrideWidth", stride) : stride;
            int ph = layer.Rank == 2 ? Get("PaddingHeight", padding) : 0, pw = layer.Rank == 2 ? Get("PaddingWidth", padding) : padding;
            int dh = layer.Rank == 2 ? Get("DilationHeight", dilation) : 1, dw = layer.Rank == 2 ? Get("DilationWidth", dilation) : dilation;
            int Out(int n, int k, int s, int p, int d) => same ? (n + s - 1) / s : (int)Math.Floor((n + (2.0 * p) - (d * (k - 1)) - 1) / s) + 1;
            int oh = Out(input.Height, kh, sh, ph, dh), ow = Out(input.Width, kw, sw, pw, dw);
            if (oh < 1 || ow < 1)
            {
                ids.Add("NC0021");
            }

            if (ids.Count > before)
            {
                return null;
            }

            parameters += (filters * (input.Channels / groups) * kh * kw) + (Get("Bias", 1) != 0 ? filters : 0);
            return new Shape(filters, oh, ow, layer.Rank);
        }

        private static Shape? JudgePool(Layer layer, Shape? input, bool placed, List<string> ids, int before)
        {
            int kernel = layer.Arguments[0];
            int Get(string key, int fallback) => layer.Named.TryGetValue(key, out int v) ? v : fallback;
            if (kernel < 1)
            {
                ids.Add("NC0020");
            }

            foreach ((string key, int value) in layer.Named)
            {
                if (value < (key.StartsWith("Padding", StringComparison.Ordinal) ? 0 : 1))
                {
                    ids.Add("NC0020");
                }
            }

            if (ids.Count > before || !placed || input is null)
            {
                return null;
            }

            int kh = layer.Rank == 2 ? Get("KernelHeight", kernel) : 1, kw = kernel;
            int sh = layer.Rank == 2 ? Get("StrideHeight", Get("Stride", kh)) : 1, sw = Get("Stride", kw);
            int ph = layer.Rank == 2 ? Get("Padding", 0) : 0, pw = Get("Padding", 0);
            foreach ((int n, int k, int s, int p) in layer.Rank == 2 ? new[] { (input.Height, kh, sh, ph), (input.Width, kw, sw, pw) } : new[] { (input.Width, kw, sw, pw) })
            {
                if (2 * p > k)
                {
                    ids.Add("NC0027");
                    return null;
                }

                if (n + (2 * p) < k)
                {
                    ids.Add("NC0021");
                    return null;
                }
            }

            int Out(int n, int k, int s, int p) => ((n + (2 * p) - k) / s) + 1;
            return new Shape(input.Channels, layer.Rank == 2 ? Out(input.Height, kh, sh, ph) : 1, Out(input.Width, kw, sw, pw), layer.Rank);
        }
    }
}
