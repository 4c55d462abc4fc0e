using System;
using System.Numerics;

namespace NetCompiler
{
    /// <summary>
    /// Adam with bias correction and optional L2 weight decay added to the gradient, exactly as PyTorch's
    /// <c>torch.optim.Adam(params, lr, betas=(beta1, beta2), eps, weight_decay)</c> defines it (without amsgrad).
    /// For weight decay decoupled from the gradient use <see cref="AdamW{T}"/>.
    /// </summary>
    /// <typeparam name="T"><c>float</c> or <c>double</c>, the precision of the network.</typeparam>
    /// <remarks>
    /// <para>
    /// With learning rate γ, decay rates β1 and β2, ε and weight decay λ, step t (t = <see cref="StepCount"/> + 1,
    /// so the first step is t = 1) updates every parameter θ with its gradient g, first moment m and second
    /// moment v (both start at 0):
    /// </para>
    /// <list type="number">
    /// <item>if λ ≠ 0: g ← g + λ·θ (L2 penalty: it enters both moments);</item>
    /// <item>m ← β1·m + (1 − β1)·g;</item>
    /// <item>v ← β2·v + (1 − β2)·g²;</item>
    /// <item>θ ← θ − γ·m̂ / (√v̂ + ε), with the bias-corrected moments m̂ = m / (1 − β1ᵗ) and v̂ = v / (1 − β2ᵗ).</item>
    /// </list>
    /// <para>
    /// ε is added after the square root of the bias-corrected second moment, not inside it. Like PyTorch's own
    /// implementation, the step computes the scalars γ / (1 − β1ᵗ) and √(1 − β2ᵗ) once in double precision and
    /// evaluates θ ← θ − (γ / (1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + ε) per parameter, which is the same formula.
    /// </para>
    /// <para>
    /// <see cref="State"/> holds 2·<see cref="ParameterCount"/> values: the first moments m (in parameter order),
    /// then the second moments v. <see cref="StepCount"/> is t of the last step and drives the bias correction,
    /// so save and restore it together with the state. Hyperparameters are <c>double</c>, like PyTorch's Python
    /// floats; each step converts them to <typeparamref name="T"/> once.
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
    /// var optimizer = new Adam&lt;float&gt;(MyNet.ParameterCount, learningRate: 1e-3);
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
    /// To checkpoint, save <c>net.Parameters</c>, <c>optimizer.State</c> and <c>optimizer.StepCount</c>; to resume,
    /// copy them back into a network and an optimizer created with the same hyperparameters.
    /// </example>
    public sealed class Adam<T> : IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly T[] _state;
        private readonly int _parameterCount;
        private double _learningRate;
        private long _stepCount;

        /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters, with zero moments and <see cref="StepCount"/> 0.</summary>
        /// <param name="parameterCount">The number of parameters (a generated network's <c>ParameterCount</c>); at least 1.</param>
        /// <param name="learningRate">γ (PyTorch's <c>lr</c>); finite, at least 0. Default 1e-3.</param>
        /// <param name="beta1">β1, the decay rate of the first moment; in [0, 1). Default 0.9.</param>
        /// <param name="beta2">β2, the decay rate of the second moment; in [0, 1). Default 0.999.</param>
        /// <param name="epsilon">ε, added to the denominator after the square root; finite, greater than 0. Default 1e-8.</param>
        /// <param name="weightDecay">λ, the L2 penalty added to the gradient; finite, at least 0. Default 0.</param>
        /// <exception cref="ArgumentOutOfRangeException">A count or hyperparameter is outside its range (the exception names it).</exception>
        /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither <c>float</c> nor <c>double</c>.</exception>
        public Adam(int parameterCount, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        {
            OptimizerChecks.ElementType<T>();
            _parameterCount = OptimizerChecks.ParameterCount(parameterCount, nameof(parameterCount));
            AdamKernel.CheckHyperparameters(learningRate, beta1, beta2, epsilon, weightDecay);
            _learningRate = learningRate;
            Beta1 = beta1;
            Beta2 = beta2;
            Epsilon = epsilon;
            WeightDecay = weightDecay;
            _state = new T[OptimizerChecks.StateLength(parameterCount, 2, nameof(parameterCount))];
        }

        /// <inheritdoc />
        public int ParameterCount => _parameterCount;

        /// <inheritdoc />
        public double LearningRate
        {
            get => _learningRate;
            set => _learningRate = OptimizerChecks.Range(value, 0, double.PositiveInfinity, false, nameof(value));
        }

        /// <summary>β1, the decay rate of the first moment (PyTorch's <c>betas[0]</c>).</summary>
        public double Beta1 { get; }

        /// <summary>β2, the decay rate of the second moment (PyTorch's <c>betas[1]</c>).</summary>
        public double Beta2 { get; }

        /// <summary>ε, added to the denominator after the square root (PyTorch's <c>eps</c>).</summary>
        public double Epsilon { get; }

        /// <summary>λ, the L2 penalty added to the gradient (PyTorch's <c>weight_decay</c>).</summary>
        public double WeightDecay { get; }

        /// <summary>
        /// 2·<see cref="ParameterCount"/> values (live storage): the first moments m in parameter order, then the
        /// second moments v.
        /// </summary>
        public Span<T> State => _state;

        /// <inheritdoc />
        public long StepCount
        {
            get => _stepCount;
            set => _stepCount = OptimizerChecks.StepCount(value, nameof(value));
        }

        /// <inheritdoc />
        public void Reset()
        {
            Array.Clear(_state);
            _stepCount = 0;
        }

        /// <inheritdoc />
        public void Step(Span<T> parameters, ReadOnlySpan<T> gradient)
        {
            OptimizerChecks.Lengths(parameters.Length, gradient.Length, _parameterCount);
            AdamKernel.Step(parameters, gradient, _state, _stepCount, _learningRate, Beta1, Beta2, Epsilon, l2: WeightDecay, decoupled: 0);
            _stepCount++;
        }
    }
}
