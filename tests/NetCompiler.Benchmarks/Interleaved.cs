using System;
using System.Diagnostics;
using System.Threading;

namespace NetCompiler.Benchmarks;

/// <summary>
/// A cross-check of <see cref="UnrollThresholdBenchmarks"/> for a noisy, shared machine: looped and unrolled
/// are timed in the same process in alternating blocks of about 2 ms, so that a change of load hits both
/// alike, and each pair is summarized by the median over rounds of the per-round ratio unrolled / looped.
/// Run with <c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --interleaved [rounds]</c>
/// (the networks of the BenchmarkDotNet run) or <c>-- --shapes [rounds]</c> (<c>ShapeNetworks.cs</c>).
/// Set <c>DOTNET_EnableAVX512F=0</c> to see a machine with 16 instead of 32 vector registers.
/// </summary>
internal static class Interleaved
{
    private delegate Pair MakePair<TLooped, TUnrolled>(TLooped looped, TUnrolled unrolled, float[] input, float[] target, float[] output);

    private sealed record Pair(string Operation, string Shape, int LayerWeights, int TotalWeights, Func<int, long> Looped, Func<int, long> Unrolled);

    public static int Run(int rounds, bool shapes)
    {
        Pair[] pairs = shapes ? ShapePairs() : BenchmarkPairs();
        Console.WriteLine($"{"op",-8} {"shape",-20} {"N",5} {"all w",6} {"looped ns",10} {"unrolled ns",12} {"ratio",6} {"ratio p25-p75",14}");
        foreach (Pair pair in pairs)
        {
            // Warm up until tiered compilation has settled (Tier0, instrumented Tier0, then Tier1 or MinOpts).
            for (int warm = 0; warm < 4; warm++)
            {
                pair.Looped(20_000);
                pair.Unrolled(20_000);
                Thread.Sleep(120);
            }

            int countLooped = Calibrate(pair.Looped);
            int countUnrolled = Calibrate(pair.Unrolled);
            var looped = new double[rounds];
            var unrolled = new double[rounds];
            var ratio = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                if (round % 2 == 0)
                {
                    looped[round] = Nanoseconds(pair.Looped(countLooped), countLooped);
                    unrolled[round] = Nanoseconds(pair.Unrolled(countUnrolled), countUnrolled);
                }
                else
                {
                    unrolled[round] = Nanoseconds(pair.Unrolled(countUnrolled), countUnrolled);
                    looped[round] = Nanoseconds(pair.Looped(countLooped), countLooped);
                }

                ratio[round] = unrolled[round] / looped[round];
            }

            Array.Sort(looped);
            Array.Sort(unrolled);
            Array.Sort(ratio);
            Console.WriteLine(
                $"{pair.Operation,-8} {pair.Shape,-20} {pair.LayerWeights,5} {pair.TotalWeights,6} {Median(looped),10:F1} {Median(unrolled),12:F1} {Median(ratio),6:F2} {ratio[rounds / 4],6:F2}-{ratio[(3 * rounds) / 4],-6:F2}");
        }

