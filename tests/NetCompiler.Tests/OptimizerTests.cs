using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using NetCompiler.Tests.Special;

namespace NetCompiler.Tests
{
    /// <summary>The optimizers in float.</summary>
    public sealed class SingleOptimizerTests : OptimizerTests<float>
    {
    }

    /// <summary>The optimizers in double.</summary>
    public sealed class DoubleOptimizerTests : OptimizerTests<double>
    {
    }

    /// <summary>
    /// <see cref="Momentum{T}"/>, <see cref="Adam{T}"/> and <see cref="AdamW{T}"/> against
    /// <see cref="TorchFormulas"/>, an independent double-precision transcription of PyTorch's documented
    /// algorithms, over several steps, at sizes that exercise the vector loop, the scalar tail and both.
    /// </summary>
    public abstract class OptimizerTests<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private static bool IsSingle => typeof(T) == typeof(float);

        // Relative to the size of the terms (AssertClose), or to max(1, |expected|) (Close).
        private static double Tolerance => IsSingle ? 1e-6 : 1e-13;

        private const int Steps = 10;

        // 1 and 7: the scalar tail only (with 256-bit vectors; 7 is one double vector and a tail on 128-bit);
        // Count*3+5: three vectors and a tail; 1000: a long vector loop.
        private static int[] Sizes => new[] { 1, 7, (Vector<T>.Count * 3) + 5, 1000 };

        // (learning rate, momentum, nesterov, weight decay, dampening)
        private static readonly (double Lr, double Mu, bool Nesterov, double Wd, double Damp)[] MomentumConfigs =
        {
            (0.1, 0.9, false, 0, 0),
            (0.1, 0.9, true, 0, 0),
            (0.05, 0.8, false, 0.01, 0.3),
            (0.05, 0.95, true, 0.02, 0),
            (0.1, 0, false, 0.05, 0),
        };

        // (learning rate, beta1, beta2, epsilon, weight decay); the large epsilons make its placement visible.
        private static readonly (double Lr, double B1, double B2, double Eps, double Wd)[] AdamConfigs =
        {
            (0.05, 0.9, 0.999, 1e-8, 0),
            (0.02, 0.8, 0.99, 1e-3, 0.1),
            (0.1, 0.0, 0.5, 0.3, 0),
            (0.03, 0.9, 0.999, 1e-8, 0.5),
        };

        public static IEnumerable<object[]> MomentumCases =>
            from n in Sizes from c in Enumerable.Range(0, MomentumConfigs.Length) select new object[] { n, c };

        public static IEnumerable<object[]> AdamCases =>
            from n in Sizes from c in Enumerable.Range(0, AdamConfigs.Length) select new object[] { n, c };

        public static IEnumerable<object[]> SizeCases => Sizes.Select(n => new object[] { n });

        public static IEnumerable<object[]> OptimizerKinds => new[] { "Momentum", "Nesterov", "Adam", "AdamW" }.Select(k => new object[] { k });

        // ------------------------------------------------------------------ against the formulas

        [Theory]
        [MemberData(nameof(MomentumCases))]
        public void Momentum_matches_torch_sgd(int n, int config)
        {
            var h = MomentumConfigs[config];
            var optimizer = new Momentum<T>(n, h.Lr, h.Mu, h.Nesterov, h.Wd, h.Damp);
            var rng = new Random(1000 + (n * 10) + config);
            T[] p = RandomValues(rng, n, 1);
            double[] rp = ToDouble(p);
            var rb = new double[n];
            double[] sp = rp.Select(Math.Abs).ToArray();
            var sb = new double[n];
            for (int t = 1; t <= Steps; t++)
            {
                T[] g = RandomGradient(rng, n);
                optimizer.Step(p, g);
                TorchFormulas.Sgd(rp, ToDouble(g), rb, t, h.Lr, h.Mu, h.Damp, h.Wd, h.Nesterov);
                TorchFormulas.Sgd(sp, ToDouble(g), sb, t, h.Lr, h.Mu, h.Damp, h.Wd, h.Nesterov, magnitudes: true);

                string what = $"SGD(lr={h.Lr}, momentum={h.Mu}, nesterov={h.Nesterov}, wd={h.Wd}, dampening={h.Damp}), n = {n}, step {t}";
                AssertClose(p, rp, sp, what + ": parameters");
                Assert.Equal(t, optimizer.StepCount);
                if (h.Mu != 0)
                {
                    AssertClose(optimizer.State, rb, sb, what + ": momentum buffer");
                }
                else
                {
                    Assert.All(optimizer.State.ToArray(), b => Assert.Equal(T.Zero, b));
                }
            }
        }

