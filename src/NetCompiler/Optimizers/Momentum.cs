using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetCompiler
{
    /// <summary>
    /// Stochastic gradient descent with classical or Nesterov momentum, L2 weight decay and dampening, exactly as
    /// PyTorch's <c>torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)</c> defines it.
    /// </summary>
    /// <typeparam name="T"><c>float</c> or <c>double</c>, the precision of the network.</typeparam>
    /// <remarks>
    /// <para>
    /// With learning rate γ, momentum μ, dampening τ and weight decay λ, step t (t = <see cref="StepCount"/> + 1)
    /// updates every parameter θ with its gradient g and its momentum buffer b:
    /// </para>
    /// <list type="number">
    /// <item>if λ ≠ 0: g ← g + λ·θ (L2 penalty, added to the gradient);</item>
    /// <item>if μ ≠ 0: on the first step b ← g (the buffer starts as a copy of the gradient, not at zero, so
    /// dampening does not apply to it); on every later step b ← μ·b + (1 − τ)·g; then g ← g + μ·b with Nesterov,
    /// g ← b without;</item>
    /// <item>θ ← θ − γ·g.</item>
    /// </list>
    /// <para>
    /// That is PyTorch's documented algorithm (and also how it differs from Sutskever et al.: the learning rate
    /// multiplies the buffer rather than being folded into it, so changing γ mid-training rescales the whole step).
    /// With μ = 0 it is plain gradient descent and the buffer is neither read nor written.
    /// </para>
    /// <para>
    /// <see cref="State"/> is the momentum buffer b, <see cref="ParameterCount"/> values in parameter order.
    /// <see cref="StepCount"/> only tells whether the buffer exists yet (0: the next step initializes it).
    /// Hyperparameters are <c>double</c>, like PyTorch's Python floats; each step converts them to
    /// <typeparamref name="T"/> once.
    /// </para>
    /// <para>
    /// The update is vectorized with <see cref="Vector{T}"/>; the remainder that does not fill a vector uses the
    /// same operations in the same order, so every parameter gets the same result wherever it sits.
    /// </para>
    /// </remarks>
    /// <example>
    /// Mini-batch training of a generated network:
    /// <code>
    /// var net = new MyNet();
    /// var optimizer = new Momentum&lt;float&gt;(MyNet.ParameterCount, learningRate: 0.01, momentum: 0.9, nesterov: true);
    /// var gradient = new float[MyNet.ParameterCount];
    /// // for each mini-batch of k samples:
    /// Array.Clear(gradient);
    /// for (int s = 0; s &lt; k; s++)
    /// {
    ///     net.Gradient(inputs.Slice(s * MyNet.InputCount, MyNet.InputCount), targets.Slice(s * MyNet.OutputCount, MyNet.OutputCount), gradient);
    /// }
    /// for (int i = 0; i &lt; gradient.Length; i++) gradient[i] /= k;   // the gradient of the mean loss
    /// optimizer.Step(net.Parameters, gradient);
    /// </code>
    /// </example>
    public sealed class Momentum<T> : IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _buffer;
        private double _learningRate;
        private long _stepCount;

        /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters, with a zero buffer and <see cref="StepCount"/> 0.</summary>
        /// <param name="parameterCount">The number of parameters (a generated network's <c>ParameterCount</c>); at least 1.</param>
        /// <param name="learningRate">γ (PyTorch's <c>lr</c>); finite, at least 0.</param>
        /// <param name="momentum">μ; finite, at least 0 (0 turns the buffer off: plain gradient descent). Typical: 0.9.</param>
        /// <param name="nesterov">Nesterov momentum: step along g + μ·b instead of b. Needs μ &gt; 0 and τ = 0, as in PyTorch.</param>
        /// <param name="weightDecay">λ, the L2 penalty added to the gradient; finite, at least 0.</param>
        /// <param name="dampening">τ; finite, in [0, 1]. Scales the gradient's share of the buffer from the second step on.</param>
        /// <exception cref="ArgumentOutOfRangeException">A count or hyperparameter is outside its range (the exception names it).</exception>
        /// <exception cref="ArgumentException"><paramref name="nesterov"/> with μ = 0 or τ ≠ 0.</exception>
        /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <c>float</c> nor <c>double</c>.</exception>
        public Momentum(int parameterCount, double learningRate, double momentum, bool nesterov = false, double weightDecay = 0, double dampening = 0)
        {
            OptimizerChecks.ElementType<T>();
            OptimizerChecks.ParameterCount(parameterCount, nameof(parameterCount));
            _learningRate = OptimizerChecks.Range(learningRate, 0, double.PositiveInfinity, false, nameof(learningRate));
            MomentumFactor = OptimizerChecks.Range(momentum, 0, double.PositiveInfinity, false, nameof(momentum));
            WeightDecay = OptimizerChecks.Range(weightDecay, 0, double.PositiveInfinity, false, nameof(weightDecay));
            Dampening = OptimizerChecks.Range(dampening, 0, 1, false, nameof(dampening));
            if (nesterov && (momentum == 0 || dampening != 0))
            {
                throw new ArgumentException("Nesterov momentum requires a momentum greater than 0 and a dampening of 0 (as in PyTorch).", nameof(nesterov));
            }

            Nesterov = nesterov;
            _buffer = new T[parameterCount];
        }

        /// <inheritdoc />
        public int ParameterCount => _buffer.Length;

        /// <inheritdoc />
        public double LearningRate
        {
            get => _learningRate;
            set => _learningRate = OptimizerChecks.Range(value, 0, double.PositiveInfinity, false, nameof(value));
        }

        /// <summary>μ, the momentum factor (PyTorch's <c>momentum</c>).</summary>
        public double MomentumFactor { get; }

        /// <summary>Whether the step uses Nesterov momentum (g + μ·b) rather than the buffer b itself.</summary>
        public bool Nesterov { get; }

        /// <summary>λ, the L2 penalty added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
        public double WeightDecay { get; }

        /// <summary>τ, the dampening of the gradient's share of the buffer (PyTorch's <c>dampening</c>).</summary>
        public double Dampening { get; }

        /// <summary>The momentum buffer b: <see cref="ParameterCount"/> values in parameter order (live storage).</summary>
        public Span<T> State => _buffer;

        /// <inheritdoc />
        public long StepCount
        {
            get => _stepCount;
            set => _stepCount = OptimizerChecks.StepCount(value, nameof(value));
        }

        /// <inheritdoc />
        public void Reset()
        {
            Array.Clear(_buffer);
            _stepCount = 0;
        }

        /// <inheritdoc />
        public void Step(Span<T> parameters, ReadOnlySpan<T> gradient)
        {
            OptimizerChecks.Lengths(parameters.Length, gradient.Length, _buffer.Length);

            T lr = T.CreateTruncating(_learningRate);
            T wd = T.CreateTruncating(WeightDecay);
            T mu = T.CreateTruncating(MomentumFactor);
            T gradientShare = T.CreateTruncating(1.0 - Dampening);
            bool decay = WeightDecay != 0;
            bool useBuffer = MomentumFactor != 0;
            bool first = _stepCount == 0;
            bool nesterov = Nesterov;

            Span<T> buffer = _buffer;
            int n = parameters.Length;
            int i = 0;

            if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
            {
                Span<Vector<T>> pv = MemoryMarshal.Cast<T, Vector<T>>(parameters);
                ReadOnlySpan<Vector<T>> gv = MemoryMarshal.Cast<T, Vector<T>>(gradient);
                Span<Vector<T>> bv = MemoryMarshal.Cast<T, Vector<T>>(buffer);
                gv = gv.Slice(0, pv.Length);
                bv = bv.Slice(0, pv.Length);
                var vLr = new Vector<T>(lr);
                var vWd = new Vector<T>(wd);
                var vMu = new Vector<T>(mu);
                var vShare = new Vector<T>(gradientShare);
                for (int k = 0; k < pv.Length; k++)
                {
                    Vector<T> p = pv[k];
                    Vector<T> g = gv[k];
                    if (decay)
                    {
                        g += vWd * p;
                    }

                    if (useBuffer)
                    {
                        Vector<T> b = first ? g : (vMu * bv[k]) + (vShare * g);
                        bv[k] = b;
                        g = nesterov ? g + (vMu * b) : b;
                    }

                    pv[k] = p - (vLr * g);
                }

                i = pv.Length * Vector<T>.Count;
            }

            for (; i < n; i++)
            {
                T p = parameters[i];
                T g = gradient[i];
                if (decay)
                {
                    g += wd * p;
                }

                if (useBuffer)
                {
                    T b = first ? g : (mu * buffer[i]) + (gradientShare * g);
                    buffer[i] = b;
                    g = nesterov ? g + (mu * b) : b;
                }

                parameters[i] = p - (lr * g);
            }

            _stepCount++;
        }
    }
}
