using System;
using System.Numerics;

namespace NetCompiler.Tests
{
    /// <summary>
    /// The instance members API.md promises on a generated network, as an interface so the tests can
    /// drive every declared network through one generic code path. Every network class in this
    /// project declares <c>: INet&lt;float&gt;</c> or <c>: INet&lt;double&gt;</c>; the generated members
    /// implement it implicitly. (The size constants cannot be interface members; the tests read them
    /// by reflection, see <see cref="NetworkCatalog"/>.)
    /// </summary>
    public interface INet<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> Parameters { get; }

        void Forward(ReadOnlySpan<T> input, Span<T> output);

        void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

        T ComputeLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

        T Gradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient);

        T Train(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate);

        T TrainBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);

        void InitializeParameters(int seed);
    }
}
