using NetCompiler;

// The declarations of the PyTorch fixtures (tools/make_torch_conv_fixtures.py writes their files from an nn.Sequential of
// the same layers; ConvolutionTests loads them). Like every declared network they also run through the generic tests.

namespace NetCompiler.Tests.Torch
{
    // nn.Sequential(Conv2d(1, 8, 3, padding=1), ReLU, MaxPool2d(2), Conv2d(8, 16, 3, padding=1), ReLU, MaxPool2d(2), Flatten, Linear(64, 10)).
    [Network(1, 8, 8, Loss = Loss.CrossEntropy)]
    [Conv2D(8, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Conv2D(16, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Dense(10, Activation.Softmax)]
    public partial class TorchDigitsCnn : INet<float> { }

    // nn.Sequential(Conv1d(3, 6, 5, stride=2, padding=2, groups=3), Tanh, AvgPool1d(3, stride=1, padding=1),
    // Conv1d(6, 4, 3, dilation=2, bias=False), LeakyReLU(0.01), AdaptiveAvgPool1d(1), Flatten, Linear(4, 2)).
    [Network(3, 24, Loss = Loss.CrossEntropy)]
    [Conv1D(6, 5, Activation.Tanh, Stride = 2, Padding = 2, Groups = 3)]
    [AvgPool1D(3, Stride = 1, Padding = 1)]
    [Conv1D(4, 3, Activation.LeakyReLU, Dilation = 2, Bias = false)]
    [GlobalAvgPool]
    [Dense(2, Activation.Sigmoid)]
    public partial class TorchSequence : INet<float> { }

    // nn.Sequential(ZeroPad2d((0, 0, 1, 2)), Conv2d(1, 4, (4, 2), stride=2), ReLU, Conv2d(4, 4, 3, padding=1, groups=4), ReLU,
    // Conv2d(4, 8, 1), ReLU, MaxPool2d(3, stride=2, padding=1), AdaptiveAvgPool2d(1), Flatten, Linear(8, 3)).
    [Network(1, 11, 6, Loss = Loss.CrossEntropy)]
    [Conv2D(4, 4, Activation.ReLU, KernelWidth = 2, Stride = 2, Same = true)]
    [Conv2D(4, 3, Activation.ReLU, Padding = 1, Groups = 4)]
    [Conv2D(8, 1, Activation.ReLU)]
    [MaxPool2D(3, Stride = 2, Padding = 1)]
    [GlobalAvgPool]
    [Dense(3, Activation.Softmax)]
    public partial class TorchKeywordSpotting : INet<float> { }

    // nn.Sequential(Conv2d(2, 3, 3, padding=1), Sigmoid, AvgPool2d(2), Conv2d(3, 2, 2)).
    [Network(2, 6, 6, Loss = Loss.HalfSquaredError)]
    [Conv2D(3, 3, Activation.Sigmoid, Padding = 1)]
    [AvgPool2D(2)]
    [Conv2D(2, 2)]
    public partial class TorchSpatialOutput : INet<float> { }

    // The digits CNN baked from the PyTorch file: static Forward, parameters compiled in.
    [Network(1, 8, 8, Loss = Loss.CrossEntropy, BakedParameters = "Torch/digits_cnn.safetensors")]
    [Conv2D(8, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Conv2D(16, 3, Activation.ReLU, Padding = 1)]
    [MaxPool2D(2)]
    [Dense(10, Activation.Softmax)]
    public static partial class BakedDigitsCnn { }

    // The sequence network baked: a 1D network whose Dense tail is unrolled (4 x 2 weights: constants in the code).
    [Network(3, 24, Loss = Loss.CrossEntropy, BakedParameters = "sequence.safetensors")]
    [Conv1D(6, 5, Activation.Tanh, Stride = 2, Padding = 2, Groups = 3)]
    [AvgPool1D(3, Stride = 1, Padding = 1)]
    [Conv1D(4, 3, Activation.LeakyReLU, Dilation = 2, Bias = false)]
    [GlobalAvgPool]
    [Dense(2, Activation.Sigmoid)]
    public static partial class BakedSequence { }
}
