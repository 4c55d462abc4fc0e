using System;

namespace Samples.Shared;

/// <summary>
/// The generated members the shared training loop calls. Every <c>[Network]</c> class with <c>float</c> precision
/// has them; declaring the interface on the partial class (<c>public partial class IrisNet : IClassifierNetwork { }</c>)
/// is all it takes, the generator's public methods implement it.
/// </summary>
internal interface IClassifierNetwork
{
    /// <summary>k samples, row after row.</summary>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>The loss of one sample.</summary>
    float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<float> target);

    /// <summary>One gradient-descent step on the mean loss of k samples; returns that mean loss.</summary>
    float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);
}

/// <summary>What the shared console and plot code read from a sample's per-epoch report.</summary>
internal interface IEpochReport
{
    /// <summary>1-based.</summary>
    int Epoch { get; }

    /// <summary>Mean loss over the training set after the epoch.</summary>
    float TrainLoss { get; }

    /// <summary>Mean loss over the test set after the epoch.</summary>
    float TestLoss { get; }

    /// <summary>Fraction of the training set classified correctly.</summary>
    float TrainAccuracy { get; }

    /// <summary>Fraction of the test set classified correctly.</summary>
    float TestAccuracy { get; }
}
