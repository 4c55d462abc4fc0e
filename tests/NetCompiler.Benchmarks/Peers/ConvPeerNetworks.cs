using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

// The three convolutional networks of ConvBenchmarks, float32, default UnrollLimit. The same shapes are described at
// run time for the two hand-written peers (NaiveConvNet, TensorPrimitivesConvNet) by ConvPeerSpec.All.

/// <summary>digits: 1x8x8 image, conv 8@3x3 pad 1, max-pool 2, conv 16@3x3 pad 1, max-pool 2, dense 10 softmax.</summary>
[Network(1, 8, 8, Loss = Loss.CrossEntropy)]
[Conv2D(8, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Dense(10, Activation.Softmax)]
public partial class ConvDigits { }

/// <summary>sensor: 3x128 sequence, conv 16@5, max-pool 2, conv 32@5, global average pool, dense 6 softmax.</summary>
[Network(3, 128, Loss = Loss.CrossEntropy)]
[Conv1D(16, 5, Activation.ReLU)]
[MaxPool1D(2)]
[Conv1D(32, 5, Activation.ReLU)]
[GlobalAvgPool]
[Dense(6, Activation.Softmax)]
public partial class ConvSensor { }

// MLPerf Tiny keyword spotting DS-CNN body without batch norm.
[Network(1, 49, 10, Loss = Loss.CrossEntropy)]
[Conv2D(64, 4, Activation.ReLU, KernelHeight = 10, KernelWidth = 4, Stride = 2, Same = true)]
[Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)]
[Conv2D(64, 1, Activation.ReLU)]
[Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)]
[Conv2D(64, 1, Activation.ReLU)]
[Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)]
[Conv2D(64, 1, Activation.ReLU)]
[Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)]
[Conv2D(64, 1, Activation.ReLU)]
[GlobalAvgPool]
[Dense(12, Activation.Softmax)]
public partial class ConvKeywords { }

// The members the check and the benchmarks call (IPeerExercised, Peers/PeerExercise.cs), implemented by the generated code.
public partial class ConvDigits : IPeerExercised { }

public partial class ConvSensor : IPeerExercised { }

public partial class ConvKeywords : IPeerExercised { }
