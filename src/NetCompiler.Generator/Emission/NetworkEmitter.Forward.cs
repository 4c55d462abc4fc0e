using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>Most terms in one generated statement; longer sums continue with <c>+=</c> (keeps expression trees shallow for the compiler).</summary>
    private const int TermsPerStatement = 16;

    /// <summary>Declares the stack-allocated spans for layers whose values do not live in locals.</summary>
    private static void WriteScratch(SourceWriter w, NetworkPlan plan, bool backward)
    {
        foreach ((string name, int length) in plan.ScratchSpans(backward))
        {
            w.Line($"global::System.Span<{plan.T}> {name} = stackalloc {plan.T}[{length}];");
        }
    }

    /// <summary>The forward pass: every layer's net_j and o_j, from the inputs to the outputs y_k = o_k of the last layer.</summary>
    private static void WriteForwardPass(SourceWriter w, NetworkPlan plan)
    {
        if (plan.InputInLocals)
        {
            w.Line("// Inputs: o_i = x_i.");
            for (int i = 0; i < plan.InputCount; i++)
            {
                w.Line($"{plan.T} x{i} = input[{i}];");
            }
        }

        foreach (LayerPlan layer in plan.Layers)
        {
            w.Line();
            WriteLayerHeader(w, plan, layer);
            if (layer.Unrolled)
            {
                WriteUnrolledLayer(w, plan, layer);
            }
            else
            {
                WriteLoopedLayer(w, plan, layer);
            }
        }
    }

    private static void WriteLayerHeader(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string shape = $"Dense {layer.Inputs} -> {layer.Units}, {layer.Activation}, {(layer.Bias ? "bias" : "no bias")}";
        string code = layer.Unrolled
            ? "unrolled"
            : $"looped: {layer.LoopReason}";
        w.Line($"// Layer {layer.Index}: {shape} ({code}).");
        string where = plan.Baked is not null && layer.Unrolled ? " (compiled in below as constants)" : string.Empty;
        w.Line($"// Weights w_ji = p[{layer.WeightOffset} + {layer.Inputs} * j + i]{(layer.Bias ? $", biases b_j = p[{layer.BiasOffset} + j]" : string.Empty)}{where}.");
    }

    private static void WriteUnrolledLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
        for (int j = 0; j < layer.Units; j++)
        {
            IEnumerable<string> terms = Enumerable.Range(0, layer.Inputs).Select(i => $"{plan.W(l, j, i)} * {plan.In(l, i)}");
            if (layer.Bias)
            {
                terms = terms.Append(plan.B(l, j));
            }

            WriteSum(w, $"{plan.T} net{l}_{j}", $"net{l}_{j}", terms.ToList());
        }

        w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
        if (layer.Activation == Activation.Softmax)
        {
            w.Line($"{plan.T} max{l} = net{l}_0;");
            for (int j = 1; j < layer.Units; j++)
            {
                w.Line($"max{l} = {plan.Math}.Max(max{l}, net{l}_{j});");
            }

            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{plan.T} exp{l}_{j} = {plan.Math}.Exp(net{l}_{j} - max{l});");
            }

            WriteSum(w, $"{plan.T} sum{l}", $"sum{l}", Enumerable.Range(0, layer.Units).Select(j => $"exp{l}_{j}").ToList());
            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{Declare(plan, layer, plan.Out(l, j))} = exp{l}_{j} / sum{l};");
            }

            return;
        }

        for (int j = 0; j < layer.Units; j++)
        {
            w.Line($"{Declare(plan, layer, plan.Out(l, j))} = {ActivationFormulas.Apply(plan, layer.Activation, $"net{l}_{j}")};");
        }
    }

    private static void WriteLoopedLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        string input = plan.InSpan(l);
        bool softmax = layer.Activation == Activation.Softmax;
        w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
        if (!softmax)
        {
            w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
        }

        w.Open($"for (int j = 0; j < {layer.Units}; j++)");
        w.Line($"global::System.ReadOnlySpan<{plan.T}> w = p.Slice({layer.WeightOffset} + {layer.Inputs} * j, {layer.Inputs});");
        w.Line($"// Vector<T>.Count products at a time, then the rest one by one.");
        w.Line($"{plan.Vector} products = {plan.Vector}.Zero;");
        w.Line("int i = 0;");
        w.Open($"for (; i <= {layer.Inputs} - {plan.Vector}.Count; i += {plan.Vector}.Count)");
        w.Line($"products += {plan.Load("w", "i")} * {plan.Load(input, "i")};");
        w.Close();
        w.Line($"{plan.T} net = global::System.Numerics.Vector.Dot(products, {plan.Vector}.One);");
        w.Open($"for (; i < {layer.Inputs}; i++)");
        w.Line($"net += w[i] * {input}[i];");
        w.Close();
        if (layer.Bias)
        {
            w.Line($"net += p[{layer.BiasOffset} + j];");
        }

        if (plan.KeepsNetSpan(l))
        {
            w.Line($"net{l}[j] = net;");
        }

        if (!softmax)
        {
            w.Line($"o{l}[j] = {ActivationFormulas.Apply(plan, layer.Activation, "net")};");
        }

        w.Close();

        if (softmax)
        {
            w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
            w.Line($"{plan.T} max{l} = net{l}[0];");
            w.Open($"for (int j = 1; j < {layer.Units}; j++)");
            w.Line($"max{l} = {plan.Math}.Max(max{l}, net{l}[j]);");
            w.Close();
            w.Line($"{plan.T} sum{l} = {plan.Lit(0)};");
            w.Open($"for (int j = 0; j < {layer.Units}; j++)");
            w.Line($"o{l}[j] = {plan.Math}.Exp(net{l}[j] - max{l});");
            w.Line($"sum{l} += o{l}[j];");
            w.Close();
            w.Open($"for (int j = 0; j < {layer.Units}; j++)");
            w.Line($"o{l}[j] = o{l}[j] / sum{l};");
            w.Close();
        }
    }

    /// <summary>"float o1_0" for a local, "o1[0]" for a span element.</summary>
    private static string Declare(NetworkPlan plan, LayerPlan layer, string name) =>
        layer.InLocals ? $"{plan.T} {name}" : name;

    /// <summary>Writes <c>target = t0 + t1 + ...;</c>, continuing long sums with <c>name += ...;</c>.</summary>
    private static void WriteSum(SourceWriter w, string target, string name, IReadOnlyList<string> terms)
    {
        for (int start = 0; start < terms.Count; start += TermsPerStatement)
        {
            string sum = string.Join(" + ", terms.Skip(start).Take(TermsPerStatement));
            w.Line(start == 0 ? $"{target} = {sum};" : $"{name} += {sum};");
        }
    }
}
