using System;
using System.Globalization;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>
/// <c>-- --conv-check</c>: the three implementations of <see cref="ConvBenchmarks"/> compute the same thing. For each
/// network, NetCompiler's parameters (<c>InitializeParameters(7)</c>) are copied into <see cref="NaiveConvNet"/> and
/// <see cref="TensorPrimitivesConvNet"/>; then on all 128 benchmark samples the Forward outputs must agree, and after
/// one Train step (one sample) and, from fresh copies, one TrainBatch step (32 samples), the returned losses and every
/// parameter must agree. Tolerance: |a - b| &lt;= 1e-4 * max(|a|, |b|, 1e-3) for outputs and losses, and
/// |a - b| &lt;= 1e-4 * max(|a|, |b|, 1) for parameters; in addition the parameter change of each step must agree to
/// 1e-3 of its largest element, so that a step that is lost or wrong in a small parameter cannot hide in the
/// tolerance. The TensorPrimitives layouts the network does not use (<see cref="ConvLayout"/>) are checked likewise
/// on Forward and TrainBatch. Learning rate 0.1, so that the steps are visible. Prints PASS or FAIL per network; exit code 1 on any
/// failure.
/// </summary>
public static class ConvCheck
{
    private const float LearningRate = 0.1f;
    private const double Tolerance = 1e-4;
    private const int Seed = 7;
    private const int Batch = 32;

    public static int Run()
    {
        Console.WriteLine($"Vector<float>.Count = {System.Numerics.Vector<float>.Count.ToString(CultureInfo.InvariantCulture)}");
        int failed = 0;
        failed += Check(ConvPeerSpec.Digits, () => Init(new ConvDigits()));
        failed += Check(ConvPeerSpec.Sensor, () => Init(new ConvSensor()));
        failed += Check(ConvPeerSpec.Kws, () => Init(new ConvKeywords()));
        Console.WriteLine(failed == 0 ? "conv-check: all three implementations agree on all networks" : $"conv-check: {failed} network(s) FAIL");
        return failed == 0 ? 0 : 1;
    }

    private static T Init<T>(T network)
        where T : IPeerExercised
    {
        network.InitializeParameters(Seed);
        return network;
    }

