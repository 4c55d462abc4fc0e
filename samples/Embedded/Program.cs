// Baked networks in a NativeAOT binary. IrisClassifier's parameters come from iris.safetensors (written by the
// Iris sample), DigitsClassifier's (a convolutional network) from digits-cnn.safetensors (written by the DigitsCnn
// sample); both are compiled into their code at build time: the program reads no file, creates no instance, and
// classifies a flower or a digit without allocating. The Iris sample folds its input standardization into the first
// layer before saving, so that network takes the raw measurements in cm.
//
// Run:      ./publish.sh                      (NativeAOT publish for linux-x64, then runs the binary)
//      or   dotnet run --project samples/Embedded -c Release [-- SL SW PL PW ...]
// Arguments: groups of 4 measurements in cm (sepal length, sepal width, petal length, petal width) to classify;
// without arguments, a few built-in flowers. Then ten built-in digit images. Exit code 0 if the built-in flowers and
// digits are classified as expected and the steady-state allocation of both networks is 0 bytes.

using System;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using NetCompiler;

const int Inferences = 1_000_000;   // per timing run (Iris)
const int DigitInferences = 100_000; // per timing run (digits CNN: about 23,700 multiply-adds per image)
const int Runs = 7;                 // timing runs; the median is reported

string[] species = { "setosa", "versicolor", "virginica" };

// Built-in flowers (rows of Fisher's data set, see samples/Iris/data/DATA.md) and their species.
float[] flowers =
{
    5.1f, 3.5f, 1.4f, 0.2f,   // setosa
    7.0f, 3.2f, 4.7f, 1.4f,   // versicolor
    6.3f, 3.3f, 6.0f, 2.5f,   // virginica
    5.7f, 2.8f, 4.1f, 1.3f,   // versicolor
    6.5f, 3.0f, 5.2f, 2.0f,   // virginica
};
int[] expected = { 0, 1, 2, 1, 2 };

// The vector widths the generated code runs at: what this CPU offers under the JIT, what the binary was compiled for
// under NativeAOT (IlcInstructionSet).
Console.WriteLine($"vectors: Vector<float> {Vector<float>.Count * 32} bits, Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}");
Console.WriteLine($"IrisClassifier: {IrisClassifier.InputCount} inputs, {IrisClassifier.OutputCount} outputs, {IrisClassifier.ParameterCount} parameters baked in from iris.safetensors");
Span<float> probabilities = stackalloc float[IrisClassifier.OutputCount];
bool ok = true;

if (args.Length > 0)
{
    if (args.Length % IrisClassifier.InputCount != 0)
    {
        Console.Error.WriteLine($"give groups of {IrisClassifier.InputCount} measurements in cm: sepal length, sepal width, petal length, petal width");
        return 2;
    }

    Span<float> input = stackalloc float[IrisClassifier.InputCount];
    for (int start = 0; start < args.Length; start += IrisClassifier.InputCount)
    {
        for (int i = 0; i < IrisClassifier.InputCount; i++)
        {
            if (!float.TryParse(args[start + i], NumberStyles.Float, CultureInfo.InvariantCulture, out input[i]))
            {
                Console.Error.WriteLine($"'{args[start + i]}' is not a number");
                return 2;
            }
        }

        IrisClassifier.Forward(input, probabilities);
        Print(input, probabilities, -1);
    }
}
else
{
    for (int r = 0; r < expected.Length; r++)
    {
        ReadOnlySpan<float> input = flowers.AsSpan(r * IrisClassifier.InputCount, IrisClassifier.InputCount);
        IrisClassifier.Forward(input, probabilities);
        ok &= Print(input, probabilities, expected[r]);
    }
}

// Steady-state allocation and latency per inference (see Measure below).
ok &= Measure<IrisForward>("iris", flowers, Inferences, 100_000, Runs);

// The convolutional network on ten built-in digit images (see DigitImages below).
Console.WriteLine();
Console.WriteLine($"DigitsClassifier: {DigitsClassifier.InputCount} inputs (1x8x8), {DigitsClassifier.OutputCount} outputs, {DigitsClassifier.ParameterCount} parameters baked in from digits-cnn.safetensors");
float[] digitImages = DigitImages.Scaled();
Span<float> digitProbabilities = stackalloc float[DigitsClassifier.OutputCount];
for (int digit = 0; digit < DigitImages.Count; digit++)
{
    DigitsClassifier.Forward(digitImages.AsSpan(digit * DigitsClassifier.InputCount, DigitsClassifier.InputCount), digitProbabilities);
    int best = ArgMax(digitProbabilities);
    ok &= best == digit;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  image of a {digit} -> {best} (p = {digitProbabilities[best]:F3}){(best == digit ? "" : $"   expected {digit}")}"));
}

ok &= Measure<DigitsForward>("digits", digitImages, DigitInferences, 10_000, Runs);
Console.WriteLine(ok ? "OK" : "FAILED");
return ok ? 0 : 1;

