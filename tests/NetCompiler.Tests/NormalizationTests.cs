using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using NetCompiler.Tests.Reference;

namespace NetCompiler.Tests
{
    public sealed class SingleNormalizationTests : NormalizationTests<float>
    {
    }

    public sealed class DoubleNormalizationTests : NormalizationTests<double>
    {
    }

    /// <summary>
    /// BatchNorm and Dropout in every member and both precisions, against the reference's textbook definitions: inference
    /// with the running statistics and without dropout; training with the batch's statistics, the running update, and the
    /// masks of the documented SplitMix64 rule (re-implemented here from its description), gradients by finite differences.
    /// </summary>
    public abstract class NormalizationTests<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static IEnumerable<object[]> Networks => NetworkCatalog.NormalizedOf<T>();

        private static bool IsSingle => typeof(T) == typeof(float);

        private static double ValueTolerance => IsSingle ? 2e-5 : 1e-11;

        private static double GradientTolerance => IsSingle ? 2e-3 : 1e-7;

        private sealed class Case
        {
            public required INormNet<T> Net { get; init; }

            public required ReferenceNetwork Ref { get; init; }

            public required Random Rng { get; init; }

            public required string Name { get; init; }

            public int In => Ref.Inputs;

            public int Out => Ref.Outputs;

            public int P => Ref.ParameterCount;

            public bool HasDropout => Ref.AllLayers.Any(l => l.Kind == ReferenceKind.Dropout);

            /// <summary>Whether a batch of one is refused (a BatchNorm over one value per feature).</summary>
            public bool NeedsTwoRows => Ref.AllLayers.Any(l => l.Kind == ReferenceKind.BatchNorm && l.In.Height * l.In.Width == 1);

            public override string ToString() => Ref.ToString();
        }

        private static Case Open(string name, int salt)
        {
            Type type = NetworkCatalog.ResolveNormalized(name);
            return new Case
            {
                Net = (INormNet<T>)Activator.CreateInstance(type)!,
                Ref = ReferenceNetwork.For(type),
                Rng = new Random(NetworkCatalog.Seed(name, salt)),
                Name = name,
            };
        }

        // ------------------------------------------------------------------ helpers

        private static T[] Random(Random rng, int n, double lo, double hi) =>
            Enumerable.Range(0, n).Select(_ => T.CreateTruncating(lo + ((hi - lo) * rng.NextDouble()))).ToArray();

        private static double[] ToDouble(ReadOnlySpan<T> values)
        {
            var result = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                result[i] = double.CreateTruncating(values[i]);
            }

