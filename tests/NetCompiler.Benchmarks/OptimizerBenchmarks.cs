using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace NetCompiler.Benchmarks;

/// <summary>
/// What one optimizer step costs over N float parameters, against the plain gradient-descent update that the
/// generated <c>Train</c>/<c>TrainBatch</c> fuse into their backward pass (baseline: <c>p[i] -= lr * g[i]</c>,
/// scalar), and what <see cref="System.Numerics.Vector{T}"/> buys Adam (the library's vectorized
/// <see cref="Adam{T}.Step"/> against the same update written as a scalar loop here). Run with
/// <c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*Optimizer*'</c> (about 2.5 minutes).
/// </summary>
/// <remarks>
/// The optimizers live in the NetCompiler library and work on spans; nothing in the generated code changed for
/// them, so <c>Train</c> costs what it did. The gradient is fixed and nonzero (no zeros, no denormals): Adam's
/// moments settle, the parameters drift by about the learning rate per step, which stays far from any special value.
/// </remarks>
[Config(typeof(OptimizerBenchmarkConfig))]
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private const float LearningRate = 1e-3f;

    private float[] _parameters = Array.Empty<float>();
    private float[] _gradient = Array.Empty<float>();
    private float[] _m = Array.Empty<float>();
    private float[] _v = Array.Empty<float>();
    private long _scalarSteps;
    private Momentum<float> _sgd = null!;
    private Momentum<float> _momentum = null!;
    private Adam<float> _adam = null!;
    private AdamW<float> _adamW = null!;

    /// <summary>The number of parameters.</summary>
    [Params(1_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _parameters = new float[N];
        _gradient = new float[N];
        for (int i = 0; i < N; i++)
        {
            _parameters[i] = (float)((rng.NextDouble() * 2) - 1);
            _gradient[i] = (float)((rng.NextDouble() + 0.1) * (rng.Next(2) == 0 ? -1 : 1));
        }

        _m = new float[N];
        _v = new float[N];
        _sgd = new Momentum<float>(N, LearningRate, momentum: 0);
        _momentum = new Momentum<float>(N, LearningRate, momentum: 0.9);
        _adam = new Adam<float>(N, LearningRate);
        _adamW = new AdamW<float>(N, LearningRate);
    }

    /// <summary>The update inside the generated Train: one multiply-subtract per parameter, scalar.</summary>
    [Benchmark(Baseline = true)]
    public void SgdScalar()
    {
        Span<float> p = _parameters;
        ReadOnlySpan<float> g = _gradient.AsSpan(0, p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            p[i] -= LearningRate * g[i];
        }
    }

    /// <summary>The same plain update through the library, vectorized: <see cref="Momentum{T}"/> with momentum 0.</summary>
    [Benchmark]
    public void SgdStep() => _sgd.Step(_parameters, _gradient);

    [Benchmark]
    public void MomentumStep() => _momentum.Step(_parameters, _gradient);

    [Benchmark]
    public void AdamStep() => _adam.Step(_parameters, _gradient);

    [Benchmark]
    public void AdamWStep() => _adamW.Step(_parameters, _gradient);

    /// <summary>The same update as <see cref="Adam{T}.Step"/> (same operations, same order), one parameter at a time.</summary>
    [Benchmark]
    public void AdamScalar()
    {
        const double beta1 = 0.9, beta2 = 0.999;
        double t = ++_scalarSteps;
        double bc1 = 1 - Math.Pow(beta1, t);
        double bc2 = 1 - Math.Pow(beta2, t);
        float stepSize = (float)(LearningRate / bc1);
        float sqrtBc2 = (float)Math.Sqrt(bc2);
        const float b1 = (float)beta1, oneMinusB1 = (float)(1 - beta1), b2 = (float)beta2, oneMinusB2 = (float)(1 - beta2), eps = 1e-8f;
        Span<float> p = _parameters;
        ReadOnlySpan<float> g = _gradient.AsSpan(0, p.Length);
        Span<float> m = _m.AsSpan(0, p.Length);
        Span<float> v = _v.AsSpan(0, p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            float gi = g[i];
            float mi = (b1 * m[i]) + (oneMinusB1 * gi);
            float vi = (b2 * v[i]) + ((oneMinusB2 * gi) * gi);
            m[i] = mi;
            v[i] = vi;
            p[i] -= (stepSize * mi) / ((MathF.Sqrt(vi) / sqrtBc2) + eps);
        }
    }
}

/// <summary>A short job for a shared machine: one launch, 4 warmups, 15 measured iterations of 200 ms; median and min shown.</summary>
public sealed class OptimizerBenchmarkConfig : ManualConfig
{
    public OptimizerBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithId("Optimizer")
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(200)));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}