// Warms up (tiered JIT when not AOT), counts the bytes this thread allocates over `count` inferences, then times
// `runs` runs of `count` single-sample Forward calls and prints the median; true when nothing was allocated.
static bool Measure<TNetwork>(string name, float[] rows, int count, int warmUp, int runs)
    where TNetwork : IForward
{
    double checksum = Infer<TNetwork>(rows, warmUp);
    long before = GC.GetAllocatedBytesForCurrentThread();
    checksum += Infer<TNetwork>(rows, count);
    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    Console.WriteLine($"{name}: allocated over {count:N0} inferences after warm-up: {allocated} bytes");

    Span<double> nanoseconds = stackalloc double[runs];
    for (int run = 0; run < runs; run++)
    {
        long start = Stopwatch.GetTimestamp();
        checksum += Infer<TNetwork>(rows, count);
        nanoseconds[run] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / count;
    }

    nanoseconds.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: latency per inference: median {nanoseconds[runs / 2]:F1} ns over {runs} runs of {count:N0} (min {nanoseconds[0]:F1}, max {nanoseconds[runs - 1]:F1}; checksum {checksum:F1})"));
    return allocated == 0;
}

// Runs `count` inferences, cycling through the samples in `rows`; returns the sum of the first output (so the work cannot be skipped).
static float Infer<TNetwork>(float[] rows, int count)
    where TNetwork : IForward
{
    Span<float> output = stackalloc float[TNetwork.OutputCount];
    int n = rows.Length / TNetwork.InputCount;
    float sum = 0;
    for (int k = 0, r = 0; k < count; k++)
    {
        TNetwork.Forward(rows.AsSpan(r * TNetwork.InputCount, TNetwork.InputCount), output);
        sum += output[0];
        if (++r == n)
        {
            r = 0;
        }
    }

    return sum;
}

static int ArgMax(ReadOnlySpan<float> values)
{
    int best = 0;
    for (int k = 1; k < values.Length; k++)
    {
        if (values[k] > values[best])
        {
            best = k;
        }
    }

    return best;
}

bool Print(ReadOnlySpan<float> input, ReadOnlySpan<float> p, int expectedClass)
{
    int best = ArgMax(p);

    bool right = expectedClass < 0 || best == expectedClass;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {input[0]:F1} {input[1]:F1} {input[2]:F1} {input[3]:F1} cm -> {species[best],-10} (p = {p[0]:F3} {p[1]:F3} {p[2]:F3}){(right ? "" : $"   expected {species[expectedClass]}")}"));
    return right;
}

/// <summary>
/// The Iris network with its parameters compiled in: static Forward/ForwardBatch and the size constants only.
/// Same declaration as samples/Iris's IrisNet, plus the file to bake.
/// </summary>
[Network(4, Loss = Loss.CrossEntropy, BakedParameters = "iris.safetensors")]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public static partial class IrisClassifier { }

/// <summary>A baked network's static Forward, for the measuring loop (a constrained call: no delegate, no virtual call).</summary>
internal interface IForward
{
    static abstract int InputCount { get; }

    static abstract int OutputCount { get; }

