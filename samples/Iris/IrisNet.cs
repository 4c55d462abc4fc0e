using NetCompiler;
using Samples.Shared;

namespace Iris;

/// <summary>
/// 4 standardized measurements -> 16 tanh hidden units -> 3 softmax outputs (class probabilities), trained on
/// the mean cross-entropy. NetCompiler's generator writes Forward, ForwardBatch, ComputeLoss, TrainBatch,
/// SaveParameters, ... at build time (obj/&lt;Configuration&gt;/net10.0/generated/).
/// </summary>
/// <remarks>
/// <see cref="IClassifierNetwork"/> (samples/Shared) names the generated members the shared training loop calls; the
/// generated public methods implement it. The Embedded sample declares the same shape with <c>BakedParameters = "iris.safetensors"</c>.
/// </remarks>
[Network(4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class IrisNet : IClassifierNetwork { }
