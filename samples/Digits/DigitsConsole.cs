using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using Samples.Shared;
using Spectre.Console;

namespace Digits;

/// <summary>
/// The digits samples' console program (samples/Digits and samples/DigitsCnn compile it with their own network, see
/// their DigitsSample.cs): options, a live progress bar, the test accuracy and confusion matrix, a few misclassified
/// digits drawn as text, a loss plot, and the parameters saved and checked by reloading them.
/// </summary>
public static class DigitsConsole
{
    /// <summary>Runs the sample with the command-line <paramref name="args"/>; returns the exit code (0 when the test accuracy reaches the bar).</summary>
    public static int Run(string[] args)
    {
        var options = new DigitsOptions();
        string? outPath = null;
        string? plotPath = null;
        for (int a = 0; a < args.Length; a++)
        {
            string Value() => a + 1 < args.Length ? args[++a] : throw new ArgumentException($"{args[a]} needs a value");
            switch (args[a])
            {
                case "--epochs": options = options with { Epochs = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--seed": options = options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--learning-rate": options = options with { LearningRate = float.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--batch": options = options with { BatchSize = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--out": outPath = Value(); break;
                case "--plot": plotPath = Value(); break;
                case "-h" or "--help":
                    Console.WriteLine($"usage: {DigitsDefaults.Sample} [--epochs N] [--seed N] [--learning-rate X] [--batch N] [--out FILE.safetensors] [--plot FILE.png]");
                    return 0;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[a]}' (try --help)");
                    return 2;
            }
        }

        outPath ??= Path.Combine(AppContext.BaseDirectory, DigitsDefaults.FileStem + ".safetensors");
        plotPath ??= Path.Combine(AppContext.BaseDirectory, DigitsDefaults.FileStem + "-loss.png");

        AnsiConsole.MarkupLine($"[bold]{DigitsDefaults.Sample}[/]: {DigitsDefaults.Description}, {DigitsNetwork.ParameterCount} parameters");
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {options.Seed}, {options.Epochs} epochs, mini-batches of {options.BatchSize}, learning rate {options.LearningRate}"));

        // A live progress bar (milestone lines instead when the output is redirected), see samples/Shared/TrainingConsole.cs.
        var clock = Stopwatch.StartNew();
        DigitsResult result = TrainingConsole.Run<DigitsResult, EpochReport>(options.Epochs, progress => DigitsTraining.Run(options, progress), r => r.Epochs);
        clock.Stop();

        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"trained on {result.TrainCount} images in {clock.Elapsed.TotalMilliseconds:F0} ms; tested on {result.TestCount}"));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]test accuracy {result.TestAccuracy:P1}[/] ({Math.Round(result.TestAccuracy * result.TestCount)}/{result.TestCount}), train accuracy {result.TrainAccuracy:P1}"));

        TrainingConsole.WriteConfusion(result.Confusion, result.ClassNames);
        WriteMistakes(result, 6);

        LossPlot.Save(result.Epochs, plotPath, $"{DigitsDefaults.Network}: mean cross-entropy per epoch (test accuracy {result.TestAccuracy:P1})",
            $"training set ({result.TrainCount} images)", $"test set ({result.TestCount} images)", "mean cross-entropy");
        AnsiConsole.MarkupLine($"loss plot: {Markup.Escape(Path.GetFullPath(plotPath))}");

        result.SaveParameters(outPath);
        AnsiConsole.MarkupLine($"parameters: {Markup.Escape(Path.GetFullPath(outPath))}");
        AnsiConsole.MarkupLine("  (inputs: the 64 pixels divided by 16)");

        // Check the file: load it into a fresh network and classify the test set with it.
        var reloaded = new DigitsNetwork();
        using (FileStream stream = File.OpenRead(outPath))
        {
            reloaded.LoadParameters(stream);
        }

        int reloadedCorrect = Classification.CountCorrect(reloaded, result.TestInputs, result.TestLabels, DigitsNetwork.OutputCount);
        AnsiConsole.MarkupLine($"  reloaded from the file: {reloadedCorrect}/{result.TestCount} test images correct");
        if (reloadedCorrect != (int)Math.Round(result.TestAccuracy * result.TestCount))
        {
            AnsiConsole.MarkupLine("[red]the saved network does not reproduce the test accuracy[/]");
            return 1;
        }

        if (result.TestAccuracy < DigitsDefaults.Bar)
        {
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[red]test accuracy {result.TestAccuracy:F4} is below the bar of {DigitsDefaults.Bar}[/]"));
            return 1;
        }

        return 0;
    }

    // Draws up to `count` misclassified test images side by side as 8x8 character art, with the digit and the guess.
    private static void WriteMistakes(DigitsResult result, int count)
    {
        const int f = DigitsData.PixelCount;
        const string shades = " .:-=+*#%@";
        var output = new float[DigitsNetwork.OutputCount];
        var picked = new int[count];
        var guesses = new int[count];
        int n = 0;
        for (int r = 0; r < result.TestCount && n < count; r++)
        {
            result.Network.Forward(result.TestInputs.AsSpan(r * f, f), output);
            int guess = DigitsTraining.ArgMax(output);
            if (guess != result.TestLabels[r])
            {
                picked[n] = r;
                guesses[n++] = guess;
            }
        }

        if (n == 0)
        {
            return;
        }

        Console.WriteLine("some test images it gets wrong (digit -> guess):");
        var line = new StringBuilder();
        for (int y = -1; y < 8; y++)
        {
            line.Clear().Append("  ");
            for (int k = 0; k < n; k++)
            {
                if (y < 0)
                {
                    line.Append($"{result.TestLabels[picked[k]]} -> {guesses[k]}".PadRight(8 * 2 + 3));
                    continue;
                }

                for (int x = 0; x < 8; x++)
                {
                    float v = result.TestInputs[picked[k] * f + y * 8 + x];
                    char shade = shades[Math.Min(shades.Length - 1, (int)(v * (shades.Length - 1) + 0.5f))];
                    line.Append(shade).Append(shade);
                }

                line.Append("   ");
            }

            Console.WriteLine(line.ToString().TrimEnd());
        }
    }
}
