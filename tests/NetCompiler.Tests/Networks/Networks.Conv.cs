using NetCompiler;

// Convolutional networks: every layer kind and option (1D and 2D, stride, padding, Same with even and odd totals,
// dilation, groups and depthwise, bias on and off, each pooling with and without padding or overlapping windows,
// GlobalAvgPool), every activation on a convolution, Dense tails unrolled and looped, networks that end with a
// spatial layer, float and double. Every generic test of NetworkTests runs on each against the independent reference.

namespace NetCompiler.Tests.Conv
{
    // The digits CNN: two 3x3 convolutions with padding, two 2x2 max pools, a softmax Dense tail (looped).
    [Network(1, 8, 8, Loss = Loss.CrossEntropy)]
    [Conv2D(8, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Conv2D(16, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Dense(10, Activation.Softmax)]
    public partial class DigitsCnnF32 : INet<float> { }

    [Network(1, 6, 6, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Conv2D(5, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2, Stride = 1)]
    [Dense(3, Activation.Softmax)]
    public partial class SmallCnnF64 : INet<double> { }

    // A sensor-style 1D network: Conv1D, max pool, Conv1D, global average, softmax.
    [Network(3, 20, Loss = Loss.CrossEntropy)]
    [Conv1D(4, 5, Activation.ReLU)]
    [MaxPool1D(2)]
    [Conv1D(6, 3, Activation.Tanh)]
    [GlobalAvgPool]
    [Dense(3, Activation.Softmax)]
    public partial class SensorConv1DF32 : INet<float> { }

    [Network(2, 17, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Conv1D(3, 4, Activation.Sigmoid, Stride = 2, Padding = 1)]
    [AvgPool1D(3, Stride = 1, Padding = 1)]
    [Dense(2)]
    public partial class StridedConv1DF64 : INet<double> { }

    // Same padding with stride 2: the totals are odd (extra row and column at the end).
    [Network(2, 9, 7, Loss = Loss.HalfSquaredError)]
    [Conv2D(3, 3, Activation.Tanh, Stride = 2, Same = true)]
    [Dense(2)]
    public partial class StridedSameF32 : INet<float> { }

    [Network(2, 9, 7, Loss = Loss.HalfSquaredError, Precision = Precision.Double)]
    [Conv2D(3, 3, Activation.Tanh, Stride = 2, Same = true)]
    [Dense(2)]
    public partial class StridedSameF64 : INet<double> { }

    // Same padding with an even kernel and stride 1: 3 zeros per dimension, 1 before and 2 after.
    [Network(1, 6, 5, Loss = Loss.HalfSquaredError)]
    [Conv2D(2, 4, Activation.Identity, Same = true)]
    [Dense(1)]
    public partial class EvenKernelSameF32 : INet<float> { }

    // Per-dimension kernel, stride and padding; overlapping average pooling; a sigmoid tail with cross-entropy.
    [Network(1, 7, 9, Loss = Loss.CrossEntropy)]
    [Conv2D(2, 3, Activation.Sigmoid, KernelHeight = 2, KernelWidth = 4, StrideWidth = 2, PaddingHeight = 1)]
    [AvgPool2D(2, Stride = 1)]
    [Dense(3, Activation.Sigmoid)]
    public partial class PerDimensionF32 : INet<float> { }

    // Dilation in 1D with padding, then an overlapping, padded max pool.
    [Network(2, 12, Loss = Loss.HalfSquaredError)]
    [Conv1D(3, 3, Activation.LeakyReLU, Dilation = 2, Padding = 2)]
    [MaxPool1D(3, Stride = 2, Padding = 1)]
    [Dense(2)]
    public partial class DilatedConv1DF32 : INet<float> { }

    // Stride 3 with dilation 2 in 2D: taps fall in different phases of the staged input.
    [Network(1, 11, 13, Loss = Loss.HalfSquaredError)]
    [Conv2D(2, 3, Activation.ReLU, Stride = 3, Dilation = 2, Padding = 2)]
    [Dense(2)]
    public partial class StrideThreeDilatedF32 : INet<float> { }

    [Network(2, 8, 7, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Conv2D(3, 2, Activation.Tanh, StrideHeight = 2, StrideWidth = 3, DilationHeight = 2, PaddingWidth = 1)]
    [Dense(2)]
    public partial class MixedStridesF64 : INet<double> { }

    // Depthwise separable: a depthwise 3x3 (groups = channels), a pointwise 1x1, global average pooling.
    [Network(4, 6, 6, Loss = Loss.CrossEntropy)]
    [Conv2D(4, 3, Activation.ReLU, Groups = 4, Same = true)]
    [Conv2D(6, 1, Activation.ReLU)]
    [GlobalAvgPool]
    [Dense(3, Activation.Softmax)]
    public partial class DepthwiseSeparableF32 : INet<float> { }

    [Network(3, 5, 5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(3, 3, Activation.ReLU, Groups = 3, Padding = 1)]
    [Conv2D(4, 1, Activation.Tanh)]
    [GlobalAvgPool]
    [Dense(2, Activation.Softmax)]
    public partial class DepthwiseSeparableF64 : INet<double> { }

    // Depthwise with a channel multiplier of 2 (two filters per group), no bias.
    [Network(3, 10, Loss = Loss.HalfSquaredError)]
    [Conv1D(6, 3, Activation.Tanh, Groups = 3, Bias = false)]
    [Dense(2)]
    public partial class DepthwiseMultiplierF32 : INet<float> { }

    // Two groups of three filters without bias; a padded average pool (padding counts in the mean).
    [Network(4, 5, 5, Loss = Loss.MeanSquaredError)]
    [Conv2D(6, 2, Activation.Identity, Groups = 2, Bias = false)]
    [AvgPool2D(2, Padding = 1)]
    [Dense(2, Activation.Tanh)]
    public partial class GroupedNoBiasF32 : INet<float> { }

    // Seven filters (a block of four and one of three), 5x5 kernel, a padded overlapping max pool.
    [Network(2, 9, 9, Loss = Loss.HalfSquaredError)]
    [Conv2D(7, 5, Activation.LeakyReLU, Padding = 2)]
    [MaxPool2D(3, Stride = 2, Padding = 1)]
    [Dense(3, Activation.Sigmoid)]
    public partial class SevenFiltersF32 : INet<float> { }

    // Networks that end with a spatial layer (their values are the outputs).
    [Network(2, 6, 6, Loss = Loss.HalfSquaredError)]
    [Conv2D(3, 3, Activation.Tanh, Padding = 1)]
    [MaxPool2D(2)]
    public partial class EndsWithPoolF32 : INet<float> { }

    [Network(1, 10, Loss = Loss.MeanSquaredError)]
    [Conv1D(2, 3, Activation.Sigmoid, Stride = 2)]
    public partial class EndsWithConvF32 : INet<float> { }

    [Network(2, 5, 5, Loss = Loss.HalfSquaredError, Precision = Precision.Double)]
    [Conv2D(2, 3, Activation.ReLU, Same = true)]
    [GlobalAvgPool]
    public partial class EndsWithGlobalPoolF64 : INet<double> { }

    // A small unrolled Dense tail after global pooling (inputs in locals from the pooled values), two Dense layers.
    [Network(2, 6, 6, Loss = Loss.HalfSquaredError)]
    [Conv2D(4, 3, Activation.ReLU)]
    [GlobalAvgPool]
    [Dense(3, Activation.Tanh)]
    [Dense(2)]
    public partial class UnrolledTailF32 : INet<float> { }

    // Two convolutions in a row with stride (input gradient of a strided layer), no pooling, double.
    [Network(1, 9, 9, Loss = Loss.HalfSquaredError, Precision = Precision.Double)]
    [Conv2D(3, 3, Activation.Sigmoid, Stride = 2)]
    [Conv2D(2, 2, Activation.Identity, Stride = 2, Padding = 1)]
    [Dense(2)]
    public partial class StridedChainF64 : INet<double> { }

    // Every activation on a convolution, each followed by a second convolution (so its f' is backpropagated).
    [Network(2, 7, Loss = Loss.HalfSquaredError)]
    [Conv1D(3, 3, Activation.Identity, Padding = 1)]
    [Conv1D(3, 3, Activation.Sigmoid)]
    [Conv1D(2, 2, Activation.ReLU)]
    [Dense(2)]
    public partial class ActivationChainF32 : INet<float> { }
}
