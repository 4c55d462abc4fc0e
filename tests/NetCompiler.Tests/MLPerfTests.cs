using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetCompiler.Tests.MLPerf;

namespace NetCompiler.Tests
{
    /// <summary>
    /// The MLPerf Tiny reference models against PyTorch (tools/make_torch_mlperf_fixtures.py): the files load, the
    /// eval-mode outputs are PyTorch's, one TrainBatch step is PyTorch's train-mode SGD step (parameters, running
    /// statistics, counters; the dropout masks are NetCompiler's, which the script reproduces), and the baked twins, with
    /// every BatchNorm folded, compute what the trainable networks compute.
    /// </summary>
    public sealed class MLPerfTests
    {
        private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Torch", name);

        private sealed class Fixture
        {
            public required double[][] Inputs { get; init; }

            public required double[][] Outputs { get; init; }

            public required double[][] TrainInputs { get; init; }

            public required double[][] TrainTargets { get; init; }

            public required double LearningRate { get; init; }

            public required ulong DropoutSeed { get; init; }

            public required double Loss { get; init; }

            public static Fixture Read(string name)
            {
                using JsonDocument json = JsonDocument.Parse(File.ReadAllText(FixturePath($"mlperf_{name}.json")));
                JsonElement root = json.RootElement;
                JsonElement train = root.GetProperty("train");
                static double[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
                return new Fixture
                {
                    Inputs = Rows(root.GetProperty("inputs")),
                    Outputs = Rows(root.GetProperty("outputs")),
                    TrainInputs = Rows(train.GetProperty("inputs")),
                    TrainTargets = Rows(train.GetProperty("targets")),
                    LearningRate = train.GetProperty("learning_rate").GetDouble(),
                    DropoutSeed = train.GetProperty("dropout_seed").GetUInt64(),
                    Loss = train.GetProperty("loss").GetDouble(),
                };
            }
        }

        /// <summary>The "parameters", "buffers" (F64) and "batches_tracked" (I64) tensors of a *_step.safetensors file.</summary>
        private static (double[] Parameters, double[] Buffers, long[] Tracked) ReadStep(string name)
        {
            byte[] file = File.ReadAllBytes(FixturePath($"mlperf_{name}_step.safetensors"));
            int headerLength = checked((int)BitConverter.ToUInt64(file, 0));
            using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, headerLength));
            int data = 8 + headerLength;
            (int Begin, int End) Offsets(string key)
            {
                JsonElement offsets = header.RootElement.GetProperty(key).GetProperty("data_offsets");
                return (offsets[0].GetInt32(), offsets[1].GetInt32());
            }

            (int b, int e) = Offsets("parameters");
            double[] parameters = Enumerable.Range(0, (e - b) / 8).Select(i => BitConverter.ToDouble(file, data + b + (8 * i))).ToArray();
            (b, e) = Offsets("buffers");
            double[] buffers = Enumerable.Range(0, (e - b) / 8).Select(i => BitConverter.ToDouble(file, data + b + (8 * i))).ToArray();
            (b, e) = Offsets("batches_tracked");
            long[] tracked = Enumerable.Range(0, (e - b) / 8).Select(i => BitConverter.ToInt64(file, data + b + (8 * i))).ToArray();
            return (parameters, buffers, tracked);
        }

        private static float[] F(double[] values) => values.Select(v => (float)v).ToArray();

        private static float[] Flat(double[][] rows) => rows.SelectMany(r => r).Select(v => (float)v).ToArray();

        /// <summary>|actual - expected| &lt;= tolerance * max(1, |expected|): relative, and absolute for values below 1.</summary>
        private static void AssertClose(double expected, double actual, double tolerance, string what) =>
            Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: PyTorch {expected:R}, NetCompiler {actual:R}");

        public static IEnumerable<object[]> Models => new[]
        {
            new object[] { "anomaly_detection", typeof(AnomalyDetection) },
            new object[] { "keyword_spotting", typeof(KeywordSpotting) },
        };

