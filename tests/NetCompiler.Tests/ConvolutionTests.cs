using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using NetCompiler.Tests.Torch;

namespace NetCompiler.Tests
{
    /// <summary>
    /// What the generic network tests cannot see for convolutional networks: agreement with PyTorch itself (files saved from
    /// an nn.Sequential of the same layers, PyTorch's outputs and autograd gradients), baked convolutional networks, the
    /// max-pool tie rule, Gradient from several threads (the per-thread workspace), and the memory constants.
    /// </summary>
    public sealed class ConvolutionTests
    {
        private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Torch", name);

        /// <summary>A fixture of tools/make_torch_conv_fixtures.py: inputs, PyTorch's outputs, one sample's loss and gradient.</summary>
        private sealed record Fixture(double[][] Inputs, double[][] Outputs, double[] Target, double Loss, double[] Gradient)
        {
            public static Fixture Read(string name)
            {
                using JsonDocument json = JsonDocument.Parse(File.ReadAllText(FixturePath(name + ".json")));
                JsonElement root = json.RootElement;
                double[] Row(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                return new Fixture(
                    root.GetProperty("inputs").EnumerateArray().Select(Row).ToArray(),
                    root.GetProperty("outputs").EnumerateArray().Select(Row).ToArray(),
                    Row(root.GetProperty("target")),
                    root.GetProperty("loss").GetDouble(),
                    Row(root.GetProperty("gradient")));
            }
        }

        private static float[] F(double[] values) => values.Select(v => (float)v).ToArray();

        private static void AssertClose(double expected, double actual, double tolerance, string what) =>
            Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: PyTorch {expected:R}, NetCompiler {actual:R}");

        public static IEnumerable<object[]> TorchModels => new[]
        {
            new object[] { "digits_cnn", typeof(TorchDigitsCnn) },
            new object[] { "sequence", typeof(TorchSequence) },
            new object[] { "keyword_spotting", typeof(TorchKeywordSpotting) },
            new object[] { "spatial_output", typeof(TorchSpatialOutput) },
        };

        [Theory]
        [MemberData(nameof(TorchModels))]
        public void PyTorch_files_load_and_give_PyTorchs_outputs_loss_and_gradient(string name, Type type)
        {
            var net = (INet<float>)Activator.CreateInstance(type)!;
            using (FileStream stream = File.OpenRead(FixturePath(name + ".safetensors")))
            {
                type.GetMethod("LoadParameters", new[] { typeof(Stream) })!.Invoke(net, new object[] { stream });
            }

            Fixture fixture = Read(name);
            Assert.Equal(fixture.Gradient.Length, net.Parameters.Length);
            for (int n = 0; n < fixture.Inputs.Length; n++)
            {
                var y = new float[fixture.Outputs[n].Length];
                net.Forward(F(fixture.Inputs[n]), y);
                for (int k = 0; k < y.Length; k++)
                {
                    AssertClose(fixture.Outputs[n][k], y[k], 1e-5, $"{name}: input {n}, output {k}");
                }
            }

            float[] x = F(fixture.Inputs[0]), d = F(fixture.Target);
            AssertClose(fixture.Loss, net.ComputeLoss(x, d), 1e-5, $"{name}: loss");
            var g = new float[net.Parameters.Length];
            AssertClose(fixture.Loss, net.Gradient(x, d, g), 1e-5, $"{name}: loss returned by Gradient");
            for (int i = 0; i < g.Length; i++)
            {
                AssertClose(fixture.Gradient[i], g[i], 1e-4, $"{name}: dE/dp[{i}]");
            }
        }

        private static Fixture Read(string name) => Fixture.Read(name);

