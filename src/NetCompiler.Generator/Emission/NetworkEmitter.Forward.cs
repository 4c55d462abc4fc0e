using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>Most terms in one generated statement; longer sums continue with <c>+=</c> (keeps expression trees shallow for the compiler).</summary>
    private const int TermsPerStatement = 16;

    /// <summary>Declares the stack-allocated spans for layers whose values do not live in locals.</summary>
    private static void WriteScratch(SourceWriter w, NetworkPlan plan, bool backward, bool keep = false)
    {
        foreach ((string name, int length) in plan.ScratchSpans(backward))
        {
            w.Line(keep && plan.KeptSpans.TryGetValue(name, out int offset)
                ? $"global::System.Span<{plan.T}> {name} = keep.Slice({offset}, {length});"
                : $"global::System.Span<{plan.T}> {name} = stackalloc {plan.T}[{length}];");
        }

        if (!plan.AllUnrolled)
        {
            w.Line($"ref {plan.T} pRef = ref {plan.Reference("p")};");
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

        if (!layer.InLocals && layer.Activation is Activation.Sigmoid or Activation.Tanh)
        {
            // The values live in a span anyway: store net_j there and transform the span with the vector kernels.
            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{plan.Out(l, j)} = net{l}_{j};");
            }

            WriteSpanActivation(w, plan, layer, $"o{l}", $"o{l}");
            return;
        }

        for (int j = 0; j < layer.Units; j++)
        {
            w.Line($"{Declare(plan, layer, plan.Out(l, j))} = {ActivationFormulas.Apply(plan, layer.Activation, $"net{l}_{j}")};");
        }
    }

    /// <summary>Rows of W that a looped pass handles together: each vector of inputs is loaded once for all of them.</summary>
    internal const int RowBlock = 4;

    private static void WriteLoopedLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        bool softmax = layer.Activation == Activation.Softmax;
        bool keepNet = plan.KeepsNetSpan(l);

        // Where net_j goes: straight into o_j for Identity and the ReLUs (applied on the way), into o_j and then
        // transformed in place for Sigmoid and Tanh, into net_j for softmax or when the loss needs it.
        string target = keepNet ? $"net{l}" : $"o{l}";
        w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
        w.Line($"// {RowBlock} rows of W at a time: each Vector<T> of inputs o_i is loaded once and multiplied into {RowBlock} running sums,");
        w.Line("// which are then added across their lanes; inputs beyond the last whole vector are added one by one.");
        w.Open();
        w.Line($"ref {plan.T} x = ref {plan.Reference(plan.InSpan(l))};");
        w.Line($"ref {plan.T} w = ref {NetworkPlan.Unsafe}.Add(ref pRef, {layer.WeightOffset});");
        w.Line($"ref {plan.T} dst = ref {plan.Reference(target)};");
        WriteRowBlocks(w, layer.Units, "j", (rows, j) => WriteDotRows(w, plan, layer, rows, j));
        w.Close();

        if (softmax)
        {
            w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
            w.Line($"{plan.T} max{l} = net{l}[0];");
            w.Open($"for (int j = 1; j < {layer.Units}; j++)");
            w.Line($"max{l} = {plan.Math}.Max(max{l}, net{l}[j]);");
            w.Close();
            w.Line($"{plan.T} sum{l} = {NetworkPlan.VectorMath}.ExpSum(net{l}, max{l}, o{l});");
            w.Open($"for (int j = 0; j < {layer.Units}; j++)");
            w.Line($"o{l}[j] = o{l}[j] / sum{l};");
            w.Close();
            return;
        }

        w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
        WriteSpanActivation(w, plan, layer, target, $"o{l}");
    }

    /// <summary>
    /// o = f(net) over a whole span: Sigmoid and Tanh through the vector kernels, the others element by element
    /// (nothing to do for Identity when <paramref name="net"/> is <paramref name="o"/>).
    /// </summary>
    private static void WriteSpanActivation(SourceWriter w, NetworkPlan plan, LayerPlan layer, string net, string o)
    {
        switch (layer.Activation)
        {
            case Activation.Sigmoid:
                w.Line($"{NetworkPlan.VectorMath}.Sigmoid({net}, {o});");
                return;
            case Activation.Tanh:
                w.Line($"{NetworkPlan.VectorMath}.Tanh({net}, {o});");
                return;
            case Activation.Identity when net == o:
                return;
            default:
                w.Open($"for (int j = 0; j < {layer.Units}; j++)");
                w.Line($"{o}[j] = {ActivationFormulas.Apply(plan, layer.Activation, $"{net}[j]")};");
                w.Close();
                return;
        }
    }

    /// <summary>net[j + r] = sum_i w[inputs * (j + r) + i] * x[i] (+ b) for the rows r &lt; <paramref name="rows"/>.</summary>
    private static void WriteDotRows(SourceWriter w, NetworkPlan plan, LayerPlan layer, int rows, string j)
    {
        int n = layer.Inputs;
        string vm = NetworkPlan.VectorMath;
        WriteRowRefs(w, plan, n, rows, j);

        w.Line($"{plan.Vector} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"s{r} = {plan.Vector}.Zero"))};");
        w.Line("int i = 0;");
        w.Open($"for (; i <= {n} - {plan.Vector}.Count; i += {plan.Vector}.Count)");
        w.Line($"{plan.Vector} xi = {vm}.Load(ref x, i);");
        for (int r = 0; r < rows; r++)
        {
            w.Line($"s{r} += {vm}.Load(ref w{r}, i) * xi;");
        }

        w.Close();
        for (int r = 0; r < rows; r++)
        {
            w.Line($"{plan.T} dot{r} = global::System.Numerics.Vector.Dot(s{r}, {plan.Vector}.One);");
        }

        if (n % NetworkPlan.WidestVector != 0)
        {
            w.Open($"for (; i < {n}; i++)");
            w.Line($"{plan.T} xi = {NetworkPlan.Unsafe}.Add(ref x, i);");
            for (int r = 0; r < rows; r++)
            {
                w.Line($"dot{r} += {NetworkPlan.Unsafe}.Add(ref w{r}, i) * xi;");
            }

            w.Close();
        }

        for (int r = 0; r < rows; r++)
        {
            string at = r == 0 ? j : $"{j} + {r}";
            string value = layer.Bias ? $"dot{r} + p[{layer.BiasOffset} + {at}]" : $"dot{r}";
            w.Line($"{NetworkPlan.Unsafe}.Add(ref dst, {at}) = {value};");
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
