using NetCompiler;

// Networks with BatchNorm and Dropout layers. They behave differently in training and inference, so NormalizationTests
// drives them (the generic catalog tests compare Gradient with ComputeLoss, which uses the running statistics).

namespace NetCompiler.Tests.Normalization
{
    [Network(6)]
    [Dense(8, Activation.ReLU)]
    [BatchNorm]
    [Dense(5, Activation.Tanh)]
    [BatchNorm(Momentum = 0.3)]
    [Dropout(0.25)]
    [Dense(3)]
    public partial class DenseNormFloat : INormNet<float> { }

    [Network(6, Precision = Precision.Double)]
    [Dense(8, Activation.ReLU)]
    [BatchNorm]
    [Dense(5, Activation.Tanh)]
    [BatchNorm(Momentum = 0.3)]
    [Dropout(0.25)]
    [Dense(3)]
    public partial class DenseNormDouble : INormNet<double> { }

    [Network(5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(7, Activation.Tanh, Bias = false)]
    [BatchNorm(Epsilon = 1e-3)]
    [Dropout(0.5)]
    [Dense(4, Activation.Softmax)]
    public partial class DenseNormSoftmax : INormNet<double> { }

    [Network(5, Loss = Loss.MeanSquaredError)]
    [Dense(9, Activation.Sigmoid)]
    [BatchNorm]
    [Dense(3, Activation.Softmax)]
    public partial class DenseNormSoftmaxSquared : INormNet<float> { }

    [Network(2, 6, 6, Loss = Loss.CrossEntropy)]
    [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
    [BatchNorm]
    [MaxPool2D(2)]
    [Conv2D(3, 3, Activation.Sigmoid, Padding = 1)]
    [BatchNorm(Epsilon = 1e-3, Momentum = 0.5)]
    [GlobalAvgPool]
    [Dense(2, Activation.Sigmoid)]
    public partial class ConvNormFloat : INormNet<float> { }

    [Network(2, 6, 6, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
    [BatchNorm]
    [MaxPool2D(2)]
    [Conv2D(3, 3, Activation.Sigmoid, Padding = 1)]
    [BatchNorm(Epsilon = 1e-3, Momentum = 0.5)]
    [GlobalAvgPool]
    [Dense(2, Activation.Sigmoid)]
    public partial class ConvNormDouble : INormNet<double> { }

    [Network(3, 10, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Conv1D(4, 3, Activation.LeakyReLU)]
    [BatchNorm]
    [Dropout(0.2)]
    [Conv1D(6, 3, Activation.Tanh, Bias = false, Groups = 2)]
    [BatchNorm]
    public partial class SequenceNorm : INormNet<double> { }

    [Network(4, 5, 5)]
    [Conv2D(8, 3, Activation.ReLU, Stride = 2, Same = true)]
    [BatchNorm]
    [Conv2D(8, 3, Activation.ReLU, Groups = 8, Same = true)]
    [BatchNorm]
    [Conv2D(6, 1, Activation.ReLU)]
    [BatchNorm]
    [Dropout(0.4)]
    [GlobalAvgPool]
    [Dense(3, Activation.Softmax)]
    public partial class DepthwiseNorm : INormNet<float> { }

    [Network(4, Precision = Precision.Double)]
    [Dropout(0.2)]
    [Dense(6, Activation.ReLU)]
    [Dropout(0.3)]
    [Dense(2)]
    public partial class DropoutOnly : INormNet<double> { }

    [Network(4)]
    [Dense(6, Activation.LeakyReLU)]
    [Dropout(0.5)]
    [Dense(2, Activation.Sigmoid)]
    public partial class DropoutOnlyFloat : INormNet<float> { }
}

namespace NetCompiler.Tests.Normalization
{
    // 256 inputs, all dropped or kept by one Dropout: with every weight 1 and every input 1, dE/dw_i = y * m_i shows the masks.
    [Network(256, Precision = Precision.Double)]
    [Dropout(0.3)]
    [Dense(1, Bias = false)]
    public partial class MaskProbe : INormNet<double> { }
}