            return result;
        }

        /// <summary>Random weights, gamma in [0.5, 1.5], beta in [-0.5, 0.5], running means in [-0.5, 0.5] and variances in [0.5, 2].</summary>
        private static void Randomize(Case c)
        {
            Span<T> p = c.Net.Parameters;
            Span<T> b = c.Net.Buffers;
            foreach (ReferenceLayer layer in c.Ref.Layers)
            {
                bool norm = layer.Kind == ReferenceKind.BatchNorm;
                int weights = layer.WeightCount;
                for (int i = 0; i < weights; i++)
                {
                    p[layer.WeightOffset + i] = T.CreateTruncating(norm ? 0.5 + c.Rng.NextDouble() : (2 * c.Rng.NextDouble() - 1) * Math.Sqrt(3.0 / layer.Inputs));
                }

                if (layer.HasBias)
                {
                    for (int j = 0; j < layer.Units; j++)
                    {
                        p[layer.BiasOffset + j] = T.CreateTruncating(c.Rng.NextDouble() - 0.5);
                    }
                }

                if (norm)
                {
                    for (int j = 0; j < layer.Units; j++)
                    {
                        b[layer.BufferOffset + j] = T.CreateTruncating(c.Rng.NextDouble() - 0.5);
                        b[layer.BufferOffset + layer.Units + j] = T.CreateTruncating(0.5 + (1.5 * c.Rng.NextDouble()));
                    }
                }
            }
        }

        private static T[] Target(Case c)
        {
            if (c.Ref.Loss != Loss.CrossEntropy)
            {
                return Random(c.Rng, c.Out, -0.8, 0.8);
            }

            var d = new T[c.Out];
            if (c.Ref.LastActivation == Activation.Softmax)
            {
                d[c.Rng.Next(c.Out)] = T.One;
            }
            else
            {
                for (int k = 0; k < c.Out; k++)
                {
                    d[k] = c.Rng.Next(2) == 0 ? T.Zero : T.One;
                }
            }

            return d;
        }

        private static ulong? Seed(INormNet<T> net) => net.GetType().GetProperty("DropoutSeed") is { } property ? (ulong)property.GetValue(net)! : null;

        private static void SetSeed(INormNet<T> net, ulong seed) => net.GetType().GetProperty("DropoutSeed")!.SetValue(net, seed);

        /// <summary>
        /// The masks of one training call of <paramref name="rows"/> rows from <paramref name="state"/>, by the rule DropoutSeed
        /// documents: one SplitMix64 step per value, Dropout layers in order, then rows, then values; kept when
        /// (next &gt;&gt; 11) * 2^-53 &gt;= p, then scaled by 1 / (1 - p) in the network's precision.
        /// </summary>
        private static double[][][] Masks(ReferenceNetwork reference, int rows, ref ulong state)
        {
            var masks = new List<double[][]>();
            foreach (ReferenceLayer layer in reference.AllLayers.Where(l => l.Kind == ReferenceKind.Dropout))
            {
                double scale = double.CreateTruncating(T.CreateTruncating(1.0 / (1.0 - layer.P)));
                var perRow = new double[rows][];
                for (int r = 0; r < rows; r++)
                {
                    perRow[r] = new double[layer.In.Size];
                    for (int e = 0; e < layer.In.Size; e++)
                    {
                        state = unchecked(state + 0x9E3779B97F4A7C15UL);
                        ulong z = state;
                        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
                        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
                        z ^= z >> 31;
                        double u = (z >> 11) * (1.0 / 9007199254740992.0);
                        perRow[r][e] = u >= layer.P ? scale : 0;
                    }
                }

                masks.Add(perRow);
            }

            return masks.ToArray();
        }

        private static bool Close(double a, double r, double tolerance) => Math.Abs(a - r) <= tolerance * Math.Max(1, Math.Abs(r));

        private static double[][] Rows(T[] flat, int width) =>
            Enumerable.Range(0, flat.Length / width).Select(r => ToDouble(flat.AsSpan(r * width, width))).ToArray();

        // ------------------------------------------------------------------ inference

        [Theory]
        [MemberData(nameof(Networks))]
        public void Forward_and_ComputeLoss_use_the_running_statistics_and_no_dropout(string network)
        {
            Case c = Open(network, salt: 1);
            Randomize(c);
            double[] p = ToDouble(c.Net.Parameters), b = ToDouble(c.Net.Buffers);
            for (int trial = 0; trial < 5; trial++)
            {
                T[] x = Random(c.Rng, c.In, -2, 2);
                T[] d = Target(c);
                var y = new T[c.Out];
                c.Net.Forward(x, y);
                double[] expected = c.Ref.Forward(p, b, ToDouble(x));
                for (int k = 0; k < c.Out; k++)
                {
                    Assert.True(Close(double.CreateTruncating(y[k]), expected[k], ValueTolerance), $"{c}: y[{k}] = {y[k]}, reference {expected[k]}");
                }

                double loss = double.CreateTruncating(c.Net.ComputeLoss(x, d));
                double reference = c.Ref.ComputeLoss(p, b, ToDouble(x), ToDouble(d));
                Assert.True(Close(loss, reference, ValueTolerance), $"{c}: ComputeLoss {loss}, reference {reference}");
            }

            // Inference changes nothing: no running update, no masks drawn.
            Assert.Equal(b, ToDouble(c.Net.Buffers));
            Assert.All(c.Net.BatchesTracked.ToArray(), n => Assert.Equal(0, n));
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void ForwardBatch_equals_Forward_row_by_row(string network)
        {
            Case c = Open(network, salt: 2);
            Randomize(c);
            const int k = 5;
            T[] xs = Random(c.Rng, k * c.In, -2, 2);
            var ys = new T[k * c.Out];
            c.Net.ForwardBatch(xs, ys);
            var y = new T[c.Out];
            for (int r = 0; r < k; r++)
            {
                c.Net.Forward(xs.AsSpan(r * c.In, c.In), y);
                Assert.Equal(y, ys.AsSpan(r * c.Out, c.Out).ToArray());
            }
        }

        // ------------------------------------------------------------------ training

        [Theory]
        [MemberData(nameof(Networks))]
        public void TrainBatch_steps_along_the_gradient_through_the_batch_statistics_and_updates_the_running_statistics(string network)
        {
            Case c = Open(network, salt: 3);
            var failures = new List<string>();
            int checkedTrials = 0;
            for (int trial = 0; trial < 8 && checkedTrials < 2; trial++)
            {
                Randomize(c);
                int k = 2 + trial % 3;
                ulong seed = (ulong)(17 + trial);
                if (c.HasDropout)
                {
                    SetSeed(c.Net, seed);
                }

                T[] xs = Random(c.Rng, k * c.In, -2, 2);
                var ds = new T[k * c.Out];
                for (int r = 0; r < k; r++)
                {
                    Target(c).CopyTo(ds, r * c.Out);
                }

                double[] p0 = ToDouble(c.Net.Parameters), b0 = ToDouble(c.Net.Buffers);
                ulong state = seed;
                double[][][] masks = Masks(c.Ref, k, ref state);
                double[]? fd = c.Ref.TrainingGradient(p0, Rows(xs, c.In), Rows(ds, c.Out), masks, 1e-4);
                if (fd is null)
                {
                    continue;
                }

                double expectedLoss = c.Ref.TrainingLoss(p0, Rows(xs, c.In), Rows(ds, c.Out), masks, b0, out _, out double[] updated) / k;
                long[] tracked = c.Net.BatchesTracked.ToArray();
                double lr = IsSingle ? 0.5 : 1e-3;
                double loss = double.CreateTruncating(c.Net.TrainBatch(xs, ds, T.CreateTruncating(lr)));
                checkedTrials++;
                if (!Close(loss, expectedLoss, ValueTolerance * 10))
                {
                    failures.Add($"trial {trial}: mean loss {loss}, reference {expectedLoss}");
                }

                double[] p1 = ToDouble(c.Net.Parameters);
                for (int i = 0; i < c.P; i++)
                {
                    // p1 = p0 - (lr / k) * dE/dp, E the summed loss of the rows.
                    double expected = p0[i] - (lr / k * fd[i]);
                    double tolerance = IsSingle ? 1e-5 + (lr / k * GradientTolerance * Math.Max(1, Math.Abs(fd[i]))) : 1e-12;
                    if (Math.Abs(p1[i] - expected) > tolerance)
                    {
                        failures.Add($"trial {trial} k {k}: parameter {i} moved to {p1[i]}, expected {expected} (finite differences dE/dp {fd[i]}, implied {(p0[i] - p1[i]) * k / lr})");
                    }
                }

                double[] b1 = ToDouble(c.Net.Buffers);
                for (int i = 0; i < b1.Length; i++)
                {
                    if (!Close(b1[i], updated[i], ValueTolerance * 10))
                    {
                        failures.Add($"trial {trial}: buffer {i} = {b1[i]}, reference {updated[i]}");
                    }
                }

                long[] after = c.Net.BatchesTracked.ToArray();
                for (int n = 0; n < after.Length; n++)
                {
                    if (after[n] != tracked[n] + 1)
                    {
                        failures.Add($"trial {trial}: BatchesTracked[{n}] went from {tracked[n]} to {after[n]}");
                    }
                }

                if (c.HasDropout && Seed(c.Net) != seed)
                {
                    failures.Add("DropoutSeed changed by training");
                }

                if (failures.Count > 0)
                {
                    break;
                }
            }

            Assert.True(checkedTrials > 0, $"{c}: every trial crossed a kink");
            Assert.True(failures.Count == 0, $"{c}:\n" + string.Join("\n", failures.Take(20)));
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Gradient_and_Train_treat_one_sample_as_a_batch_of_one(string network)
        {
            Case c = Open(network, salt: 4);
            Randomize(c);
            T[] x = Random(c.Rng, c.In, -2, 2);
            T[] d = Target(c);
            var g = new T[c.P];
            if (c.NeedsTwoRows)
            {
                double[] p0 = ToDouble(c.Net.Parameters), b0 = ToDouble(c.Net.Buffers);
                ulong? seed0 = Seed(c.Net);
                int layer = c.Ref.AllLayers.First(l => l.Kind == ReferenceKind.BatchNorm && l.In.Height * l.In.Width == 1).Index;
                var gradientError = Assert.Throws<InvalidOperationException>(() => c.Net.Gradient(x, d, g));
                Assert.Contains($"Layer {layer} (BatchNorm", gradientError.Message);
                Assert.Throws<InvalidOperationException>(() => c.Net.Train(x, d, T.CreateTruncating(0.1)));
                var batchError = Assert.Throws<InvalidOperationException>(() => c.Net.TrainBatch(x, d, T.CreateTruncating(0.1)));
                Assert.Contains("at least 2 rows", batchError.Message);

                // Nothing changed.
                Assert.Equal(p0, ToDouble(c.Net.Parameters));
                Assert.Equal(b0, ToDouble(c.Net.Buffers));
                Assert.All(g, v => Assert.Equal(T.Zero, v));
                Assert.All(c.Net.BatchesTracked.ToArray(), n => Assert.Equal(0, n));
                Assert.Equal(seed0, Seed(c.Net));
                return;
            }

            for (int trial = 0; trial < 6; trial++)
            {
                Randomize(c);
                if (c.HasDropout)
                {
                    SetSeed(c.Net, (ulong)(99 + trial));
                }

                x = Random(c.Rng, c.In, -2, 2);
                double[] p0 = ToDouble(c.Net.Parameters), b0 = ToDouble(c.Net.Buffers);
                ulong state = (ulong)(99 + trial);
                double[][][] masks = Masks(c.Ref, 1, ref state);
                double[]? fd = c.Ref.TrainingGradient(p0, new[] { ToDouble(x) }, new[] { ToDouble(d) }, masks, 1e-4);
                if (fd is null)
                {
                    continue;
                }

                double expectedLoss = c.Ref.TrainingLoss(p0, new[] { ToDouble(x) }, new[] { ToDouble(d) }, masks, b0, out _, out double[] updated);
                Array.Clear(g);
                g[0] = T.One;
                double loss = double.CreateTruncating(c.Net.Gradient(x, d, g));
                Assert.True(Close(loss, expectedLoss, ValueTolerance * 10), $"{c}: Gradient's loss {loss}, reference {expectedLoss}");
                for (int i = 0; i < c.P; i++)
                {
                    double gi = double.CreateTruncating(g[i]) - (i == 0 ? 1 : 0);
                    Assert.True(Close(gi, fd[i], GradientTolerance), $"{c}: dE/dp[{i}] = {gi}, finite differences {fd[i]}");
                }

                Assert.Equal(p0, ToDouble(c.Net.Parameters));
                double[] b1 = ToDouble(c.Net.Buffers);
                for (int i = 0; i < b1.Length; i++)
                {
                    Assert.True(Close(b1[i], updated[i], ValueTolerance * 10), $"{c}: buffer {i} = {b1[i]}, reference {updated[i]}");
                }

                // Train: the same masks again (same seed) give p - lr * dE/dp.
                c.Net.Buffers.Clear();
                b0.Select(v => T.CreateTruncating(v)).ToArray().CopyTo(c.Net.Buffers);
                if (c.HasDropout)
                {
                    SetSeed(c.Net, (ulong)(99 + trial));
                }

                double lr = 0.01;
                c.Net.Train(x, d, T.CreateTruncating(lr));
                double[] p1 = ToDouble(c.Net.Parameters);
                for (int i = 0; i < c.P; i++)
                {
                    double expected = p0[i] - (lr * double.CreateTruncating(g[i] - (i == 0 ? T.One : T.Zero)));
                    Assert.True(Math.Abs(p1[i] - expected) <= (IsSingle ? 1e-6 : 1e-14) * Math.Max(1, Math.Abs(expected)), $"{c}: Train moved parameter {i} to {p1[i]}, expected {expected}");
                }

                return;
            }

            Assert.Fail($"{c}: every trial crossed a kink");
        }

        // ------------------------------------------------------------------ dropout

        [Theory]
        [MemberData(nameof(Networks))]
        public void The_same_DropoutSeed_gives_the_same_training_bit_for_bit(string network)
        {
            Case a = Open(network, salt: 5);
            Case b = Open(network, salt: 5);
            Randomize(a);
            Randomize(b);
            const int k = 4;
            T[] xs = Random(a.Rng, k * a.In, -2, 2);
            _ = Random(b.Rng, k * a.In, -2, 2);
            var ds = new T[k * a.Out];
            for (int r = 0; r < k; r++)
            {
                Target(a).CopyTo(ds, r * a.Out);
            }

            if (a.HasDropout)
            {
                SetSeed(a.Net, 12345);
                SetSeed(b.Net, 12345);
            }

            for (int step = 0; step < 3; step++)
            {
                T la = a.Net.TrainBatch(xs, ds, T.CreateTruncating(0.05));
                T lb = b.Net.TrainBatch(xs, ds, T.CreateTruncating(0.05));
                Assert.Equal(la, lb);
            }

            Assert.Equal(a.Net.Parameters.ToArray(), b.Net.Parameters.ToArray());
            Assert.Equal(a.Net.Buffers.ToArray(), b.Net.Buffers.ToArray());
            if (!a.HasDropout)
            {
                return;
            }

            // Another seed draws other masks: the step differs.
            Case other = Open(network, salt: 5);
            Randomize(other);
            SetSeed(other.Net, 54321);
            for (int step = 0; step < 3; step++)
            {
                other.Net.TrainBatch(xs, ds, T.CreateTruncating(0.05));
            }

            Assert.NotEqual(a.Net.Parameters.ToArray(), other.Net.Parameters.ToArray());
        }

        // ------------------------------------------------------------------ state

        [Theory]
        [MemberData(nameof(Networks))]
        public void Parameter_files_round_trip_parameters_buffers_and_batch_counts(string network)
        {
            Case c = Open(network, salt: 6);
            Randomize(c);
            T[] xs = Random(c.Rng, 3 * c.In, -2, 2);
            var ds = new T[3 * c.Out];
            for (int r = 0; r < 3; r++)
            {
                Target(c).CopyTo(ds, r * c.Out);
            }

            c.Net.TrainBatch(xs, ds, T.CreateTruncating(0.01));
            c.Net.TrainBatch(xs, ds, T.CreateTruncating(0.01));

            var stream = new MemoryStream();
            c.Net.SaveParameters(stream);
            byte[] file = stream.ToArray();
            string header = System.Text.Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0));
            foreach (ReferenceLayer layer in c.Ref.AllLayers.Where(l => l.Kind == ReferenceKind.BatchNorm))
            {
                Assert.Contains($"\"layers.{layer.Index}.running_mean\"", header);
                Assert.Contains($"\"layers.{layer.Index}.running_var\"", header);
                Assert.Contains($"\"layers.{layer.Index}.num_batches_tracked\":{{\"dtype\":\"I64\",\"shape\":[]", header);
            }

            var copy = (INormNet<T>)Activator.CreateInstance(c.Net.GetType())!;
            copy.LoadParameters(file);
            Assert.Equal(c.Net.Parameters.ToArray(), copy.Parameters.ToArray());
            Assert.Equal(c.Net.Buffers.ToArray(), copy.Buffers.ToArray());
            Assert.Equal(c.Net.BatchesTracked.ToArray(), copy.BatchesTracked.ToArray());

            // A damaged file changes nothing.
            var fresh = (INormNet<T>)Activator.CreateInstance(c.Net.GetType())!;
            T[] before = fresh.Buffers.ToArray();
            Assert.Throws<InvalidDataException>(() => fresh.LoadParameters(file.AsSpan(0, file.Length - 4)));
            Assert.Equal(before, fresh.Buffers.ToArray());

            // InitializeParameters starts the normalization again: gamma 1, beta 0, mean 0, variance 1, no batches.
            c.Net.InitializeParameters(3);
            Assert.Equal(fresh.Buffers.ToArray(), c.Net.Buffers.ToArray());
            Assert.All(c.Net.BatchesTracked.ToArray(), n => Assert.Equal(0, n));
            foreach (ReferenceLayer layer in c.Ref.Layers.Where(l => l.Kind == ReferenceKind.BatchNorm))
            {
                for (int j = 0; j < layer.Units; j++)
                {
                    Assert.Equal(T.One, c.Net.Parameters[layer.WeightOffset + j]);
                    Assert.Equal(T.Zero, c.Net.Parameters[layer.BiasOffset + j]);
                }
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void No_member_allocates_after_the_first_call(string network)
        {
            Case c = Open(network, salt: 7);
            const int k = 4;
            T[] x = Random(c.Rng, c.In, -1, 1);
            T[] d = Target(c);
            T[] xs = Random(c.Rng, k * c.In, -1, 1);
            var ds = new T[k * c.Out];
            for (int r = 0; r < k; r++)
            {
                Target(c).CopyTo(ds, r * c.Out);
            }

            var y = new T[c.Out];
            var ys = new T[k * c.Out];
            var g = new T[c.P];
            for (int attempt = 0; attempt < 3; attempt++)
            {
                long bytes = Measure(c.Net, x, d, xs, ds, y, ys, g, !c.NeedsTwoRows);
                if (bytes == 0)
                {
                    return;
                }

                if (attempt == 2)
                {
                    Assert.Fail($"{c}: {bytes} bytes allocated over 200 rounds of every member");
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static long Measure(INormNet<T> net, T[] x, T[] d, T[] xs, T[] ds, T[] y, T[] ys, T[] g, bool single)
        {
            T lr = T.CreateTruncating(1e-4);
            void Round()
            {
                net.Forward(x, y);
                net.ForwardBatch(xs, ys);
                net.ComputeLoss(x, d);
                net.TrainBatch(xs, ds, lr);
                if (single)
                {
                    net.Gradient(x, d, g);
                    net.Train(x, d, lr);
                }

                _ = net.Buffers;
                _ = net.BatchesTracked;
            }

            Round();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                Round();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    /// <summary>The dropout masks' statistics, seen through the gradient of <see cref="Normalization.MaskProbe"/>.</summary>
    public sealed class DropoutMaskTests
    {
        [Fact]
        public void Masks_keep_each_value_with_probability_1_minus_p_and_scale_it_by_1_over_1_minus_p()
        {
            var net = new Normalization.MaskProbe();
            net.Parameters.Fill(1);
            double[] x = Enumerable.Repeat(1.0, 256).ToArray();
            double[] d = { 0 };
            var g = new double[256];
            int dropped = 0, total = 0;
            var seen = new HashSet<string>();
            for (int call = 0; call < 40; call++)
            {
                Array.Clear(g);
                double loss = net.Gradient(x, d, g);

                // y = sum_i m_i, E = y^2 / 2, dE/dw_i = y * m_i.
                double y = Math.Sqrt(2 * loss);
                int zeros = 0;
                var pattern = new char[256];
                for (int i = 0; i < 256; i++)
                {
                    double m = g[i] / y;
                    Assert.True(m == 0 || Math.Abs(m - (1 / 0.7)) < 1e-12, $"mask value {m}");
                    zeros += m == 0 ? 1 : 0;
                    pattern[i] = m == 0 ? '0' : '1';
                }

                Assert.True(seen.Add(new string(pattern)), "a mask repeated");
                dropped += zeros;
                total += 256;
            }

            // 10240 Bernoulli(0.3) draws: mean 3072, standard deviation 46; allow 5 of them.
            Assert.InRange(dropped, 3072 - 230, 3072 + 230);
            _ = total;
        }

        [Fact]
        public void Inference_passes_values_through_and_draws_nothing()
        {
            var net = new Normalization.MaskProbe();
            net.Parameters.Fill(1);
            double[] x = Enumerable.Range(0, 256).Select(i => i / 256.0).ToArray();
            var y = new double[1];
            net.Forward(x, y);
            Assert.Equal(x.Sum(), y[0], 12);

            // Forward drew no mask: a Gradient after it equals one on a fresh instance.
            var fresh = new Normalization.MaskProbe();
            fresh.Parameters.Fill(1);
            var g1 = new double[256];
            var g2 = new double[256];
            net.Gradient(x, new double[] { 0 }, g1);
            fresh.Gradient(x, new double[] { 0 }, g2);
            Assert.Equal(g2, g1);
        }
    }
}

namespace NetCompiler.Tests
{
    using System;
    using System.Collections.Generic;
    using System.IO;
    using System.Linq;
    using System.Text;

    /// <summary>What the parameter-file reader says about BatchNorm tensors that do not fit, and PyTorch's names for them.</summary>
    public sealed class BatchNormFileTests
    {
        /// <summary>A safetensors file of (name, dtype, shape, values) tensors, keys sorted as safetensors writes them.</summary>
        private static byte[] File(params (string Name, string DType, int[] Shape, double[] Values)[] tensors)
        {
            var header = new StringBuilder("{");
            var data = new List<byte>();
            foreach (var t in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                int begin = data.Count;
                foreach (double v in t.Values)
                {
                    data.AddRange(t.DType switch
                    {
                        "F32" => BitConverter.GetBytes((float)v),
                        "F64" => BitConverter.GetBytes(v),
                        _ => BitConverter.GetBytes((long)v),
                    });
                }

                header.Append(header.Length > 1 ? "," : "").Append($"\"{t.Name}\":{{\"dtype\":\"{t.DType}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{begin},{data.Count}]}}");
            }

            string text = header.Append('}').ToString();
            text += new string(' ', (8 - (text.Length % 8)) % 8);
            return BitConverter.GetBytes((ulong)text.Length).Concat(Encoding.UTF8.GetBytes(text)).Concat(data).ToArray();
        }

        private static double[] Values(int n, double start) => Enumerable.Range(0, n).Select(i => start + (0.01 * i)).ToArray();

        /// <summary>DenseNormSoftmax (5 -> Dense 7 without bias -> BatchNorm -> Dropout -> Dense 4) as PyTorch names it: 0 Linear, 1 BatchNorm1d, 2 Tanh, 3 Dropout, 4 Linear.</summary>
        private static List<(string Name, string DType, int[] Shape, double[] Values)> Torch() => new()
        {
            ("0.weight", "F32", new[] { 7, 5 }, Values(35, 0.1)),
            ("1.weight", "F32", new[] { 7 }, Values(7, 1)),
            ("1.bias", "F32", new[] { 7 }, Values(7, -0.1)),
            ("1.running_mean", "F32", new[] { 7 }, Values(7, 0.3)),
            ("1.running_var", "F32", new[] { 7 }, Values(7, 0.8)),
            ("1.num_batches_tracked", "I64", Array.Empty<int>(), new double[] { 42 }),
            ("4.weight", "F32", new[] { 4, 7 }, Values(28, -0.2)),
            ("4.bias", "F32", new[] { 4 }, Values(4, 0)),
        };

        [Fact]
        public void A_PyTorch_BatchNorm1d_loads_into_parameters_buffers_and_the_counter()
        {
            var net = new Normalization.DenseNormSoftmax();
            net.LoadParameters(File(Torch().ToArray()));
            Assert.Equal(Values(7, 1).Select(v => (double)(float)v), net.Parameters.Slice(35, 7).ToArray());
            Assert.Equal(Values(7, 0.3).Concat(Values(7, 0.8)).Select(v => (double)(float)v), net.Buffers.ToArray());
            Assert.Equal(42, net.BatchesTracked[0]);

            // Without num_batches_tracked (an older file): the counter is 0.
            net.LoadParameters(File(Torch().Where(t => !t.Name.EndsWith("num_batches_tracked")).ToArray()));
            Assert.Equal(0, net.BatchesTracked[0]);
        }

        [Theory]
        [InlineData("1.running_var", "missing tensor '1.running_var'", "BatchNorm layer 1")]
        [InlineData("1.running_mean", "missing tensor '1.running_mean'", "BatchNorm layer 1")]
        [InlineData("1.bias", "missing tensor '1.bias'", "beta of layer 1")]
        public void A_missing_BatchNorm_tensor_is_named_and_changes_nothing(string missing, string message, string what)
        {
            var net = new Normalization.DenseNormSoftmax();
            double[] parameters = net.Parameters.ToArray(), buffers = net.Buffers.ToArray();
            var error = Assert.Throws<InvalidDataException>(() => net.LoadParameters(File(Torch().Where(t => t.Name != missing).ToArray())));
            Assert.Contains(message, error.Message);
            Assert.Contains(what, error.Message);
            Assert.Equal(parameters, net.Parameters.ToArray());
            Assert.Equal(buffers, net.Buffers.ToArray());
        }

        [Fact]
        public void Statistics_on_a_layer_that_is_not_a_BatchNorm_and_wrong_dtypes_are_refused()
        {
            var net = new Normalization.DenseNormSoftmax();
            var extra = Torch();
            extra.Add(("4.running_mean", "F32", new[] { 4 }, Values(4, 0)));
            Assert.Contains("layer 3 of the network is not a BatchNorm layer", Assert.Throws<InvalidDataException>(() => net.LoadParameters(File(extra.ToArray()))).Message);

            var counter = Torch().Select(t => t.Name == "1.num_batches_tracked" ? (t.Name, "F32", t.Shape, t.Values) : t).ToArray();
            Assert.Contains("must be an I64 scalar", Assert.Throws<InvalidDataException>(() => net.LoadParameters(File(counter))).Message);

            var weights = Torch().Select(t => t.Name == "1.running_var" ? (t.Name, "I64", t.Shape, t.Values) : t).ToArray();
            Assert.Contains("has dtype I64", Assert.Throws<InvalidDataException>(() => net.LoadParameters(File(weights))).Message);
        }
    }
}
