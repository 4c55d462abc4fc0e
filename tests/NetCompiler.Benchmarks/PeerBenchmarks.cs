using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using NetCompiler.Benchmarks.Peers;
using Perfolizer.Horology;

namespace NetCompiler.Benchmarks;

/// <summary>
/// Issue 6's suite: NetCompiler against two hand-written peers on the same five float32 networks
/// (<see cref="PeerSpec.All"/>, generated classes in <c>Peers/PeerNetworks.cs</c>): <see cref="NaiveMlp"/> (jagged
/// arrays, scalar loops) and <see cref="TensorPrimitivesMlp"/> (flat arrays, System.Numerics.Tensors). Three
/// measurements per network, all in ns per sample: <c>Fwd1</c> (Forward of one sample, cycling through 128 fixed
/// random samples), <c>Train1</c> (one gradient-descent step on one sample) and <c>Train32</c> (one step on the mean
/// loss of 32 samples; <c>OperationsPerInvoke = 32</c>, so the reported time is per sample). Run with
/// <c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*Peer*'</c> (45 cases, about 8
/// minutes); <c>-- --peers-check</c> verifies first that the three peers compute the same thing.
/// </summary>
[Config(typeof(PeerBenchmarkConfig))]
[MemoryDiagnoser]
public class PeerBenchmarks
{
    /// <summary>Small enough that millions of steps on random data stay finite and far from denormals.</summary>
    private const float LearningRate = 1e-3f;

    private const int Batch = 32;

    private int _id;
    private int _in;
    private int _out;
    private int _sample;
    private int _batch;
    private float[] _inputs = Array.Empty<float>();
    private float[] _targets = Array.Empty<float>();
    private float[] _output = Array.Empty<float>();
    private PeerXor? _xor;
    private PeerIris? _iris;
    private PeerDigits? _digits;
    private PeerMnist? _mnist;
    private PeerDeep? _deep;
    private NaiveMlp _naive = null!;
    private TensorPrimitivesMlp _tp = null!;

    /// <summary>The network (<see cref="PeerSpec.Name"/>).</summary>
    [Params("xor", "iris", "digits", "mnist", "deep")]
    public string Net { get; set; } = "xor";

    [GlobalSetup]
    public void Setup()
    {
        PeerSpec spec = PeerSpec.ByName(Net);
        _id = Array.IndexOf(PeerSpec.All, spec);
        _in = spec.Inputs;
        _out = spec.Outputs;
        (_inputs, _targets) = PeerData.Samples(spec, PeerData.SampleCount, seed: 6);
        _output = new float[_out];
        Span<float> p = _id switch
        {
            0 => (_xor = new PeerXor()).Parameters,
            1 => (_iris = new PeerIris()).Parameters,
            2 => (_digits = new PeerDigits()).Parameters,
            3 => (_mnist = new PeerMnist()).Parameters,
            _ => (_deep = new PeerDeep()).Parameters,
        };
        _naive = new NaiveMlp(spec);
        _naive.SetParameters(p);
        _tp = new TensorPrimitivesMlp(spec);
        p.CopyTo(_tp.Parameters);
    }

    private int NextSample()
    {
        int s = _sample;
        _sample = (s + 1) & (PeerData.SampleCount - 1);
        return s;
    }

    private int NextBatch()
    {
        int b = _batch;
        _batch = (b + 1) % (PeerData.SampleCount / Batch);
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
            case 0: _xor!.Forward(x, y); break;
            case 1: _iris!.Forward(x, y); break;
            case 2: _digits!.Forward(x, y); break;
            case 3: _mnist!.Forward(x, y); break;
            default: _deep!.Forward(x, y); break;
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
            0 => _xor!.Train(x, d, LearningRate),
            1 => _iris!.Train(x, d, LearningRate),
            2 => _digits!.Train(x, d, LearningRate),
            3 => _mnist!.Train(x, d, LearningRate),
            _ => _deep!.Train(x, d, LearningRate),
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
            0 => _xor!.TrainBatch(x, d, LearningRate),
            1 => _iris!.TrainBatch(x, d, LearningRate),
            2 => _digits!.TrainBatch(x, d, LearningRate),
            3 => _mnist!.TrainBatch(x, d, LearningRate),
            _ => _deep!.TrainBatch(x, d, LearningRate),
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
/// A short job for 45 cases on a small, shared machine: one launch, 4 warmups, 15 measured iterations of 150 ms.
/// </summary>
public sealed class PeerBenchmarkConfig : ManualConfig
{
    public PeerBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithId("Peer")
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(150)));
        AddColumn(StatisticColumn.Median, StatisticColumn.Min);
    }
}