        return 0;
    }

    private static Pair[] BenchmarkPairs()
    {
        var b = new UnrollThresholdBenchmarks();
        return
        [
            new("Forward", "4-4-2", 16, 24,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0016Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0016Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "6-6-2", 36, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0036Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0036Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "8-8-2", 64, 80,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0064Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0064Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "10-10-2", 100, 120,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0100Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0100Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "12-12-2", 144, 168,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0144Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0144Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "14-14-2", 196, 224,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0196Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0196Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "16-16-4", 256, 320,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0256Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0256Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "18-18-2", 324, 360,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0324Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0324Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "20-20-2", 400, 440,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0400Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0400Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "24-24-4", 576, 672,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0576Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward0576Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Forward", "32-32-4", 1024, 1152,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward1024Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Forward1024Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "4-4-2", 16, 24,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0016Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0016Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "6-6-2", 36, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0036Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0036Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "8-8-2", 64, 80,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0064Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0064Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "10-10-2", 100, 120,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0100Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0100Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "12-12-2", 144, 168,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0144Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0144Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "14-14-2", 196, 224,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0196Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0196Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "16-16-4", 256, 320,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0256Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0256Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "18-18-2", 324, 360,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0324Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0324Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "20-20-2", 400, 440,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0400Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0400Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "24-24-4", 576, 672,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0576Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train0576Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
            new("Train", "32-32-4", 1024, 1152,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train1024Looped(); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { b.Train1024Unrolled(); } return Stopwatch.GetTimestamp() - start; }),
        ];
    }

    private static Pair[] ShapePairs() =>
    [
            Shape<Layer12x2Looped, Layer12x2Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "12x2", 24, 24,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer14x2Looped, Layer14x2Unrolled>(14, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "14x2", 28, 28,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x2Looped, Layer16x2Unrolled>(16, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "16x2", 32, 32,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer20x2Looped, Layer20x2Unrolled>(20, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "20x2", 40, 40,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer24x2Looped, Layer24x2Unrolled>(24, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "24x2", 48, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x3Looped, Layer16x3Unrolled>(16, 3, static (looped, unrolled, input, target, output) => new(
                "Forward", "16x3", 48, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x4Looped, Layer12x4Unrolled>(12, 4, static (looped, unrolled, input, target, output) => new(
                "Forward", "12x4", 48, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer14x4Looped, Layer14x4Unrolled>(14, 4, static (looped, unrolled, input, target, output) => new(
                "Forward", "14x4", 56, 56,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer64x1Looped, Layer64x1Unrolled>(64, 1, static (looped, unrolled, input, target, output) => new(
                "Forward", "64x1", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x4Looped, Layer16x4Unrolled>(16, 4, static (looped, unrolled, input, target, output) => new(
                "Forward", "16x4", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer8x8Looped, Layer8x8Unrolled>(8, 8, static (looped, unrolled, input, target, output) => new(
                "Forward", "8x8", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer4x16Looped, Layer4x16Unrolled>(4, 16, static (looped, unrolled, input, target, output) => new(
                "Forward", "4x16", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer1x64Looped, Layer1x64Unrolled>(1, 64, static (looped, unrolled, input, target, output) => new(
                "Forward", "1x64", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x8Looped, Layer12x8Unrolled>(12, 8, static (looped, unrolled, input, target, output) => new(
                "Forward", "12x8", 96, 96,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer128x1Looped, Layer128x1Unrolled>(128, 1, static (looped, unrolled, input, target, output) => new(
                "Forward", "128x1", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer32x4Looped, Layer32x4Unrolled>(32, 4, static (looped, unrolled, input, target, output) => new(
                "Forward", "32x4", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x8Looped, Layer16x8Unrolled>(16, 8, static (looped, unrolled, input, target, output) => new(
                "Forward", "16x8", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer8x16Looped, Layer8x16Unrolled>(8, 16, static (looped, unrolled, input, target, output) => new(
                "Forward", "8x16", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer4x32Looped, Layer4x32Unrolled>(4, 32, static (looped, unrolled, input, target, output) => new(
                "Forward", "4x32", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer1x128Looped, Layer1x128Unrolled>(1, 128, static (looped, unrolled, input, target, output) => new(
                "Forward", "1x128", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x12Looped, Layer12x12Unrolled>(12, 12, static (looped, unrolled, input, target, output) => new(
                "Forward", "12x12", 144, 144,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer256x1Looped, Layer256x1Unrolled>(256, 1, static (looped, unrolled, input, target, output) => new(
                "Forward", "256x1", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer64x4Looped, Layer64x4Unrolled>(64, 4, static (looped, unrolled, input, target, output) => new(
                "Forward", "64x4", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x16Looped, Layer16x16Unrolled>(16, 16, static (looped, unrolled, input, target, output) => new(
                "Forward", "16x16", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer4x64Looped, Layer4x64Unrolled>(4, 64, static (looped, unrolled, input, target, output) => new(
                "Forward", "4x64", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer1x256Looped, Layer1x256Unrolled>(1, 256, static (looped, unrolled, input, target, output) => new(
                "Forward", "1x256", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh4x4x2Looped, Tanh4x4x2Unrolled>(4, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "4-4-2 tanh/sig", 16, 24,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh8x8x2Looped, Tanh8x8x2Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "8-8-2 tanh/sig", 64, 80,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh12x12x2Looped, Tanh12x12x2Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "12-12-2 tanh/sig", 144, 168,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh16x16x4Looped, Tanh16x16x4Unrolled>(16, 4, static (looped, unrolled, input, target, output) => new(
                "Forward", "16-16-4 tanh/sig", 256, 320,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep8x3Looped, Deep8x3Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "8x3 hidden + 2 deep", 64, 208,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep8x4Looped, Deep8x4Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "8x4 hidden + 2 deep", 64, 272,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep8x6Looped, Deep8x6Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "8x6 hidden + 2 deep", 64, 400,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep12x4Looped, Deep12x4Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "12x4 hidden + 2 deep", 144, 600,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep12x8Looped, Deep12x8Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Forward", "12x8 hidden + 2 deep", 144, 1176,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Forward(input, output); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Forward(input, output); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x2Looped, Layer12x2Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "12x2", 24, 24,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer14x2Looped, Layer14x2Unrolled>(14, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "14x2", 28, 28,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x2Looped, Layer16x2Unrolled>(16, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "16x2", 32, 32,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer20x2Looped, Layer20x2Unrolled>(20, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "20x2", 40, 40,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer24x2Looped, Layer24x2Unrolled>(24, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "24x2", 48, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x3Looped, Layer16x3Unrolled>(16, 3, static (looped, unrolled, input, target, output) => new(
                "Train", "16x3", 48, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x4Looped, Layer12x4Unrolled>(12, 4, static (looped, unrolled, input, target, output) => new(
                "Train", "12x4", 48, 48,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer14x4Looped, Layer14x4Unrolled>(14, 4, static (looped, unrolled, input, target, output) => new(
                "Train", "14x4", 56, 56,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer64x1Looped, Layer64x1Unrolled>(64, 1, static (looped, unrolled, input, target, output) => new(
                "Train", "64x1", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x4Looped, Layer16x4Unrolled>(16, 4, static (looped, unrolled, input, target, output) => new(
                "Train", "16x4", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer8x8Looped, Layer8x8Unrolled>(8, 8, static (looped, unrolled, input, target, output) => new(
                "Train", "8x8", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer4x16Looped, Layer4x16Unrolled>(4, 16, static (looped, unrolled, input, target, output) => new(
                "Train", "4x16", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer1x64Looped, Layer1x64Unrolled>(1, 64, static (looped, unrolled, input, target, output) => new(
                "Train", "1x64", 64, 64,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x8Looped, Layer12x8Unrolled>(12, 8, static (looped, unrolled, input, target, output) => new(
                "Train", "12x8", 96, 96,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer128x1Looped, Layer128x1Unrolled>(128, 1, static (looped, unrolled, input, target, output) => new(
                "Train", "128x1", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer32x4Looped, Layer32x4Unrolled>(32, 4, static (looped, unrolled, input, target, output) => new(
                "Train", "32x4", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x8Looped, Layer16x8Unrolled>(16, 8, static (looped, unrolled, input, target, output) => new(
                "Train", "16x8", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer8x16Looped, Layer8x16Unrolled>(8, 16, static (looped, unrolled, input, target, output) => new(
                "Train", "8x16", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer4x32Looped, Layer4x32Unrolled>(4, 32, static (looped, unrolled, input, target, output) => new(
                "Train", "4x32", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer1x128Looped, Layer1x128Unrolled>(1, 128, static (looped, unrolled, input, target, output) => new(
                "Train", "1x128", 128, 128,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer12x12Looped, Layer12x12Unrolled>(12, 12, static (looped, unrolled, input, target, output) => new(
                "Train", "12x12", 144, 144,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer256x1Looped, Layer256x1Unrolled>(256, 1, static (looped, unrolled, input, target, output) => new(
                "Train", "256x1", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer64x4Looped, Layer64x4Unrolled>(64, 4, static (looped, unrolled, input, target, output) => new(
                "Train", "64x4", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer16x16Looped, Layer16x16Unrolled>(16, 16, static (looped, unrolled, input, target, output) => new(
                "Train", "16x16", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer4x64Looped, Layer4x64Unrolled>(4, 64, static (looped, unrolled, input, target, output) => new(
                "Train", "4x64", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Layer1x256Looped, Layer1x256Unrolled>(1, 256, static (looped, unrolled, input, target, output) => new(
                "Train", "1x256", 256, 256,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh4x4x2Looped, Tanh4x4x2Unrolled>(4, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "4-4-2 tanh/sig", 16, 24,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh8x8x2Looped, Tanh8x8x2Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "8-8-2 tanh/sig", 64, 80,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh12x12x2Looped, Tanh12x12x2Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "12-12-2 tanh/sig", 144, 168,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Tanh16x16x4Looped, Tanh16x16x4Unrolled>(16, 4, static (looped, unrolled, input, target, output) => new(
                "Train", "16-16-4 tanh/sig", 256, 320,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep8x3Looped, Deep8x3Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "8x3 hidden + 2 deep", 64, 208,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep8x4Looped, Deep8x4Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "8x4 hidden + 2 deep", 64, 272,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep8x6Looped, Deep8x6Unrolled>(8, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "8x6 hidden + 2 deep", 64, 400,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep12x4Looped, Deep12x4Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "12x4 hidden + 2 deep", 144, 600,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
            Shape<Deep12x8Looped, Deep12x8Unrolled>(12, 2, static (looped, unrolled, input, target, output) => new(
                "Train", "12x8 hidden + 2 deep", 144, 1176,
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { looped.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; },
                count => { long start = Stopwatch.GetTimestamp(); for (int i = 0; i < count; i++) { unrolled.Train(input, target, 0f); } return Stopwatch.GetTimestamp() - start; })),
    ];

    /// <summary>A pair of networks with a deterministic sample, a target and an output buffer.</summary>
    private static Pair Shape<TLooped, TUnrolled>(int inputs, int outputs, MakePair<TLooped, TUnrolled> make)
        where TLooped : new()
        where TUnrolled : new()
    {
        var random = new Random(1);
        float[] input = new float[inputs];
        float[] target = new float[outputs];
        for (int i = 0; i < inputs; i++)
        {
            input[i] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        for (int k = 0; k < outputs; k++)
        {
            target[k] = (float)random.NextDouble();
        }

        return make(new TLooped(), new TUnrolled(), input, target, new float[outputs]);
    }

    /// <summary>Calls per block so that one block takes about 2 ms.</summary>
    private static int Calibrate(Func<int, long> run)
    {
        int count = 16;
        while (Nanoseconds(run(count), 1) < 2_000_000 && count < (1 << 24))
        {
            count *= 2;
        }

        return count;
    }

    private static double Nanoseconds(long ticks, int count) => ticks * (1e9 / Stopwatch.Frequency) / count;

    private static double Median(double[] sorted) => sorted[sorted.Length / 2];
}
