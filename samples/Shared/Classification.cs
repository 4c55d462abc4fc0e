using System;

namespace Samples.Shared;

/// <summary>A labelled set of samples, ready for a network: inputs, one-hot targets and class indices.</summary>
internal sealed class LabeledSet
{
    /// <summary>Copies <paramref name="rows"/> of a data set; <paramref name="input"/> writes row r's network input.</summary>
    /// <param name="rows">The data set's rows to take, in this order.</param>
    /// <param name="labels">The class of every row of the data set.</param>
    /// <param name="features">Inputs per row.</param>
    /// <param name="classes">Outputs per row (one-hot targets).</param>
    /// <param name="input">Writes the network input of data set row r into the span (length <paramref name="features"/>).</param>
    public LabeledSet(ReadOnlySpan<int> rows, int[] labels, int features, int classes, SpanAction input)
    {
        Features = features;
        Classes = classes;
        Inputs = new float[rows.Length * features];
        Targets = new float[rows.Length * classes];
        Labels = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            input(rows[r], Inputs.AsSpan(r * features, features));
            Labels[r] = labels[rows[r]];
            Targets[r * classes + Labels[r]] = 1f;
        }
    }

    /// <summary>Writes the network input of data set row <paramref name="row"/> into <paramref name="destination"/>.</summary>
    public delegate void SpanAction(int row, Span<float> destination);

    /// <summary>Inputs per row.</summary>
    public int Features { get; }

    /// <summary>Classes (outputs per row).</summary>
    public int Classes { get; }

    /// <summary>Row-major [Count, Features].</summary>
    public float[] Inputs { get; }

    /// <summary>One-hot, row-major [Count, Classes].</summary>
    public float[] Targets { get; }

    /// <summary>The class of each row.</summary>
    public int[] Labels { get; }

    /// <summary>Rows.</summary>
    public int Count => Labels.Length;
}

/// <summary>The training loop the samples share: seeded split, shuffled mini-batches through <c>TrainBatch</c>, evaluation.</summary>
internal static class Classification
{
    /// <summary>
    /// A stratified split: each class's rows (in data set order) are shuffled and the first
    /// <paramref name="testCount"/>(class size) of them held out. Returns data set row indices, class by class.
    /// </summary>
    public static (int[] Train, int[] Test) StratifiedSplit(int[] labels, int classes, Func<int, int> testCount, Random random)
    {
        var train = new int[labels.Length];
        var test = new int[labels.Length];
        int trainCount = 0, heldOut = 0;
        for (int k = 0; k < classes; k++)
        {
            int[] rows = Array.FindAll(Indices(labels.Length), r => labels[r] == k);
            int hold = testCount(rows.Length);
            if (hold < 0 || rows.Length <= hold)
            {
                throw new ArgumentOutOfRangeException(nameof(testCount), $"holding out {hold} of {rows.Length} rows leaves no training rows of class {k}");
            }

            Shuffle(rows, random);
            for (int r = 0; r < rows.Length; r++)
            {
                if (r < hold)
                {
                    test[heldOut++] = rows[r];
                }
                else
                {
                    train[trainCount++] = rows[r];
                }
            }
        }

        return (train[..trainCount], test[..heldOut]);
    }

    /// <summary>
    /// Trains <paramref name="net"/> for <paramref name="epochs"/> passes of shuffled mini-batches (plain gradient
    /// descent on each batch's mean loss through the generated <c>TrainBatch</c>) and evaluates both sets after every
    /// epoch. <paramref name="random"/> draws the batch order.
    /// </summary>
    /// <returns>One report per epoch, made by <paramref name="report"/>(epoch, train loss, test loss, train accuracy, test accuracy).</returns>
    public static TReport[] Train<TNet, TReport>(TNet net, LabeledSet train, LabeledSet test, int epochs, int batchSize, float learningRate,
        Random random, Func<int, float, float, float, float, TReport> report, Action<TReport>? onEpoch)
        where TNet : IClassifierNetwork
    {
        int f = train.Features;
        int c = train.Classes;
        int batch = Math.Min(batchSize, train.Count);
        var batchX = new float[batch * f];
        var batchT = new float[batch * c];
        int[] order = Indices(train.Count);
        var outputs = new float[Math.Max(train.Count, test.Count) * c];
        var reports = new TReport[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Shuffle(order, random);
            for (int start = 0; start < train.Count; start += batch)
            {
                int k = Math.Min(batch, train.Count - start);
                for (int b = 0; b < k; b++)
                {
                    train.Inputs.AsSpan(order[start + b] * f, f).CopyTo(batchX.AsSpan(b * f));
                    train.Targets.AsSpan(order[start + b] * c, c).CopyTo(batchT.AsSpan(b * c));
                }

                // One gradient-descent step on the mean loss of these k samples.
                net.TrainBatch(batchX.AsSpan(0, k * f), batchT.AsSpan(0, k * c), learningRate);
            }

            (float trainLoss, float trainAccuracy) = Evaluate(net, train, outputs, null);
            (float testLoss, float testAccuracy) = Evaluate(net, test, outputs, null);
            reports[epoch] = report(epoch + 1, trainLoss, testLoss, trainAccuracy, testAccuracy);
            onEpoch?.Invoke(reports[epoch]);
        }

        return reports;
    }

    /// <summary>Mean loss and accuracy of <paramref name="net"/> on a set; adds to <paramref name="confusion"/> [actual, predicted] if given.</summary>
    /// <param name="outputs">Scratch of at least <c>set.Count * set.Classes</c>; null allocates it.</param>
    public static (float Loss, float Accuracy) Evaluate<TNet>(TNet net, LabeledSet set, float[]? outputs, int[,]? confusion)
        where TNet : IClassifierNetwork
    {
        int f = set.Features;
        int c = set.Classes;
        int n = set.Count;
        outputs ??= new float[n * c];
        net.ForwardBatch(set.Inputs, outputs.AsSpan(0, n * c));
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < n; r++)
        {
            loss += net.ComputeLoss(set.Inputs.AsSpan(r * f, f), set.Targets.AsSpan(r * c, c));
            int predicted = ArgMax(outputs.AsSpan(r * c, c));
            if (predicted == set.Labels[r])
            {
                correct++;
            }

            if (confusion is not null)
            {
                confusion[set.Labels[r], predicted]++;
            }
        }

        return ((float)(loss / n), (float)correct / n);
    }

    /// <summary>How many rows of <paramref name="inputs"/> <paramref name="net"/> assigns to their class in <paramref name="labels"/>.</summary>
    public static int CountCorrect<TNet>(TNet net, float[] inputs, int[] labels, int classes)
        where TNet : IClassifierNetwork
    {
        var outputs = new float[labels.Length * classes];
        net.ForwardBatch(inputs, outputs);
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            correct += ArgMax(outputs.AsSpan(r * classes, classes)) == labels[r] ? 1 : 0;
        }

        return correct;
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

    /// <summary>0, 1, ..., n - 1.</summary>
    public static int[] Indices(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }

        return a;
    }

    /// <summary>Fisher-Yates, with a seeded <see cref="Random"/>: the same order on every machine and run.</summary>
    public static void Shuffle(int[] a, Random random)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
