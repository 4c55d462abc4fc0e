// What makes this sample the convolutional one: the network the shared digits code (../Digits/DigitsTraining.cs,
// ../Digits/DigitsConsole.cs) trains, and its settings.
global using DigitsNetwork = DigitsCnn.DigitsCnnNet;

namespace Digits;

/// <summary>This sample's defaults and names.</summary>
internal static class DigitsDefaults
{
    public const string Sample = "DigitsCnn";

    public const string Network = "DigitsCnnNet";

    public const string Description = "DigitsCnnNet 1x8x8 -> Conv2D 8 3x3 -> MaxPool 2 -> Conv2D 16 3x3 -> MaxPool 2 -> Dense 10 (ReLU, softmax, cross-entropy)";

    /// <summary>The name of the parameter file and of the plot (digits-cnn.safetensors, digits-cnn-loss.png).</summary>
    public const string FileStem = "digits-cnn";

    public const int Epochs = 40;

    public const float LearningRate = 0.1f;

    public const int BatchSize = 32;

    /// <summary>The test accuracy the program requires for exit code 0.</summary>
    public const float Bar = 0.97f;
}
