using NetCompiler;

namespace NetCompiler.Benchmarks;

// Extra shapes for the interleaved cross-check (Program.cs, --shapes), kept out of the BenchmarkDotNet run
// to keep it short. Single layers of equal weight counts in different aspect ratios (inputs x units): does
// the cost of unrolling depend only on the number of weights, or also on the shape? And two-layer networks
// with Tanh hidden units and a Sigmoid output, whose activations are calls (MathF.Tanh, MathF.Exp). And deep
// narrow networks, each layer well under any sensible limit but many of them in one method.

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(2, Activation.Identity)]
public partial class Layer12x2Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(2, Activation.Identity)]
public partial class Layer12x2Unrolled { }

[Network(14, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(2, Activation.Identity)]
public partial class Layer14x2Looped { }

[Network(14, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(2, Activation.Identity)]
public partial class Layer14x2Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(2, Activation.Identity)]
public partial class Layer16x2Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(2, Activation.Identity)]
public partial class Layer16x2Unrolled { }

[Network(20, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(2, Activation.Identity)]
public partial class Layer20x2Looped { }

[Network(20, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(2, Activation.Identity)]
public partial class Layer20x2Unrolled { }

[Network(24, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(2, Activation.Identity)]
public partial class Layer24x2Looped { }

[Network(24, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(2, Activation.Identity)]
public partial class Layer24x2Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(3, Activation.Identity)]
public partial class Layer16x3Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(3, Activation.Identity)]
public partial class Layer16x3Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.Identity)]
public partial class Layer12x4Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.Identity)]
public partial class Layer12x4Unrolled { }

[Network(14, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.Identity)]
public partial class Layer14x4Looped { }

[Network(14, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.Identity)]
public partial class Layer14x4Unrolled { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(1, Activation.Identity)]
public partial class Layer64x1Looped { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(1, Activation.Identity)]
public partial class Layer64x1Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.Identity)]
public partial class Layer16x4Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.Identity)]
public partial class Layer16x4Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.Identity)]
public partial class Layer8x8Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.Identity)]
public partial class Layer8x8Unrolled { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(16, Activation.Identity)]
public partial class Layer4x16Looped { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(16, Activation.Identity)]
public partial class Layer4x16Unrolled { }

[Network(1, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(64, Activation.Identity)]
public partial class Layer1x64Looped { }

[Network(1, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(64, Activation.Identity)]
public partial class Layer1x64Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.Identity)]
public partial class Layer12x8Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.Identity)]
public partial class Layer12x8Unrolled { }

[Network(128, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(1, Activation.Identity)]
public partial class Layer128x1Looped { }

[Network(128, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(1, Activation.Identity)]
public partial class Layer128x1Unrolled { }

[Network(32, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.Identity)]
public partial class Layer32x4Looped { }

[Network(32, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.Identity)]
public partial class Layer32x4Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.Identity)]
public partial class Layer16x8Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.Identity)]
public partial class Layer16x8Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(16, Activation.Identity)]
public partial class Layer8x16Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(16, Activation.Identity)]
public partial class Layer8x16Unrolled { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(32, Activation.Identity)]
public partial class Layer4x32Looped { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(32, Activation.Identity)]
public partial class Layer4x32Unrolled { }

[Network(1, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(128, Activation.Identity)]
public partial class Layer1x128Looped { }

[Network(1, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(128, Activation.Identity)]
public partial class Layer1x128Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(12, Activation.Identity)]
public partial class Layer12x12Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(12, Activation.Identity)]
public partial class Layer12x12Unrolled { }

[Network(256, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(1, Activation.Identity)]
public partial class Layer256x1Looped { }

[Network(256, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(1, Activation.Identity)]
public partial class Layer256x1Unrolled { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.Identity)]
public partial class Layer64x4Looped { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.Identity)]
public partial class Layer64x4Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(16, Activation.Identity)]
public partial class Layer16x16Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(16, Activation.Identity)]
public partial class Layer16x16Unrolled { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(64, Activation.Identity)]
public partial class Layer4x64Looped { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(64, Activation.Identity)]
public partial class Layer4x64Unrolled { }

[Network(1, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(256, Activation.Identity)]
public partial class Layer1x256Looped { }

[Network(1, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(256, Activation.Identity)]
public partial class Layer1x256Unrolled { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public partial class Tanh4x4x2Looped { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public partial class Tanh4x4x2Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public partial class Tanh8x8x2Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public partial class Tanh8x8x2Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(12, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public partial class Tanh12x12x2Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(12, Activation.Tanh)]
[Dense(2, Activation.Sigmoid)]
public partial class Tanh12x12x2Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(16, Activation.Tanh)]
[Dense(4, Activation.Sigmoid)]
public partial class Tanh16x16x4Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(16, Activation.Tanh)]
[Dense(4, Activation.Sigmoid)]
public partial class Tanh16x16x4Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep8x6Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep8x6Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep12x4Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep12x4Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep12x8Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep12x8Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep8x3Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep8x3Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep8x4Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Deep8x4Unrolled { }
