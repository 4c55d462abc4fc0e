using System;
using System.IO;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>Every public method a generated network has (the generated members implement it implicitly).</summary>
public interface IPeerExercised : IPeerNetwork
{
    void InitializeParameters(int seed);

    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<float> target);

    float Gradient(ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> gradient);

    void SaveParameters(Stream stream);

    void LoadParameters(Stream stream);

    void LoadParameters(ReadOnlySpan<byte> file);
}

public sealed partial class PeerXor : IPeerExercised { }

public sealed partial class PeerIris : IPeerExercised { }

public sealed partial class PeerDigits : IPeerExercised { }

public sealed partial class PeerMnist : IPeerExercised { }

public sealed partial class PeerDeep : IPeerExercised { }

/// <summary>
/// <c>-- --peers-exercise</c>: calls every public method of the five peer networks a few times, nothing else. Run
/// with <c>DOTNET_TieredCompilation=0 DOTNET_JitStdOutFile=jit.txt DOTNET_JitDisasmSummary=1</c>, the JIT lists how
/// it compiled each generated method: FullOpts, or MinOpts for a method too large to optimize (the
/// NetCompiler.Generator.Tests JitTests check that none is). The calls go through an interface, so none of them is
/// inlined into this code: each generated method is compiled on its own.
/// </summary>
public static class PeerExercise
{
    private const int Rounds = 3;

    public static int Run()
    {
        double sum = 0;
        sum += Exercise<PeerXor>(PeerSpec.Xor);
        sum += Exercise<PeerIris>(PeerSpec.Iris);
        sum += Exercise<PeerDigits>(PeerSpec.Digits);
        sum += Exercise<PeerMnist>(PeerSpec.Mnist);
        sum += Exercise<PeerDeep>(PeerSpec.Deep);
        bool ok = double.IsFinite(sum);
        Console.WriteLine(ok ? $"peers-exercise: done (checksum {sum:G6})" : "peers-exercise: a loss or an output is not finite");
        return ok ? 0 : 1;
    }

    private static double Exercise<T>(PeerSpec spec)
        where T : IPeerExercised, new()
    {
        const int batch = 4;
        (float[] inputs, float[] targets) = PeerData.Samples(spec, batch * Rounds, seed: 7);
        int n = spec.Inputs;
        int m = spec.Outputs;
        T net = new();
        var output = new float[batch * m];
        var gradient = new float[net.Parameters.Length];
        double sum = 0;
        for (int round = 0; round < Rounds; round++)
        {
            ReadOnlySpan<float> x = inputs.AsSpan(round * n, n);
            ReadOnlySpan<float> d = targets.AsSpan(round * m, m);
            ReadOnlySpan<float> xs = inputs.AsSpan(round * batch * n, batch * n);
            ReadOnlySpan<float> ds = targets.AsSpan(round * batch * m, batch * m);

            net.InitializeParameters(round);
            net.Forward(x, output.AsSpan(0, m));
            net.ForwardBatch(xs, output);
            sum += output[0];
            sum += net.ComputeLoss(x, d);
            gradient.AsSpan().Clear();
            sum += net.Gradient(x, d, gradient);
            sum += gradient[0];
            sum += net.Train(x, d, 0.01f);
            sum += net.TrainBatch(xs, ds, 0.01f);

            using var stream = new MemoryStream();
            net.SaveParameters(stream);
            stream.Position = 0;
            net.LoadParameters(stream);
            net.LoadParameters(stream.ToArray());
            sum += net.Parameters[0];
        }

        return sum;
    }
}
