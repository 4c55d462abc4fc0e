using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The generated source, verified text for text: catches any change in the emitted code, its formulas
/// and its comments. Accept intended changes with NETCOMPILER_ACCEPT_SNAPSHOTS=1 (see Snapshot).
/// </summary>
public class SnapshotTests
{
    private static SnapshotSettings Settings() =>
        new SnapshotSettings().UseDirectory("Snapshots").IgnoreGeneratedResult(r => GeneratorHarness.IsSharedSource(r.HintName));

    private static void Verify(string source, SnapshotSettings? settings = null, [System.Runtime.CompilerServices.CallerMemberName] string method = "") =>
        Snapshot.Verify(GeneratorHarness.Run(source), settings ?? Settings(), method: method);

    [Fact]
    public void TextbookNetwork() => Verify("""
        using NetCompiler;

        namespace Textbook;

        // The textbook network: 2 inputs, 3 sigmoid hidden units, 1 sigmoid output, no biases.
        [Network(2, Loss = Loss.HalfSquaredError)]
        [Dense(3, Activation.Sigmoid, Bias = false)]
        [Dense(1, Activation.Sigmoid, Bias = false)]
        public partial class SeedNet { }
        """);

    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.LeakyReLU)]
    [InlineData(Activation.Softmax)]
    public void EachActivation(Activation activation) => Verify($$"""
        using NetCompiler;

        namespace Activations;

        [Network(2)]
        [Dense(2, {{(activation == Activation.Softmax ? "Activation.Tanh" : "Activation." + activation)}})]
        [Dense(2, Activation.{{activation}})]
        public partial class Net { }
        """, Settings().UseParameters(("activation", activation)));

    [Theory]
    [InlineData(Loss.HalfSquaredError, Activation.Sigmoid)]
    [InlineData(Loss.MeanSquaredError, Activation.Identity)]
    [InlineData(Loss.MeanSquaredError, Activation.Softmax)]
    [InlineData(Loss.CrossEntropy, Activation.Softmax)]
    [InlineData(Loss.CrossEntropy, Activation.Sigmoid)]
    public void EachLoss(Loss loss, Activation output) => Verify($$"""
        using NetCompiler;

        namespace Losses;

        [Network(2, Loss = Loss.{{loss}})]
        [Dense(2, Activation.Tanh)]
        [Dense(3, Activation.{{output}})]
        public partial class Net { }
        """, Settings().UseParameters(("loss", loss), ("output", output)));

    [Fact]
    public void DoublePrecision() => Verify("""
        using NetCompiler;

        namespace Precise;

        [Network(3, Precision = Precision.Double, Loss = Loss.CrossEntropy)]
        [Dense(4, Activation.ReLU)]
        [Dense(2, Activation.Softmax)]
        public partial class DoubleNet { }
        """);

    [Fact]
    public void ThreeHiddenLayers() => Verify("""
        using NetCompiler;

        namespace Deep;

        [Network(3)]
        [Dense(4, Activation.ReLU)]
        [Dense(3, Activation.LeakyReLU, Bias = false)]
        [Dense(3, Activation.Tanh)]
        [Dense(2)]
        public partial class DeepNet { }
        """);

    [Fact]
    public void LoopedLayers() => Verify("""
        using NetCompiler;

        namespace Looped;

        // UnrollLimit = 0: every layer is a loop with constant bounds.
        [Network(4, Loss = Loss.CrossEntropy, UnrollLimit = 0)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class LoopedNet { }
        """);

    [Fact]
    public void MixedUnrolledAndLoopedLayers() => Verify("""
        using NetCompiler;

        namespace Mixed;

        // 5x3 = 15 weights > 12: looped; 2x5 = 10 and 2x2 = 4 weights: unrolled.
        [Network(3, Loss = Loss.MeanSquaredError, UnrollLimit = 12)]
        [Dense(5, Activation.Sigmoid)]
        [Dense(2, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        public partial class MixedNet { }
        """);

    [Fact]
    public void NestedTypeInGlobalNamespace() => Verify("""
        using NetCompiler;

        public static partial class Outer
        {
            [Network(1)]
            [Dense(1)]
            internal sealed partial class Inner { }
        }
        """);

    [Fact]
    public void ConvolutionalNetwork() => Verify("""
        using NetCompiler;

        namespace Convolutional;

        // The digits CNN: 3x3 convolutions with padding, 2x2 max pooling, a softmax Dense tail.
        [Network(1, 8, 8, Loss = Loss.CrossEntropy)]
        [Conv2D(8, 3, Activation.ReLU, Padding = 1)]
        [MaxPool2D(2)]
        [Conv2D(16, 3, Activation.ReLU, Padding = 1)]
        [MaxPool2D(2)]
        [Dense(10, Activation.Softmax)]
        public partial class DigitsCnn { }
        """);

    [Fact]
    public void StridedDepthwiseSequence() => Verify("""
        using NetCompiler;

        namespace Convolutional;

        // 1D: a strided "same" convolution (input split into phases), a depthwise one without bias, average pooling with
        // padding, global average pooling and an unrolled Dense tail, in double.
        [Network(2, 16, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
        [Conv1D(4, 3, Activation.Tanh, Stride = 2, Same = true)]
        [Conv1D(4, 3, Activation.LeakyReLU, Groups = 4, Padding = 1, Bias = false)]
        [AvgPool1D(3, Stride = 1, Padding = 1)]
        [GlobalAvgPool]
        [Dense(2, Activation.Sigmoid)]
        public partial class SensorNet { }
        """);

    [Fact]
    public void BatchNormAndDropout() => Verify("""
        using NetCompiler;

        namespace Normalized;

        // A convolution and a Dense layer each normalized by a BatchNorm (which applies their activations), a Dropout,
        // and a softmax output: emitted batch-first (training over all rows, layer by layer).
        [Network(1, 6, 6, Loss = Loss.CrossEntropy)]
        [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
        [BatchNorm]
        [MaxPool2D(2)]
        [Dense(8, Activation.Tanh)]
        [BatchNorm(Momentum = 0.2)]
        [Dropout(0.25)]
        [Dense(3, Activation.Softmax)]
        public partial class NormNet { }
        """);
}
