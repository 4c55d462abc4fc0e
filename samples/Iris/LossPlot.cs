using System;
using System.IO;

namespace Iris;

/// <summary>The training and test loss per epoch as a PNG (ScottPlot, rendered by SkiaSharp; works headless).</summary>
public static class LossPlot
{
    /// <summary>Writes the plot of <paramref name="result"/>'s losses to <paramref name="path"/>.</summary>
    public static void Save(IrisResult result, string path)
    {
        int n = result.Epochs.Length;
        var epochs = new double[n];
        var train = new double[n];
        var test = new double[n];
        for (int i = 0; i < n; i++)
        {
            epochs[i] = result.Epochs[i].Epoch;
            train[i] = result.Epochs[i].TrainLoss;
            test[i] = result.Epochs[i].TestLoss;
        }

        var plot = new ScottPlot.Plot();
        var trainLine = plot.Add.ScatterLine(epochs, train);
        trainLine.LegendText = $"training set ({result.TrainCount} flowers)";
        trainLine.LineWidth = 2;
        var testLine = plot.Add.ScatterLine(epochs, test);
        testLine.LegendText = $"test set ({result.TestCount} flowers)";
        testLine.LineWidth = 2;
        plot.Title($"IrisNet 4-16-3: mean cross-entropy per epoch (test accuracy {result.TestAccuracy:P1})");
        plot.XLabel("epoch");
        plot.YLabel("mean cross-entropy");
        plot.Axes.SetLimitsY(0, Math.Max(train[0], test[0]) * 1.05);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 900, 540);
    }
}
