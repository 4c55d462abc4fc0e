using System;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>The fixed random samples the peer benchmarks and the peer check cycle through.</summary>
public static class PeerData
{
    /// <summary>A power of two (the benchmarks wrap with a mask) and a multiple of the batch of 32.</summary>
    public const int SampleCount = 128;

    /// <summary>
    /// Inputs uniform in [-1, 1]; targets one-hot for cross-entropy networks, uniform in [0, 1] for a sigmoid output,
    /// uniform in [-1, 1] otherwise. Deterministic for a seed.
    /// </summary>
    public static (float[] Inputs, float[] Targets) Samples(PeerSpec spec, int count, int seed)
    {
        var rng = new Random(seed);
        var inputs = new float[count * spec.Inputs];
        var targets = new float[count * spec.Outputs];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        for (int s = 0; s < count; s++)
        {
            Span<float> d = targets.AsSpan(s * spec.Outputs, spec.Outputs);
            if (spec.Loss == NetCompiler.Loss.CrossEntropy)
            {
                d[rng.Next(d.Length)] = 1f;
            }
            else if (spec.Layers[^1].Activation == NetCompiler.Activation.Sigmoid)
            {
                for (int k = 0; k < d.Length; k++)
                {
                    d[k] = (float)rng.NextDouble();
                }
            }
            else
            {
                for (int k = 0; k < d.Length; k++)
                {
                    d[k] = (float)((rng.NextDouble() * 2) - 1);
                }
            }
        }

        return (inputs, targets);
    }
}
