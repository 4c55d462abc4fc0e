using System;
using System.Linq;
using System.Numerics;
using NetCompiler.Generated;
using Xunit;
using Xunit.Abstractions;

namespace NetCompiler.Tests
{
    /// <summary>
    /// The vector kernels the generated code calls for e^x, tanh and the sigmoid (<c>Runtime/VectorMath.cs</c>, added
    /// to this assembly by the generator) against <see cref="Math.Exp(double)"/> and <see cref="Math.Tanh(double)"/> in
    /// double precision, over the whole float range: one float in every 2^12 by bit pattern (about 10^6 values),
    /// plus the edges and the special values. The accuracy bounds here are the ones VectorMath documents.
    /// </summary>
    public sealed class VectorMathTests
    {
        private const double ExpUlps = 1.5;
        private const double TanhUlps = 2.5;
        private const double SigmoidUlps = 3;

        private readonly ITestOutputHelper _output;

        public VectorMathTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Exp_IsWithinOneAndAHalfUlpWhereTheResultIsNormal()
        {
            float[] x = Sweep(-87.33f, 88.72f);
            float[] y = new float[x.Length];
            VectorMath.Exp(x, y);
            double worst = WorstUlps(x, y, Math.Exp, out float at);
            _output.WriteLine($"e^x: worst {worst:F3} ulp at x = {at:R} over {x.Length} values");
            Assert.True(worst <= ExpUlps, $"e^x is {worst} ulp off at x = {at:R}");
        }

        [Fact]
        public void Tanh_IsWithinTwoAndAHalfUlp()
        {
            float[] x = Sweep(-12f, 12f);
            float[] y = new float[x.Length];
            VectorMath.Tanh(x, y);
            double worst = WorstUlps(x, y, Math.Tanh, out float at);
            _output.WriteLine($"tanh: worst {worst:F3} ulp at x = {at:R} over {x.Length} values");
            Assert.True(worst <= TanhUlps, $"tanh is {worst} ulp off at x = {at:R}");
        }

        [Fact]
        public void Sigmoid_IsWithinThreeUlpWhereTheResultIsNormal()
        {
            float[] x = Sweep(-87f, 30f);
            float[] y = new float[x.Length];
            VectorMath.Sigmoid(x, y);
            double worst = WorstUlps(x, y, v => 1d / (1d + Math.Exp(-v)), out float at);
            _output.WriteLine($"sigmoid: worst {worst:F3} ulp at x = {at:R} over {x.Length} values");
            Assert.True(worst <= SigmoidUlps, $"the sigmoid is {worst} ulp off at x = {at:R}");
        }