    static abstract void Forward(ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>IrisClassifier as an <see cref="IForward"/>.</summary>
internal readonly struct IrisForward : IForward
{
    public static int InputCount => IrisClassifier.InputCount;

    public static int OutputCount => IrisClassifier.OutputCount;

    public static void Forward(ReadOnlySpan<float> input, Span<float> output) => IrisClassifier.Forward(input, output);
}

/// <summary>DigitsClassifier as an <see cref="IForward"/>.</summary>
internal readonly struct DigitsForward : IForward
{
    public static int InputCount => DigitsClassifier.InputCount;

    public static int OutputCount => DigitsClassifier.OutputCount;

    public static void Forward(ReadOnlySpan<float> input, Span<float> output) => DigitsClassifier.Forward(input, output);
}

/// <summary>
/// The digits CNN with its parameters compiled in: static Forward/ForwardBatch and the size constants only.
/// Same declaration as samples/DigitsCnn's DigitsCnnNet, plus the file to bake.
/// </summary>
[Network(1, 8, 8, Loss = Loss.CrossEntropy, BakedParameters = "digits-cnn.safetensors")]
[Conv2D(8, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Conv2D(16, 3, Activation.ReLU, Padding = 1)]
[MaxPool2D(2)]
[Dense(10, Activation.Softmax)]
public static partial class DigitsClassifier { }

/// <summary>
/// Ten 8x8 images, the first test image of each digit 0..9 (in that order) under the DigitsCnn sample's default
/// split, so images the network did not train on. From the UCI handwritten digits (samples/Digits/data/DATA.md,
/// CC BY 4.0): pixel values 0..16, row by row, top to bottom.
/// </summary>
internal static class DigitImages
{
    public const int Count = 10;

    private static ReadOnlySpan<byte> Pixels =>
    [
        0, 0, 2, 9, 14, 12, 0, 0, 0, 0, 12, 16, 10, 15, 1, 0, 0, 4, 14, 3, 2, 6, 6, 0, 0, 5, 7, 0, 0, 3, 8, 0, 0, 4, 7, 0, 0, 1, 8, 0, 0, 3, 12, 1, 0, 5, 8, 0, 0, 0, 10, 12, 7, 14, 3, 0, 0, 0, 1, 12, 16, 8, 0, 0,   // 0
        0, 0, 0, 8, 12, 9, 2, 0, 0, 0, 5, 16, 16, 16, 4, 0, 0, 0, 9, 16, 16, 11, 0, 0, 0, 3, 16, 16, 16, 5, 0, 0, 0, 4, 16, 16, 16, 4, 0, 0, 0, 1, 15, 16, 16, 3, 0, 0, 0, 0, 8, 16, 16, 9, 0, 0, 0, 0, 0, 9, 12, 6, 0, 0,   // 1
        0, 0, 7, 15, 6, 0, 0, 0, 0, 4, 16, 9, 14, 3, 0, 0, 0, 2, 14, 0, 13, 6, 0, 0, 0, 0, 2, 0, 11, 10, 0, 0, 0, 0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 5, 15, 7, 0, 0, 0, 0, 9, 16, 16, 16, 15, 0, 0, 0, 6, 15, 7, 4, 6, 1,   // 2
        0, 1, 10, 16, 16, 6, 0, 0, 0, 7, 14, 9, 12, 12, 0, 0, 0, 1, 1, 5, 15, 5, 0, 0, 0, 0, 3, 16, 14, 3, 0, 0, 0, 0, 1, 11, 14, 16, 6, 0, 0, 0, 0, 0, 0, 12, 11, 0, 0, 0, 7, 8, 13, 16, 5, 0, 0, 0, 15, 16, 12, 5, 0, 0,   // 3
        0, 0, 0, 6, 16, 6, 0, 0, 0, 0, 3, 16, 9, 0, 0, 0, 0, 1, 13, 13, 1, 2, 1, 0, 0, 7, 16, 5, 1, 14, 10, 0, 0, 12, 16, 8, 12, 16, 2, 0, 0, 2, 12, 15, 16, 11, 0, 0, 0, 0, 0, 8, 16, 4, 0, 0, 0, 0, 0, 8, 15, 0, 0, 0,   // 4
        0, 0, 12, 16, 16, 16, 7, 0, 0, 1, 14, 15, 6, 4, 1, 0, 0, 8, 16, 2, 0, 0, 0, 0, 0, 9, 16, 12, 12, 9, 1, 0, 0, 1, 8, 8, 8, 15, 10, 0, 0, 0, 0, 0, 0, 13, 12, 0, 0, 0, 8, 2, 6, 16, 5, 0, 0, 1, 11, 16, 16, 8, 0, 0,   // 5
        0, 0, 0, 10, 11, 0, 0, 0, 0, 0, 0, 14, 14, 0, 0, 0, 0, 0, 4, 16, 3, 0, 0, 0, 0, 0, 6, 16, 10, 2, 0, 0, 0, 0, 12, 16, 12, 11, 5, 0, 0, 0, 11, 7, 3, 2, 14, 0, 0, 0, 6, 13, 0, 4, 13, 0, 0, 0, 0, 9, 16, 15, 5, 0,   // 6
        0, 0, 4, 13, 16, 16, 16, 10, 0, 0, 11, 15, 12, 13, 16, 5, 0, 0, 0, 0, 0, 12, 11, 0, 0, 0, 1, 0, 5, 15, 2, 0, 0, 0, 14, 13, 15, 15, 6, 0, 0, 0, 15, 16, 15, 9, 2, 0, 0, 0, 1, 16, 7, 0, 0, 0, 0, 0, 6, 14, 2, 0, 0, 0,   // 7
        0, 0, 2, 12, 16, 10, 0, 0, 0, 0, 12, 7, 1, 13, 4, 0, 0, 3, 16, 0, 8, 12, 0, 0, 0, 4, 16, 11, 14, 1, 0, 0, 0, 0, 7, 16, 6, 0, 0, 0, 0, 0, 6, 12, 15, 2, 0, 0, 0, 0, 8, 7, 13, 4, 0, 0, 0, 0, 3, 13, 16, 3, 0, 0,   // 8
        0, 0, 9, 12, 13, 6, 0, 0, 0, 0, 16, 8, 8, 15, 2, 0, 0, 0, 16, 10, 9, 16, 5, 0, 0, 0, 4, 12, 11, 12, 5, 0, 0, 0, 0, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0, 9, 7, 0, 0, 0, 8, 4, 7, 16, 2, 0, 0, 0, 10, 16, 16, 7, 0, 0,   // 9
    ];

    /// <summary>The images as the network takes them, pixel / 16 in [0, 1]: [Count, 64], row-major.</summary>
    public static float[] Scaled()
    {
        var images = new float[Pixels.Length];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = Pixels[i] / 16f;
        }

        return images;
    }
}