        [Theory]
        [MemberData(nameof(AdamCases))]
        public void Adam_matches_torch_adam(int n, int config)
        {
            var h = AdamConfigs[config];
            RunAdam(n, config, new Adam<T>(n, h.Lr, h.B1, h.B2, h.Eps, h.Wd), decoupled: false);
        }

        [Theory]
        [MemberData(nameof(AdamCases))]
        public void AdamW_matches_torch_adamw(int n, int config)
        {
            var h = AdamConfigs[config];
            RunAdam(n, config, new AdamW<T>(n, h.Lr, h.B1, h.B2, h.Eps, h.Wd), decoupled: true);
        }

        private static void RunAdam(int n, int config, IOptimizer<T> optimizer, bool decoupled)
        {
            var h = AdamConfigs[config];
            var rng = new Random(2000 + (n * 10) + config + (decoupled ? 5 : 0));
            T[] p = RandomValues(rng, n, 1);
            double[] rp = ToDouble(p);
            var rm = new double[n];
            var rv = new double[n];
            double[] sp = rp.Select(Math.Abs).ToArray();
            var sm = new double[n];
            var sv = new double[n];
            Assert.Equal(2 * n, optimizer.State.Length);
            for (int t = 1; t <= Steps; t++)
            {
                T[] g = RandomGradient(rng, n);
                optimizer.Step(p, g);
                TorchFormulas.Adam(rp, ToDouble(g), rm, rv, t, h.Lr, h.B1, h.B2, h.Eps, h.Wd, decoupled);
                TorchFormulas.Adam(sp, ToDouble(g), sm, sv, t, h.Lr, h.B1, h.B2, h.Eps, h.Wd, decoupled, magnitudes: true);

                string what = $"{(decoupled ? "AdamW" : "Adam")}(lr={h.Lr}, betas=({h.B1}, {h.B2}), eps={h.Eps}, wd={h.Wd}), n = {n}, step {t}";
                AssertClose(p, rp, sp, what + ": parameters");
                AssertClose(optimizer.State.Slice(0, n), rm, sm, what + ": first moment");
                AssertClose(optimizer.State.Slice(n, n), rv, sv, what + ": second moment");
                Assert.Equal(t, optimizer.StepCount);
            }
        }

        // ------------------------------------------------------------------ hand-checked properties

        [Fact]
        public void Adam_first_step_is_bias_corrected()
        {
            // t = 1: m̂ = g and v̂ = g², so every parameter moves by lr * |g| / (|g| + eps) against its gradient,
            // whatever the betas; without the correction the step would be (1-β1)/sqrt(1-β2) = 3.16 times as large.
            const int n = 37;
            var optimizer = new Adam<T>(n, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8);
            var rng = new Random(5);
            T[] p = RandomValues(rng, n, 1);
            T[] p0 = (T[])p.Clone();
            T[] g = RandomGradient(rng, n);
            optimizer.Step(p, g);
            for (int i = 0; i < n; i++)
            {
                double gi = D(g[i]);
                double expected = D(p0[i]) - (0.01 * gi / (Math.Abs(gi) + 1e-8));
                Assert.True(Close(D(p[i]), expected), $"p[{i}] = {D(p[i])}, expected {expected}");
            }

            // t = 2 with the same gradient: m̂ = g and v̂ = g² again (the correction exactly undoes the zero start).
            T[] p1 = (T[])p.Clone();
            optimizer.Step(p, g);
            for (int i = 0; i < n; i++)
            {
                double gi = D(g[i]);
                double expected = D(p1[i]) - (0.01 * gi / (Math.Abs(gi) + 1e-8));
                Assert.True(Close(D(p[i]), expected), $"step 2: p[{i}] = {D(p[i])}, expected {expected}");
            }
        }

