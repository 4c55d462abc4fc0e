using System;
using System.Collections.Generic;
using System.IO;

namespace Samples.Shared;

/// <summary>The training and test loss per epoch as a PNG (ScottPlot, rendered by SkiaSharp; works headless).</summary>
internal static class LossPlot
{
    /// <summary>Writes the plot of the per-epoch losses to <paramref name="path"/> (900 x 540 pixels).</summary>
    /// <param name="epochs">One report per epoch.</param>
    /// <param name="path">The PNG file; its folder is created if needed.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="trainLegend">The training curve's legend entry.</param>
    /// <param name="testLegend">The test curve's legend entry.</param>
    /// <param name="lossName">The y axis label, e.g. "mean cross-entropy".</param>
    public static void Save<TReport>(IReadOnlyList<TReport> epochs, string path, string title, string trainLegend, string testLegend, string lossName)
        where TReport : IEpochReport
    {
        int n = epochs.Count;
        var x = new double[n];
        var train = new double[n];
        var test = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = epochs[i].Epoch;
            train[i] = epochs[i].TrainLoss;
            test[i] = epochs[i].TestLoss;
        }

        var plot = new ScottPlot.Plot();
        var trainLine = plot.Add.ScatterLine(x, train);
        trainLine.LegendText = trainLegend;
        trainLine.LineWidth = 2;
        var testLine = plot.Add.ScatterLine(x, test);
        testLine.LegendText = testLegend;
        testLine.LineWidth = 2;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(lossName);
        double top = 0;
        for (int i = 0; i < n; i++)
        {
            top = Math.Max(top, Math.Max(train[i], test[i]));
        }

        if (double.IsFinite(top) && top > 0)
        {
            plot.Axes.SetLimitsY(0, top * 1.05);   // otherwise (a diverged run) ScottPlot's automatic limits
        }
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, 900, 540);
    }
}