        [Fact]
        public void Baked_convolutional_networks_equal_their_trainable_twins_and_PyTorch()
        {
            var twin = new TorchDigitsCnn();
            twin.LoadParameters(File.ReadAllBytes(FixturePath("digits_cnn.safetensors")));
            Assert.Equal(twin.Parameters.ToArray(), BakedDigitsCnn.Parameters.ToArray());
            Assert.Equal(TorchDigitsCnn.ForwardScratchBytes, BakedDigitsCnn.ForwardScratchBytes);

            var sequence = new TorchSequence();
            sequence.LoadParameters(File.ReadAllBytes(FixturePath("sequence.safetensors")));
            Assert.Equal(sequence.Parameters.ToArray(), BakedSequence.Parameters.ToArray());

            foreach ((string name, Action<float[], float[]> baked, Action<float[], float[]> trainable) in new (string, Action<float[], float[]>, Action<float[], float[]>)[]
            {
                ("digits_cnn", (x, y) => BakedDigitsCnn.Forward(x, y), (x, y) => twin.Forward(x, y)),
                ("sequence", (x, y) => BakedSequence.Forward(x, y), (x, y) => sequence.Forward(x, y)),
            })
            {
                Fixture fixture = Read(name);
                var rng = new Random(3);
                for (int n = 0; n < 50; n++)
                {
                    float[] x = n < fixture.Inputs.Length ? F(fixture.Inputs[n]) : Enumerable.Range(0, fixture.Inputs[0].Length).Select(_ => (float)((rng.NextDouble() * 4) - 2)).ToArray();
                    var a = new float[fixture.Outputs[0].Length];
                    var b = new float[a.Length];
                    baked(x, a);
                    trainable(x, b);
                    Assert.Equal(b, a);
                    if (n < fixture.Outputs.Length)
                    {
                        for (int k = 0; k < a.Length; k++)
                        {
                            AssertClose(fixture.Outputs[n][k], a[k], 1e-5, $"baked {name}: input {n}, output {k}");
                        }
                    }
                }
            }
        }

        [Fact]
        public void Baked_convolutional_Forward_does_not_allocate()
        {
            var x = new float[BakedDigitsCnn.InputCount];
            var y = new float[BakedDigitsCnn.OutputCount];
            var xs = new float[3 * BakedDigitsCnn.InputCount];
            var ys = new float[3 * BakedDigitsCnn.OutputCount];
            BakedDigitsCnn.Forward(x, y);
            BakedDigitsCnn.ForwardBatch(xs, ys);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                BakedDigitsCnn.Forward(x, y);
                BakedDigitsCnn.ForwardBatch(xs, ys);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        /// <summary>
        /// Ties in a max-pooling window: the first maximum in scan order (row by row, left to right) gets the gradient. The two
        /// input channels are summed by a 1x1 convolution, so a window can tie on a value made of different channels, and the
        /// convolution's two weight gradients show which position won.
        /// </summary>
        [Fact]
        public void Max_pool_ties_send_the_gradient_to_the_first_maximum_in_scan_order()
        {
            var net = new TieNet();
            Span<float> p = net.Parameters;
            Assert.Equal(3, p.Length);
            p[0] = 1; // w[0, 0]: channel 0
            p[1] = 1; // w[0, 1]: channel 1
            p[2] = 1; // the Dense weight

            // 2 channels of 2x2: the sums are [1, 1; 0, 1] (positions (0, 0), (0, 1) and (1, 1) tie at 1); channel 0 makes
            // (0, 0), channel 1 makes the others.
            float[] x = { 1, 0, 0, 0.25f, /* channel 1 */ 0, 1, 0, 0.75f };
            var g = new float[3];
            net.Gradient(x, new float[] { 0 }, g);

            // E = 1/2 (y - 0)^2, y = max = 1: dE/dy = 1; the winner's channel-0 value is 1 at (0, 0), 0 at the others.
            Assert.Equal(1f, g[0]);
            Assert.Equal(0f, g[1]);
            Assert.Equal(1f, g[2]);

            // The mirror: the first maximum, (0, 0), is made by channel 1.
            float[] later = { 0, 1, 0, 0, /* channel 1 */ 1, 0, 0, 1 };
            g.AsSpan().Clear();
            net.Gradient(later, new float[] { 0 }, g);
            Assert.Equal(0f, g[0]);
            Assert.Equal(1f, g[1]);
        }

        [Fact]
        public void Gradient_from_several_threads_matches_sequential()
        {
            // Gradient keeps its working values in a per-thread workspace: concurrent calls on one instance do not interfere.
            var net = new TorchKeywordSpotting();
            net.InitializeParameters(5);
            Fixture fixture = Read("keyword_spotting");
            var rng = new Random(9);
            float[][] xs = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, TorchKeywordSpotting.InputCount).Select(_ => (float)((rng.NextDouble() * 4) - 2)).ToArray()).ToArray();
            float[] d = F(fixture.Target);
            float[][] expected = xs.Select(x =>
            {
                var g = new float[TorchKeywordSpotting.ParameterCount];
                net.Gradient(x, d, g);
                return g;
            }).ToArray();

