// Fisher's Iris flowers: a 4-16-3 network (tanh hidden layer, softmax output, cross-entropy loss) learns the
// species from four measurements, with shuffled mini-batches through the generated TrainBatch (plain gradient
// descent). It shows a live progress bar, the test accuracy and confusion matrix, writes a PNG plot of the
// training and test loss per epoch, and saves the trained parameters as safetensors for the Embedded sample,
// which bakes them into a NativeAOT binary.
//
// Run:  dotnet run --project samples/Iris -c Release [-- --epochs N] [--seed N] [--out FILE] [--plot FILE]
//       --out  default: samples/Embedded/iris.safetensors in the repository (found by walking up to NetCompiler.sln)
//       --plot default: iris-loss.png next to the executable
// Exit code 0 if the test accuracy is at least 0.9.

using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Iris;
using Spectre.Console;

var options = new IrisOptions();
string? outPath = null;
string? plotPath = null;
for (int a = 0; a < args.Length; a++)
{
    string Value() => a + 1 < args.Length ? args[++a] : throw new ArgumentException($"{args[a]} needs a value");
    switch (args[a])
    {
        case "--epochs": options = options with { Epochs = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
        case "--seed": options = options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
        case "--out": outPath = Value(); break;
        case "--plot": plotPath = Value(); break;
        case "-h" or "--help":
            Console.WriteLine("usage: Iris [--epochs N] [--seed N] [--out FILE.safetensors] [--plot FILE.png]");
            return 0;
        default:
            Console.Error.WriteLine($"unknown argument '{args[a]}' (try --help)");
            return 2;
    }
}

outPath ??= DefaultOutputPath();
plotPath ??= Path.Combine(AppContext.BaseDirectory, "iris-loss.png");

AnsiConsole.MarkupLine($"[bold]Iris[/]: IrisNet 4-16-3 (tanh, softmax, cross-entropy), {IrisNet.ParameterCount} parameters");
AnsiConsole.MarkupLine($"seed {options.Seed}, {options.Epochs} epochs, mini-batches of {options.BatchSize}, learning rate {options.LearningRate.ToString(CultureInfo.InvariantCulture)}");

var clock = Stopwatch.StartNew();
IrisResult result = null!;
AnsiConsole.Progress()
    .AutoClear(false)
    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn())
    .Start(context =>
    {
        ProgressTask task = context.AddTask("training", maxValue: options.Epochs);
        result = IrisTraining.Run(options, report =>
        {
            task.Description = string.Create(CultureInfo.InvariantCulture,
                $"epoch {report.Epoch,4}/{options.Epochs}  loss {report.TrainLoss:F3}  accuracy train {report.TrainAccuracy:P0} test {report.TestAccuracy:P0}");
            task.Value = report.Epoch;
        });
    });
clock.Stop();

// When the output is not an interactive terminal (redirected, CI) Spectre draws no live bar; print milestones instead.
if (!AnsiConsole.Profile.Capabilities.Interactive)
{
    foreach (EpochReport r in result.Epochs)
    {
        if (r.Epoch == 1 || r.Epoch % Math.Max(1, options.Epochs / 10) == 0 || r.Epoch == options.Epochs)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  epoch {r.Epoch,4}: loss {r.TrainLoss:F4} train, {r.TestLoss:F4} test; accuracy {r.TrainAccuracy:P1} train, {r.TestAccuracy:P1} test"));
        }
    }
}

AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
    $"trained on {result.TrainCount} flowers in {clock.Elapsed.TotalMilliseconds:F0} ms; tested on {result.TestCount}"));
AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
    $"[bold]test accuracy {result.TestAccuracy:P1}[/] ({Math.Round(result.TestAccuracy * result.TestCount)}/{result.TestCount}), train accuracy {result.TrainAccuracy:P1}"));

var confusion = new Table().Title("test set: actual (rows) vs predicted (columns)").AddColumn("actual \\ predicted");
foreach (string name in result.ClassNames)
{
    confusion.AddColumn(new TableColumn(name).RightAligned());
}

for (int actual = 0; actual < result.ClassNames.Length; actual++)
{
    var cells = new string[result.ClassNames.Length + 1];
    cells[0] = result.ClassNames[actual];
    for (int predicted = 0; predicted < result.ClassNames.Length; predicted++)
    {
        int n = result.Confusion[actual, predicted];
        cells[predicted + 1] = n == 0 ? "[grey]0[/]" : actual == predicted ? $"[green]{n}[/]" : $"[red]{n}[/]";
    }

    confusion.AddRow(cells);
}

AnsiConsole.Write(confusion);

var statistics = new Table().Title("standardization (training set statistics, cm)").AddColumns("feature", "mean", "std");
for (int i = 0; i < IrisData.FeatureCount; i++)
{
    statistics.AddRow(IrisData.FeatureNames[i], result.Mean[i].ToString("F4", CultureInfo.InvariantCulture), result.StandardDeviation[i].ToString("F4", CultureInfo.InvariantCulture));
}

AnsiConsole.Write(statistics);

LossPlot.Save(result, plotPath);
AnsiConsole.MarkupLine($"loss plot: {Markup.Escape(Path.GetFullPath(plotPath))}");

// The saved network takes raw measurements in cm: the standardization above is folded into its first layer.
result.SaveRawInputParameters(outPath);
AnsiConsole.MarkupLine($"parameters: {Markup.Escape(Path.GetFullPath(outPath))}");
AnsiConsole.MarkupLine("  (for raw measurements in cm: the standardization is folded into layer 0)");

// Check the file: load it into a fresh network and classify the test set's raw measurements with it.
var reloaded = new IrisNet();
using (FileStream stream = File.OpenRead(outPath))
{
    reloaded.LoadParameters(stream);
}

var probabilities = new float[result.TestCount * IrisNet.OutputCount];
reloaded.ForwardBatch(result.TestFeatures, probabilities);
int reloadedCorrect = 0;
for (int r = 0; r < result.TestCount; r++)
{
    reloadedCorrect += IrisTraining.ArgMax(probabilities.AsSpan(r * IrisNet.OutputCount, IrisNet.OutputCount)) == result.TestLabels[r] ? 1 : 0;
}

AnsiConsole.MarkupLine($"  reloaded from the file, on raw test measurements: {reloadedCorrect}/{result.TestCount} correct");
if (reloadedCorrect != (int)Math.Round(result.TestAccuracy * result.TestCount))
{
    AnsiConsole.MarkupLine("[red]the saved network does not reproduce the test accuracy[/]");
    return 1;
}

return result.TestAccuracy >= 0.9f ? 0 : 1;

// samples/Embedded/iris.safetensors of the repository that contains this program (or the working directory).
static string DefaultOutputPath()
{
    foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
    {
        for (DirectoryInfo? d = new DirectoryInfo(start); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "NetCompiler.sln")))
            {
                return Path.Combine(d.FullName, "samples", "Embedded", "iris.safetensors");
            }
        }
    }

    return Path.Combine(Directory.GetCurrentDirectory(), "iris.safetensors");
}
