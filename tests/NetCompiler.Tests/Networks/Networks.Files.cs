using NetCompiler;

// Networks for the parameter-file tests (ParameterFileTests.cs); like every declared network they also run
// through the generic network tests.

namespace NetCompiler.Tests.Files
{
    // PyTorch nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)): keys 0.weight [8, 4], 0.bias [8],
    // 2.weight [3, 8], 2.bias [3]; 67 parameters, 268 bytes of F32 data.
    [Network(4, Loss = Loss.MeanSquaredError)]
    [Dense(8, Activation.ReLU)]
    [Dense(3)]
    public partial class TorchMlpF32 : INet<float> { }

    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(8, Activation.ReLU)]
    [Dense(3)]
    public partial class TorchMlpF64 : INet<double> { }

    // A bias-free layer between two layers with biases (nn.Linear(5, 4, bias=False)).
    [Network(3, Loss = Loss.HalfSquaredError)]
    [Dense(5, Activation.Tanh)]
    [Dense(4, Activation.Sigmoid, Bias = false)]
    [Dense(2)]
    public partial class NoBiasMiddleF32 : INet<float> { }

    // More than ten layers: the file order is layers.0, layers.1, layers.10, layers.11, layers.2, ...
    [Network(2, Loss = Loss.HalfSquaredError, Precision = Precision.Double)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh, Bias = false)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.Tanh, Bias = false)]
    [Dense(2)]
    public partial class TwelveLayersF64 : INet<double> { }

    // Small enough to write its file out byte by byte: layers.0.weight [2, 2], layers.1.weight [1, 2], layers.1.bias [1].
    [Network(2, Loss = Loss.HalfSquaredError)]
    [Dense(2, Activation.Tanh, Bias = false)]
    [Dense(1)]
    public partial class TinyFileF32 : INet<float> { }
}
