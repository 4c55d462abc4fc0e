using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetCompiler
{
    /// <summary>
    /// The one Adam update that <see cref="Adam{T}"/> and <see cref="AdamW{T}"/> share; they differ only in where
    /// the weight decay goes (into the gradient, or straight onto the parameter).
    /// </summary>
    internal static class AdamKernel
    {
        /// <summary>Checks the hyperparameters common to Adam and AdamW (PyTorch's ranges, with ε &gt; 0).</summary>
        public static void CheckHyperparameters(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        {
            OptimizerChecks.Range(learningRate, 0, double.PositiveInfinity, false, nameof(learningRate));
            OptimizerChecks.Range(beta1, 0, 1, true, nameof(beta1));
            OptimizerChecks.Range(beta2, 0, 1, true, nameof(beta2));
            OptimizerChecks.Positive(epsilon, nameof(epsilon));
            OptimizerChecks.Range(weightDecay, 0, double.PositiveInfinity, false, nameof(weightDecay));
        }

        /// <summary>
        /// One step t = <paramref name="stepCount"/> + 1 over <paramref name="parameters"/>, with the first moments in
        /// <c>state[0..n)</c> and the second moments in <c>state[n..2n)</c>. Lengths are already checked.
        /// </summary>
        /// <param name="parameters">θ, updated in place.</param>
        /// <param name="gradient">g.</param>
        /// <param name="state">m then v.</param>
        /// <param name="stepCount">Steps taken before this one.</param>
        /// <param name="learningRate">γ.</param>
        /// <param name="beta1">β1.</param>
        /// <param name="beta2">β2.</param>
        /// <param name="epsilon">ε.</param>
        /// <param name="l2">λ added to the gradient as λ·θ (Adam), or 0.</param>
        /// <param name="decoupled">λ applied as θ ← θ·(1 − γλ) before the update (AdamW), or 0.</param>
        public static void Step<T>(
            Span<T> parameters,
            ReadOnlySpan<T> gradient,
            Span<T> state,
            long stepCount,
            double learningRate,
            double beta1,
            double beta2,
            double epsilon,
            double l2,
            double decoupled)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            int n = parameters.Length;
            Span<T> m = state.Slice(0, n);
            Span<T> v = state.Slice(n, n);

            // The scalars as PyTorch computes them: in double, from the step number, then used in T.
            double t = stepCount + 1.0;
            double biasCorrection1 = 1.0 - Math.Pow(beta1, t);
            double biasCorrection2 = 1.0 - Math.Pow(beta2, t);
            T stepSize = T.CreateTruncating(learningRate / biasCorrection1);
            T sqrtBc2 = T.CreateTruncating(Math.Sqrt(biasCorrection2));
            T b1 = T.CreateTruncating(beta1);
            T oneMinusB1 = T.CreateTruncating(1.0 - beta1);
            T b2 = T.CreateTruncating(beta2);
            T oneMinusB2 = T.CreateTruncating(1.0 - beta2);
            T eps = T.CreateTruncating(epsilon);
            T wd = T.CreateTruncating(l2);
            T shrink = T.CreateTruncating(1.0 - (learningRate * decoupled));
            bool useL2 = l2 != 0;
            bool useShrink = decoupled != 0;

            int i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
            {
                Span<Vector<T>> pv = MemoryMarshal.Cast<T, Vector<T>>(parameters);
                ReadOnlySpan<Vector<T>> gv = MemoryMarshal.Cast<T, Vector<T>>(gradient).Slice(0, pv.Length);
                Span<Vector<T>> mv = MemoryMarshal.Cast<T, Vector<T>>(m).Slice(0, pv.Length);
                Span<Vector<T>> vv = MemoryMarshal.Cast<T, Vector<T>>(v).Slice(0, pv.Length);
                var vStepSize = new Vector<T>(stepSize);
                var vSqrtBc2 = new Vector<T>(sqrtBc2);
                var vB1 = new Vector<T>(b1);
                var vOneMinusB1 = new Vector<T>(oneMinusB1);
                var vB2 = new Vector<T>(b2);
                var vOneMinusB2 = new Vector<T>(oneMinusB2);
                var vEps = new Vector<T>(eps);
                var vWd = new Vector<T>(wd);
                var vShrink = new Vector<T>(shrink);
                for (int k = 0; k < pv.Length; k++)
                {
                    Vector<T> p = pv[k];
                    Vector<T> g = gv[k];
                    if (useL2)
                    {
                        g += vWd * p;
                    }

                    if (useShrink)
                    {
                        p *= vShrink;
                    }

                    Vector<T> mk = (vB1 * mv[k]) + (vOneMinusB1 * g);
                    Vector<T> vk = (vB2 * vv[k]) + ((vOneMinusB2 * g) * g);
                    mv[k] = mk;
                    vv[k] = vk;
                    Vector<T> denominator = (Vector.SquareRoot(vk) / vSqrtBc2) + vEps;
                    pv[k] = p - ((vStepSize * mk) / denominator);
                }

                i = pv.Length * Vector<T>.Count;
            }

            for (; i < n; i++)
            {
                T p = parameters[i];
                T g = gradient[i];
                if (useL2)
                {
                    g += wd * p;
                }

                if (useShrink)
                {
                    p *= shrink;
                }

                T mk = (b1 * m[i]) + (oneMinusB1 * g);
                T vk = (b2 * v[i]) + ((oneMinusB2 * g) * g);
                m[i] = mk;
                v[i] = vk;
                T denominator = (T.Sqrt(vk) / sqrtBc2) + eps;
                parameters[i] = p - ((stepSize * mk) / denominator);
            }
        }
    }
}
