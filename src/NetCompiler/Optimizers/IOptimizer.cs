using System;
using System.Numerics;

namespace NetCompiler
{
    /// <summary>
    /// An optimizer over one contiguous block of parameters, such as a generated network's <c>Parameters</c>:
    /// <see cref="Momentum{T}"/>, <see cref="Adam{T}"/> and <see cref="AdamW{T}"/>.
    /// </summary>
    /// <typeparam name="T"><c>float</c> or <c>double</c>, the precision of the network.</typeparam>
    /// <remarks>
    /// <para>
    /// An optimizer keeps its state in one contiguous block (<see cref="State"/>) of a whole multiple of
    /// <see cref="ParameterCount"/> values, plus the step counter <see cref="StepCount"/>. Copying those two
    /// and writing them into a fresh optimizer with the same hyperparameters continues training exactly
    /// (bit for bit) where the first one stopped.
    /// </para>
    /// <para>
    /// <see cref="Step"/> allocates nothing. It is not thread-safe: one optimizer serves one parameter block
    /// on one thread at a time.
    /// </para>
    /// </remarks>
    public interface IOptimizer<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>The number of parameters this optimizer updates (the required length of both spans of <see cref="Step"/>).</summary>
        int ParameterCount { get; }

        /// <summary>
        /// The learning rate (PyTorch's <c>lr</c>, γ). May be changed between steps, as a learning-rate schedule
        /// does; it must be finite and at least 0.
        /// </summary>
        double LearningRate { get; set; }

        /// <summary>
        /// The optimizer's state: one contiguous block whose length is a whole multiple of <see cref="ParameterCount"/>,
        /// in the same order as the parameters. The span is the live storage (writing into it changes the optimizer)
        /// and stays valid for the optimizer's lifetime. Save it together with <see cref="StepCount"/>.
        /// </summary>
        Span<T> State { get; }

        /// <summary>
        /// The number of steps taken since construction or <see cref="Reset"/> (PyTorch's <c>step</c>). The next
        /// <see cref="Step"/> is step <c>StepCount + 1</c>. Settable, to restore a saved state; at least 0.
        /// </summary>
        long StepCount { get; set; }

        /// <summary>
        /// Updates <paramref name="parameters"/> in place from <paramref name="gradient"/> (the derivative of the loss
        /// with respect to each parameter, same layout), and advances <see cref="StepCount"/> by one.
        /// </summary>
        /// <param name="parameters">The parameters to update, e.g. a generated network's <c>Parameters</c>; exactly <see cref="ParameterCount"/> values.</param>
        /// <param name="gradient">d(loss)/d(parameters); exactly <see cref="ParameterCount"/> values; must not overlap <paramref name="parameters"/> or <see cref="State"/>.</param>
        /// <exception cref="ArgumentException">A span does not hold exactly <see cref="ParameterCount"/> values (nothing is written).</exception>
        void Step(Span<T> parameters, ReadOnlySpan<T> gradient);

        /// <summary>Returns to the state of a new optimizer: <see cref="State"/> all zero, <see cref="StepCount"/> 0.</summary>
        void Reset();
    }
}
