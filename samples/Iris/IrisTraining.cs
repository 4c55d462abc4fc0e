using System;
using System.IO;
using Samples.Shared;

namespace Iris;

/// <summary>The settings of one training run. The defaults are the sample's configuration.</summary>
public sealed record IrisOptions
{
    /// <summary>The seed of the default run: it fixes the split, the initial parameters and the batch order.</summary>
    public const int DefaultSeed = 0;

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 200;

    /// <summary>Seeds the stratified train/test split, <c>InitializeParameters</c> and the mini-batch shuffling.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>The step size of plain gradient descent on the mean loss of a mini-batch.</summary>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary>Flowers per <c>TrainBatch</c> step (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Flowers of each species held out for testing (10 of 50: a 120/30 split).</summary>
    public int TestPerClass { get; init; } = 10;

    /// <summary>The CSV file; <see cref="IrisData.DefaultPath"/> when null.</summary>
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
public sealed class IrisResult
{
    internal IrisResult(IrisNet network, string[] classNames, float[] mean, float[] std, int trainCount, int testCount,
        EpochReport[] epochs, int[,] confusion, float[] testFeatures, int[] testLabels)
    {
        TestFeatures = testFeatures;
        TestLabels = testLabels;
        Network = network;
        ClassNames = classNames;
        Mean = mean;
        StandardDeviation = std;
        TrainCount = trainCount;
        TestCount = testCount;
        Epochs = epochs;
        Confusion = confusion;
    }

    /// <summary>The trained network; it takes STANDARDIZED features ((x - Mean) / StandardDeviation).</summary>
    public IrisNet Network { get; }

    /// <summary>The species names.</summary>
    public string[] ClassNames { get; }

    /// <summary>Per-feature mean of the training set (cm).</summary>
    public float[] Mean { get; }

    /// <summary>Per-feature standard deviation of the training set (cm).</summary>
    public float[] StandardDeviation { get; }

    /// <summary>Flowers in the training set.</summary>
    public int TrainCount { get; }

    /// <summary>Flowers in the test set.</summary>
    public int TestCount { get; }

    /// <summary>One report per epoch.</summary>
    public EpochReport[] Epochs { get; }

    /// <summary>Test set: <c>Confusion[actual, predicted]</c> counts.</summary>
    public int[,] Confusion { get; }

    /// <summary>The test set's RAW measurements (cm), row-major [TestCount, 4].</summary>
    public float[] TestFeatures { get; }

    /// <summary>The test set's species.</summary>
    public int[] TestLabels { get; }

    /// <summary>Fraction of the test set classified correctly after the last epoch.</summary>
    public float TestAccuracy => Epochs[^1].TestAccuracy;

    /// <summary>Fraction of the training set classified correctly after the last epoch.</summary>
    public float TrainAccuracy => Epochs[^1].TrainAccuracy;

    /// <summary>
    /// A copy of the trained network that takes RAW measurements in cm: the standardization is folded into the first
    /// layer (w'_ji = w_ji / s_i, b'_j = b_j - sum_i w_ji m_i / s_i), so a deployed copy needs no statistics file.
    /// </summary>
    public IrisNet CreateRawInputNetwork()
    {
        var raw = new IrisNet();
        Network.Parameters.CopyTo(raw.Parameters);
        Span<float> p = raw.Parameters;
        const int inputs = IrisNet.InputCount;
        const int hidden = 16;              // the first [Dense]: weights p[0 .. 64), then its bias p[64 .. 80)
        for (int j = 0; j < hidden; j++)
        {
            double shift = 0;
            for (int i = 0; i < inputs; i++)
            {
                double w = Network.Parameters[j * inputs + i];
                p[j * inputs + i] = (float)(w / StandardDeviation[i]);
                shift += w * Mean[i] / StandardDeviation[i];
            }

            p[hidden * inputs + j] = (float)(Network.Parameters[hidden * inputs + j] - shift);
        }

        return raw;
    }

    /// <summary>Writes the raw-input network (<see cref="CreateRawInputNetwork"/>) as a safetensors file.</summary>
    public void SaveRawInputParameters(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        CreateRawInputNetwork().SaveParameters(stream);
    }
}

/// <summary>The Iris training loop, callable from the console program or, in reduced form, from a test.</summary>
public static class IrisTraining
{
    /// <summary>
    /// Splits the data (stratified, seeded), standardizes it with the training set's statistics, trains an
    /// <see cref="IrisNet"/> with shuffled mini-batches through <c>TrainBatch</c>, and evaluates both sets after
    /// every epoch.
    /// </summary>
    /// <param name="options">The run's settings.</param>
    /// <param name="onEpoch">Called after each epoch (progress display); may be null.</param>
    public static IrisResult Run(IrisOptions options, Action<EpochReport>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1, nameof(options.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TestPerClass, 1, nameof(options.TestPerClass));
        const int f = IrisData.FeatureCount;
        const int c = IrisData.ClassCount;

        IrisData data = IrisData.Load(options.DataPath ?? IrisData.DefaultPath);
        var random = new Random(options.Seed);   // seeded System.Random: the same sequence on every machine and run

        // Stratified split: shuffle each species' rows, hold out TestPerClass of each.
        (int[] trainRows, int[] testRows) = Classification.StratifiedSplit(data.Labels, c, _ => options.TestPerClass, random);

        // Standardization statistics from the TRAINING rows only (population standard deviation).
        var mean = new float[f];
        var std = new float[f];
        for (int i = 0; i < f; i++)
        {
            double sum = 0, sumSq = 0;
            foreach (int row in trainRows)
            {
                double v = data.Features[row * f + i];
                sum += v;
                sumSq += v * v;
            }

            double m = sum / trainRows.Length;
            mean[i] = (float)m;
            std[i] = (float)Math.Sqrt(Math.Max(sumSq / trainRows.Length - m * m, 1e-12));
        }

        void Standardized(int row, Span<float> x)
        {
            for (int i = 0; i < f; i++)
            {
                x[i] = (data.Features[row * f + i] - mean[i]) / std[i];
            }
        }

        var train = new LabeledSet(trainRows, data.Labels, f, c, Standardized);
        var test = new LabeledSet(testRows, data.Labels, f, c, Standardized);

        var net = new IrisNet();
        net.InitializeParameters(options.Seed);
        EpochReport[] reports = Classification.Train(net, train, test, options.Epochs, options.BatchSize, options.LearningRate, random,
            static (epoch, trainLoss, testLoss, trainAccuracy, testAccuracy) => new EpochReport(epoch, trainLoss, testLoss, trainAccuracy, testAccuracy),
            onEpoch);

        var confusion = new int[c, c];
        Classification.Evaluate(net, test, null, confusion);
        var testRaw = new float[testRows.Length * f];
        for (int r = 0; r < testRows.Length; r++)
        {
            data.Features.AsSpan(testRows[r] * f, f).CopyTo(testRaw.AsSpan(r * f));
        }

        return new IrisResult(net, data.ClassNames, mean, std, train.Count, test.Count, reports, confusion, testRaw, test.Labels);
    }

    /// <summary>The index of the largest value (the first one on a tie).</summary>
    public static int ArgMax(ReadOnlySpan<float> values) => Classification.ArgMax(values);
}
