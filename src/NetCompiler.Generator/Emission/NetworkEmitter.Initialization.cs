namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>
    /// <c>__Initialize(p, seed)</c>: uniform Xavier/Glorot or He weights from a SplitMix64 sequence, biases 0.
    /// Only integer arithmetic, one multiply and one conversion per weight, and limits computed by the
    /// generator (square roots, correctly rounded everywhere) and written as exact literals: the same seed
    /// gives the same bits on every machine and runtime.
    /// </summary>
    private static void WriteInitializeCore(SourceWriter w, NetworkPlan plan)
    {
        w.Line($"/// <summary>Fills <paramref name=\"p\"/> as <see cref=\"InitializeParameters(int)\"/> describes.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"private static void __Initialize(global::System.Span<{plan.T}> p, int seed)");
        w.Line("// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state and integer arithmetic only, so the");
        w.Line("// sequence is identical on every machine. The seed is hashed first, so that nearby seeds start far");
        w.Line("// apart in the sequence instead of one step apart.");
        w.Line("ulong state = Mix(unchecked((ulong)seed) ^ 0x6A09E667F3BCC909UL);");
        foreach (LayerPlan layer in plan.Layers)
        {
            bool he = layer.Activation is Activation.ReLU or Activation.LeakyReLU;
            double limit = he
                ? System.Math.Sqrt(6.0 / layer.Inputs)
                : System.Math.Sqrt(6.0 / (layer.Inputs + layer.Units));
            w.Line();
            w.Line(he
                ? $"// Layer {layer.Index} weights ({layer.Activation}: He uniform): w ~ U(-limit, limit), limit = sqrt(6 / fan_in) = sqrt(6 / {layer.Inputs})."
                : $"// Layer {layer.Index} weights ({layer.Activation}: Xavier/Glorot uniform): w ~ U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)) = sqrt(6 / {layer.Inputs + layer.Units}).");
            w.Open($"for (int i = {layer.WeightOffset}; i < {layer.WeightOffset + layer.Weights}; i++)");
            w.Line($"p[i] = ({plan.T})((2d * NextUniform(ref state) - 1d) * {Literals.Format(limit, Precision.Double)});");
            w.Close();
            if (layer.Bias)
            {
                w.Line($"// Layer {layer.Index} biases: b = 0.");
                w.Line($"p.Slice({layer.BiasOffset}, {layer.Units}).Clear();");
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
