using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace NetCompiler.Benchmarks;

/// <summary>
/// Where does unrolling stop paying? Forward (one sample) and Train (one sample) of each network pair in
/// <c>Networks.cs</c>, looped (baseline) against unrolled; each pair is its own category, so BenchmarkDotNet's
/// Ratio column reads unrolled / looped. Run with
/// <c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*Unroll*'</c>.
/// </summary>
/// <remarks>
/// Train uses learning rate 0: the step is computed and written exactly as with any other rate, but the
/// parameters (and with them every value the code touches) stay the same from one call to the next, so no
/// run drifts into saturated units or denormal numbers that would time something else than the code shape.
/// </remarks>
[Config(typeof(UnrollThresholdConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class UnrollThresholdBenchmarks
{
    private const float LearningRate = 0f;

    private readonly Net0016Looped _looped0016 = new();
    private readonly Net0016Unrolled _unrolled0016 = new();
    private readonly float[] _input0016 = Sample(4, 1);
    private readonly float[] _target0016 = Sample(2, 2);
    private readonly float[] _output0016 = new float[2];

    private readonly Net0036Looped _looped0036 = new();
    private readonly Net0036Unrolled _unrolled0036 = new();
    private readonly float[] _input0036 = Sample(6, 1);
    private readonly float[] _target0036 = Sample(2, 2);
    private readonly float[] _output0036 = new float[2];

    private readonly Net0064Looped _looped0064 = new();
    private readonly Net0064Unrolled _unrolled0064 = new();
    private readonly float[] _input0064 = Sample(8, 1);
    private readonly float[] _target0064 = Sample(2, 2);
    private readonly float[] _output0064 = new float[2];

    private readonly Net0100Looped _looped0100 = new();
    private readonly Net0100Unrolled _unrolled0100 = new();
    private readonly float[] _input0100 = Sample(10, 1);
    private readonly float[] _target0100 = Sample(2, 2);
    private readonly float[] _output0100 = new float[2];

    private readonly Net0144Looped _looped0144 = new();
    private readonly Net0144Unrolled _unrolled0144 = new();
    private readonly float[] _input0144 = Sample(12, 1);
    private readonly float[] _target0144 = Sample(2, 2);
    private readonly float[] _output0144 = new float[2];

    private readonly Net0196Looped _looped0196 = new();
    private readonly Net0196Unrolled _unrolled0196 = new();
    private readonly float[] _input0196 = Sample(14, 1);
    private readonly float[] _target0196 = Sample(2, 2);
    private readonly float[] _output0196 = new float[2];

    private readonly Net0256Looped _looped0256 = new();
    private readonly Net0256Unrolled _unrolled0256 = new();
    private readonly float[] _input0256 = Sample(16, 1);
    private readonly float[] _target0256 = Sample(4, 2);
    private readonly float[] _output0256 = new float[4];

    private readonly Net0324Looped _looped0324 = new();
    private readonly Net0324Unrolled _unrolled0324 = new();
    private readonly float[] _input0324 = Sample(18, 1);
    private readonly float[] _target0324 = Sample(2, 2);
    private readonly float[] _output0324 = new float[2];

    private readonly Net0400Looped _looped0400 = new();
    private readonly Net0400Unrolled _unrolled0400 = new();
    private readonly float[] _input0400 = Sample(20, 1);
    private readonly float[] _target0400 = Sample(2, 2);
    private readonly float[] _output0400 = new float[2];

    private readonly Net0576Looped _looped0576 = new();
    private readonly Net0576Unrolled _unrolled0576 = new();
    private readonly float[] _input0576 = Sample(24, 1);
    private readonly float[] _target0576 = Sample(4, 2);
    private readonly float[] _output0576 = new float[4];

    private readonly Net1024Looped _looped1024 = new();
    private readonly Net1024Unrolled _unrolled1024 = new();
    private readonly float[] _input1024 = Sample(32, 1);
    private readonly float[] _target1024 = Sample(4, 2);
    private readonly float[] _output1024 = new float[4];



    [Benchmark(Description = "Forward N=16 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0016")]
    public void Forward0016Looped()
    {
        _looped0016.Forward(_input0016, _output0016);
    }

    [Benchmark(Description = "Forward N=16 Unrolled")]
    [BenchmarkCategory("Forward N=0016")]
    public void Forward0016Unrolled()
    {
        _unrolled0016.Forward(_input0016, _output0016);
    }

    [Benchmark(Description = "Train N=16 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0016")]
    public float Train0016Looped()
    {
        return _looped0016.Train(_input0016, _target0016, LearningRate);
    }

    [Benchmark(Description = "Train N=16 Unrolled")]
    [BenchmarkCategory("Train N=0016")]
    public float Train0016Unrolled()
    {
        return _unrolled0016.Train(_input0016, _target0016, LearningRate);
    }

    [Benchmark(Description = "Forward N=36 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0036")]
    public void Forward0036Looped()
    {
        _looped0036.Forward(_input0036, _output0036);
    }

    [Benchmark(Description = "Forward N=36 Unrolled")]
    [BenchmarkCategory("Forward N=0036")]
    public void Forward0036Unrolled()
    {
        _unrolled0036.Forward(_input0036, _output0036);
    }

    [Benchmark(Description = "Train N=36 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0036")]
    public float Train0036Looped()
    {
        return _looped0036.Train(_input0036, _target0036, LearningRate);
    }

    [Benchmark(Description = "Train N=36 Unrolled")]
    [BenchmarkCategory("Train N=0036")]
    public float Train0036Unrolled()
    {
        return _unrolled0036.Train(_input0036, _target0036, LearningRate);
    }

    [Benchmark(Description = "Forward N=64 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0064")]
    public void Forward0064Looped()
    {
        _looped0064.Forward(_input0064, _output0064);
    }

    [Benchmark(Description = "Forward N=64 Unrolled")]
    [BenchmarkCategory("Forward N=0064")]
    public void Forward0064Unrolled()
    {
        _unrolled0064.Forward(_input0064, _output0064);
    }

    [Benchmark(Description = "Train N=64 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0064")]
    public float Train0064Looped()
    {
        return _looped0064.Train(_input0064, _target0064, LearningRate);
    }

    [Benchmark(Description = "Train N=64 Unrolled")]
    [BenchmarkCategory("Train N=0064")]
    public float Train0064Unrolled()
    {
        return _unrolled0064.Train(_input0064, _target0064, LearningRate);
    }

    [Benchmark(Description = "Forward N=100 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0100")]
    public void Forward0100Looped()
    {
        _looped0100.Forward(_input0100, _output0100);
    }

    [Benchmark(Description = "Forward N=100 Unrolled")]
    [BenchmarkCategory("Forward N=0100")]
    public void Forward0100Unrolled()
    {
        _unrolled0100.Forward(_input0100, _output0100);
    }

    [Benchmark(Description = "Train N=100 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0100")]
    public float Train0100Looped()
    {
        return _looped0100.Train(_input0100, _target0100, LearningRate);
    }

    [Benchmark(Description = "Train N=100 Unrolled")]
    [BenchmarkCategory("Train N=0100")]
    public float Train0100Unrolled()
    {
        return _unrolled0100.Train(_input0100, _target0100, LearningRate);
    }

    [Benchmark(Description = "Forward N=144 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0144")]
    public void Forward0144Looped()
    {
        _looped0144.Forward(_input0144, _output0144);
    }

    [Benchmark(Description = "Forward N=144 Unrolled")]
    [BenchmarkCategory("Forward N=0144")]
    public void Forward0144Unrolled()
    {
        _unrolled0144.Forward(_input0144, _output0144);
    }

    [Benchmark(Description = "Train N=144 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0144")]
    public float Train0144Looped()
    {
        return _looped0144.Train(_input0144, _target0144, LearningRate);
    }

    [Benchmark(Description = "Train N=144 Unrolled")]
    [BenchmarkCategory("Train N=0144")]
    public float Train0144Unrolled()
    {
        return _unrolled0144.Train(_input0144, _target0144, LearningRate);
    }

    [Benchmark(Description = "Forward N=196 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0196")]
    public void Forward0196Looped()
    {
        _looped0196.Forward(_input0196, _output0196);
    }

    [Benchmark(Description = "Forward N=196 Unrolled")]
    [BenchmarkCategory("Forward N=0196")]
    public void Forward0196Unrolled()
    {
        _unrolled0196.Forward(_input0196, _output0196);
    }

    [Benchmark(Description = "Train N=196 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0196")]
    public float Train0196Looped()
    {
        return _looped0196.Train(_input0196, _target0196, LearningRate);
    }

    [Benchmark(Description = "Train N=196 Unrolled")]
    [BenchmarkCategory("Train N=0196")]
    public float Train0196Unrolled()
    {
        return _unrolled0196.Train(_input0196, _target0196, LearningRate);
    }

    [Benchmark(Description = "Forward N=256 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0256")]
    public void Forward0256Looped()
    {
        _looped0256.Forward(_input0256, _output0256);
    }

    [Benchmark(Description = "Forward N=256 Unrolled")]
    [BenchmarkCategory("Forward N=0256")]
    public void Forward0256Unrolled()
    {
        _unrolled0256.Forward(_input0256, _output0256);
    }

    [Benchmark(Description = "Train N=256 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0256")]
    public float Train0256Looped()
    {
        return _looped0256.Train(_input0256, _target0256, LearningRate);
    }

    [Benchmark(Description = "Train N=256 Unrolled")]
    [BenchmarkCategory("Train N=0256")]
    public float Train0256Unrolled()
    {
        return _unrolled0256.Train(_input0256, _target0256, LearningRate);
    }

    [Benchmark(Description = "Forward N=324 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0324")]
    public void Forward0324Looped()
    {
        _looped0324.Forward(_input0324, _output0324);
    }

    [Benchmark(Description = "Forward N=324 Unrolled")]
    [BenchmarkCategory("Forward N=0324")]
    public void Forward0324Unrolled()
    {
        _unrolled0324.Forward(_input0324, _output0324);
    }

    [Benchmark(Description = "Train N=324 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0324")]
    public float Train0324Looped()
    {
        return _looped0324.Train(_input0324, _target0324, LearningRate);
    }

    [Benchmark(Description = "Train N=324 Unrolled")]
    [BenchmarkCategory("Train N=0324")]
    public float Train0324Unrolled()
    {
        return _unrolled0324.Train(_input0324, _target0324, LearningRate);
    }

    [Benchmark(Description = "Forward N=400 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0400")]
    public void Forward0400Looped()
    {
        _looped0400.Forward(_input0400, _output0400);
    }

    [Benchmark(Description = "Forward N=400 Unrolled")]
    [BenchmarkCategory("Forward N=0400")]
    public void Forward0400Unrolled()
    {
        _unrolled0400.Forward(_input0400, _output0400);
    }

    [Benchmark(Description = "Train N=400 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0400")]
    public float Train0400Looped()
    {
        return _looped0400.Train(_input0400, _target0400, LearningRate);
    }

    [Benchmark(Description = "Train N=400 Unrolled")]
    [BenchmarkCategory("Train N=0400")]
    public float Train0400Unrolled()
    {
        return _unrolled0400.Train(_input0400, _target0400, LearningRate);
    }

    [Benchmark(Description = "Forward N=576 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=0576")]
    public void Forward0576Looped()
    {
        _looped0576.Forward(_input0576, _output0576);
    }

    [Benchmark(Description = "Forward N=576 Unrolled")]
    [BenchmarkCategory("Forward N=0576")]
    public void Forward0576Unrolled()
    {
        _unrolled0576.Forward(_input0576, _output0576);
    }

    [Benchmark(Description = "Train N=576 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=0576")]
    public float Train0576Looped()
    {
        return _looped0576.Train(_input0576, _target0576, LearningRate);
    }

    [Benchmark(Description = "Train N=576 Unrolled")]
    [BenchmarkCategory("Train N=0576")]
    public float Train0576Unrolled()
    {
        return _unrolled0576.Train(_input0576, _target0576, LearningRate);
    }

    [Benchmark(Description = "Forward N=1024 Looped", Baseline = true)]
    [BenchmarkCategory("Forward N=1024")]
    public void Forward1024Looped()
    {
        _looped1024.Forward(_input1024, _output1024);
    }

    [Benchmark(Description = "Forward N=1024 Unrolled")]
    [BenchmarkCategory("Forward N=1024")]
    public void Forward1024Unrolled()
    {
        _unrolled1024.Forward(_input1024, _output1024);
    }

    [Benchmark(Description = "Train N=1024 Looped", Baseline = true)]
    [BenchmarkCategory("Train N=1024")]
    public float Train1024Looped()
    {
        return _looped1024.Train(_input1024, _target1024, LearningRate);
    }

    [Benchmark(Description = "Train N=1024 Unrolled")]
    [BenchmarkCategory("Train N=1024")]
    public float Train1024Unrolled()
    {
        return _unrolled1024.Train(_input1024, _target1024, LearningRate);
    }

    /// <summary>Deterministic sample values in [-1, 1) (varied signs, so some ReLU units are active and some are not).</summary>
    private static float[] Sample(int length, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        return values;
    }
}