        private static INormNet<float> Load(string name, Type type)
        {
            var net = (INormNet<float>)Activator.CreateInstance(type)!;
            using FileStream stream = File.OpenRead(FixturePath($"mlperf_{name}.safetensors"));
            net.LoadParameters(stream);
            return net;
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void PyTorch_files_load_and_give_PyTorchs_eval_outputs(string name, Type type)
        {
            INormNet<float> net = Load(name, type);
            Assert.All(net.BatchesTracked.ToArray(), n => Assert.Equal(3, n));
            Fixture fixture = Fixture.Read(name);
            for (int n = 0; n < fixture.Inputs.Length; n++)
            {
                var y = new float[fixture.Outputs[n].Length];
                net.Forward(F(fixture.Inputs[n]), y);
                for (int k = 0; k < y.Length; k++)
                {
                    AssertClose(fixture.Outputs[n][k], y[k], 1e-5, $"{name}: input {n}, output {k}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Models))]
        public void One_TrainBatch_step_is_PyTorchs_train_mode_SGD_step(string name, Type type)
        {
            INormNet<float> net = Load(name, type);
            Fixture fixture = Fixture.Read(name);
            (double[] parameters, double[] buffers, long[] tracked) = ReadStep(name);
            float[] before = net.Parameters.ToArray();
            if (type.GetProperty("DropoutSeed") is { } seed)
            {
                seed.SetValue(net, fixture.DropoutSeed);
            }

            float loss = net.TrainBatch(Flat(fixture.TrainInputs), Flat(fixture.TrainTargets), (float)fixture.LearningRate);
            AssertClose(fixture.Loss, loss, 1e-5, $"{name}: mean training loss");

            // The step itself, p1 - p0 = -eta * dE/dp, to 1e-3 of the largest step (float arithmetic over the whole batch),
            // and the parameters to 1e-6.
            float[] after = net.Parameters.ToArray();
            double largest = Enumerable.Range(0, after.Length).Max(i => Math.Abs(parameters[i] - before[i]));
            Assert.True(largest > 0, "PyTorch's step moved nothing");
            for (int i = 0; i < after.Length; i++)
            {
                double expectedStep = parameters[i] - before[i];
                double step = after[i] - before[i];
                Assert.True(Math.Abs(step - expectedStep) <= 1e-3 * largest + 1e-6 * Math.Abs(before[i]), $"{name}: parameter {i} stepped {step:R}, PyTorch {expectedStep:R} (largest step {largest:R})");
            }

            float[] b = net.Buffers.ToArray();
            Assert.Equal(buffers.Length, b.Length);
            for (int i = 0; i < b.Length; i++)
            {
                AssertClose(buffers[i], b[i], 1e-5, $"{name}: buffer {i}");
            }

            Assert.Equal(tracked, net.BatchesTracked.ToArray());
        }

        [Fact]
        public void Baked_models_fold_every_BatchNorm_and_compute_what_the_trainable_networks_compute()
        {
            var detection = (AnomalyDetection)Load("anomaly_detection", typeof(AnomalyDetection));
            var spotting = (KeywordSpotting)Load("keyword_spotting", typeof(KeywordSpotting));

            // No parameters for the folded BatchNorms: the Dense and convolution layers with a bias each.
            Assert.Equal(AnomalyDetection.ParameterCount - (2 * ((8 * 128) + 8)), BakedAnomalyDetection.ParameterCount);
            Assert.Equal(KeywordSpotting.ParameterCount - (2 * 9 * 64), BakedKeywordSpotting.ParameterCount);
            foreach ((string name, Action<float[], float[]> baked, Action<float[], float[]> trainable, int inputs, int outputs) in new (string, Action<float[], float[]>, Action<float[], float[]>, int, int)[]
            {
                ("anomaly_detection", (x, y) => BakedAnomalyDetection.Forward(x, y), (x, y) => detection.Forward(x, y), AnomalyDetection.InputCount, AnomalyDetection.OutputCount),
                ("keyword_spotting", (x, y) => BakedKeywordSpotting.Forward(x, y), (x, y) => spotting.Forward(x, y), KeywordSpotting.InputCount, KeywordSpotting.OutputCount),
            })
            {
                Fixture fixture = Fixture.Read(name);
                var rng = new Random(5);
                for (int n = 0; n < 20; n++)
                {
                    float[] x = n < fixture.Inputs.Length ? F(fixture.Inputs[n]) : Enumerable.Range(0, inputs).Select(_ => (float)((rng.NextDouble() * 4) - 2)).ToArray();
                    var a = new float[outputs];
                    var b = new float[outputs];
                    baked(x, a);
                    trainable(x, b);
                    for (int k = 0; k < outputs; k++)
                    {
                        AssertClose(b[k], a[k], 2e-5, $"baked {name}: input {n}, output {k} against the trainable network");
                        if (n < fixture.Outputs.Length)
                        {
                            AssertClose(fixture.Outputs[n][k], a[k], 1e-5, $"baked {name}: input {n}, output {k}");
                        }
                    }
                }
            }
        }
    }
}
