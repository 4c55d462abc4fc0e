using System;
using System.IO;
using Digits;

namespace NetCompiler.Samples.Tests;

/// <summary>samples/Digits through <see cref="DigitsTraining.Run"/>, with fewer epochs than the sample's default.</summary>
public class DigitsSampleTests
{
    /// <summary>Reduced run: the default seed and settings, 25 of the sample's 60 epochs (0.975 with the default seed).</summary>
    private static readonly DigitsOptions Reduced = new() { Epochs = 25 };

    /// <summary>The bar: at least 95 % of the ~360 held-out images.</summary>
    private const float RequiredTestAccuracy = 0.95f;

    private static readonly Lazy<DigitsResult> Trained = new(() => DigitsTraining.Run(Reduced));

    [Fact]
    public void Reduced_training_reaches_the_accuracy_bar()
    {
        DigitsResult result = Trained.Value;

        Assert.Equal(1797, result.TrainCount + result.TestCount);
        Assert.InRange(result.TestCount, 340, 380);   // 20 % of each digit
        Assert.Equal(Reduced.Epochs, result.Epochs.Length);
        Assert.True(result.TestAccuracy >= RequiredTestAccuracy,
            $"test accuracy {result.TestAccuracy:P1} < {RequiredTestAccuracy:P0} after {Reduced.Epochs} epochs (seed {Reduced.Seed})");

        // Learning, not luck: ln 10 = 2.30 is chance.
        Assert.True(result.Epochs[^1].TrainLoss < 0.2f, $"final training loss {result.Epochs[^1].TrainLoss}");
        Assert.True(result.TrainAccuracy >= 0.97f, $"training accuracy {result.TrainAccuracy:P1}");

        int total = 0, diagonal = 0;
        for (int a = 0; a < 10; a++)
        {
            for (int p = 0; p < 10; p++)
            {
                total += result.Confusion[a, p];
                diagonal += a == p ? result.Confusion[a, p] : 0;
            }
        }

        Assert.Equal(result.TestCount, total);
        Assert.Equal(result.TestAccuracy, (float)diagonal / total);
    }

    [Fact]
    public void Saved_file_round_trips_into_a_fresh_network()
    {
        DigitsResult result = Trained.Value;
        using var file = new TempFile("digits.safetensors");
        result.SaveParameters(file.FilePath);

        var reloaded = new DigitsNet();
        Assert.NotEqual(result.Network.Parameters.ToArray(), reloaded.Parameters.ToArray());
        using (FileStream stream = File.OpenRead(file.FilePath))
        {
            reloaded.LoadParameters(stream);
        }

        Assert.Equal(result.Network.Parameters.ToArray(), reloaded.Parameters.ToArray());
        Assert.Equal(result.TestAccuracy, TestAccuracy(reloaded, result.TestInputs, result.TestLabels));
    }

    private static float TestAccuracy(DigitsNet net, float[] inputs, int[] labels)
    {
        var outputs = new float[labels.Length * DigitsNet.OutputCount];
        net.ForwardBatch(inputs, outputs);
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            correct += DigitsTraining.ArgMax(outputs.AsSpan(r * DigitsNet.OutputCount, DigitsNet.OutputCount)) == labels[r] ? 1 : 0;
        }

        return (float)correct / labels.Length;
    }
}
