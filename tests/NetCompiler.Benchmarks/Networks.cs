using NetCompiler;

namespace NetCompiler.Benchmarks;

// Pairs of identical networks that differ only in UnrollLimit: 0 loops every layer, 1024 (the most allowed) unrolls every
// layer. The name's number is N, the weights of the hidden layer (inputs x hidden units), the larger of the
// two layers. ReLU hidden units and an Identity output keep the activations cheap, so the timings are
// dominated by the multiply-adds whose code shape is being compared.

// 4-4-2: 16 + 8 weights.
[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0016Looped { }

// 4-4-2: 16 + 8 weights.
[Network(4, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0016Unrolled { }

// 6-6-2: 36 + 12 weights.
[Network(6, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(6, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0036Looped { }

// 6-6-2: 36 + 12 weights.
[Network(6, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(6, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0036Unrolled { }

// 8-8-2: 64 + 16 weights.
[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0064Looped { }

// 8-8-2: 64 + 16 weights.
[Network(8, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(8, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0064Unrolled { }

// 10-10-2: 100 + 20 weights.
[Network(10, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(10, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0100Looped { }

// 10-10-2: 100 + 20 weights.
[Network(10, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(10, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0100Unrolled { }

// 12-12-2: 144 + 24 weights.
[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0144Looped { }

// 12-12-2: 144 + 24 weights.
[Network(12, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(12, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0144Unrolled { }

// 14-14-2: 196 + 28 weights.
[Network(14, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(14, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0196Looped { }

// 14-14-2: 196 + 28 weights.
[Network(14, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(14, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0196Unrolled { }

// 16-16-4: 256 + 64 weights.
[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0256Looped { }

// 16-16-4: 256 + 64 weights.
[Network(16, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(16, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0256Unrolled { }

// 18-18-2: 324 + 36 weights.
[Network(18, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(18, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0324Looped { }

// 18-18-2: 324 + 36 weights.
[Network(18, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(18, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0324Unrolled { }

// 20-20-2: 400 + 40 weights.
[Network(20, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(20, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0400Looped { }

// 20-20-2: 400 + 40 weights.
[Network(20, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(20, Activation.ReLU)]
[Dense(2, Activation.Identity)]
public partial class Net0400Unrolled { }

// 24-24-4: 576 + 96 weights.
[Network(24, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(24, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0576Looped { }

// 24-24-4: 576 + 96 weights.
[Network(24, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(24, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net0576Unrolled { }

// 32-32-4: 1024 + 128 weights.
[Network(32, Loss = Loss.HalfSquaredError, UnrollLimit = 0)]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net1024Looped { }

// 32-32-4: 1024 + 128 weights.
[Network(32, Loss = Loss.HalfSquaredError, UnrollLimit = 1024)]
[Dense(32, Activation.ReLU)]
[Dense(4, Activation.Identity)]
public partial class Net1024Unrolled { }