            var actual = new float[xs.Length][];
            Parallel.For(0, xs.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                var g = new float[TorchKeywordSpotting.ParameterCount];
                net.Gradient(xs[i % xs.Length], d, g);
                if (i >= 3 * xs.Length)
                {
                    actual[i % xs.Length] = g;
                }
                else
                {
                    Assert.Equal(expected[i % xs.Length], g);
                }
            });

            for (int n = 0; n < xs.Length; n++)
            {
                Assert.Equal(expected[n], actual[n]);
            }
        }

        public static IEnumerable<object[]> Convolutional => NetworkCatalog.ConvolutionalNames();

        /// <summary>
        /// The memory constants of a convolutional network, from its shapes: ParameterBytes and BatchGradientBytes exactly;
        /// Forward's stack holds at least the input-side and output-side values of its largest layer pair, the workspace at
        /// least every layer's values and gradients; and Forward really runs in that stack (a thread with little more stack
        /// than ForwardScratchBytes completes it).
        /// </summary>
        [Theory]
        [MemberData(nameof(Convolutional))]
        public void Memory_constants_of_convolutional_networks(string network)
        {
            Type type = NetworkCatalog.Resolve(network);
            Reference.ReferenceNetwork r = NetworkCatalog.Reference(network);
            int size = r.Precision == Precision.Single ? 4 : 8;
            Assert.Equal(r.ParameterCount * size, NetworkCatalog.Constant(type, "ParameterBytes"));
            Assert.Equal((r.ParameterCount * size) + 64, NetworkCatalog.Constant(type, "BatchGradientBytes"));

            var spatial = r.AllLayers.Where(l => l.Kind != Reference.ReferenceKind.Dense).ToList();
            int largestPair = spatial.Select(l => (l.Index == 0 ? 0 : l.In.Size) + l.Out.Size).Max();
            Assert.True(NetworkCatalog.Constant(type, "ForwardScratchBytes") >= largestPair * size, $"{r}: ForwardScratchBytes {NetworkCatalog.Constant(type, "ForwardScratchBytes")} < {largestPair * size}");
            int kept = spatial.Sum(l => 2 * l.Out.Size);
            Assert.True(NetworkCatalog.Constant(type, "WorkspaceBytes") >= (kept * size) + 64, $"{r}: WorkspaceBytes {NetworkCatalog.Constant(type, "WorkspaceBytes")} < {(kept * size) + 64}");
            Assert.True(NetworkCatalog.Constant(type, "ForwardScratchBytes") <= 256 * 1024);
        }
    }

    /// <summary>For the tie test: a 1x1 convolution summing two channels, a 2x2 max pool, one Dense weight.</summary>
    [Network(2, 2, 2, Loss = Loss.HalfSquaredError)]
    [Conv2D(1, 1, Bias = false)]
    [MaxPool2D(2)]
    [Dense(1, Bias = false)]
    public partial class TieNet : INet<float> { }
}
