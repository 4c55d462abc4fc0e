using System;
using System.IO;

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
public readonly record struct EpochReport(int Epoch, float TrainLoss, float TestLoss, float TrainAccuracy, float TestAccuracy);

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
        int[] trainRows = new int[data.Count];
        int[] testRows = new int[data.Count];
        int trainCount = 0, testCount = 0;
        for (int k = 0; k < c; k++)
        {
            int[] rows = Array.FindAll(Indices(data.Count), r => data.Labels[r] == k);
            if (rows.Length <= options.TestPerClass)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"TestPerClass {options.TestPerClass} leaves no training rows of class {k}");
            }

            Shuffle(rows, random);
            for (int r = 0; r < rows.Length; r++)
            {
                if (r < options.TestPerClass)
                {
                    testRows[testCount++] = rows[r];
                }
                else
                {
                    trainRows[trainCount++] = rows[r];
                }
            }
        }

        // Standardization statistics from the TRAINING rows only (population standard deviation).
        var mean = new float[f];
        var std = new float[f];
        for (int i = 0; i < f; i++)
        {
            double sum = 0, sumSq = 0;
            for (int r = 0; r < trainCount; r++)
            {
                double v = data.Features[trainRows[r] * f + i];
                sum += v;
                sumSq += v * v;
            }

            double m = sum / trainCount;
            mean[i] = (float)m;
            std[i] = (float)Math.Sqrt(Math.Max(sumSq / trainCount - m * m, 1e-12));
        }

        (float[] trainX, float[] trainT, int[] trainY) = Gather(data, trainRows.AsSpan(0, trainCount), mean, std);
        (float[] testX, float[] testT, int[] testY) = Gather(data, testRows.AsSpan(0, testCount), mean, std);

        var net = new IrisNet();
        net.InitializeParameters(options.Seed);

        int batch = Math.Min(options.BatchSize, trainCount);
        var batchX = new float[batch * f];
        var batchT = new float[batch * c];
        int[] order = Indices(trainCount);
        var outputs = new float[Math.Max(trainCount, testCount) * c];
        var reports = new EpochReport[options.Epochs];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            Shuffle(order, random);
            for (int start = 0; start < trainCount; start += batch)
            {
                int k = Math.Min(batch, trainCount - start);
                for (int b = 0; b < k; b++)
                {
                    trainX.AsSpan(order[start + b] * f, f).CopyTo(batchX.AsSpan(b * f));
                    trainT.AsSpan(order[start + b] * c, c).CopyTo(batchT.AsSpan(b * c));
                }

                // One gradient-descent step on the mean cross-entropy of these k flowers.
                net.TrainBatch(batchX.AsSpan(0, k * f), batchT.AsSpan(0, k * c), options.LearningRate);
            }

            (float trainLoss, float trainAccuracy) = Evaluate(net, trainX, trainT, trainY, outputs, null);
            (float testLoss, float testAccuracy) = Evaluate(net, testX, testT, testY, outputs, null);
            reports[epoch] = new EpochReport(epoch + 1, trainLoss, testLoss, trainAccuracy, testAccuracy);
            onEpoch?.Invoke(reports[epoch]);
        }

        var confusion = new int[c, c];
        Evaluate(net, testX, testT, testY, outputs, confusion);
        var testRaw = new float[testCount * f];
        for (int r = 0; r < testCount; r++)
        {
            data.Features.AsSpan(testRows[r] * f, f).CopyTo(testRaw.AsSpan(r * f));
        }

        return new IrisResult(net, data.ClassNames, mean, std, trainCount, testCount, reports, confusion, testRaw, testY);
    }

    /// <summary>Mean loss and accuracy of <paramref name="net"/> on a set; fills <paramref name="confusion"/> [actual, predicted] if given.</summary>
    private static (float Loss, float Accuracy) Evaluate(IrisNet net, float[] x, float[] t, int[] y, float[] outputs, int[,]? confusion)
    {
        const int f = IrisData.FeatureCount;
        const int c = IrisData.ClassCount;
        int n = y.Length;
        net.ForwardBatch(x, outputs.AsSpan(0, n * c));
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < n; r++)
        {
            loss += net.ComputeLoss(x.AsSpan(r * f, f), t.AsSpan(r * c, c));
            int predicted = ArgMax(outputs.AsSpan(r * c, c));
            if (predicted == y[r])
            {
                correct++;
            }

            if (confusion is not null)
            {
                confusion[y[r], predicted]++;
            }
        }

        return ((float)(loss / n), (float)correct / n);
    }

    /// <summary>The index of the largest value (the first one on a tie).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static (float[] X, float[] T, int[] Y) Gather(IrisData data, ReadOnlySpan<int> rows, float[] mean, float[] std)
    {
        const int f = IrisData.FeatureCount;
        const int c = IrisData.ClassCount;
        var x = new float[rows.Length * f];
        var t = new float[rows.Length * c];   // one-hot targets
        var y = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int i = 0; i < f; i++)
            {
                x[r * f + i] = (data.Features[rows[r] * f + i] - mean[i]) / std[i];
            }

            y[r] = data.Labels[rows[r]];
            t[r * c + y[r]] = 1f;
        }

        return (x, t, y);
    }

    private static int[] Indices(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }

        return a;
    }

    /// <summary>Fisher-Yates.</summary>
    private static void Shuffle(int[] a, Random random)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
