using System;
using System.Collections.Generic;
using System.Globalization;
using Spectre.Console;

namespace Samples.Shared;

/// <summary>The samples' console output: a live progress bar while training, a confusion matrix.</summary>
internal static class TrainingConsole
{
    /// <summary>
    /// Runs <paramref name="train"/> under a live Spectre.Console progress bar that shows the epoch, the training loss
    /// and both accuracies. When the output is not an interactive terminal (redirected, CI) Spectre draws no live bar;
    /// then about ten milestone lines are printed after training instead.
    /// </summary>
    /// <param name="epochs">The number of epochs <paramref name="train"/> runs.</param>
    /// <param name="train">The training run; it calls the given callback after every epoch.</param>
    /// <param name="reports">The per-epoch reports of the result (for the milestone lines).</param>
    public static TResult Run<TResult, TReport>(int epochs, Func<Action<TReport>, TResult> train, Func<TResult, IReadOnlyList<TReport>> reports)
        where TReport : IEpochReport
    {
        TResult result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: epochs);
                result = train(report =>
                {
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {report.Epoch,4}/{epochs}  loss {report.TrainLoss:F3}  accuracy train {report.TrainAccuracy:P0} test {report.TestAccuracy:P0}");
                    task.Value = report.Epoch;
                });
            });

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            foreach (TReport r in reports(result))
            {
                if (r.Epoch == 1 || r.Epoch % Math.Max(1, epochs / 10) == 0 || r.Epoch == epochs)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  epoch {r.Epoch,4}: loss {r.TrainLoss:F4} train, {r.TestLoss:F4} test; accuracy {r.TrainAccuracy:P1} train, {r.TestAccuracy:P1} test"));
                }
            }
        }

        return result;
    }

    /// <summary>Writes the test set's confusion matrix (<c>confusion[actual, predicted]</c>), the diagonal in green.</summary>
    public static void WriteConfusion(int[,] confusion, IReadOnlyList<string> classNames)
    {
        var table = new Table().Title("test set: actual (rows) vs predicted (columns)").AddColumn("actual \\ predicted");
        foreach (string name in classNames)
        {
            table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        }

        for (int actual = 0; actual < classNames.Count; actual++)
        {
            var cells = new string[classNames.Count + 1];
            cells[0] = Markup.Escape(classNames[actual]);
            for (int predicted = 0; predicted < classNames.Count; predicted++)
            {
                int n = confusion[actual, predicted];
                cells[predicted + 1] = n == 0 ? "[grey]0[/]" : actual == predicted ? $"[green]{n}[/]" : $"[red]{n}[/]";
            }

            table.AddRow(cells);
        }

        AnsiConsole.Write(table);
    }
}
