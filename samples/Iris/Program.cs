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
using Samples.Shared;
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

// A live progress bar (milestone lines instead when the output is redirected), see samples/Shared/TrainingConsole.cs.
var clock = Stopwatch.StartNew();
IrisResult result = TrainingConsole.Run<IrisResult, EpochReport>(options.Epochs, progress => IrisTraining.Run(options, progress), r => r.Epochs);
clock.Stop();

AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
    $"trained on {result.TrainCount} flowers in {clock.Elapsed.TotalMilliseconds:F0} ms; tested on {result.TestCount}"));
AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
    $"[bold]test accuracy {result.TestAccuracy:P1}[/] ({Math.Round(result.TestAccuracy * result.TestCount)}/{result.TestCount}), train accuracy {result.TrainAccuracy:P1}"));

TrainingConsole.WriteConfusion(result.Confusion, result.ClassNames);

var statistics = new Table().Title("standardization (training set statistics, cm)").AddColumns("feature", "mean", "std");
for (int i = 0; i < IrisData.FeatureCount; i++)
{
    statistics.AddRow(IrisData.FeatureNames[i], result.Mean[i].ToString("F4", CultureInfo.InvariantCulture), result.StandardDeviation[i].ToString("F4", CultureInfo.InvariantCulture));
}

AnsiConsole.Write(statistics);

LossPlot.Save(result.Epochs, plotPath, $"IrisNet 4-16-3: mean cross-entropy per epoch (test accuracy {result.TestAccuracy:P1})",
    $"training set ({result.TrainCount} flowers)", $"test set ({result.TestCount} flowers)", "mean cross-entropy");
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

int reloadedCorrect = Classification.CountCorrect(reloaded, result.TestFeatures, result.TestLabels, IrisNet.OutputCount);
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
