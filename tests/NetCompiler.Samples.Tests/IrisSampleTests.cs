using System;
using System.IO;
using Iris;

namespace NetCompiler.Samples.Tests;

/// <summary>samples/Iris through <see cref="IrisTraining.Run"/>, with fewer epochs than the sample's 200.</summary>
public class IrisSampleTests
{
    /// <summary>Reduced run: the default seed, 60 of the sample's 200 epochs (the sample reaches 30/30 by epoch 60).</summary>
    private static readonly IrisOptions Reduced = new() { Epochs = 60 };

    /// <summary>The bar: at least 28 of the 30 test flowers.</summary>
    private const float RequiredTestAccuracy = 0.93f;

    private static readonly Lazy<IrisResult> Trained = new(() => IrisTraining.Run(Reduced));

    [Fact]
    public void Reduced_training_reaches_the_accuracy_bar()
    {
        IrisResult result = Trained.Value;

        Assert.Equal(120, result.TrainCount);
        Assert.Equal(30, result.TestCount);
        Assert.Equal(Reduced.Epochs, result.Epochs.Length);
        Assert.True(result.TestAccuracy >= RequiredTestAccuracy,
            $"test accuracy {result.TestAccuracy:P1} < {RequiredTestAccuracy:P0} after {Reduced.Epochs} epochs (seed {Reduced.Seed})");

        // Learning, not luck: the loss fell well below its first-epoch value (ln 3 = 1.10 is chance).
        Assert.True(result.Epochs[^1].TrainLoss < 0.5f * result.Epochs[0].TrainLoss,
            $"training loss {result.Epochs[0].TrainLoss} -> {result.Epochs[^1].TrainLoss}");
        Assert.True(result.Epochs[^1].TrainLoss < 0.2f, $"final training loss {result.Epochs[^1].TrainLoss}");

        // The confusion matrix counts the test set and agrees with the reported accuracy.
        int total = 0, diagonal = 0;
        for (int a = 0; a < 3; a++)
        {
            for (int p = 0; p < 3; p++)
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
        IrisResult result = Trained.Value;
        using var file = new TempFile("iris.safetensors");
        result.SaveRawInputParameters(file.FilePath);

        var reloaded = new IrisNet();
        Assert.NotEqual(result.CreateRawInputNetwork().Parameters.ToArray(), reloaded.Parameters.ToArray());
        using (FileStream stream = File.OpenRead(file.FilePath))
        {
            reloaded.LoadParameters(stream);
        }

        // Bit for bit the parameters that were saved (F32), and the same test accuracy on the RAW measurements
        // (the sample folds its standardization into layer 0 before saving).
        Assert.Equal(result.CreateRawInputNetwork().Parameters.ToArray(), reloaded.Parameters.ToArray());
        Assert.Equal(result.TestAccuracy, TestAccuracy(reloaded, result.TestFeatures, result.TestLabels));
    }

    [Fact]
    public void Same_seed_same_run()
    {
        IrisResult again = IrisTraining.Run(Reduced);
        Assert.Equal(Trained.Value.Epochs, again.Epochs);
        Assert.Equal(Trained.Value.Network.Parameters.ToArray(), again.Network.Parameters.ToArray());
    }

    private static float TestAccuracy(IrisNet net, float[] inputs, int[] labels)
    {
        var outputs = new float[labels.Length * IrisNet.OutputCount];
        net.ForwardBatch(inputs, outputs);
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            correct += IrisTraining.ArgMax(outputs.AsSpan(r * IrisNet.OutputCount, IrisNet.OutputCount)) == labels[r] ? 1 : 0;
        }

        return (float)correct / labels.Length;
    }
}
