using NetCompiler;
using Samples.Shared;

namespace Digits;

/// <summary>
/// 64 pixels scaled to [0, 1] -> 32 ReLU hidden units -> 10 softmax outputs (the probabilities of the digits 0..9),
/// trained on the mean cross-entropy. NetCompiler's generator writes Forward, ForwardBatch, ComputeLoss, TrainBatch,
/// SaveParameters, ... at build time (obj/&lt;Configuration&gt;/net10.0/generated/).
/// </summary>
/// <remarks>
/// <see cref="IClassifierNetwork"/> (samples/Shared) names the generated members the shared training loop calls; the
/// generated public methods implement it.
/// </remarks>
[Network(64, Loss = Loss.CrossEntropy)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class DigitsNet : IClassifierNetwork { }