        [Theory]
        [InlineData(0f, 1f)]
        [InlineData(1f, 2.71828183f)]
        [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
        [InlineData(float.NegativeInfinity, 0f)]
        [InlineData(88.73f, float.PositiveInfinity)]
        [InlineData(1000f, float.PositiveInfinity)]
        [InlineData(-87.34f, 0f)]
        [InlineData(-1000f, 0f)]
        [InlineData(float.NaN, float.NaN)]
        public void Exp_SpecialValues(float x, float expected) => Assert.Equal(expected, Scalar(VectorMath.Exp, x));

        [Fact]
        public void Exp_JustBelowOverflowIsFinite()
        {
            // Where round(x / ln 2) = 128 the kernel caps n at 127; the result must still be the finite e^x.
            foreach (float x in new[] { 88.4f, 88.6f, 88.72f })
            {
                float y = Scalar(VectorMath.Exp, x);
                Assert.True(float.IsFinite(y), $"e^{x} = {y}");
                Assert.True(Ulps(y, Math.Exp(x)) <= ExpUlps, $"e^{x} = {y:R}, exact {Math.Exp(x):R}");
            }
        }

        [Theory]
        [InlineData(0f, 0f)]
        [InlineData(9.1f, 1f)]
        [InlineData(-9.1f, -1f)]
        [InlineData(50f, 1f)]
        [InlineData(float.PositiveInfinity, 1f)]
        [InlineData(float.NegativeInfinity, -1f)]
        [InlineData(float.NaN, float.NaN)]
        public void Tanh_SpecialValues(float x, float expected) => Assert.Equal(expected, Scalar(VectorMath.Tanh, x));

        [Fact]
        public void Tanh_KeepsTheSignOfZeroAndTinyValues()
        {
            Assert.True(float.IsNegative(Scalar(VectorMath.Tanh, -0f)));
            Assert.Equal(1e-30f, Scalar(VectorMath.Tanh, 1e-30f));
            Assert.Equal(-1e-30f, Scalar(VectorMath.Tanh, -1e-30f));
        }

        [Theory]
        [InlineData(0f, 0.5f)]
        [InlineData(100f, 1f)]
        [InlineData(-100f, 0f)]
        [InlineData(float.PositiveInfinity, 1f)]
        [InlineData(float.NegativeInfinity, 0f)]
        [InlineData(float.NaN, float.NaN)]
        public void Sigmoid_SpecialValues(float x, float expected) => Assert.Equal(expected, Scalar(VectorMath.Sigmoid, x));

        [Fact]
        public void SpanResults_DoNotDependOnLengthOrPosition()
        {
            // Whole vectors and the scalar tail must give every element the same value.
            var random = new Random(5);
            for (int length = 0; length <= 3 * Vector<float>.Count + 1; length++)
            {
                float[] x = new float[length];
                for (int i = 0; i < length; i++)
                {
                    x[i] = (float)((random.NextDouble() - 0.5) * 20);
                }

                float[] exp = new float[length];
                float[] tanh = new float[length];
                float[] sigmoid = new float[length];
                VectorMath.Exp(x, exp);
                VectorMath.Tanh(x, tanh);
                VectorMath.Sigmoid(x, sigmoid);
                for (int i = 0; i < length; i++)
                {
                    Assert.Equal(Scalar(VectorMath.Exp, x[i]), exp[i]);
                    Assert.Equal(Scalar(VectorMath.Tanh, x[i]), tanh[i]);
                    Assert.Equal(Scalar(VectorMath.Sigmoid, x[i]), sigmoid[i]);
                }

                // In place gives the same.
                float[] inPlace = (float[])x.Clone();
                VectorMath.Tanh(inPlace, inPlace);
                Assert.Equal(tanh, inPlace);
            }
        }

        [Fact]
        public void Log_IsWithinOneUlpOverEveryPositiveFloat()
        {
            // Every positive float whose bit pattern is a multiple of 2^8, subnormals included, plus the neighbours of 1.
            var values = new System.Collections.Generic.List<float> { 1f, MathF.BitIncrement(1f), MathF.BitDecrement(1f), float.Epsilon, float.MaxValue };
            for (long bits = 1 << 8; bits < 0x7F800000L; bits += 1 << 8)
            {
                values.Add(BitConverter.Int32BitsToSingle((int)bits));
            }

            double worst = 0;
            float at = float.NaN;
            int count = Vector<float>.Count;
            float[] x = values.ToArray();
            for (int start = 0; start + count <= x.Length; start += count)
            {
                Vector<float> y = VectorMath.Log(new Vector<float>(x, start));
                for (int i = 0; i < count; i++)
                {
                    double exact = Math.Log(x[start + i]);
                    double ulps = exact == 0 ? (y[i] == 0 ? 0 : double.PositiveInfinity) : Ulps(y[i], exact);
                    if (!(ulps <= worst))
                    {
                        worst = ulps;
                        at = x[start + i];
                    }
                }
            }

            _output.WriteLine($"ln x: worst {worst:F3} ulp at x = {at:R} over {x.Length} values");
            Assert.True(worst <= 1.0, $"ln x is off by {worst:F3} ulp at x = {at:R}");
        }

        [Theory]
        [InlineData(0f, float.NegativeInfinity)]
        [InlineData(-1f, float.NaN)]
        [InlineData(float.NegativeInfinity, float.NaN)]
        [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
        [InlineData(float.NaN, float.NaN)]
        [InlineData(1f, 0f)]
        public void Log_SpecialValues(float x, float expected) => Assert.Equal(expected, VectorMath.Log(new Vector<float>(x))[0]);

        [Fact]
        public void Log_OfNegativeZeroIsNegativeInfinity() => Assert.Equal(float.NegativeInfinity, VectorMath.Log(new Vector<float>(-0f))[0]);

        [Fact]
        public void ScalarKernels_AreTheVectorKernelsBitForBit()
        {
            // The generated code mixes both (vector loops with a scalar tail, unrolled layers in locals, TrainBatch's
            // lanes and its leftover rows), so they must agree exactly for results not to depend on position or width.
            float[] specials = { 0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon, 88.7228394f, 88.73f, -87.3365479f, -87.34f, -103.98f, 9.1f, -9.1f };
            float[] x = Sweep(-110f, 110f).Concat(specials).ToArray();
            foreach (float value in x)
            {
                var lanes = new Vector<float>(value);
                AssertSameBits(VectorMath.Exp(lanes)[0], VectorMath.Exp(value), "Exp", value);
                AssertSameBits(VectorMath.Tanh(lanes)[0], VectorMath.Tanh(value), "Tanh", value);
                AssertSameBits(VectorMath.Sigmoid(lanes)[0], VectorMath.Sigmoid(value), "Sigmoid", value);
            }
        }

        private static void AssertSameBits(float vector, float scalar, string function, float x)
        {
            if (BitConverter.SingleToInt32Bits(vector) != BitConverter.SingleToInt32Bits(scalar) && !(float.IsNaN(vector) && float.IsNaN(scalar)))
            {
                Assert.Fail($"{function}({x:R}): vector kernel {vector:R}, scalar kernel {scalar:R}");
            }
        }

        [Fact]
        public void ExpSum_ShiftsAndSums()
        {
            float[] x = { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f };
            float[] y = new float[x.Length];
            float sum = VectorMath.ExpSum(x, 11f, y);
            double expected = 0;
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Ulps(y[i], Math.Exp(x[i] - 11.0)) <= ExpUlps);
                expected += Math.Exp(x[i] - 11.0);
            }

            Assert.Equal(expected, sum, 5);
        }

