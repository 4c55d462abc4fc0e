using System;
using System.IO;
using Samples.Shared;

// Compiled into samples/Digits and samples/DigitsCnn: DigitsNetwork and DigitsDefaults are each sample's own (its
// DigitsSample.cs), so the same training loop trains the Dense network and the convolutional one.

namespace Digits;

/// <summary>The settings of one training run. The defaults are the sample's configuration.</summary>
public sealed record DigitsOptions
{
    /// <summary>The seed of the default run: it fixes the split, the initial parameters and the batch order.</summary>
    public const int DefaultSeed = 0;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = DigitsDefaults.Epochs;

    /// <summary>Seeds the stratified train/test split, <c>InitializeParameters</c> and the mini-batch shuffling.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The step size of plain gradient descent on the mean loss of a mini-batch.</summary>
    public float LearningRate { get; init; } = DigitsDefaults.LearningRate;

    /// <summary>Images per <c>TrainBatch</c> step (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = DigitsDefaults.BatchSize;

    /// <summary>The fraction of each digit's images held out for testing (0.2: about 1437 train / 360 test).</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>The gzip CSV file; <see cref="DigitsData.DefaultPath"/> when null.</summary>
    public string? DataPath { get; init; }
}

/// <summary>The state after one epoch, for progress displays.</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="TrainLoss">Mean cross-entropy over the training set after the epoch.</param>
/// <param name="TestLoss">Mean cross-entropy over the test set after the epoch.</param>
/// <param name="TrainAccuracy">Fraction of the training set classified correctly.</param>
/// <param name="TestAccuracy">Fraction of the test set classified correctly.</param>
public readonly record struct EpochReport(int Epoch, float TrainLoss, float TestLoss, float TrainAccuracy, float TestAccuracy) : IEpochReport;

/// <summary>What a training run produced.</summary>
public sealed class DigitsResult
{
    internal DigitsResult(DigitsNetwork network, int trainCount, EpochReport[] epochs, int[,] confusion, float[] testInputs, int[] testLabels)
    {
        Network = network;
        TrainCount = trainCount;
        Epochs = epochs;
        Confusion = confusion;
        TestInputs = testInputs;
        TestLabels = testLabels;
    }

    /// <summary>The trained network; it takes the 64 pixels divided by 16 (values in [0, 1]).</summary>
    public DigitsNetwork Network { get; }

    /// <summary>"0" .. "9".</summary>
    public string[] ClassNames => DigitsData.ClassNames;

    /// <summary>Images in the training set.</summary>
    public int TrainCount { get; }

    /// <summary>Images in the test set.</summary>
    public int TestCount => TestLabels.Length;

    /// <summary>One report per epoch.</summary>
    public EpochReport[] Epochs { get; }

    /// <summary>Test set: <c>Confusion[actual, predicted]</c> counts.</summary>
    public int[,] Confusion { get; }

    /// <summary>The test set's network inputs (pixels / 16), row-major [TestCount, 64].</summary>
    public float[] TestInputs { get; }

    /// <summary>The test set's digits.</summary>
    public int[] TestLabels { get; }

    /// <summary>Fraction of the test set classified correctly after the last epoch.</summary>
    public float TestAccuracy => Epochs[^1].TestAccuracy;

    /// <summary>Fraction of the training set classified correctly after the last epoch.</summary>
    public float TrainAccuracy => Epochs[^1].TrainAccuracy;

    /// <summary>Writes the trained parameters with the generated <c>SaveParameters</c> (safetensors) to <paramref name="path"/>.</summary>
    public void SaveParameters(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        Network.SaveParameters(stream);
    }
}

/// <summary>The digits training loop, callable from the console program or, in reduced form, from a test.</summary>
public static class DigitsTraining
{
    /// <summary>
    /// Splits the images (stratified by digit, seeded), scales the pixels to [0, 1], trains the sample's network (<see cref="DigitsNetwork"/>)
    /// with shuffled mini-batches through <c>TrainBatch</c>, and evaluates both sets after every epoch.
    /// </summary>
    /// <param name="options">The run's settings.</param>
    /// <param name="onEpoch">Called after each epoch (progress display); may be null.</param>
    public static DigitsResult Run(DigitsOptions options, Action<EpochReport>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1, nameof(options.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        if (!(options.TestFraction > 0 && options.TestFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TestFraction, "TestFraction must be between 0 and 1 (exclusive)");
        }

        const int f = DigitsData.PixelCount;
        const int c = DigitsData.ClassCount;

        DigitsData data = DigitsData.Load(options.DataPath ?? DigitsData.DefaultPath);
        var random = new Random(options.Seed);   // seeded System.Random: the same sequence on every machine and run

        // Stratified split: shuffle each digit's images, hold out TestFraction of each (at least one).
        (int[] trainRows, int[] testRows) = Classification.StratifiedSplit(data.Labels, c,
            n => Math.Max(1, (int)Math.Round(n * options.TestFraction, MidpointRounding.AwayFromZero)), random);

        void Scaled(int row, Span<float> x)
        {
            ReadOnlySpan<byte> pixels = data.Pixels.AsSpan(row * f, f);
            for (int i = 0; i < f; i++)
            {
                x[i] = pixels[i] / (float)DigitsData.MaxPixel;
            }
        }

        var train = new LabeledSet(trainRows, data.Labels, f, c, Scaled);
        var test = new LabeledSet(testRows, data.Labels, f, c, Scaled);

        var net = new DigitsNetwork();
        net.InitializeParameters(options.Seed);
        EpochReport[] reports = Classification.Train(net, train, test, options.Epochs, options.BatchSize, options.LearningRate, random,
            static (epoch, trainLoss, testLoss, trainAccuracy, testAccuracy) => new EpochReport(epoch, trainLoss, testLoss, trainAccuracy, testAccuracy),
            onEpoch);

        var confusion = new int[c, c];
        Classification.Evaluate(net, test, null, confusion);
        return new DigitsResult(net, train.Count, reports, confusion, test.Inputs, test.Labels);
    }

    /// <summary>The index of the largest value (the first one on a tie): the predicted digit of a network output.</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => Classification.ArgMax(values);
}
