using System.Collections.Generic;

namespace NetCompiler.Generator.Emission;

/// <summary>One layer's weights for <c>__Initialize</c>: where they are, their fans and rule, and the biases after them.</summary>
internal sealed record InitializationGroup(int Number, string Activation, int WeightOffset, int WeightCount, int FanIn, int FanOut, bool He, int BiasCount)
{
    public int BiasOffset => WeightOffset + WeightCount;
}

internal static partial class NetworkEmitter
{
    /// <summary>The Dense layers' weights: fan_in = inputs, fan_out = units; He for the ReLUs, Xavier/Glorot otherwise.</summary>
    private static IEnumerable<InitializationGroup> DenseInitialization(NetworkPlan plan)
    {
        foreach (LayerPlan layer in plan.Layers)
        {
            yield return new InitializationGroup(layer.Number, layer.Activation.ToString(), layer.WeightOffset, layer.Weights, layer.Inputs, layer.Units,
                layer.Activation is Activation.ReLU or Activation.LeakyReLU, layer.Bias ? layer.Units : 0);
        }
    }

    private static void WriteInitializeCore(SourceWriter w, NetworkPlan plan) => WriteInitializeCore(w, plan, new List<InitializationGroup>(DenseInitialization(plan)));

    /// <summary>
    /// <c>__Initialize(p, seed)</c>: uniform Xavier/Glorot or He weights from a SplitMix64 sequence, biases 0.
    /// Only integer arithmetic, one multiply and one conversion per weight, and limits computed by the
    /// generator (square roots, correctly rounded everywhere) and written as exact literals: the same seed
    /// gives the same bits on every machine and runtime.
    /// </summary>
    private static void WriteInitializeCore(SourceWriter w, CodeContext plan, List<InitializationGroup> layers)
    {
        w.Line($"/// <summary>Fills <paramref name=\"p\"/> as <see cref=\"InitializeParameters(int)\"/> describes.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"private static void __Initialize(global::System.Span<{plan.T}> p, int seed)");
        if (layers.Count == 0)
        {
            w.Line("// No layer has parameters (pooling only): nothing to initialize.");
            w.Close();
            return;
        }

        w.Line("// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state and integer arithmetic only, so the");
        w.Line("// sequence is identical on every machine. The seed is hashed first, so that nearby seeds start far");
        w.Line("// apart in the sequence instead of one step apart.");
        w.Line("ulong state = Mix(unchecked((ulong)seed) ^ 0x6A09E667F3BCC909UL);");
        foreach (InitializationGroup layer in layers)
        {
            double limit = layer.He
                ? System.Math.Sqrt(6.0 / layer.FanIn)
                : System.Math.Sqrt(6.0 / (layer.FanIn + layer.FanOut));
            w.Line();
            w.Line(layer.He
                ? $"// Layer {layer.Number} weights ({layer.Activation}: He uniform): w ~ U(-limit, limit), limit = sqrt(6 / fan_in) = sqrt(6 / {layer.FanIn})."
                : $"// Layer {layer.Number} weights ({layer.Activation}: Xavier/Glorot uniform): w ~ U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)) = sqrt(6 / {layer.FanIn + layer.FanOut}).");
            w.Open($"for (int i = {layer.WeightOffset}; i < {layer.WeightOffset + layer.WeightCount}; i++)");
            w.Line($"p[i] = ({plan.T})((2d * NextUniform(ref state) - 1d) * {Literals.Format(limit, Precision.Double)});");
            w.Close();
            if (layer.BiasCount > 0)
            {
                w.Line($"// Layer {layer.Number} biases: b = 0.");
                w.Line($"p.Slice({layer.BiasOffset}, {layer.BiasCount}).Clear();");
            }
        }

        w.Line();
        w.Line("// A uniform double in [0, 1) from the top 53 bits of the next SplitMix64 output.");
        w.Open("static double NextUniform(ref ulong state)");
        w.Line("state = unchecked(state + 0x9E3779B97F4A7C15UL);");
        w.Line("return (Mix(state) >> 11) * (1d / 9007199254740992d);");
        w.Close();
        w.Line();
        w.Line("// SplitMix64's output function: a bijective 64-bit mix.");
        w.Open("static ulong Mix(ulong z)");
        w.Open("unchecked");
        w.Line("z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;");
        w.Line("z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;");
        w.Line("return z ^ (z >> 31);");
        w.Close();
        w.Close();
        w.Close();
    }
}
