using NetCompiler;

namespace NetCompiler.Benchmarks;

// Pairs of identical networks that differ only in UnrollLimit: 0 loops every layer, 4096 unrolls every
// layer. The name's number is N, the weights of the hidden layer (inputs x hidden units), the larger of the
// two layers. ReLU hidden units and an Identity output keep the activations cheap, so the timings are
// dominated by the multiply-adds whose code shape is being compared.

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0016Looped { }

[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0016Unrolled { }

[Network(6, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(6, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0036Looped { }

[Network(6, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(6, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0036Unrolled { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0064Looped { }

[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0064Unrolled { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0144Looped { }

[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0144Unrolled { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0256Looped { }

[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0256Unrolled { }

[Network(24, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(24, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0576Looped { }

[Network(24, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(24, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0576Unrolled { }

[Network(32, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net1024Looped { }

[Network(32, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net1024Unrolled { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net2048Looped { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net2048Unrolled { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(64, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net4096Looped { }

[Network(64, Loss = Loss.HalfSquaredError, UnrollLimit = 4096)]
[Dense(64, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net4096Unrolled { }
