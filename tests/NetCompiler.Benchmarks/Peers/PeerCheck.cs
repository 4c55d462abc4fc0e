using System;
using System.Globalization;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>What the peer check needs of a generated network (the generated members implement it implicitly).</summary>
public interface IPeerNetwork
{
    Span<float> Parameters { get; }

    void Forward(ReadOnlySpan<float> input, Span<float> output);

    float Train(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate);

    float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);
}

/// <summary>
/// <c>-- --peers-check</c>: the three peers of <see cref="PeerBenchmarks"/> compute the same thing. For each network,
/// NetCompiler's initial parameters are copied into <see cref="NaiveMlp"/> and <see cref="TensorPrimitivesMlp"/>;
/// then on all 128 benchmark samples the Forward outputs must agree, and after one Train step (one sample) and,
/// from fresh copies, one TrainBatch step (32 samples), the returned losses and the parameters must agree. Tolerance:
/// |a - b| &lt;= 1e-4 * max(|a|, |b|, 1e-3) elementwise (relative, with a floor of 1e-7 absolute for values near 0);
/// in addition the parameter change of each step must agree to 1e-3 of its largest element, so that a step that is
/// lost or wrong in a small parameter cannot hide in the tolerance. Learning rate 0.1, so that the steps are visible.
/// </summary>
public static class PeerCheck
{
    private const float LearningRate = 0.1f;
    private const float Tolerance = 1e-4f;

    public static int Run()
    {
        Console.WriteLine($"Vector<float>.Count = {System.Numerics.Vector<float>.Count.ToString(CultureInfo.InvariantCulture)}");
        int failures = 0;
        failures += Check(PeerSpec.Xor, () => new PeerXor());
        failures += Check(PeerSpec.Iris, () => new PeerIris());
        failures += Check(PeerSpec.Digits, () => new PeerDigits());
        failures += Check(PeerSpec.Mnist, () => new PeerMnist());
        failures += Check(PeerSpec.Deep, () => new PeerDeep());
        Console.WriteLine(failures == 0 ? "peers-check: all peers agree" : $"peers-check: {failures} failure(s)");
        return failures == 0 ? 0 : 1;
    }

    private static int Check(PeerSpec spec, Func<IPeerNetwork> create)
    {
        if (spec.ParameterCount != create().Parameters.Length)
        {
            Console.WriteLine($"{spec.Name}: parameter count {spec.ParameterCount} != NetCompiler's {create().Parameters.Length}");
            return 1;
        }

        (float[] inputs, float[] targets) = PeerData.Samples(spec, PeerData.SampleCount, seed: 6);
        int failures = 0;
        int n = spec.Inputs;
        int m = spec.Outputs;

        // Forward on every sample.
        (IPeerNetwork nc, NaiveMlp naive, TensorPrimitivesMlp tp) = Fresh(spec, create);
        var yNc = new float[m];
        var yNaive = new float[m];
        var yTp = new float[m];
        double worstForward = 0;
        for (int s = 0; s < PeerData.SampleCount; s++)
        {
            ReadOnlySpan<float> x = inputs.AsSpan(s * n, n);
            nc.Forward(x, yNc);
            naive.Forward(x, yNaive);
            tp.Forward(x, yTp);
            worstForward = Math.Max(worstForward, Math.Max(WorstRelative(yNc, yNaive), WorstRelative(yNc, yTp)));
        }

        failures += Report(spec, "Forward (128 samples)", worstForward);

        // One Train step on sample 0.
        float[] before = nc.Parameters.ToArray();
        float lossNc = nc.Train(inputs.AsSpan(0, n), targets.AsSpan(0, m), LearningRate);
        float lossNaive = naive.Train(inputs.AsSpan(0, n), targets.AsSpan(0, m), LearningRate);
        float lossTp = tp.Train(inputs.AsSpan(0, n), targets.AsSpan(0, m), LearningRate);
        failures += CompareStep(spec, "Train (1 sample)", before, nc, naive, tp, lossNc, lossNaive, lossTp);

        // One TrainBatch step on samples 0..31, from fresh copies.
        (nc, naive, tp) = Fresh(spec, create);
        int k = 32;
        lossNc = nc.TrainBatch(inputs.AsSpan(0, k * n), targets.AsSpan(0, k * m), LearningRate);
        lossNaive = naive.TrainBatch(inputs.AsSpan(0, k * n), targets.AsSpan(0, k * m), LearningRate);
        lossTp = tp.TrainBatch(inputs.AsSpan(0, k * n), targets.AsSpan(0, k * m), LearningRate);
        failures += CompareStep(spec, "TrainBatch (32 samples)", before, nc, naive, tp, lossNc, lossNaive, lossTp);
        return failures;
    }

    private static (IPeerNetwork, NaiveMlp, TensorPrimitivesMlp) Fresh(PeerSpec spec, Func<IPeerNetwork> create)
    {
        IPeerNetwork nc = create();
        var naive = new NaiveMlp(spec);
        naive.SetParameters(nc.Parameters);
        var tp = new TensorPrimitivesMlp(spec);
        nc.Parameters.CopyTo(tp.Parameters);
        return (nc, naive, tp);
    }

    private static int CompareStep(PeerSpec spec, string what, float[] before, IPeerNetwork nc, NaiveMlp naive, TensorPrimitivesMlp tp,
        float lossNc, float lossNaive, float lossTp)
    {
        float[] pNc = nc.Parameters.ToArray();
        var pNaive = new float[pNc.Length];
        naive.GetParameters(pNaive);
        float[] pTp = tp.Parameters.ToArray();
        double worstLoss = Math.Max(Relative(lossNc, lossNaive), Relative(lossNc, lossTp));
        double worstParameters = Math.Max(WorstRelative(pNc, pNaive), WorstRelative(pNc, pTp));
        int failures = Report(spec, what + ": loss", worstLoss);
        failures += Report(spec, what + ": parameters", worstParameters);

        // The change of the parameters, relative to the largest change.
        double largest = 0;
        double worstChange = 0;
        for (int i = 0; i < pNc.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(pNc[i] - before[i]));
        }

        for (int i = 0; i < pNc.Length; i++)
        {
            double dNc = pNc[i] - before[i];
            worstChange = Math.Max(worstChange, Math.Max(Math.Abs(dNc - (pNaive[i] - before[i])), Math.Abs(dNc - (pTp[i] - before[i]))) / largest);
        }

        if (largest == 0 || worstChange > 1e-3)
        {
            Console.WriteLine($"FAIL {spec.Name,-7} {what}: parameter change disagrees by {worstChange:E2} of the largest change {largest:E2}");
            failures++;
        }
        else
        {
            Console.WriteLine($"ok   {spec.Name,-7} {what}: parameter change agrees to {worstChange:E2} of the largest change {largest.ToString("E2", CultureInfo.InvariantCulture)}");
        }

        return failures;
    }

    private static int Report(PeerSpec spec, string what, double worst)
    {
        bool ok = worst <= Tolerance;
        Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {spec.Name,-7} {what}: worst relative difference {worst.ToString("E2", CultureInfo.InvariantCulture)}");
        return ok ? 0 : 1;
    }

    private static double WorstRelative(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Relative(a[i], b[i]));
        }

        return worst;
    }

    private static double Relative(float a, float b)
    {
        if (!float.IsFinite(a) || !float.IsFinite(b))
        {
            return double.PositiveInfinity;
        }

        return Math.Abs((double)a - b) / Math.Max(Math.Max(Math.Abs((double)a), Math.Abs((double)b)), 1e-3);
    }
}
