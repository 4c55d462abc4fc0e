using NetCompiler;

// The MLPerf Tiny reference models (mlcommons/tiny, benchmark/training), declared as their training scripts build them.
// tools/make_torch_mlperf_fixtures.py writes their PyTorch files from an nn.Sequential of the same layers; MLPerfTests loads
// them, and the baked twins compile the same files in (each BatchNorm folded into the layer before it).

namespace NetCompiler.Tests.MLPerf
{
    /// <summary>Anomaly detection (ToyADMOS): a 640-128-128-128-128-8-128-128-128-128-640 autoencoder, BatchNorm and ReLU after every hidden layer.</summary>
    [Network(640, Loss = Loss.MeanSquaredError)]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(8, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(640)]
    public partial class AnomalyDetection : INormNet<float> { }

    /// <summary>Keyword spotting: the DS-CNN on 49 x 10 MFCCs, 12 classes.</summary>
    [Network(1, 49, 10, Loss = Loss.CrossEntropy)]
    [Conv2D(64, 10, Activation.ReLU, KernelWidth = 4, Stride = 2, Same = true)] [BatchNorm] [Dropout(0.2)]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Dropout(0.4)]
    [GlobalAvgPool]
    [Dense(12, Activation.Softmax)]
    public partial class KeywordSpotting : INormNet<float> { }
}

namespace NetCompiler.Tests.MLPerf
{
    /// <summary>The anomaly-detection autoencoder baked from its PyTorch file: every BatchNorm folded into the Dense layer before it.</summary>
    [Network(640, Loss = Loss.MeanSquaredError, BakedParameters = "Torch/mlperf_anomaly_detection.safetensors")]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(8, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(128, Activation.ReLU)] [BatchNorm]
    [Dense(640)]
    public static partial class BakedAnomalyDetection { }

    /// <summary>The DS-CNN baked from its PyTorch file: BatchNorms folded into the convolutions, Dropouts gone.</summary>
    [Network(1, 49, 10, Loss = Loss.CrossEntropy, BakedParameters = "Torch/mlperf_keyword_spotting.safetensors")]
    [Conv2D(64, 10, Activation.ReLU, KernelWidth = 4, Stride = 2, Same = true)] [BatchNorm] [Dropout(0.2)]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Conv2D(64, 3, Activation.ReLU, Groups = 64, Same = true)] [BatchNorm] [Conv2D(64, 1, Activation.ReLU)] [BatchNorm]
    [Dropout(0.4)]
    [GlobalAvgPool]
    [Dense(12, Activation.Softmax)]
    public static partial class BakedKeywordSpotting { }
}