        [Fact]
        public void StoreSums_AddsEachVectorAcrossItsLanes()
        {
            // Integers small enough that every order of addition gives the exact sum: any mix-up of rows or lanes shows.
            var rng = new Random(5);
            int n = Vector<float>.Count;
            for (int trial = 0; trial < 50; trial++)
            {
                float[][] rows = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, n).Select(_ => (float)rng.Next(-1000, 1000)).ToArray()).ToArray();
                float[] bias = Enumerable.Range(0, 8).Select(_ => (float)rng.Next(-1000, 1000)).ToArray();
                Vector<float>[] s = rows.Select(r => new Vector<float>(r)).ToArray();
                float[] plain = new float[10];
                float[] biased = new float[10];
                VectorMath.StoreSums(ref plain[1], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
                VectorMath.StoreSums(ref biased[1], ref bias[0], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
                for (int r = 0; r < 8; r++)
                {
                    Assert.Equal(rows[r].Sum(), plain[r + 1]);
                    Assert.Equal(rows[r].Sum() + bias[r], biased[r + 1]);
                }

                // Nothing outside the eight values is written.
                Assert.Equal(0f, plain[0]);
                Assert.Equal(0f, plain[9]);
                Assert.Equal(0f, biased[0]);
                Assert.Equal(0f, biased[9]);
            }
        }