        [Fact]
        public void AdamW_decay_is_decoupled_and_Adam_decay_is_not()
        {
            // A zero gradient: AdamW only shrinks (θ ← θ(1 - lr wd)), exactly; Adam's L2 term becomes the gradient
            // wd·θ and moves every parameter by about lr.
            const int n = 29;
            var rng = new Random(6);
            T[] p0 = RandomValues(rng, n, 1);
            var zero = new T[n];

            T[] pw = (T[])p0.Clone();
            var adamW = new AdamW<T>(n, learningRate: 0.1, weightDecay: 0.5);
            adamW.Step(pw, zero);
            T shrink = T.CreateTruncating(1 - (0.1 * 0.5));
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(p0[i] * shrink, pw[i]);
            }

            Assert.All(adamW.State.ToArray(), s => Assert.Equal(T.Zero, s));

            T[] pa = (T[])p0.Clone();
            var adam = new Adam<T>(n, learningRate: 0.1, weightDecay: 0.5);
            adam.Step(pa, zero);
            for (int i = 0; i < n; i++)
            {
                double expected = D(p0[i]) - (0.1 * Math.Sign(D(p0[i])));
                Assert.True(Math.Abs(D(pa[i]) - expected) < 1e-5, $"Adam with L2: p[{i}] = {D(pa[i])}, expected about {expected}");
            }
        }

        [Fact]
        public void Momentum_buffer_starts_as_the_gradient_then_dampens()
        {
            const int n = 19;
            var optimizer = new Momentum<T>(n, learningRate: 0.1, momentum: 0.9, dampening: 0.5);
            var rng = new Random(7);
            T[] p = RandomValues(rng, n, 1);
            T[] g1 = RandomGradient(rng, n);
            optimizer.Step(p, g1);
            Assert.Equal(g1, optimizer.State.ToArray()); // b1 = g1, not (1 - τ)·g1

            T[] g2 = RandomGradient(rng, n);
            optimizer.Step(p, g2);
            for (int i = 0; i < n; i++)
            {
                double expected = (0.9 * D(g1[i])) + (0.5 * D(g2[i]));
                Assert.True(Close(D(optimizer.State[i]), expected), $"b[{i}] = {D(optimizer.State[i])}, expected {expected}");
            }

            // Reset: the next step starts the buffer again.
            optimizer.Reset();
            Assert.Equal(0, optimizer.StepCount);
            optimizer.Step(p, g2);
            Assert.Equal(g2, optimizer.State.ToArray());
        }

        [Theory]
        [MemberData(nameof(OptimizerKinds))]
        public void Vector_loop_and_tail_compute_the_same(string kind)
        {
            // The same (parameter, gradient, state) at an index inside the vector loop and at one in the tail
            // must give bitwise the same result.
            int count = Vector<T>.Count;
            int n = (count * 3) + 5;
            int tail = count * 3;
            var rng = new Random(8);
            T[] p = RandomValues(rng, n, 1);
            Array.Copy(p, 0, p, tail, 5);
            IOptimizer<T> optimizer = Create(kind, n, weightDecay: 0.01);
            for (int t = 0; t < Steps; t++)
            {
                T[] g = RandomGradient(rng, n);
                Array.Copy(g, 0, g, tail, 5);
                optimizer.Step(p, g);
                for (int j = 0; j < 5; j++)
                {
                    Assert.Equal(p[j], p[tail + j]);
                }
            }
        }

        // ------------------------------------------------------------------ state

        [Theory]
        [MemberData(nameof(OptimizerKinds))]
        public void Saved_state_resumes_bit_for_bit(string kind)
        {
            int n = (Vector<T>.Count * 3) + 5;
            var rng = new Random(9);
            T[] p = RandomValues(rng, n, 1);
            T[][] gradients = Enumerable.Range(0, 12).Select(_ => RandomGradient(rng, n)).ToArray();

            IOptimizer<T> a = Create(kind, n, weightDecay: 0.01);
            for (int t = 0; t < 6; t++)
            {
                a.Step(p, gradients[t]);
            }

            // Save, and restore into a fresh optimizer with the same hyperparameters.
            T[] savedState = a.State.ToArray();
            long savedSteps = a.StepCount;
            T[] pb = (T[])p.Clone();
            IOptimizer<T> b = Create(kind, n, weightDecay: 0.01);
            savedState.CopyTo(b.State);
            b.StepCount = savedSteps;

            for (int t = 6; t < 12; t++)
            {
                a.Step(p, gradients[t]);
                b.Step(pb, gradients[t]);
            }

            Assert.Equal(p, pb);
            Assert.Equal(a.State.ToArray(), b.State.ToArray());
            Assert.Equal(12, b.StepCount);
        }

        [Theory]
        [MemberData(nameof(OptimizerKinds))]
        public void State_is_live_contiguous_and_resettable(string kind)
        {
            const int n = 11;
            IOptimizer<T> optimizer = Create(kind, n, weightDecay: 0);
            int per = kind.StartsWith("Adam", StringComparison.Ordinal) ? 2 : 1;
            Assert.Equal(n, optimizer.ParameterCount);
            Assert.Equal(per * n, optimizer.State.Length);
            Assert.All(optimizer.State.ToArray(), s => Assert.Equal(T.Zero, s));
            Assert.Equal(0, optimizer.StepCount);

            var rng = new Random(10);
            T[] p = RandomValues(rng, n, 1);
            optimizer.Step(p, RandomGradient(rng, n));
            optimizer.State[0] = T.CreateTruncating(42.0);
            Assert.Equal(T.CreateTruncating(42.0), optimizer.State[0]);
            Assert.Contains(optimizer.State.ToArray(), s => s != T.Zero && s != T.CreateTruncating(42.0));

            optimizer.Reset();
            Assert.All(optimizer.State.ToArray(), s => Assert.Equal(T.Zero, s));
            Assert.Equal(0, optimizer.StepCount);
            Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.StepCount = -1);
        }

        // ------------------------------------------------------------------ allocation and errors

        [Theory]
        [MemberData(nameof(OptimizerKinds))]
        public void Step_allocates_nothing(string kind)
        {
            foreach (int n in Sizes)
            {
                var rng = new Random(11);
                T[] p = RandomValues(rng, n, 1);
                T[] g = RandomGradient(rng, n);
                for (int i = 0; i < g.Length; i++)
                {
                    g[i] *= T.CreateTruncating(1e-3);
                }

                IOptimizer<T> optimizer = Create(kind, n, weightDecay: 0.01);
                for (int t = 0; t < 200; t++)
                {
                    optimizer.Step(p, g); // warm up (tiering)
                }

                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int t = 0; t < 2000; t++)
                {
                    optimizer.Step(p, g);
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated == 0, $"{kind}, n = {n}: 2000 steps allocated {allocated} bytes");
            }
        }

        [Theory]
        [MemberData(nameof(OptimizerKinds))]
        public void Wrong_lengths_throw_and_write_nothing(string kind)
        {
            const int n = 21;
            var rng = new Random(12);
            IOptimizer<T> optimizer = Create(kind, n, weightDecay: 0.01);
            T[] p = RandomValues(rng, n, 1);
            optimizer.Step(p, RandomGradient(rng, n));
            T[] p0 = (T[])p.Clone();
            T[] state0 = optimizer.State.ToArray();

            foreach ((int pn, int gn, string name) in new[] { (n - 1, n, "parameters"), (n + 1, n, "parameters"), (n, n - 1, "gradient"), (n, n + 1, "gradient"), (0, 0, "parameters") })
            {
                T[] pp = new T[pn];
                p.AsSpan(0, Math.Min(n, pn)).CopyTo(pp);
                T[] gg = RandomGradient(rng, gn);
                var e = Assert.Throws<ArgumentException>(() => optimizer.Step(pn == n ? p : pp, gg));
                Assert.Equal(name, e.ParamName);
                Assert.Contains(n.ToString(CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
                Assert.Equal(p0, p);
                Assert.Equal(p0.AsSpan(0, Math.Min(n, pn)).ToArray(), pp.AsSpan(0, Math.Min(n, pn)).ToArray());
                Assert.Equal(state0, optimizer.State.ToArray());
                Assert.Equal(1, optimizer.StepCount);
            }
        }

        [Fact]
        public void Bad_hyperparameters_throw_naming_the_parameter()
        {
            void Bad(string name, Action create)
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(create);
                Assert.Equal(name, e.ParamName);
            }

            foreach (int count in new[] { 0, -1, int.MinValue })
            {
                Bad("parameterCount", () => new Momentum<T>(count, 0.1, 0.9));
                Bad("parameterCount", () => new Adam<T>(count));
                Bad("parameterCount", () => new AdamW<T>(count));
            }

            Bad("parameterCount", () => new Adam<T>(int.MaxValue / 2 + 1));
            foreach (double x in new[] { -1e-3, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                Bad("learningRate", () => new Momentum<T>(4, x, 0.9));
                Bad("learningRate", () => new Adam<T>(4, learningRate: x));
                Bad("learningRate", () => new AdamW<T>(4, learningRate: x));
                Bad("momentum", () => new Momentum<T>(4, 0.1, x));
                Bad("weightDecay", () => new Momentum<T>(4, 0.1, 0.9, weightDecay: x));
                Bad("weightDecay", () => new Adam<T>(4, weightDecay: x));
                Bad("weightDecay", () => new AdamW<T>(4, weightDecay: x));
                Bad("dampening", () => new Momentum<T>(4, 0.1, 0.9, dampening: x));
                Bad("epsilon", () => new Adam<T>(4, epsilon: x));
                Bad("epsilon", () => new AdamW<T>(4, epsilon: x));
            }

            foreach (double beta in new[] { -0.1, 1.0, 1.5, double.NaN, double.PositiveInfinity })
            {
                Bad("beta1", () => new Adam<T>(4, beta1: beta));
                Bad("beta2", () => new Adam<T>(4, beta2: beta));
                Bad("beta1", () => new AdamW<T>(4, beta1: beta));
                Bad("beta2", () => new AdamW<T>(4, beta2: beta));
            }

            Bad("dampening", () => new Momentum<T>(4, 0.1, 0.9, dampening: 1.5));
            Bad("epsilon", () => new Adam<T>(4, epsilon: 0));
            Bad("epsilon", () => new AdamW<T>(4, epsilon: 0));

            // Nesterov needs momentum and no dampening, as in PyTorch.
            Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Momentum<T>(4, 0.1, 0, nesterov: true)).ParamName);
            Assert.Equal("nesterov", Assert.Throws<ArgumentException>(() => new Momentum<T>(4, 0.1, 0.9, nesterov: true, dampening: 0.1)).ParamName);

            // The learning rate is settable (schedules), and checked.
            var adam = new Adam<T>(4);
            adam.LearningRate = 0.5;
            Assert.Equal(0.5, adam.LearningRate);
            Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = double.NaN);
            Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = -1);
            Assert.Equal(0.5, adam.LearningRate);

            // Edge values that are allowed.
            _ = new Adam<T>(1, learningRate: 0, beta1: 0, beta2: 0, epsilon: double.Epsilon, weightDecay: 0);
            _ = new Momentum<T>(1, 0, 0, dampening: 1);
            Assert.Equal(0.01, new AdamW<T>(1).WeightDecay);
            Assert.Equal(0, new Adam<T>(1).WeightDecay);
        }

        [Fact]
        public void Other_element_types_are_refused()
        {
            Assert.Throws<NotSupportedException>(() => new Adam<Half>(4));
            Assert.Throws<NotSupportedException>(() => new AdamW<Half>(4));
            Assert.Throws<NotSupportedException>(() => new Momentum<Half>(4, 0.1, 0.9));
        }

        // ------------------------------------------------------------------ helpers

        private static IOptimizer<T> Create(string kind, int n, double weightDecay) => kind switch
        {
            "Momentum" => new Momentum<T>(n, 0.05, 0.9, nesterov: false, weightDecay: weightDecay, dampening: 0.1),
            "Nesterov" => new Momentum<T>(n, 0.05, 0.9, nesterov: true, weightDecay: weightDecay),
            "Adam" => new Adam<T>(n, 0.01, weightDecay: weightDecay),
            "AdamW" => new AdamW<T>(n, 0.01, weightDecay: weightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        private static double D(T x) => double.CreateTruncating(x);

        private static double[] ToDouble(ReadOnlySpan<T> xs)
        {
            var result = new double[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                result[i] = D(xs[i]);
            }

            return result;
        }

        private static T[] RandomValues(Random rng, int n, double scale)
        {
            var result = new T[n];
            for (int i = 0; i < n; i++)
            {
                result[i] = T.CreateTruncating(((rng.NextDouble() * 2) - 1) * scale);
            }

            return result;
        }

        // Gradients of mixed magnitudes (1e-2 .. 10), a few exact zeros.
        private static T[] RandomGradient(Random rng, int n)
        {
            var result = new T[n];
            for (int i = 0; i < n; i++)
            {
                double magnitude = Math.Pow(10, (rng.NextDouble() * 3) - 2);
                result[i] = rng.Next(16) == 0 ? T.Zero : T.CreateTruncating(((rng.NextDouble() * 2) - 1) * magnitude);
            }

            return result;
        }

        private static bool Close(double actual, double expected) =>
            Math.Abs(actual - expected) <= Tolerance * Math.Max(1, Math.Abs(expected));

        // |actual - reference| <= Tolerance * magnitude, where magnitude bounds the absolute values of the terms
        // that went into the reference value (see TorchFormulas), so cancellation does not shrink the tolerance.
        private static void AssertClose(ReadOnlySpan<T> actual, double[] expected, double[] magnitude, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double a = D(actual[i]);
                double allowed = Tolerance * magnitude[i];
                if (!(Math.Abs(a - expected[i]) <= allowed))
                {
                    Assert.Fail($"{what}: [{i}] = {a:R}, reference {expected[i]:R} (difference {a - expected[i]:E2}, allowed {allowed:E2} = {Tolerance:E0} x term magnitude {magnitude[i]:R})");
                }
            }
        }
    }

    /// <summary>
    /// PyTorch's documented optimizer algorithms transcribed literally in double precision, one parameter at a
    /// time, with no code shared with the library. t counts steps from 1.
    /// </summary>
    internal static class TorchFormulas
    {
        /// <summary>torch.optim.SGD: weight decay into g; buffer b = g on step 1, μb + (1-τ)g after; Nesterov g + μb.</summary>
        /// <remarks>
        /// With <paramref name="magnitudes"/> (θ and b then hold absolute values) every term is taken as its absolute
        /// value and the step is added: the result bounds the size of the terms summed into each value, which scales
        /// the rounding error an implementation may have (cancellation can make a value much smaller than its terms).
        /// </remarks>
        public static void Sgd(double[] theta, double[] grad, double[] b, int t, double lr, double mu, double tau, double lambda, bool nesterov, bool magnitudes = false)
        {
            for (int i = 0; i < theta.Length; i++)
            {
                double g = magnitudes ? Math.Abs(grad[i]) : grad[i];
                if (lambda != 0)
                {
                    g = g + (lambda * theta[i]);
                }

                if (mu != 0)
                {
                    if (t > 1)
                    {
                        b[i] = (mu * b[i]) + ((1 - tau) * g);
                    }
                    else
                    {
                        b[i] = g;
                    }

                    g = nesterov ? g + (mu * b[i]) : b[i];
                }

                theta[i] = magnitudes ? theta[i] + (lr * g) : theta[i] - (lr * g);
            }
        }

        /// <summary>
        /// torch.optim.Adam (L2: g += λθ) or torch.optim.AdamW (θ ← θ - γλθ first); m, v, bias-corrected
        /// m̂ = m/(1-β1^t), v̂ = v/(1-β2^t), θ ← θ - γ m̂/(√v̂ + ε).
        /// </summary>
        /// <remarks><paramref name="magnitudes"/>: as for <see cref="Sgd"/>.</remarks>
        public static void Adam(double[] theta, double[] grad, double[] m, double[] v, int t, double lr, double beta1, double beta2, double eps, double lambda, bool decoupled, bool magnitudes = false)
        {
            double sign = magnitudes ? 1 : -1;
            for (int i = 0; i < theta.Length; i++)
            {
                double g = magnitudes ? Math.Abs(grad[i]) : grad[i];
                if (decoupled)
                {
                    theta[i] = theta[i] + (sign * lr * lambda * theta[i]);
                }
                else if (lambda != 0)
                {
                    g = g + (lambda * theta[i]);
                }

                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                theta[i] = theta[i] + (sign * lr * mHat / (Math.Sqrt(vHat) + eps));
            }
        }
    }

    /// <summary>The optimizers driving real generated networks: gradients from <c>Gradient</c>, steps on <c>Parameters</c>.</summary>
    public sealed class OptimizerNetworkTests
    {
        [Fact]
        public void Adam_trains_a_generated_float_network()
        {
            // WideSoftmaxCeF32: 16 -> 32 ReLU -> 10 softmax, cross-entropy; 874 parameters. Classes from a random linear teacher.
            var net = new WideSoftmaxCeF32();
            net.InitializeParameters(1);
            (float[] xs, float[] ds) = TeacherData<float>(samples: 128, inputs: 16, outputs: 10, seed: 1, oneHot: true);
            var optimizer = new Adam<float>(WideSoftmaxCeF32.ParameterCount, learningRate: 0.01);
            double before = MeanLoss(net, xs, ds, 16, 10);
            Train(net, optimizer, xs, ds, 16, 10, batch: 16, epochs: 30);
            double after = MeanLoss(net, xs, ds, 16, 10);
            Assert.True(after < 0.3 * before, $"mean loss {before} -> {after}");
            Assert.Equal(30 * 8, optimizer.StepCount);
        }

        [Fact]
        public void AdamW_and_Nesterov_train_a_generated_double_network()
        {
            // WideSigmoidMseF64: 16 -> 24 tanh -> 8 leaky (no bias) -> 3 sigmoid, MSE; 635 parameters.
            foreach (IOptimizer<double> optimizer in new IOptimizer<double>[]
            {
                new AdamW<double>(WideSigmoidMseF64.ParameterCount, learningRate: 0.01, weightDecay: 0.01),
                new Momentum<double>(WideSigmoidMseF64.ParameterCount, learningRate: 0.5, momentum: 0.9, nesterov: true),
            })
            {
                var net = new WideSigmoidMseF64();
                net.InitializeParameters(2);
                (double[] xs, double[] ds) = TeacherData<double>(samples: 128, inputs: 16, outputs: 3, seed: 2, oneHot: false);
                double before = MeanLoss(net, xs, ds, 16, 3);
                Train(net, optimizer, xs, ds, 16, 3, batch: 16, epochs: 40);
                double after = MeanLoss(net, xs, ds, 16, 3);
                Assert.True(after < 0.5 * before, $"{optimizer.GetType().Name}: mean loss {before} -> {after}");
            }
        }

        [Fact]
        public void Momentum_without_momentum_is_TrainBatch()
        {
            // Plain SGD through the optimizer on the mean batch gradient is the generated TrainBatch step.
            const int k = 5;
            (float[] xs, float[] ds) = TeacherData<float>(samples: k, inputs: 16, outputs: 10, seed: 3, oneHot: true);
            var a = new WideSoftmaxCeF32();
            var b = new WideSoftmaxCeF32();
            a.InitializeParameters(4);
            b.InitializeParameters(4);
            a.TrainBatch(xs, ds, 0.25f);

            var gradient = new float[WideSoftmaxCeF32.ParameterCount];
            for (int s = 0; s < k; s++)
            {
                b.Gradient(xs.AsSpan(s * 16, 16), ds.AsSpan(s * 10, 10), gradient);
            }

            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] /= k;
            }

            new Momentum<float>(WideSoftmaxCeF32.ParameterCount, learningRate: 0.25, momentum: 0).Step(b.Parameters, gradient);
            for (int i = 0; i < gradient.Length; i++)
            {
                Assert.True(Math.Abs(a.Parameters[i] - b.Parameters[i]) <= 2e-6 * Math.Max(1, Math.Abs(a.Parameters[i])), $"[{i}] TrainBatch {a.Parameters[i]}, optimizer {b.Parameters[i]}");
            }
        }

        private static void Train<T>(INet<T> net, IOptimizer<T> optimizer, T[] xs, T[] ds, int inputs, int outputs, int batch, int epochs)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int samples = xs.Length / inputs;
            var gradient = new T[net.Parameters.Length];
            T scale = T.One / T.CreateTruncating(batch);
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                for (int start = 0; start < samples; start += batch)
                {
                    Array.Clear(gradient);
                    for (int s = start; s < start + batch; s++)
                    {
                        net.Gradient(xs.AsSpan(s * inputs, inputs), ds.AsSpan(s * outputs, outputs), gradient);
                    }

                    for (int i = 0; i < gradient.Length; i++)
                    {
                        gradient[i] *= scale;
                    }

                    optimizer.Step(net.Parameters, gradient);
                }
            }
        }

        private static double MeanLoss<T>(INet<T> net, T[] xs, T[] ds, int inputs, int outputs)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int samples = xs.Length / inputs;
            double sum = 0;
            for (int s = 0; s < samples; s++)
            {
                sum += double.CreateTruncating(net.ComputeLoss(xs.AsSpan(s * inputs, inputs), ds.AsSpan(s * outputs, outputs)));
            }

            return sum / samples;
        }

        // Inputs uniform in [-1, 1]; targets from a random linear teacher: one-hot argmax, or a sigmoid of it.
        private static (T[] Inputs, T[] Targets) TeacherData<T>(int samples, int inputs, int outputs, int seed, bool oneHot)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var rng = new Random(seed);
            var w = new double[outputs, inputs];
            for (int o = 0; o < outputs; o++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    w[o, i] = (rng.NextDouble() * 2) - 1;
                }
            }

            var xs = new T[samples * inputs];
            var ds = new T[samples * outputs];
            for (int s = 0; s < samples; s++)
            {
                var x = new double[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    x[i] = (rng.NextDouble() * 2) - 1;
                    xs[(s * inputs) + i] = T.CreateTruncating(x[i]);
                }

                var z = new double[outputs];
                for (int o = 0; o < outputs; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        z[o] += w[o, i] * x[i];
                    }
                }

                if (oneHot)
                {
                    int best = Array.IndexOf(z, z.Max());
                    ds[(s * outputs) + best] = T.One;
                }
                else
                {
                    for (int o = 0; o < outputs; o++)
                    {
                        ds[(s * outputs) + o] = T.CreateTruncating(1 / (1 + Math.Exp(-2 * z[o])));
                    }
                }
            }

            return (xs, ds);
        }
    }
}
