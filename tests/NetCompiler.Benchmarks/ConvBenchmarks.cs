using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using NetCompiler.Benchmarks.Peers;
using Perfolizer.Horology;

namespace NetCompiler.Benchmarks;

/// <summary>
/// NetCompiler against two hand-written peers on three float32 convolutional networks (<see cref="ConvPeerSpec.All"/>,
/// generated classes in <c>Peers/ConvPeerNetworks.cs</c>): <see cref="NaiveConvNet"/> (flat arrays, direct scalar loops)
/// and <see cref="TensorPrimitivesConvNet"/> (im2col, System.Numerics.Tensors). Three measurements per network, all in
/// ns per sample: <c>Fwd1</c> (Forward of one sample, cycling through 128 fixed random samples), <c>Train1</c> (one
/// gradient-descent step on one sample) and <c>Train32</c> (one step on the mean loss of 32 samples;
/// <c>OperationsPerInvoke = 32</c>, so the reported time is per sample). Inputs uniform in [0, 1), one-hot targets. Run
/// with <c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*ConvBenchmarks*'</c> (27 cases,
/// about 8 minutes, <see cref="ConvBenchmarkConfig"/>); <c>-- --conv-check</c> verifies first that the three
/// implementations compute the same thing.
/// </summary>
[Config(typeof(ConvBenchmarkConfig))]
[MemoryDiagnoser]
public class ConvBenchmarks
{
    /// <summary>Small enough that millions of steps on random data stay finite and far from denormals.</summary>
    private const float LearningRate = 1e-4f;

    private const int Batch = 32;

    private int _id;
    private int _in;
    private int _out;
    private int _sample;
    private int _batch;
    private float[] _inputs = Array.Empty<float>();
    private float[] _targets = Array.Empty<float>();
    private float[] _output = Array.Empty<float>();
    private ConvDigits? _digits;
    private ConvSensor? _sensor;
    private ConvKeywords? _kws;
    private NaiveConvNet _naive = null!;
    private TensorPrimitivesConvNet _tp = null!;

    /// <summary>The network (<see cref="ConvPeerSpec.Name"/>).</summary>
    [Params("digits", "sensor", "kws")]
    public string Net { get; set; } = "digits";

    [GlobalSetup]
    public void Setup()
    {
        ConvPeerSpec spec = ConvPeerSpec.ByName(Net);
        _id = Array.IndexOf(ConvPeerSpec.All, spec);
        _in = spec.Inputs;
        _out = spec.Outputs;
        (_inputs, _targets) = ConvPeerData.Samples(spec, ConvPeerData.SampleCount, seed: 6);
        _output = new float[_out];
        Span<float> p = _id switch
        {
            0 => (_digits = new ConvDigits()).Parameters,
            1 => (_sensor = new ConvSensor()).Parameters,
            _ => (_kws = new ConvKeywords()).Parameters,
        };
        _naive = new NaiveConvNet(spec);
        p.CopyTo(_naive.Parameters);
        _tp = new TensorPrimitivesConvNet(spec);
        p.CopyTo(_tp.Parameters);
    }

    private int NextSample()
    {
        int s = _sample;
        _sample = (s + 1) & (ConvPeerData.SampleCount - 1);
        return s;
    }

    private int NextBatch()
    {
        int b = _batch;
        _batch = (b + 1) % (ConvPeerData.SampleCount / Batch);
        return b;
    }

    [Benchmark]
    [BenchmarkCategory("fwd1")]
    public float Fwd1_NetCompiler()
    {
        ReadOnlySpan<float> x = _inputs.AsSpan(NextSample() * _in, _in);
        Span<float> y = _output;
        switch (_id)
        {
            case 0: _digits!.Forward(x, y); break;
            case 1: _sensor!.Forward(x, y); break;
            default: _kws!.Forward(x, y); break;
        }

        return y[0];
    }

    [Benchmark]
    [BenchmarkCategory("fwd1")]
    public float Fwd1_TensorPrimitives()
    {
        _tp.Forward(_inputs.AsSpan(NextSample() * _in, _in), _output);
        return _output[0];
    }

    [Benchmark]
    [BenchmarkCategory("fwd1")]
    public float Fwd1_Naive()
    {
        _naive.Forward(_inputs.AsSpan(NextSample() * _in, _in), _output);
        return _output[0];
    }

    [Benchmark]
    [BenchmarkCategory("train1")]
    public float Train1_NetCompiler()
    {
        int s = NextSample();
        ReadOnlySpan<float> x = _inputs.AsSpan(s * _in, _in);
        ReadOnlySpan<float> d = _targets.AsSpan(s * _out, _out);
        return _id switch
        {
            0 => _digits!.Train(x, d, LearningRate),
            1 => _sensor!.Train(x, d, LearningRate),
            _ => _kws!.Train(x, d, LearningRate),
        };
    }

    [Benchmark]
    [BenchmarkCategory("train1")]
    public float Train1_TensorPrimitives()
    {
        int s = NextSample();
        return _tp.Train(_inputs.AsSpan(s * _in, _in), _targets.AsSpan(s * _out, _out), LearningRate);
    }

    [Benchmark]
    [BenchmarkCategory("train1")]
    public float Train1_Naive()
    {
        int s = NextSample();
        return _naive.Train(_inputs.AsSpan(s * _in, _in), _targets.AsSpan(s * _out, _out), LearningRate);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("train32")]
    public float Train32_NetCompiler()
    {
        int b = NextBatch();
        ReadOnlySpan<float> x = _inputs.AsSpan(b * Batch * _in, Batch * _in);
        ReadOnlySpan<float> d = _targets.AsSpan(b * Batch * _out, Batch * _out);
        return _id switch
        {
            0 => _digits!.TrainBatch(x, d, LearningRate),
            1 => _sensor!.TrainBatch(x, d, LearningRate),
            _ => _kws!.TrainBatch(x, d, LearningRate),
        };
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("train32")]
    public float Train32_TensorPrimitives()
    {
        int b = NextBatch();
        return _tp.TrainBatch(_inputs.AsSpan(b * Batch * _in, Batch * _in), _targets.AsSpan(b * Batch * _out, Batch * _out), LearningRate);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("train32")]
    public float Train32_Naive()
    {
        int b = NextBatch();
        return _naive.TrainBatch(_inputs.AsSpan(b * Batch * _in, Batch * _in), _targets.AsSpan(b * Batch * _out, Batch * _out), LearningRate);
    }
}

/// <summary>
/// <see cref="PeerBenchmarkConfig"/>'s job (one launch, 15 measured iterations of 150 ms) with 15 warmup iterations
/// instead of 4: TensorPrimitives' generic code takes one to two seconds of calls to reach its final tier, and with 4
/// warmups Train32_TensorPrimitives (whose pilot stage is short) was measured while it still got faster, at twice its
/// steady time on digits.
/// </summary>
public sealed class ConvBenchmarkConfig : ManualConfig
{
    public ConvBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithId("Conv")
            .WithLaunchCount(1)
            .WithWarmupCount(15)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(150)));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}
