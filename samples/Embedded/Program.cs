// A baked network in a NativeAOT binary. IrisClassifier's parameters come from iris.safetensors (written by the
// Iris sample) and are compiled into its code at build time: the program reads no file, creates no instance, and
// classifies a flower without allocating. The Iris sample folds its input standardization into the first layer
// before saving, so the network takes the raw measurements in cm.
//
// Run:      ./publish.sh                      (NativeAOT publish for linux-x64, then runs the binary)
//      or   dotnet run --project samples/Embedded -c Release [-- SL SW PL PW ...]
// Arguments: groups of 4 measurements in cm (sepal length, sepal width, petal length, petal width) to classify;
// without arguments, a few built-in flowers. Exit code 0 if the built-in flowers are classified as expected and
// the steady-state allocation is 0 bytes.

using System;
using System.Diagnostics;
using System.Globalization;
using NetCompiler;

const int Inferences = 1_000_000;   // per timing run
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

// Steady-state allocation: warm up (tiered JIT when not AOT), then count the bytes this thread allocates over many inferences.
float checksum = Infer(flowers, 100_000);
long before = GC.GetAllocatedBytesForCurrentThread();
checksum += Infer(flowers, Inferences);
long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
Console.WriteLine($"allocated over {Inferences:N0} inferences after warm-up: {allocated} bytes");
ok &= allocated == 0;

// Latency: the median of several runs of Inferences single-flower Forward calls.
Span<double> nanoseconds = stackalloc double[Runs];
for (int run = 0; run < Runs; run++)
{
    long start = Stopwatch.GetTimestamp();
    checksum += Infer(flowers, Inferences);
    nanoseconds[run] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / Inferences;
}

nanoseconds.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"latency per inference: median {nanoseconds[Runs / 2]:F1} ns over {Runs} runs of {Inferences:N0} (min {nanoseconds[0]:F1}, max {nanoseconds[Runs - 1]:F1}; checksum {checksum:F1})"));
Console.WriteLine(ok ? "OK" : "FAILED");
return ok ? 0 : 1;

// Classifies `count` flowers, cycling through `rows`; returns the sum of the first probability (so the work cannot be skipped).
static float Infer(float[] rows, int count)
{
    Span<float> output = stackalloc float[IrisClassifier.OutputCount];
    int n = rows.Length / IrisClassifier.InputCount;
    float sum = 0;
    for (int k = 0, r = 0; k < count; k++)
    {
        IrisClassifier.Forward(rows.AsSpan(r * IrisClassifier.InputCount, IrisClassifier.InputCount), output);
        sum += output[0];
        if (++r == n)
        {
            r = 0;
        }
    }

    return sum;
}

bool Print(ReadOnlySpan<float> input, ReadOnlySpan<float> p, int expectedClass)
{
    int best = 0;
    for (int k = 1; k < p.Length; k++)
    {
        if (p[k] > p[best])
        {
            best = k;
        }
    }

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
