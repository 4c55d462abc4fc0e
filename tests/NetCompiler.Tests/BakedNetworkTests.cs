using System;
using System.IO;
using System.Text;

namespace NetCompiler.Tests
{
    /// <summary>Baked from a file in NetCompiler's names (F32): layer 0 (72 weights) is looped, layer 1 (36) unrolled.</summary>
    [Network(6, Loss = Loss.CrossEntropy, BakedParameters = "Baked/mixed.safetensors")]
    [Dense(12, Activation.ReLU)]
    [Dense(3, Activation.Softmax)]
    public static partial class BakedMixed
    {
    }

    /// <summary>The trainable twin of <see cref="BakedMixed"/>.</summary>
    [Network(6, Loss = Loss.CrossEntropy)]
    [Dense(12, Activation.ReLU)]
    [Dense(3, Activation.Softmax)]
    public partial class TrainableMixed : INet<float>
    {
    }

    /// <summary>Baked from a PyTorch nn.Sequential file (F64), matched by bare file name.</summary>
    [Network(4, Precision = Precision.Double, BakedParameters = "torch.safetensors")]
    [Dense(5, Activation.Tanh)]
    [Dense(2, Activation.Identity, Bias = false)]
    internal sealed partial class BakedTorch
    {
    }

    /// <summary>The trainable twin of <see cref="BakedTorch"/>.</summary>
    [Network(4, Precision = Precision.Double)]
    [Dense(5, Activation.Tanh)]
    [Dense(2, Activation.Identity, Bias = false)]
    internal sealed partial class TrainableTorch : INet<double>
    {
    }

    /// <summary>
    /// Baked networks built through MSBuild as in a user's project: the .safetensors files are
    /// AdditionalFiles, NetCompiler's build targets hand their bytes to the generator, and the parameters
    /// are compiled in. A baked network must compute exactly what its trainable twin computes after
    /// LoadParameters of the same file.
    /// </summary>
    public sealed class BakedNetworkTests
    {
        private static byte[] File(string name) => System.IO.File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Baked", name));

        [Theory]
        [InlineData("mixed.safetensors")]
        [InlineData("torch.safetensors")]
        public void The_files_are_binary_not_text(string name)
        {
            // The reason for the build step: these bytes do not survive being read as UTF-8 text.
            Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(File(name)));
        }

        [Fact]
        public void Baked_network_equals_trainable_network_after_loading_the_same_file_float()
        {
            var twin = new TrainableMixed();
            using (var stream = new MemoryStream(File("mixed.safetensors")))
            {
                twin.LoadParameters(stream);
            }

            Assert.Equal(twin.Parameters.ToArray(), BakedMixed.Parameters.ToArray());
            Assert.Equal(TrainableMixed.ParameterCount, BakedMixed.ParameterCount);

            var rng = new Random(7);
            var x = new float[6];
            var baked = new float[3];
            var trained = new float[3];
            for (int n = 0; n < 200; n++)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (float)((rng.NextDouble() * 4) - 2);
                }

                BakedMixed.Forward(x, baked);
                twin.Forward(x, trained);
                Assert.Equal(trained, baked);
            }

            var batch = new float[6 * 5];
            var batchOut = new float[3 * 5];
            BakedMixed.ForwardBatch(batch, batchOut);
            Assert.Throws<ArgumentException>(() => BakedMixed.Forward(new float[5], baked));
        }

        [Fact]
        public void Baked_network_equals_trainable_network_after_loading_the_same_file_pytorch_double()
        {
            var twin = new TrainableTorch();
            twin.LoadParameters(File("torch.safetensors"));
            Assert.Equal(twin.Parameters.ToArray(), BakedTorch.Parameters.ToArray());

            var rng = new Random(11);
            var x = new double[4];
            var baked = new double[2];
            var trained = new double[2];
            for (int n = 0; n < 200; n++)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (rng.NextDouble() * 4) - 2;
                }

                BakedTorch.Forward(x, baked);
                twin.Forward(x, trained);
                Assert.Equal(trained, baked);
            }
        }

        [Fact]
        public void Baked_forward_allocates_nothing()
        {
            var x = new float[6];
            var y = new float[3];
            BakedMixed.Forward(x, y);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int n = 0; n < 10_000; n++)
            {
                BakedMixed.Forward(x, y);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