        [Fact]
        public void StoreSums_IsWithinRoundingOfTheExactSums()
        {
            var rng = new Random(6);
            int n = Vector<float>.Count;
            float[][] rows = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
            float[] bias = Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            Vector<float>[] s = rows.Select(r => new Vector<float>(r)).ToArray();
            float[] y = new float[8];
            VectorMath.StoreSums(ref y[0], ref bias[0], s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
            for (int r = 0; r < 8; r++)
            {
                double exact = rows[r].Sum(v => (double)v) + bias[r];
                Assert.True(Math.Abs(y[r] - exact) <= 1e-6 * (rows[r].Sum(v => Math.Abs((double)v)) + Math.Abs(bias[r])), $"row {r}: {y[r]:R}, exact {exact:R}");
            }
        }

        [Theory]
        [InlineData(1f, 2f, 2f)]
        [InlineData(2f, 1f, 2f)]
        [InlineData(-3f, -7f, -3f)]
        [InlineData(float.NegativeInfinity, -1e30f, -1e30f)]
        [InlineData(5f, float.PositiveInfinity, float.PositiveInfinity)]
        public void Max_IsTheLargerValue(float a, float b, float expected)
        {
            Assert.Equal(expected, VectorMath.Max(a, b));
            Assert.Equal((double)expected, VectorMath.Max((double)a, b));
            Assert.Equal(expected, VectorMath.Max(new Vector<float>(a), new Vector<float>(b))[0]);
        }

        [Fact]
        public void DoubleKernels_AreTheMathFunctions()
        {
            double[] x = { -800, -3.5, -0.1, 0, 1e-300, 0.7, 2, 40, 800 };
            double[] exp = new double[x.Length];
            double[] tanh = new double[x.Length];
            double[] sigmoid = new double[x.Length];
            VectorMath.Exp(x, exp);
            VectorMath.Tanh(x, tanh);
            VectorMath.Sigmoid(x, sigmoid);
            double[] shifted = new double[x.Length];
            double sum = VectorMath.ExpSum(x, 1.5, shifted);
            double expectedSum = 0;
            for (int i = 0; i < x.Length; i++)
            {
                Assert.Equal(Math.Exp(x[i]), exp[i]);
                Assert.Equal(Math.Tanh(x[i]), tanh[i]);
                Assert.Equal(1 / (1 + Math.Exp(-x[i])), sigmoid[i]);
                Assert.Equal(Math.Exp(x[i] - 1.5), shifted[i]);
                expectedSum += Math.Exp(x[i] - 1.5);
            }

            Assert.Equal(expectedSum, sum);
        }

        /// <summary>Every float in [lo, hi] whose bit pattern is a multiple of 2^12 (both signs), plus lo and hi.</summary>
        private static float[] Sweep(float lo, float hi)
        {
            var values = new System.Collections.Generic.List<float> { lo, hi };
            for (long bits = 0; bits < 0x7F800000L; bits += 1 << 12)
            {
                float v = BitConverter.Int32BitsToSingle((int)bits);
                if (v <= hi)
                {
                    values.Add(v);
                }

                if (-v >= lo)
                {
                    values.Add(-v);
                }
            }

            return values.ToArray();
        }

        private static double WorstUlps(float[] x, float[] y, Func<double, double> exact, out float at)
        {
            double worst = 0;
            at = float.NaN;
            for (int i = 0; i < x.Length; i++)
            {
                double e = exact(x[i]);
                if (Math.Abs(e) < 1.1754943508222875e-38)
                {
                    continue; // subnormal results are documented as flushed to zero
                }

                double ulps = Ulps(y[i], e);
                if (!(ulps <= worst))
                {
                    worst = ulps;
                    at = x[i];
                }
            }

            return worst;
        }

        /// <summary>|actual - exact| in units of the float spacing at the exact value.</summary>
        private static double Ulps(float actual, double exact)
        {
            float rounded = (float)exact;
            double ulp = Math.Abs((double)MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded));
            return Math.Abs(actual - exact) / ulp;
        }

        private delegate void SpanFunction(ReadOnlySpan<float> x, Span<float> y);

        private static float Scalar(SpanFunction function, float x)
        {
            Span<float> value = stackalloc float[1];
            value[0] = x;
            function(value, value);
            return value[0];
        }
    }
}
