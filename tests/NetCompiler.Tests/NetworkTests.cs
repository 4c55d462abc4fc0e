using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using NetCompiler.Tests.Reference;

namespace NetCompiler.Tests
{
    /// <summary>The float networks (Precision.Single).</summary>
    public sealed class SingleNetworkTests : NetworkTests<float>
    {
    }

    /// <summary>The double networks (Precision.Double).</summary>
    public sealed class DoubleNetworkTests : NetworkTests<double>
    {
    }

    /// <summary>
    /// Every test runs once per declared network of precision <typeparamref name="T"/> and compares the
    /// generated code against <see cref="ReferenceNetwork"/> (an independent double-precision MLP) or
    /// against the contract in API.md.
    /// </summary>
    public abstract class NetworkTests<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static IEnumerable<object[]> Networks => NetworkCatalog.Of<T>();

        private static bool IsSingle => typeof(T) == typeof(float);

        // Forward/loss vs the double reference: |a - r| <= tol * max(1, |r|).
        private static double ValueTolerance => IsSingle ? 1e-5 : 1e-12;

        // Generated gradient vs 5-point central differences of the reference loss.
        private static double GradientTolerance => IsSingle ? 1e-4 : 1e-8;

        // Results of the same arithmetic done in a possibly different order (training steps).
        private static double StepTolerance => IsSingle ? 2e-6 : 1e-13;

        private const double FiniteDifferenceStep = 1e-4;
        private const double KinkMargin = 1e-3;

        // ------------------------------------------------------------------ sizes and shape

        [Theory]
        [MemberData(nameof(Networks))]
        public void Size_constants_match_the_declaration(string network)
        {
            Type type = NetworkCatalog.Resolve(network);
            ReferenceNetwork r = ReferenceNetwork.For(type);
            Assert.Equal(r.Inputs, NetworkCatalog.Constant(type, "InputCount"));
            Assert.Equal(r.Outputs, NetworkCatalog.Constant(type, "OutputCount"));
            Assert.Equal(r.ParameterCount, NetworkCatalog.Constant(type, "ParameterCount"));
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
            Assert.True(typeof(INet<T>).IsAssignableFrom(type));

            INet<T> net = Create(network);
            Assert.Equal(r.ParameterCount, net.Parameters.Length);
        }

        // ------------------------------------------------------------------ forward