    /// <summary>Returns 1 if the network fails.</summary>
    private static int Check(ConvPeerSpec spec, Func<IPeerNetwork> create)
    {
        IPeerNetwork probe = create();
        if (spec.ParameterCount != probe.Parameters.Length)
        {
            Console.WriteLine($"FAIL {spec.Name}: parameter count {spec.ParameterCount} != NetCompiler's {probe.Parameters.Length}");
            return 1;
        }

        var tp0 = new TensorPrimitivesConvNet(spec);
        Console.WriteLine($"{spec.Name}: {spec.Inputs} inputs, {spec.Outputs} outputs, {spec.ParameterCount} parameters; TensorPrimitives layouts: {string.Join(", ", tp0.Layouts.ToArray())}");
        (float[] inputs, float[] targets) = ConvPeerData.Samples(spec, ConvPeerData.SampleCount, seed: 6);
        int failures = 0;
        int n = spec.Inputs;
        int m = spec.Outputs;

        // Forward on every sample.
        (IPeerNetwork nc, NaiveConvNet naive, TensorPrimitivesConvNet tp) = Fresh(spec, create);
        var yNc = new float[m];
        var yNaive = new float[m];
        var yTp = new float[m];
        double worstForward = 0;
        for (int s = 0; s < ConvPeerData.SampleCount; s++)
        {
            ReadOnlySpan<float> x = inputs.AsSpan(s * n, n);
            nc.Forward(x, yNc);
            naive.Forward(x, yNaive);
            tp.Forward(x, yTp);
            worstForward = Math.Max(worstForward, Math.Max(WorstRelative(yNc, yNaive, 1e-3), WorstRelative(yNc, yTp, 1e-3)));
        }

        failures += Report(spec, $"Forward ({ConvPeerData.SampleCount} samples)", worstForward);

        // One Train step on sample 0.
        float[] before = nc.Parameters.ToArray();
        float lossNc = nc.Train(inputs.AsSpan(0, n), targets.AsSpan(0, m), LearningRate);
        float lossNaive = naive.Train(inputs.AsSpan(0, n), targets.AsSpan(0, m), LearningRate);
        float lossTp = tp.Train(inputs.AsSpan(0, n), targets.AsSpan(0, m), LearningRate);
        failures += CompareStep(spec, "Train (1 sample)", before, nc, naive, tp, lossNc, lossNaive, lossTp);

        // One TrainBatch step on samples 0..31, from fresh copies.
        (nc, naive, tp) = Fresh(spec, create);
        lossNc = nc.TrainBatch(inputs.AsSpan(0, Batch * n), targets.AsSpan(0, Batch * m), LearningRate);
        lossNaive = naive.TrainBatch(inputs.AsSpan(0, Batch * n), targets.AsSpan(0, Batch * m), LearningRate);
        lossTp = tp.TrainBatch(inputs.AsSpan(0, Batch * n), targets.AsSpan(0, Batch * m), LearningRate);
        failures += CompareStep(spec, $"TrainBatch ({Batch} samples)", before, nc, naive, tp, lossNc, lossNaive, lossTp);

        failures += CheckLayouts(spec, create, inputs, targets);
        Console.WriteLine($"{(failures == 0 ? "PASS" : "FAIL")} {spec.Name}");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// The layouts <see cref="TensorPrimitivesConvNet"/> does not choose for this network compute the same too: each
    /// convolution forced to each layout it supports, against NetCompiler, on Forward (all samples) and one
    /// TrainBatch step.
    /// </summary>
    private static int CheckLayouts(ConvPeerSpec spec, Func<IPeerNetwork> create, float[] inputs, float[] targets)
    {
        int n = spec.Inputs;
        int m = spec.Outputs;
        int failures = 0;
        foreach (ConvLayout forced in new[] { ConvLayout.TapsByPositions, ConvLayout.PositionsByTaps, ConvLayout.PaddedGrid })
        {
            var layouts = new ConvLayout[spec.Shapes.Length];
            for (int l = 0; l < layouts.Length; l++)
            {
                ConvPeerShape s = spec.Shapes[l];
                layouts[l] = s.Kind != ConvPeerKind.Conv ? ConvLayout.None
                    : forced == ConvLayout.PaddedGrid && (s.SH != 1 || s.SW != 1) ? TensorPrimitivesConvNet.ChooseLayout(s)
                    : forced;
            }

            IPeerNetwork nc = create();
            var tp = new TensorPrimitivesConvNet(spec, layouts);
            nc.Parameters.CopyTo(tp.Parameters);
            var yNc = new float[m];
            var yTp = new float[m];
            double worst = 0;
            for (int s = 0; s < ConvPeerData.SampleCount; s++)
            {
                nc.Forward(inputs.AsSpan(s * n, n), yNc);
                tp.Forward(inputs.AsSpan(s * n, n), yTp);
                worst = Math.Max(worst, WorstRelative(yNc, yTp, 1e-3));
            }

            float lossNc = nc.TrainBatch(inputs.AsSpan(0, Batch * n), targets.AsSpan(0, Batch * m), LearningRate);
            float lossTp = tp.TrainBatch(inputs.AsSpan(0, Batch * n), targets.AsSpan(0, Batch * m), LearningRate);
            worst = Math.Max(worst, Relative(lossNc, lossTp, 1e-3));
            worst = Math.Max(worst, WorstRelative(nc.Parameters, tp.Parameters, 1));
            failures += Report(spec, $"TensorPrimitives forced to {forced} ({string.Join(",", tp.Layouts.ToArray()).Replace("None,", "", StringComparison.Ordinal).Replace(",None", "", StringComparison.Ordinal)}): Forward, TrainBatch", worst);
        }

        return failures;
    }

    private static (IPeerNetwork, NaiveConvNet, TensorPrimitivesConvNet) Fresh(ConvPeerSpec spec, Func<IPeerNetwork> create)
    {
        IPeerNetwork nc = create();
        var naive = new NaiveConvNet(spec);
        nc.Parameters.CopyTo(naive.Parameters);
        var tp = new TensorPrimitivesConvNet(spec);
        nc.Parameters.CopyTo(tp.Parameters);
        return (nc, naive, tp);
    }

    private static int CompareStep(ConvPeerSpec spec, string what, float[] before, IPeerNetwork nc, NaiveConvNet naive, TensorPrimitivesConvNet tp,
        float lossNc, float lossNaive, float lossTp)
    {
        float[] pNc = nc.Parameters.ToArray();
        float[] pNaive = naive.Parameters.ToArray();
        float[] pTp = tp.Parameters.ToArray();
        double worstLoss = Math.Max(Relative(lossNc, lossNaive, 1e-3), Relative(lossNc, lossTp, 1e-3));
        double worstParameters = Math.Max(WorstRelative(pNc, pNaive, 1), WorstRelative(pNc, pTp, 1));
        int failures = Report(spec, what + ": loss", worstLoss);
        failures += Report(spec, what + ": parameters", worstParameters);

        // The change of the parameters, relative to the largest change; and which implementation differs where.
        double largest = 0;
        double worstChange = 0;
        int worstAt = 0;
        for (int i = 0; i < pNc.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(pNc[i] - before[i]));
        }

        for (int i = 0; i < pNc.Length; i++)
        {
            double dNc = pNc[i] - before[i];
            double change = Math.Max(Math.Abs(dNc - (pNaive[i] - before[i])), Math.Abs(dNc - (pTp[i] - before[i]))) / largest;
            if (change > worstChange)
            {
                worstChange = change;
                worstAt = i;
            }
        }

        if (largest == 0 || !(worstChange <= 1e-3))
        {
            Console.WriteLine($"  FAIL {spec.Name,-7} {what}: parameter change disagrees by {worstChange.ToString("E2", CultureInfo.InvariantCulture)} of the largest change {largest.ToString("E2", CultureInfo.InvariantCulture)}"
                + $" (worst at p[{worstAt}]: NetCompiler {pNc[worstAt] - before[worstAt]:E4}, naive {pNaive[worstAt] - before[worstAt]:E4}, TensorPrimitives {pTp[worstAt] - before[worstAt]:E4})");
            failures++;
        }
        else
        {
            Console.WriteLine($"  ok   {spec.Name,-7} {what}: parameter change agrees to {worstChange.ToString("E2", CultureInfo.InvariantCulture)} of the largest change {largest.ToString("E2", CultureInfo.InvariantCulture)}");
        }

        return failures;
    }

    private static int Report(ConvPeerSpec spec, string what, double worst)
    {
        bool ok = worst <= Tolerance;
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {spec.Name,-7} {what}: worst relative difference {worst.ToString("E2", CultureInfo.InvariantCulture)}");
        return ok ? 0 : 1;
    }

    private static double WorstRelative(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double floor)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Relative(a[i], b[i], floor));
        }

        return worst;
    }

    private static double Relative(float a, float b, double floor)
    {
        if (!float.IsFinite(a) || !float.IsFinite(b))
        {
            return double.PositiveInfinity;
        }

        return Math.Abs((double)a - b) / Math.Max(Math.Max(Math.Abs((double)a), Math.Abs((double)b)), floor);
    }
}
