extern alias cnn;

using System;
using System.IO;
using CnnNet = cnn::DigitsCnn.DigitsCnnNet;
using CnnOptions = cnn::Digits.DigitsOptions;
using CnnResult = cnn::Digits.DigitsResult;
using CnnTraining = cnn::Digits.DigitsTraining;

namespace NetCompiler.Samples.Tests;

/// <summary>samples/DigitsCnn (the convolutional network) through its training API, with fewer epochs than the sample's default.</summary>
public class DigitsCnnSampleTests
{
    /// <summary>Reduced run: the default seed and settings, 15 of the sample's 40 epochs (0.986 with the default seed).</summary>
    private static readonly CnnOptions Reduced = new() { Epochs = 15 };

    /// <summary>The bar: at least 97 % of the ~360 held-out images.</summary>
    private const float RequiredTestAccuracy = 0.97f;

    private static readonly Lazy<CnnResult> Trained = new(() => CnnTraining.Run(Reduced));

    [Fact]
    public void Reduced_training_reaches_the_accuracy_bar()
    {
        CnnResult result = Trained.Value;
        Assert.Equal(1797, result.TrainCount + result.TestCount);
        Assert.Equal(Reduced.Epochs, result.Epochs.Length);
        Assert.True(result.TestAccuracy >= RequiredTestAccuracy,
            $"test accuracy {result.TestAccuracy:P1} < {RequiredTestAccuracy:P0} after {Reduced.Epochs} epochs (seed {Reduced.Seed})");

        // Learning, not luck: ln 10 = 2.30 is chance.
        Assert.True(result.Epochs[^1].TrainLoss < 0.1f, $"final training loss {result.Epochs[^1].TrainLoss}");
        Assert.True(result.Epochs[0].TrainLoss > 2 * result.Epochs[^1].TrainLoss, "the loss did not fall");
    }

    [Fact]
    public void Saved_file_round_trips_into_a_fresh_network()
    {
        CnnResult result = Trained.Value;
        using var file = new TempFile("digits-cnn.safetensors");
        result.SaveParameters(file.FilePath);

        var reloaded = new CnnNet();
        Assert.NotEqual(result.Network.Parameters.ToArray(), reloaded.Parameters.ToArray());
        using (FileStream stream = File.OpenRead(file.FilePath))
        {
            reloaded.LoadParameters(stream);
        }

        Assert.Equal(result.Network.Parameters.ToArray(), reloaded.Parameters.ToArray());
        var outputs = new float[result.TestCount * CnnNet.OutputCount];
        reloaded.ForwardBatch(result.TestInputs, outputs);
        int correct = 0;
        for (int r = 0; r < result.TestCount; r++)
        {
            correct += CnnTraining.ArgMax(outputs.AsSpan(r * CnnNet.OutputCount, CnnNet.OutputCount)) == result.TestLabels[r] ? 1 : 0;
        }

        Assert.Equal(result.TestAccuracy, (float)correct / result.TestCount);
    }
}
