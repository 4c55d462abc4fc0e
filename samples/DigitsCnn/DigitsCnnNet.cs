using NetCompiler;
using Samples.Shared;

namespace DigitsCnn;

/// <summary>
/// The 8x8 digit images as 1x8x8 images (the 64 pixels scaled to [0, 1], row by row) -> two 3x3 convolutions with
/// padding 1 and ReLU, each followed by 2x2 max pooling (8x8x8 -> 8x4x4, 16x4x4 -> 16x2x2) -> 10 softmax outputs (the
/// probabilities of the digits 0..9), trained on the mean cross-entropy. NetCompiler's generator writes Forward,
/// ForwardBatch, ComputeLoss, TrainBatch, SaveParameters, ... at build time (obj/&lt;Configuration&gt;/net10.0/generated/).
/// </summary>
[Network(1, 8, 8, Loss = Loss.CrossEntropy)]
[Conv2D(8, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Dense(10, Activation.Softmax)]
public partial class DigitsCnnNet : IClassifierNetwork { }
