// What makes this sample the Dense one: the network the shared digits code (DigitsTraining.cs, DigitsConsole.cs) trains,
// and its settings. samples/DigitsCnn compiles the same code with its convolutional network.
global using DigitsNetwork = Digits.DigitsNet;

namespace Digits;

/// <summary>This sample's defaults and names.</summary>
internal static class DigitsDefaults
{
    public const string Sample = "Digits";

    public const string Network = "DigitsNet 64-32-10";

    public const string Description = "DigitsNet 64-32-10 (ReLU, softmax, cross-entropy)";

    /// <summary>The name of the parameter file and of the plot (digits.safetensors, digits-loss.png).</summary>
    public const string FileStem = "digits";

    public const int Epochs = 60;

    public const float LearningRate = 0.1f;

    public const int BatchSize = 32;

    /// <summary>The test accuracy the program requires for exit code 0.</summary>
    public const float Bar = 0.95f;
}