        [Theory]
        [MemberData(nameof(Networks))]
        public void Forward_matches_reference(string network)
        {
            Case c = Open(network, salt: 1);
            var failures = new List<string>();
            for (int trial = 0; trial < 12; trial++)
            {
                if (trial == 0)
                {
                    c.Net.InitializeParameters(0);
                }
                else if (trial == 1 || trial == 6)
                {
                    RandomizeParameters(c, 1.0);
                }

                double[] p = ToDouble(c.Net.Parameters);
                T[] x = RandomVector(c.Rng, c.In, -2, 2);
                var y = new T[c.Out];
                c.Net.Forward(x, y);
                double[] expected = c.Ref.Forward(p, ToDouble(x));
                for (int k = 0; k < c.Out; k++)
                {
                    double actual = double.CreateTruncating(y[k]);
                    if (!Close(actual, expected[k], ValueTolerance))
                    {
                        failures.Add($"trial {trial} output[{k}]: expected {R(expected[k])}, actual {R(actual)} (x = {Show(x)})");
                    }
                }
            }

            AssertNoFailures(c, failures);
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void ForwardBatch_equals_Forward_row_by_row(string network)
        {
            Case c = Open(network, salt: 2);
            RandomizeParameters(c, 1.0);
            foreach (int k in new[] { 1, 2, 5 })
            {
                T[] xs = RandomVector(c.Rng, k * c.In, -2, 2);
                var ys = new T[k * c.Out];
                c.Net.ForwardBatch(xs, ys);
                var row = new T[c.Out];
                for (int r = 0; r < k; r++)
                {
                    c.Net.Forward(xs.AsSpan(r * c.In, c.In), row);
                    Assert.True(
                        SameBits(row, ys.AsSpan(r * c.Out, c.Out)),
                        $"{c}: k = {k}, row {r}: ForwardBatch gave {Show(ys.AsSpan(r * c.Out, c.Out))}, Forward gave {Show(row)}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Forward_stays_finite_for_large_weighted_sums(string network)
        {
            // Weights x 25: weighted sums in the tens to thousands. Softmax must not overflow (e^1000),
            // sigmoid must not produce NaN, and bounded outputs must still match the reference.
            Case c = Open(network, salt: 16);
            var failures = new List<string>();
            Activation last = c.Ref.Layers[^1].Activation;
            for (int trial = 0; trial < 8; trial++)
            {
                RandomizeParameters(c, 25.0);
                double[] p = ToDouble(c.Net.Parameters);
                T[] x = RandomVector(c.Rng, c.In, -3, 3);
                var y = new T[c.Out];
                c.Net.Forward(x, y);
                double[] expected = c.Ref.Forward(p, ToDouble(x));
                double sum = 0;
                for (int k = 0; k < c.Out; k++)
                {
                    double actual = double.CreateTruncating(y[k]);
                    sum += actual;
                    if (!double.IsFinite(actual) && double.IsFinite(expected[k]))
                    {
                        failures.Add($"trial {trial}: output[{k}] = {R(actual)}, reference {R(expected[k])}");
                    }
                    else if (last is Activation.Sigmoid or Activation.Softmax or Activation.Tanh
                        && Math.Abs(actual - expected[k]) > (IsSingle ? 1e-2 : 1e-8))
                    {
                        failures.Add($"trial {trial}: {last} output[{k}] = {R(actual)}, reference {R(expected[k])}");
                    }
                }

                if (last == Activation.Softmax && !(Math.Abs(sum - 1) < (IsSingle ? 1e-5 : 1e-12)))
                {
                    failures.Add($"trial {trial}: softmax outputs sum to {R(sum)}");
                }
            }

            AssertNoFailures(c, failures);
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Loss_and_gradient_are_not_NaN_for_saturated_outputs(string network)
        {
            // Saturated outputs with 0/1 targets: 0 * ln 0 terms must not turn the loss or the gradient into NaN.
            Case c = Open(network, salt: 17);
            var failures = new List<string>();
            for (int trial = 0; trial < 8; trial++)
            {
                RandomizeParameters(c, 40.0);
                T[] x = RandomVector(c.Rng, c.In, -3, 3);
                var d = new T[c.Out];
                if (c.Ref.Loss == Loss.CrossEntropy && c.Ref.Layers[^1].Activation == Activation.Softmax)
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

                T loss = c.Net.ComputeLoss(x, d);
                var g = new T[c.P];
                T loss2 = c.Net.Gradient(x, d, g);
                if (T.IsNaN(loss) || T.IsNaN(loss2))
                {
                    failures.Add($"trial {trial}: ComputeLoss = {R(loss)}, Gradient returned {R(loss2)} (x = {Show(x)}, d = {Show(d)}, output = {Show(Output(c, x))})");
                }

                for (int i = 0; i < c.P; i++)
                {
                    if (T.IsNaN(g[i]))
                    {
                        failures.Add($"trial {trial}: gradient {ParameterName(c.Ref, i)} is NaN (x = {Show(x)}, d = {Show(d)}, output = {Show(Output(c, x))})");
                        break;
                    }
                }
            }

            AssertNoFailures(c, failures);
        }

        private static T[] Output(Case c, T[] x)
        {
            var y = new T[c.Out];
            c.Net.Forward(x, y);
            return y;
        }

        // ------------------------------------------------------------------ loss and gradient

        [Theory]
        [MemberData(nameof(Networks))]
        public void ComputeLoss_matches_reference(string network)
        {
            Case c = Open(network, salt: 3);
            var failures = new List<string>();
            for (int trial = 0; trial < 10; trial++)
            {
                if (trial % 5 == 0)
                {
                    RandomizeParameters(c, 1.0);
                }

                double[] p = ToDouble(c.Net.Parameters);
                T[] x = RandomVector(c.Rng, c.In, -2, 2);
                T[] d = RandomTarget(c);
                double actual = double.CreateTruncating(c.Net.ComputeLoss(x, d));
                double expected = c.Ref.ComputeLoss(p, ToDouble(x), ToDouble(d));
                if (!Close(actual, expected, ValueTolerance))
                {
                    failures.Add($"trial {trial}: expected {R(expected)}, actual {R(actual)} (x = {Show(x)}, d = {Show(d)})");
                }
            }

            AssertNoFailures(c, failures);
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Gradient_matches_finite_differences_of_reference(string network)
        {
            Case c = Open(network, salt: 4);
            var failures = new List<string>();
            for (int trial = 0; trial < 4; trial++)
            {
                if (trial == 0)
                {
                    c.Net.InitializeParameters(11);
                }
                else
                {
                    RandomizeParameters(c, 1.0);
                }

                double[] p = ToDouble(c.Net.Parameters);
                (T[] x, T[] d, double[] fd) = DrawDifferentiableSample(c, p);
                var g = new T[c.P];
                c.Net.Gradient(x, d, g);
                for (int i = 0; i < c.P; i++)
                {
                    double gi = double.CreateTruncating(g[i]);
                    if (!Close(gi, fd[i], GradientTolerance))
                    {
                        failures.Add($"trial {trial} d/d{ParameterName(c.Ref, i)}: finite differences {R(fd[i])}, Gradient {R(gi)}");
                    }
                }

                if (failures.Count > 0)
                {
                    failures.Insert(0, $"x = {Show(x)}, d = {Show(d)}, p = {Show(c.Net.Parameters)}");
                    break;
                }
            }

            AssertNoFailures(c, failures);
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Gradient_adds_into_the_span_and_returns_the_loss(string network)
        {
            Case c = Open(network, salt: 5);
            RandomizeParameters(c, 1.0);
            T[] p0 = c.Net.Parameters.ToArray();
            T[] x = RandomVector(c.Rng, c.In, -2, 2);
            T[] d = RandomTarget(c);

            var once = new T[c.P];
            T loss1 = c.Net.Gradient(x, d, once);
            var twice = new T[c.P];
            c.Net.Gradient(x, d, twice);
            T loss2 = c.Net.Gradient(x, d, twice);
            for (int i = 0; i < c.P; i++)
            {
                double expected = 2 * double.CreateTruncating(once[i]);
                Assert.True(
                    Close(double.CreateTruncating(twice[i]), expected, IsSingle ? 1e-6 : 1e-15),
                    $"{c}: two Gradient calls on a zeroed buffer: [{i}] = {R(twice[i])}, expected 2 * {R(once[i])}");
            }

            // Into a buffer that already holds arbitrary values.
            T[] prefill = RandomVector(c.Rng, c.P, -3, 3);
            T[] buffer = (T[])prefill.Clone();
            c.Net.Gradient(x, d, buffer);
            for (int i = 0; i < c.P; i++)
            {
                T expected = prefill[i] + once[i];
                Assert.True(
                    Close(double.CreateTruncating(buffer[i]), double.CreateTruncating(expected), IsSingle ? 1e-6 : 1e-15),
                    $"{c}: Gradient into a prefilled buffer: [{i}] = {R(buffer[i])}, expected {R(prefill[i])} + {R(once[i])}");
            }

            // The returned value is the loss; Gradient does not touch the parameters.
            T computed = c.Net.ComputeLoss(x, d);
            double reference = c.Ref.ComputeLoss(ToDouble(p0), ToDouble(x), ToDouble(d));
            Assert.True(Close(double.CreateTruncating(loss1), double.CreateTruncating(computed), ValueTolerance), $"{c}: Gradient returned {R(loss1)}, ComputeLoss {R(computed)}");
            Assert.True(Close(double.CreateTruncating(loss1), reference, ValueTolerance), $"{c}: Gradient returned {R(loss1)}, reference loss {R(reference)}");
            Assert.Equal(loss1, loss2);
            Assert.True(SameBits(p0, c.Net.Parameters), $"{c}: Gradient changed Parameters");
        }

        // ------------------------------------------------------------------ training

        [Theory]
        [MemberData(nameof(Networks))]
        public void Train_is_one_gradient_descent_step(string network)
        {
            Case c = Open(network, salt: 6);
            for (int trial = 0; trial < 3; trial++)
            {
                RandomizeParameters(c, 1.0);
                T[] p0 = c.Net.Parameters.ToArray();
                T[] x = RandomVector(c.Rng, c.In, -2, 2);
                T[] d = RandomTarget(c);
                T lr = T.CreateTruncating(trial == 0 ? 0.1 : 0.37);

                var g = new T[c.P];
                c.Net.Gradient(x, d, g);
                T lossBefore = c.Net.ComputeLoss(x, d);

                T returned = c.Net.Train(x, d, lr);

                Assert.True(
                    Close(double.CreateTruncating(returned), double.CreateTruncating(lossBefore), ValueTolerance),
                    $"{c}: Train returned {R(returned)}, the loss before the step is {R(lossBefore)}");
                ReadOnlySpan<T> p1 = c.Net.Parameters;
                for (int i = 0; i < c.P; i++)
                {
                    T expected = p0[i] - (lr * g[i]);
                    Assert.True(
                        Close(double.CreateTruncating(p1[i]), double.CreateTruncating(expected), StepTolerance),
                        $"{c}: trial {trial}: after Train {ParameterName(c.Ref, i)} = {R(p1[i])}, expected p - lr*g = {R(p0[i])} - {R(lr)} * {R(g[i])} = {R(expected)}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void TrainBatch_is_one_step_on_the_mean_loss(string network)
        {
            Case c = Open(network, salt: 7);
            // k up to 32 is one chunk of the looped layers' TrainBatch (the step fused into __ChunkGradient); 33 and 70 take the
            // summed-gradient path over two and three chunks, the last of 1 and 6 rows.
            foreach (int k in new[] { 1, 3, 4, 9, 20, 27, 32, 33, 70 })
            {
                RandomizeParameters(c, 1.0);
                T[] p0 = c.Net.Parameters.ToArray();
                T[] xs = RandomVector(c.Rng, k * c.In, -2, 2);
                var ds = new T[k * c.Out];
                for (int r = 0; r < k; r++)
                {
                    RandomTarget(c).CopyTo(ds, r * c.Out);
                }

                T lr = T.CreateTruncating(0.25);
                var sum = new double[c.P];
                double meanLoss = 0;
                for (int r = 0; r < k; r++)
                {
                    var g = new T[c.P];
                    ReadOnlySpan<T> xr = xs.AsSpan(r * c.In, c.In);
                    ReadOnlySpan<T> dr = ds.AsSpan(r * c.Out, c.Out);
                    c.Net.Gradient(xr, dr, g);
                    meanLoss += double.CreateTruncating(c.Net.ComputeLoss(xr, dr)) / k;
                    for (int i = 0; i < c.P; i++)
                    {
                        sum[i] += double.CreateTruncating(g[i]);
                    }
                }

                T returned = c.Net.TrainBatch(xs, ds, lr);

                Assert.True(
                    Close(double.CreateTruncating(returned), meanLoss, ValueTolerance),
                    $"{c}: k = {k}: TrainBatch returned {R(returned)}, mean loss before the step is {R(meanLoss)}");
                ReadOnlySpan<T> p1 = c.Net.Parameters;
                for (int i = 0; i < c.P; i++)
                {
                    double expected = double.CreateTruncating(p0[i]) - (double.CreateTruncating(lr) * sum[i] / k);
                    Assert.True(
                        Close(double.CreateTruncating(p1[i]), expected, StepTolerance),
                        $"{c}: k = {k}: after TrainBatch {ParameterName(c.Ref, i)} = {R(p1[i])}, expected p - lr/k*sum(g) = {R(expected)} (p = {R(p0[i])}, sum g = {R(sum[i])})");
                }
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Training_reduces_the_loss(string network)
        {
            Case c = Open(network, salt: 8);
            c.Net.InitializeParameters(3);
            const int k = 4;
            T[] xs = RandomVector(c.Rng, k * c.In, -1, 1);
            var ds = new T[k * c.Out];
            for (int r = 0; r < k; r++)
            {
                RandomTarget(c).CopyTo(ds, r * c.Out);
            }

            T lr = T.CreateTruncating(0.05);
            T first = c.Net.TrainBatch(xs, ds, lr);
            T last = first;
            for (int step = 0; step < 200; step++)
            {
                last = c.Net.TrainBatch(xs, ds, lr);
            }

            Assert.True(T.IsFinite(last), $"{c}: loss became {R(last)}");
            Assert.True(last <= first, $"{c}: 200 TrainBatch steps raised the loss from {R(first)} to {R(last)}");
        }

        // ------------------------------------------------------------------ initialization

        [Theory]
        [MemberData(nameof(Networks))]
        public void InitializeParameters_is_deterministic_and_follows_Xavier_He(string network)
        {
            Case c = Open(network, salt: 9);
            T[] fresh = c.Net.Parameters.ToArray();
            T[] fresh2 = Create(network).Parameters.ToArray();
            Assert.True(SameBits(fresh, fresh2), $"{c}: two new instances differ");

            c.Net.InitializeParameters(0);
            Assert.True(SameBits(fresh, c.Net.Parameters), $"{c}: a new instance differs from InitializeParameters(0)");

            c.Net.InitializeParameters(12345);
            T[] a = c.Net.Parameters.ToArray();
            RandomizeParameters(c, 1.0);
            c.Net.Train(RandomVector(c.Rng, c.In, -1, 1), RandomTarget(c), T.CreateTruncating(0.1));
            c.Net.InitializeParameters(12345);
            Assert.True(SameBits(a, c.Net.Parameters), $"{c}: InitializeParameters(12345) twice (with other state in between) differs");

            c.Net.InitializeParameters(12346);
            T[] b = c.Net.Parameters.ToArray();
            Assert.False(SameBits(a, b), $"{c}: seeds 12345 and 12346 give the same parameters");

            foreach (int seed in new[] { 0, 1, 12345, -7, int.MaxValue })
            {
                c.Net.InitializeParameters(seed);
                ReadOnlySpan<T> p = c.Net.Parameters;
                for (int l = 0; l < c.Ref.Layers.Count; l++)
                {
                    ReferenceLayer layer = c.Ref.Layers[l];
                    double limit = ReferenceNetwork.InitLimit(layer);
                    double maxAbs = 0;
                    for (int i = 0; i < layer.WeightCount; i++)
                    {
                        double w = double.CreateTruncating(p[layer.WeightOffset + i]);
                        Assert.True(
                            T.IsFinite(p[layer.WeightOffset + i]) && Math.Abs(w) <= limit * (1 + 1e-6),
                            $"{c}: seed {seed}: layer {l} ({layer.Activation}, {layer.Inputs}->{layer.Units}) weight {i} = {R(w)} outside +-{R(limit)}");
                        maxAbs = Math.Max(maxAbs, Math.Abs(w));
                    }

                    Assert.True(maxAbs > 0, $"{c}: seed {seed}: layer {l}: all weights are 0");
                    if (layer.WeightCount >= 12)
                    {
                        Assert.True(maxAbs >= 0.25 * limit, $"{c}: seed {seed}: layer {l}: largest |w| is {R(maxAbs)}, limit {R(limit)}: not uniform on +-limit");
                    }

                    if (layer.WeightCount >= 2)
                    {
                        double first = double.CreateTruncating(p[layer.WeightOffset]);
                        bool allSame = true;
                        for (int i = 1; i < layer.WeightCount; i++)
                        {
                            allSame &= double.CreateTruncating(p[layer.WeightOffset + i]) == first;
                        }

                        Assert.False(allSame, $"{c}: seed {seed}: layer {l}: all weights equal");
                    }

                    if (layer.HasBias)
                    {
                        for (int j = 0; j < layer.Units; j++)
                        {
                            Assert.True(p[layer.BiasOffset + j] == T.Zero, $"{c}: seed {seed}: layer {l} bias {j} = {R(p[layer.BiasOffset + j])}, expected 0");
                        }
                    }
                }
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void InitializeParameters_nearby_seeds_are_not_shifted_copies(string network)
        {
            // Seeds 0, 1, 2 must give unrelated parameters, not the same random sequence shifted by a
            // step (a plain counter-based seed would): ensembles and restarts rely on it.
            Case c = Open(network, salt: 13);
            var draws = new List<T[]>();
            foreach (int seed in new[] { 0, 1, 2 })
            {
                c.Net.InitializeParameters(seed);
                draws.Add(c.Net.Parameters.ToArray());
            }

            for (int a = 0; a < draws.Count; a++)
            {
                for (int b = 0; b < draws.Count; b++)
                {
                    for (int shift = a == b ? 1 : 0; shift <= 3; shift++)
                    {
                        int equal = 0, compared = 0;
                        for (int i = 0; i + shift < draws[a].Length; i++)
                        {
                            if (draws[a][i] != T.Zero)
                            {
                                compared++;
                                equal += draws[b][i + shift] == draws[a][i] ? 1 : 0;
                            }
                        }

                        Assert.True(compared < 4 || equal * 2 < compared, $"{c}: seed {a} and seed {b} shifted by {shift} share {equal} of {compared} weights");
                    }
                }
            }
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void InitializeParameters_draws_uniformly_on_the_whole_Xavier_He_interval(string network)
        {
            // Pooled over enough seeds for >= 1000 weights per layer: the mean of w^2 of U(-L, L) is
            // L^2/3 (standard error < 0.01 L^2 here), so a narrower or wider interval (e.g. Xavier's
            // limit on a ReLU layer, which must get He's) or a normal distribution of another scale shows.
            Case c = Open(network, salt: 15);
            for (int l = 0; l < c.Ref.Layers.Count; l++)
            {
                ReferenceLayer layer = c.Ref.Layers[l];
                double limit = ReferenceNetwork.InitLimit(layer);
                int seeds = (1000 + layer.WeightCount - 1) / layer.WeightCount;
                double sum = 0, sumSquares = 0;
                int n = 0;
                for (int seed = 0; seed < seeds; seed++)
                {
                    c.Net.InitializeParameters(1 + (seed * 100003)); // seeds far apart, in case streams of nearby seeds overlap
                    ReadOnlySpan<T> p = c.Net.Parameters.Slice(layer.WeightOffset, layer.WeightCount);
                    for (int i = 0; i < p.Length; i++)
                    {
                        double w = double.CreateTruncating(p[i]) / limit;
                        sum += w;
                        sumSquares += w * w;
                        n++;
                    }
                }

                double mean = sum / n;
                double meanSquareRatio = sumSquares / n * 3;
                Assert.True(Math.Abs(mean) < 0.1, $"{c}: layer {l}: mean weight is {R(mean)} * limit over {n} draws, expected 0");
                Assert.True(
                    meanSquareRatio > 0.8 && meanSquareRatio < 1.2,
                    $"{c}: layer {l} ({layer.Activation}, {layer.Inputs}->{layer.Units}): mean(w^2) / (L^2/3) = {R(meanSquareRatio)} over {n} draws with L = {R(limit)} ({(layer.Activation is Activation.ReLU or Activation.LeakyReLU ? "He" : "Xavier")}); expected 1 for U(-L, L)");
            }
        }

        // ------------------------------------------------------------------ parameters are live

        [Theory]
        [MemberData(nameof(Networks))]
        public void Parameters_is_the_live_storage(string network)
        {
            Case c = Open(network, salt: 10);
            Span<T> first = c.Net.Parameters;
            Span<T> second = c.Net.Parameters;
            Assert.Equal(c.P, first.Length);
            Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(first), ref MemoryMarshal.GetReference(second)), $"{c}: Parameters returns different memory on each call");

            // Writes through the span change Forward.
            T[] x = RandomVector(c.Rng, c.In, -2, 2);
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < first.Length; i++)
                {
                    first[i] = T.CreateTruncating((c.Rng.NextDouble() * 2) - 1);
                }

                var y = new T[c.Out];
                c.Net.Forward(x, y);
                double[] expected = c.Ref.Forward(ToDouble(first), ToDouble(x));
                for (int k = 0; k < c.Out; k++)
                {
                    Assert.True(Close(double.CreateTruncating(y[k]), expected[k], ValueTolerance), $"{c}: after writing into Parameters, output[{k}] = {R(y[k])}, reference {R(expected[k])}");
                }
            }

            // A single weight edit is seen (not only wholesale rewrites).
            var before = new T[c.Out];
            c.Net.Forward(x, before);
            int lastLayerWeight = c.Ref.Layers[^1].WeightOffset;
            first[lastLayerWeight] += T.CreateTruncating(0.5);
            var after = new T[c.Out];
            c.Net.Forward(x, after);
            double[] expectedAfter = c.Ref.Forward(ToDouble(first), ToDouble(x));
            for (int k = 0; k < c.Out; k++)
            {
                Assert.True(Close(double.CreateTruncating(after[k]), expectedAfter[k], ValueTolerance), $"{c}: after editing one weight, output[{k}] = {R(after[k])}, reference {R(expectedAfter[k])}");
            }

            // Training, initialization and the other members keep using (and never replace) the same memory.
            T[] d = RandomTarget(c);
            T[] snapshot = first.ToArray();
            c.Net.Train(x, d, T.CreateTruncating(0.5));
            AssertSameMemory(c, first, "Train");
            Assert.True(SameBits(first, c.Net.Parameters));
            c.Net.TrainBatch(x, d, T.CreateTruncating(0.5));
            AssertSameMemory(c, first, "TrainBatch");
            c.Net.Gradient(x, d, new T[c.P]);
            c.Net.ForwardBatch(x, new T[c.Out]);
            c.Net.ComputeLoss(x, d);
            AssertSameMemory(c, first, "Gradient/ForwardBatch/ComputeLoss");
            c.Net.InitializeParameters(77);
            AssertSameMemory(c, first, "InitializeParameters");
            Assert.False(SameBits(snapshot, first), $"{c}: the span taken before InitializeParameters(77) still shows the old values");
            var init = Create(network);
            init.InitializeParameters(77);
            Assert.True(SameBits(init.Parameters, first), $"{c}: the span taken before InitializeParameters(77) does not show its result");
        }

        // ------------------------------------------------------------------ no allocation

        [Theory]
        [MemberData(nameof(Networks))]
        public void No_member_allocates_after_the_first_call(string network)
        {
            Case c = Open(network, salt: 11);
            const int k = 3;
            T[] x = RandomVector(c.Rng, c.In, -1, 1);
            T[] d = RandomTarget(c);
            T[] xs = RandomVector(c.Rng, k * c.In, -1, 1);
            var ds = new T[k * c.Out];
            for (int r = 0; r < k; r++)
            {
                RandomTarget(c).CopyTo(ds, r * c.Out);
            }

            var y = new T[c.Out];
            var ys = new T[k * c.Out];
            var g = new T[c.P];
            T lr = T.CreateTruncating(1e-3);
            var bytes = new long[AllocationMembers.Length];

            // Best of a few attempts, to be immune to one-off runtime noise (tiering); a member that
            // allocates per call shows up in every attempt.
            for (int attempt = 0; attempt < 3; attempt++)
            {
                MeasureAllocations(c.Net, x, d, xs, ds, y, ys, g, lr, bytes, attempt == 0);
                if (bytes.All(b => b == 0))
                {
                    return;
                }
            }

            Assert.Fail($"{c}: bytes allocated over 1000 calls: " + string.Join(", ", AllocationMembers.Select((m, i) => $"{m} {bytes[i]}")));
        }

        private static readonly string[] AllocationMembers =
            { "Forward", "ForwardBatch", "ComputeLoss", "Gradient", "Train", "TrainBatch", "InitializeParameters", "Parameters" };

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MeasureAllocations(INet<T> net, T[] x, T[] d, T[] xs, T[] ds, T[] y, T[] ys, T[] g, T lr, long[] bytes, bool first)
        {
            const int calls = 1000;
            long min = long.MaxValue;
            if (first)
            {
                // Warm-up: the first call may allocate (and the JIT may compile things).
                net.Forward(x, y);
                net.ForwardBatch(xs, ys);
                net.ComputeLoss(x, d);
                net.Gradient(x, d, g);
                net.Train(x, d, lr);
                net.TrainBatch(xs, ds, lr);
                net.InitializeParameters(1);
                min = net.Parameters.Length;
            }

            long t0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                net.Forward(x, y);
            }

            long t1 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                net.ForwardBatch(xs, ys);
            }

            long t2 = GC.GetAllocatedBytesForCurrentThread();
            T sink = T.Zero;
            for (int i = 0; i < calls; i++)
            {
                sink += net.ComputeLoss(x, d);
            }

            long t3 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                sink += net.Gradient(x, d, g);
            }

            long t4 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                sink += net.Train(x, d, lr);
            }

            long t5 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                sink += net.TrainBatch(xs, ds, lr);
            }

            long t6 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++)
            {
                net.InitializeParameters(i);
            }

            long t7 = GC.GetAllocatedBytesForCurrentThread();
            long lengths = 0;
            for (int i = 0; i < calls; i++)
            {
                Span<T> p = net.Parameters;
                lengths += p.Length;
            }

            long t8 = GC.GetAllocatedBytesForCurrentThread();
            bytes[0] = t1 - t0;
            bytes[1] = t2 - t1;
            bytes[2] = t3 - t2;
            bytes[3] = t4 - t3;
            bytes[4] = t5 - t4;
            bytes[5] = t6 - t5;
            bytes[6] = t7 - t6;
            bytes[7] = t8 - t7;
            GC.KeepAlive(sink);
            GC.KeepAlive(lengths + min);
        }

        // ------------------------------------------------------------------ wrong lengths

        [Theory]
        [MemberData(nameof(Networks))]
        public void Wrong_lengths_throw_ArgumentException_naming_the_parameter_and_write_nothing(string network)
        {
            Case c = Open(network, salt: 12);
            RandomizeParameters(c, 1.0);
            var failures = new List<string>();
            foreach (LengthCase lc in LengthCases(c))
            {
                T[] paramsBefore = c.Net.Parameters.ToArray();
                T[] outputBefore = (T[])lc.Output.Clone();
                T[] gradientBefore = (T[])lc.Gradient.Clone();
                Exception? caught = null;
                try
                {
                    lc.Call();
                }
                catch (Exception e)
                {
                    caught = e;
                }

                if (caught is not ArgumentException ae)
                {
                    failures.Add($"{lc.Description}: expected ArgumentException(\"{lc.Parameter}\"), got {(caught is null ? "no exception" : caught.GetType().Name + ": " + caught.Message)}");
                }
                else if (ae.ParamName != lc.Parameter)
                {
                    failures.Add($"{lc.Description}: ArgumentException.ParamName = \"{ae.ParamName}\", expected \"{lc.Parameter}\" ({ae.Message})");
                }

                if (!SameBits(paramsBefore, c.Net.Parameters))
                {
                    failures.Add($"{lc.Description}: Parameters changed");
                }

                if (!SameBits(outputBefore, lc.Output))
                {
                    failures.Add($"{lc.Description}: the output span was written");
                }

                if (!SameBits(gradientBefore, lc.Gradient))
                {
                    failures.Add($"{lc.Description}: the gradient span was written");
                }
            }

            AssertNoFailures(c, failures);
        }

        [Theory]
        [MemberData(nameof(Networks))]
        public void Wrong_length_messages_state_the_expected_length(string network)
        {
            Case c = Open(network, salt: 13);
            var failures = new List<string>();
            foreach (LengthCase lc in LengthCases(c))
            {
                try
                {
                    lc.Call();
                    failures.Add($"{lc.Description}: no exception");
                }
                catch (ArgumentException e) when (e.ParamName == lc.Parameter)
                {
                    string expected = lc.ExpectedLength.ToString(CultureInfo.InvariantCulture);
                    if (!ContainsNumber(e.Message, expected))
                    {
                        failures.Add($"{lc.Description}: message does not mention the expected length {expected}: \"{e.Message}\"");
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{lc.Description}: {e.GetType().Name} {e.Message}");
                }
            }

            AssertNoFailures(c, failures);
        }

        private static bool ContainsNumber(string message, string number)
        {
            int from = 0;
            while (true)
            {
                int at = message.IndexOf(number, from, StringComparison.Ordinal);
                if (at < 0)
                {
                    return false;
                }

                bool startOk = at == 0 || !char.IsDigit(message[at - 1]);
                bool endOk = at + number.Length == message.Length || !char.IsDigit(message[at + number.Length]);
                if (startOk && endOk)
                {
                    return true;
                }

                from = at + 1;
            }
        }

        private sealed record LengthCase(string Description, string Parameter, int ExpectedLength, T[] Output, T[] Gradient, Action Call);

        private static IEnumerable<LengthCase> LengthCases(Case c)
        {
            INet<T> net = c.Net;
            int n = c.In, m = c.Out, p = c.P;
            T sentinel = T.CreateTruncating(12345.5);
            T[] Vec(int length, T fill)
            {
                var a = new T[length];
                Array.Fill(a, fill);
                return a;
            }

            T[] Inp(int length) => Vec(length, T.CreateTruncating(0.25));
            T[] Tgt(int length) => Vec(length, T.CreateTruncating(1.0 / m));
            T lr = T.CreateTruncating(0.5);
            var noGradient = Array.Empty<T>();
            var noOutput = Array.Empty<T>();

            // Forward(input, output)
            foreach (int bad in new[] { n - 1, n + 1, 0 }.Distinct())
            {
                T[] o = Vec(m, sentinel);
                T[] x = Inp(bad);
                yield return new LengthCase($"Forward(input: {bad}, output: {m})", "input", n, o, noGradient, () => net.Forward(x, o));
            }

            foreach (int bad in new[] { m - 1, m + 1, 2 * m }.Distinct())
            {
                T[] o = Vec(bad, sentinel);
                T[] x = Inp(n);
                yield return new LengthCase($"Forward(input: {n}, output: {bad})", "output", m, o, noGradient, () => net.Forward(x, o));
            }

            // ForwardBatch(inputs, outputs)
            {
                T[] o = Vec(m, sentinel);
                T[] x = Inp(0);
                yield return new LengthCase($"ForwardBatch(inputs: 0, outputs: {m})", "inputs", n, o, noGradient, () => net.ForwardBatch(x, o));
            }

            if (n > 1)
            {
                T[] o = Vec(2 * m, sentinel);
                T[] x = Inp((2 * n) + 1);
                yield return new LengthCase($"ForwardBatch(inputs: {(2 * n) + 1}, outputs: {2 * m})", "inputs", n, o, noGradient, () => net.ForwardBatch(x, o));
                T[] o2 = Vec(m, sentinel);
                T[] x2 = Inp(n - 1);
                yield return new LengthCase($"ForwardBatch(inputs: {n - 1}, outputs: {m})", "inputs", n, o2, noGradient, () => net.ForwardBatch(x2, o2));
            }

            foreach (int bad in new[] { (2 * m) - 1, (2 * m) + 1, m, 3 * m }.Distinct())
            {
                T[] o = Vec(bad, sentinel);
                T[] x = Inp(2 * n);
                yield return new LengthCase($"ForwardBatch(inputs: {2 * n}, outputs: {bad})", "outputs", 2 * m, o, noGradient, () => net.ForwardBatch(x, o));
            }

            // ComputeLoss(input, target)
            foreach (int bad in new[] { n - 1, n + 1 })
            {
                T[] x = Inp(bad);
                T[] d = Tgt(m);
                yield return new LengthCase($"ComputeLoss(input: {bad}, target: {m})", "input", n, noOutput, noGradient, () => net.ComputeLoss(x, d));
            }

            foreach (int bad in new[] { m - 1, m + 1 })
            {
                T[] x = Inp(n);
                T[] d = Tgt(bad);
                yield return new LengthCase($"ComputeLoss(input: {n}, target: {bad})", "target", m, noOutput, noGradient, () => net.ComputeLoss(x, d));
            }

            // Gradient(input, target, gradient)
            foreach (int bad in new[] { n - 1, n + 1 })
            {
                T[] x = Inp(bad);
                T[] d = Tgt(m);
                T[] g = Vec(p, sentinel);
                yield return new LengthCase($"Gradient(input: {bad}, target: {m}, gradient: {p})", "input", n, noOutput, g, () => net.Gradient(x, d, g));
            }

            foreach (int bad in new[] { m - 1, m + 1 })
            {
                T[] x = Inp(n);
                T[] d = Tgt(bad);
                T[] g = Vec(p, sentinel);
                yield return new LengthCase($"Gradient(input: {n}, target: {bad}, gradient: {p})", "target", m, noOutput, g, () => net.Gradient(x, d, g));
            }

            foreach (int bad in new[] { p - 1, p + 1, 0 })
            {
                T[] x = Inp(n);
                T[] d = Tgt(m);
                T[] g = Vec(bad, sentinel);
                yield return new LengthCase($"Gradient(input: {n}, target: {m}, gradient: {bad})", "gradient", p, noOutput, g, () => net.Gradient(x, d, g));
            }

            // Train(input, target, learningRate)
            foreach (int bad in new[] { n - 1, n + 1 })
            {
                T[] x = Inp(bad);
                T[] d = Tgt(m);
                yield return new LengthCase($"Train(input: {bad}, target: {m})", "input", n, noOutput, noGradient, () => net.Train(x, d, lr));
            }

            foreach (int bad in new[] { m - 1, m + 1 })
            {
                T[] x = Inp(n);
                T[] d = Tgt(bad);
                yield return new LengthCase($"Train(input: {n}, target: {bad})", "target", m, noOutput, noGradient, () => net.Train(x, d, lr));
            }

            // TrainBatch(inputs, targets, learningRate)
            {
                T[] x = Inp(0);
                T[] d = Tgt(m);
                yield return new LengthCase($"TrainBatch(inputs: 0, targets: {m})", "inputs", n, noOutput, noGradient, () => net.TrainBatch(x, d, lr));
                T[] x0 = Inp(0);
                T[] d0 = Tgt(0);
                yield return new LengthCase("TrainBatch(inputs: 0, targets: 0)", "inputs", n, noOutput, noGradient, () => net.TrainBatch(x0, d0, lr));
            }

            if (n > 1)
            {
                T[] x = Inp((2 * n) + 1);
                T[] d = Tgt(2 * m);
                yield return new LengthCase($"TrainBatch(inputs: {(2 * n) + 1}, targets: {2 * m})", "inputs", n, noOutput, noGradient, () => net.TrainBatch(x, d, lr));
            }

            foreach (int bad in new[] { (2 * m) - 1, (2 * m) + 1, m, 3 * m })
            {
                T[] x = Inp(2 * n);
                T[] d = Tgt(bad);
                yield return new LengthCase($"TrainBatch(inputs: {2 * n}, targets: {bad})", "targets", 2 * m, noOutput, noGradient, () => net.TrainBatch(x, d, lr));
            }

            {
                T[] x0 = Inp(0);
                T[] o0 = Vec(0, sentinel);
                yield return new LengthCase("ForwardBatch(inputs: 0, outputs: 0)", "inputs", n, o0, noGradient, () => net.ForwardBatch(x0, o0));
            }
        }

        // ------------------------------------------------------------------ threads

        [Theory]
        [MemberData(nameof(Networks))]
        public void Forward_from_several_threads_matches_sequential(string network)
        {
            Case c = Open(network, salt: 14);
            RandomizeParameters(c, 1.0);
            const int rows = 32;
            T[] xs = RandomVector(c.Rng, rows * c.In, -2, 2);
            var sequential = new T[rows * c.Out];
            for (int r = 0; r < rows; r++)
            {
                c.Net.Forward(xs.AsSpan(r * c.In, c.In), sequential.AsSpan(r * c.Out, c.Out));
            }

            const int threadCount = 4;
            int mismatches = 0;
            using var start = new ManualResetEventSlim(false);
            var threads = new Thread[threadCount];
            for (int t = 0; t < threadCount; t++)
            {
                int offset = t * 7;
                threads[t] = new Thread(() =>
                {
                    var y = new T[c.Out];
                    start.Wait();
                    for (int round = 0; round < 150; round++)
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            int r = (i + offset + round) % rows;
                            c.Net.Forward(xs.AsSpan(r * c.In, c.In), y);
                            if (!SameBits(y, sequential.AsSpan(r * c.Out, c.Out)))
                            {
                                Interlocked.Increment(ref mismatches);
                            }
                        }
                    }
                });
                threads[t].Start();
            }

            start.Set();
            foreach (Thread t in threads)
            {
                t.Join();
            }

            Assert.True(mismatches == 0, $"{c}: {mismatches} concurrent Forward results differ from sequential ones");
        }

        // ------------------------------------------------------------------ helpers

        protected sealed class Case
        {
            public Case(string name, INet<T> net, ReferenceNetwork reference, Random rng)
            {
                Name = name;
                Net = net;
                Ref = reference;
                Rng = rng;
            }

            public string Name { get; }

            public INet<T> Net { get; }

            public ReferenceNetwork Ref { get; }

            public Random Rng { get; }

            public int In => Ref.Inputs;

            public int Out => Ref.Outputs;

            public int P => Ref.ParameterCount;

            public override string ToString() => Ref.ToString();
        }

        private static INet<T> Create(string network)
        {
            Type type = NetworkCatalog.Resolve(network);
            return (INet<T>)Activator.CreateInstance(type)!;
        }

        private static Case Open(string network, int salt)
        {
            ReferenceNetwork r = NetworkCatalog.Reference(network);
            INet<T> net = Create(network);
            Assert.True(net.Parameters.Length == r.ParameterCount, $"{r}: Parameters.Length = {net.Parameters.Length}, expected {r.ParameterCount}");
            return new Case(network, net, r, new Random(NetworkCatalog.Seed(network, salt)));
        }

        private static void RandomizeParameters(Case c, double scale)
        {
            Span<T> p = c.Net.Parameters;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = T.CreateTruncating(((c.Rng.NextDouble() * 2) - 1) * scale);
            }
        }

        private static T[] RandomVector(Random rng, int length, double lo, double hi)
        {
            var v = new T[length];
            for (int i = 0; i < length; i++)
            {
                v[i] = T.CreateTruncating(lo + (rng.NextDouble() * (hi - lo)));
            }

            return v;
        }

        /// <summary>A target that suits the loss: a probability vector (often one-hot) for softmax cross-entropy, [0, 1] for sigmoid cross-entropy, anything otherwise.</summary>
        private static T[] RandomTarget(Case c)
        {
            var d = new T[c.Out];
            if (c.Ref.Loss == Loss.CrossEntropy && c.Ref.Layers[^1].Activation == Activation.Softmax)
            {
                if (c.Rng.Next(2) == 0)
                {
                    d[c.Rng.Next(c.Out)] = T.One;
                }
                else
                {
                    var w = new double[c.Out];
                    double total = 0;
                    for (int k = 0; k < c.Out; k++)
                    {
                        w[k] = c.Rng.NextDouble() + 0.05;
                        total += w[k];
                    }

                    for (int k = 0; k < c.Out; k++)
                    {
                        d[k] = T.CreateTruncating(w[k] / total);
                    }
                }
            }
            else if (c.Ref.Loss == Loss.CrossEntropy)
            {
                for (int k = 0; k < c.Out; k++)
                {
                    d[k] = T.CreateTruncating(c.Rng.Next(3) == 0 ? c.Rng.Next(2) : c.Rng.NextDouble());
                }
            }
            else
            {
                for (int k = 0; k < c.Out; k++)
                {
                    d[k] = T.CreateTruncating((c.Rng.NextDouble() * 2) - 1);
                }
            }

            return d;
        }

        /// <summary>An input and target whose loss is smooth around <paramref name="p"/> (no ReLU-family weighted sum near 0), with its finite-difference gradient.</summary>
        private static (T[] X, T[] D, double[] Fd) DrawDifferentiableSample(Case c, double[] p)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                T[] x = RandomVector(c.Rng, c.In, -2, 2);
                double[] xd = ToDouble(x);
                if (c.Ref.KinkDistance(p, xd) < KinkMargin)
                {
                    continue;
                }

                T[] d = RandomTarget(c);
                double[]? fd = c.Ref.FiniteDifferenceGradient(p, xd, ToDouble(d), FiniteDifferenceStep);
                if (fd is not null)
                {
                    return (x, d, fd);
                }
            }

            throw new InvalidOperationException($"{c}: found no input away from the ReLU kinks");
        }

        private static string ParameterName(ReferenceNetwork r, int index)
        {
            for (int l = 0; l < r.Layers.Count; l++)
            {
                ReferenceLayer layer = r.Layers[l];
                if (index >= layer.WeightOffset && index < layer.WeightOffset + layer.WeightCount)
                {
                    int w = index - layer.WeightOffset;
                    return $"p[{index}] (layer {l} weight [{w / layer.Inputs},{w % layer.Inputs}])";
                }

                if (layer.HasBias && index >= layer.BiasOffset && index < layer.BiasOffset + layer.Units)
                {
                    return $"p[{index}] (layer {l} bias [{index - layer.BiasOffset}])";
                }
            }

            return $"p[{index}]";
        }

        private static void AssertSameMemory(Case c, Span<T> earlier, string after)
        {
            Span<T> now = c.Net.Parameters;
            Assert.True(
                now.Length == earlier.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(now), ref MemoryMarshal.GetReference(earlier)),
                $"{c}: after {after}, Parameters is different memory from the span taken before");
        }

        private static double[] ToDouble(ReadOnlySpan<T> v)
        {
            var d = new double[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                d[i] = double.CreateTruncating(v[i]);
            }

            return d;
        }

        private static double[] ToDouble(Span<T> v) => ToDouble((ReadOnlySpan<T>)v);

        private static double[] ToDouble(T[] v) => ToDouble((ReadOnlySpan<T>)v);

        private static bool SameBits(ReadOnlySpan<T> a, ReadOnlySpan<T> b) =>
            MemoryMarshal.AsBytes(a).SequenceEqual(MemoryMarshal.AsBytes(b));

        private static bool Close(double actual, double expected, double tolerance) =>
            Math.Abs(actual - expected) <= tolerance * Math.Max(1.0, Math.Abs(expected));

        private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        private static string R(T v) => double.CreateTruncating(v).ToString("R", CultureInfo.InvariantCulture);

        private static string Show(ReadOnlySpan<T> v)
        {
            var parts = new string[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                parts[i] = R(v[i]);
            }

            return "[" + string.Join(", ", parts) + "]";
        }

        private static void AssertNoFailures(Case c, List<string> failures)
        {
            Assert.True(failures.Count == 0, $"{c}:\n  " + string.Join("\n  ", failures.Take(25)) + (failures.Count > 25 ? $"\n  ... {failures.Count - 25} more" : ""));
        }
    }
}
