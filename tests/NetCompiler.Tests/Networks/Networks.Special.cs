using NetCompiler;

// Hand-written declarations: the textbook network, edge shapes, and the places a type can live.
// (The global-namespace network is in GlobalNamespaceNet.cs.)

namespace NetCompiler.Tests.Special
{
    // The textbook network from API.md, verbatim apart from the test interface.
    [Network(2, Loss = Loss.HalfSquaredError)]
    [Dense(3, Activation.Sigmoid, Bias = false)]
    [Dense(1, Activation.Sigmoid, Bias = false)]
    public partial class SeedNet : INet<float> { }

    // Every named property left at its default: HalfSquaredError, Single, identity, bias.
    [Network(3)]
    [Dense(2)]
    public partial class DefaultsNet : INet<float> { }

    // One layer, several shapes.
    [Network(4, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(3, Activation.Tanh)]
    public partial class OneLayerTanhMseF64 : INet<double> { }

    [Network(5, Loss = Loss.CrossEntropy)]
    [Dense(4, Activation.Softmax)]
    public partial class OneLayerSoftmaxCeF32 : INet<float> { }

    [Network(1, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(1, Activation.Sigmoid)]
    public partial class OneByOneSigmoidCeF64 : INet<double> { }

    [Network(2, Loss = Loss.HalfSquaredError, Precision = Precision.Single, UnrollLimit = 0)]
    [Dense(3, Activation.LeakyReLU, Bias = false)]
    public partial class OneLayerLeakyLoopF32 : INet<float> { }

    // The attribute-list form [A, B] instead of one list per attribute.
    [Network(3, Loss = Loss.MeanSquaredError, Precision = Precision.Single)]
    [Dense(4, Activation.Sigmoid), Dense(2, Activation.Softmax)]
    public partial class AttributeListSoftmaxMseF32 : INet<float> { }

    // Unrolled layers of 4, 2 and 1 inputs and 8 or more units whose next layer is looped: where Vector<float> has 8
    // lanes (and AVX2), their sums are formed 8 rows at a time from whole vectors of W (12 and 9 units: the last block
    // of 8 overlaps the one before). The iris shape; no biases; one input.
    [Network(4, Loss = Loss.CrossEntropy)]
    [Dense(16, Activation.Tanh)]
    [Dense(3, Activation.Softmax)]
    public partial class RowPackedFourInputsF32 : INet<float> { }

    [Network(2, Loss = Loss.HalfSquaredError)]
    [Dense(12, Activation.Sigmoid, Bias = false)]
    [Dense(8, Activation.Identity)]
    public partial class RowPackedTwoInputsF32 : INet<float> { }

    [Network(1, Loss = Loss.MeanSquaredError)]
    [Dense(9, Activation.Tanh)]
    [Dense(10, Activation.Sigmoid)]
    public partial class RowPackedOneInputF32 : INet<float> { }

    // Deep: six layers, every activation, bias switched per layer.
    [Network(2, Loss = Loss.HalfSquaredError, Precision = Precision.Double)]
    [Dense(3, Activation.Tanh)]
    [Dense(3, Activation.ReLU, Bias = false)]
    [Dense(4, Activation.Sigmoid)]
    [Dense(3, Activation.LeakyReLU)]
    [Dense(3, Activation.Identity, Bias = false)]
    [Dense(3, Activation.Softmax)]
    public partial class DeepF64 : INet<double> { }

    [Network(2, Loss = Loss.CrossEntropy, Precision = Precision.Single, UnrollLimit = 0)]
    [Dense(3, Activation.LeakyReLU, Bias = false)]
    [Dense(4, Activation.Tanh)]
    [Dense(3, Activation.ReLU)]
    [Dense(3, Activation.Identity)]
    [Dense(3, Activation.Sigmoid, Bias = false)]
    public partial class DeepLoopSigmoidCeF32 : INet<float> { }

    // Wider layers than any plausible default unroll limit (512 and 320 weights) ...
    [Network(16, Loss = Loss.CrossEntropy, Precision = Precision.Single)]
    [Dense(32, Activation.ReLU)]
    [Dense(10, Activation.Softmax)]
    public partial class WideSoftmaxCeF32 : INet<float> { }

    [Network(16, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
    [Dense(24, Activation.Tanh)]
    [Dense(8, Activation.LeakyReLU, Bias = false)]
    [Dense(3, Activation.Sigmoid)]
    public partial class WideSigmoidMseF64 : INet<double> { }

    // ... and a wide one forced fully unrolled.
    [Network(12, Loss = Loss.HalfSquaredError, Precision = Precision.Single, UnrollLimit = 1024)]
    [Dense(20, Activation.Sigmoid)]
    [Dense(6, Activation.Tanh)]
    public partial class WideUnrolledF32 : INet<float> { }

    // Accessibility and modifiers.
    [Network(3, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
    [Dense(4, Activation.ReLU)]
    [Dense(3, Activation.Softmax)]
    internal sealed partial class InternalSealedNet : INet<double> { }

    [Network(2, Loss = Loss.HalfSquaredError)]
    [Dense(2, Activation.Tanh)]
    [Dense(2, Activation.Identity)]
    public sealed partial class SealedNet : INet<float> { }

    // A nested network inside a non-generic partial class.
    public partial class Outer
    {
        [Network(3, Loss = Loss.CrossEntropy, Precision = Precision.Single)]
        [Dense(4, Activation.Tanh)]
        [Dense(2, Activation.Sigmoid)]
        public partial class NestedNet : INet<float> { }
    }

    // A user-written parameterless constructor: the generated parameters must still be initialized.
    [Network(3, Loss = Loss.HalfSquaredError, Precision = Precision.Double)]
    [Dense(4, Activation.Sigmoid)]
    [Dense(2, Activation.Identity)]
    public partial class UserConstructorNet : INet<double>
    {
        public UserConstructorNet()
        {
            Tag = 42;
        }

        public int Tag { get; }
    }

    // Looped float layers whose sizes are not multiples of the vector width (8 or 16 floats): eight-row blocks with a
    // scalar tail of inputs (20, 13, 11) and a few rows left over, with and without bias, and activations and softmax
    // whose last values go through the last whole vector again (13, 11, 9, 12 units).
    [Network(20, Loss = Loss.HalfSquaredError, Precision = Precision.Single, UnrollLimit = 0)]
    [Dense(13, Activation.Tanh, Bias = false)]
    [Dense(11, Activation.Sigmoid)]
    [Dense(9, Activation.LeakyReLU)]
    [Dense(12, Activation.Identity, Bias = false)]
    public partial class RaggedLoopHseF32 : INet<float> { }

    [Network(20, Loss = Loss.CrossEntropy, Precision = Precision.Single, UnrollLimit = 0)]
    [Dense(13, Activation.ReLU)]
    [Dense(11, Activation.Softmax, Bias = false)]
    public partial class RaggedLoopSoftmaxCeF32 : INet<float> { }

    // Rows long enough for the 512-bit pass of the looped update and gradient loops (where the processor has AVX-512):
    // 90 inputs are 80 in 512-bit vectors, 8 in a 256-bit one and 2 one by one; 72 are 64 + 8.
    [Network(90, Loss = Loss.HalfSquaredError, Precision = Precision.Single, UnrollLimit = 0)]
    [Dense(72, Activation.LeakyReLU)]
    [Dense(5, Activation.Sigmoid)]
    public partial class LongRowsHseF32 : INet<float> { }

    // The same in double precision (8 doubles per 512-bit vector: 90 inputs are 88 + 2, 72 are 72).
    [Network(90, Loss = Loss.MeanSquaredError, Precision = Precision.Double, UnrollLimit = 0)]
    [Dense(72, Activation.Tanh)]
    [Dense(5, Activation.Identity)]
    public partial class LongRowsMseF64 : INet<double> { }

    // Two user-written constructors, one chaining to the other.
    [Network(2, Loss = Loss.MeanSquaredError, Precision = Precision.Single)]
    [Dense(3, Activation.ReLU)]
    [Dense(2, Activation.Tanh)]
    public partial class UserConstructorChainNet : INet<float>
    {
        public UserConstructorChainNet()
            : this(7)
        {
        }

        public UserConstructorChainNet(int tag)
        {
            Tag = tag;
        }

        public int Tag { get; }
    }
}
