using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>What the backward pass does with each dE/dp: add it into <c>gradient</c>, or take a gradient-descent step on <c>p</c>.</summary>
    private enum BackwardMode
    {
        Gradient,
        Train,
    }

    /// <summary>
    /// Backpropagation from the output deltas to the first layer. Per layer, from the last: first the
    /// previous layer's deltas (they need this layer's weights before any update), then this layer's
    /// gradient or update.
    /// </summary>
    private static void WriteBackwardPass(SourceWriter w, NetworkPlan plan, BackwardMode mode)
    {
        WriteOutputDelta(w, plan);
        for (int l = plan.Layers.Count - 1; l >= 0; l--)
        {
            if (l > 0)
            {
                WriteHiddenDelta(w, plan, plan.Layers[l]);
            }

            WriteParameterStep(w, plan, plan.Layers[l], mode);
        }
    }

    /// <summary>delta_j of layer l - 1 from the deltas of layer l: delta_j = f'(net_j) * sum_k w_kj * delta_k.</summary>
    private static void WriteHiddenDelta(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        LayerPlan previous = plan.Layers[l - 1];
        w.Line();
        w.Line($"// Hidden layer {l - 1}: delta_j = f'(net_j) * sum_k w_kj * delta_k (k over the {layer.Units} units of layer {l}),");
        w.Line($"// where {ActivationFormulas.DescribeDerivative(previous.Activation)}.");
        if (layer.Unrolled)
        {
            for (int j = 0; j < layer.Inputs; j++)
            {
                List<string> terms = Enumerable.Range(0, layer.Units).Select(k => $"{plan.W(l, k, j)} * {plan.Delta(l, k)}").ToList();
                string? derivative = ActivationFormulas.Derivative(plan, previous.Activation, plan.Out(l - 1, j));
                string name = plan.Delta(l - 1, j);
                string target = Declare(plan, previous, name);
                if (terms.Count <= TermsPerStatement)
                {
                    string sum = string.Join(" + ", terms);
                    w.Line(derivative is null ? $"{target} = {sum};" : $"{target} = {derivative} * ({sum});");
                }
                else
                {
                    WriteSum(w, target, name, terms);
                    if (derivative is not null)
                    {
                        w.Line($"{name} *= {derivative};");
                    }
                }
            }

            return;
        }

        // Looped: walk W row by row (contiguous), accumulating w_kj * delta_k into every delta_j.
        w.Line($"delta{l - 1}.Clear();");
        w.Open($"for (int k = 0; k < {layer.Units}; k++)");
        w.Line($"global::System.ReadOnlySpan<{plan.T}> w = p.Slice({layer.WeightOffset} + {layer.Inputs} * k, {layer.Inputs});");
        w.Line($"{plan.T} delta = delta{l}[k];");
        WriteVectorLoop(w, plan, "j", layer.Inputs,
            $"{plan.Vector} deltas = new {plan.Vector}(delta);",
            $"({plan.Load($"delta{l - 1}", "j")} + {plan.Load("w", "j")} * deltas).CopyTo(delta{l - 1}.Slice(j));",
            $"delta{l - 1}[j] += w[j] * delta;");
        w.Close();
        string? loopDerivative = ActivationFormulas.Derivative(plan, previous.Activation, $"o{l - 1}[j]");
        if (loopDerivative is not null)
        {
            w.Open($"for (int j = 0; j < {layer.Inputs}; j++)");
            w.Line($"delta{l - 1}[j] *= {loopDerivative};");
            w.Close();
        }
    }

    /// <summary>
    /// An element-wise loop over <paramref name="count"/> values: Vector&lt;T&gt;.Count at a time, then the rest one
    /// by one. Both do the same operations on each element, so the result does not depend on the vector width.
    /// </summary>
    private static void WriteVectorLoop(SourceWriter w, NetworkPlan plan, string index, int count, string setup, string vectorStatement, string scalarStatement)
    {
        w.Line(setup);
        w.Line($"int {index} = 0;");
        w.Open($"for (; {index} <= {count} - {plan.Vector}.Count; {index} += {plan.Vector}.Count)");
        w.Line(vectorStatement);
        w.Close();
        w.Open($"for (; {index} < {count}; {index}++)");
        w.Line(scalarStatement);
        w.Close();
    }

    /// <summary>Layer l's gradient dE/dw_ji = delta_j * o_i and dE/db_j = delta_j, added into <c>gradient</c> or applied to <c>p</c>.</summary>
    private static void WriteParameterStep(SourceWriter w, NetworkPlan plan, LayerPlan layer, BackwardMode mode)
    {
        int l = layer.Index;
        w.Line();
        if (mode == BackwardMode.Gradient)
        {
            w.Line($"// Layer {l} gradient, added into gradient: dE/dw_ji = delta_j * o_i{(layer.Bias ? ", dE/db_j = delta_j" : string.Empty)}.");
        }
        else
        {
            w.Line($"// Layer {l} update (gradient descent, eta = learningRate): w_ji <- w_ji - eta * delta_j * o_i{(layer.Bias ? ", b_j <- b_j - eta * delta_j" : string.Empty)}.");
        }

        if (layer.Unrolled)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                string delta = plan.Delta(l, j);
                for (int i = 0; i < layer.Inputs; i++)
                {
                    int index = layer.WeightOffset + (layer.Inputs * j) + i;
                    w.Line(mode == BackwardMode.Gradient
                        ? $"gradient[{index}] += {delta} * {plan.In(l, i)};"
                        : $"p[{index}] -= learningRate * ({delta} * {plan.In(l, i)});");
                }

                if (layer.Bias)
                {
                    w.Line(mode == BackwardMode.Gradient
                        ? $"gradient[{layer.BiasOffset + j}] += {delta};"
                        : $"p[{layer.BiasOffset + j}] -= learningRate * {delta};");
                }
            }

            return;
        }

        string input = plan.InSpan(l);
        w.Open($"for (int j = 0; j < {layer.Units}; j++)");
        w.Line($"{plan.T} delta = delta{l}[j];");
        if (mode == BackwardMode.Gradient)
        {
            w.Line($"global::System.Span<{plan.T}> g = gradient.Slice({layer.WeightOffset} + {layer.Inputs} * j, {layer.Inputs});");
            WriteVectorLoop(w, plan, "i", layer.Inputs,
                $"{plan.Vector} deltas = new {plan.Vector}(delta);",
                $"({plan.Load("g", "i")} + deltas * {plan.Load(input, "i")}).CopyTo(g.Slice(i));",
                $"g[i] += delta * {input}[i];");
            if (layer.Bias)
            {
                w.Line($"gradient[{layer.BiasOffset} + j] += delta;");
            }
        }
        else
        {
            w.Line($"global::System.Span<{plan.T}> w = p.Slice({layer.WeightOffset} + {layer.Inputs} * j, {layer.Inputs});");
            WriteVectorLoop(w, plan, "i", layer.Inputs,
                $"{plan.Vector} deltas = new {plan.Vector}(delta), rates = new {plan.Vector}(learningRate);",
                $"({plan.Load("w", "i")} - rates * (deltas * {plan.Load(input, "i")})).CopyTo(w.Slice(i));",
                $"w[i] -= learningRate * (delta * {input}[i]);");
            if (layer.Bias)
            {
                w.Line($"p[{layer.BiasOffset} + j] -= learningRate * delta;");
            }
        }

        w.Close();
    }
}
