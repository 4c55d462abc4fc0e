using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace NetCompiler.Benchmarks;

/// <summary>
/// A short job that still gives a usable median on a small, shared machine: one launch, a few warmups,
/// 15 measured iterations of 200 ms. All 52 cases take about 7 minutes.
/// </summary>
public sealed class UnrollThresholdConfig : ManualConfig
{
    public UnrollThresholdConfig()
    {
        AddJob(Job.Default
            .WithId("Unroll")
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(200)));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}
