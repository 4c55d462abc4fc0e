using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>
    /// TrainBatch's lane-per-sample pass for small float networks (<see cref="NetworkPlan.LaneBatch"/>):
    /// Vector&lt;T&gt;.Count rows to a lane group, row s of the group in lane s of every value; for narrow networks two
    /// groups at a time through <c>__LaneGroup2</c> (their statements interleaved, so that the processor overlaps the two
    /// chains of dependent operations, see <see cref="NetworkPlan.LaneGroups"/>), then one more group through
    /// <c>__LaneGroup</c> if there are enough rows; otherwise one group at a time. The groups sum
    /// the rows' gradients per lane; the lanes are added once at the end. Rows left over (fewer than Count) go through
    /// the per-row loops that follow.
    /// </summary>
    private static void WriteLaneBatch(SourceWriter w, NetworkPlan plan)
    {
        string v = plan.Vector;
        string u = NetworkPlan.Unsafe;
        int lanesLength = plan.LaneScratchLength;
        int groups = plan.LaneGroups;

        string rest = plan.AllUnrolled ? "one by one" : "in chunks, below";
        if (groups > 1)
        {
            w.Line($"// Vector<T>.Count rows to a lane group, one row per lane: {groups} groups at a time through __LaneGroup{groups}, then one through");
            w.Line($"// __LaneGroup; then the rows left over {rest}.");
        }
        else
        {
            w.Line($"// Vector<T>.Count rows at a time, one row per lane (see __LaneGroup); then the rows left over {rest}.");
        }

        w.Open($"if ({v}.Count <= {NetworkPlan.MaxLanes})");
        w.Line($"{ScratchType(lanesLength)} lanesScratch = default;");
        w.Line($"ref {plan.T} lanes = ref {u}.As<{ScratchType(lanesLength)}, {plan.T}>(ref lanesScratch);");
        w.Line("// The per-lane gradient sums live in the heap buffer (clearing Count values per parameter costs less than zeroing");
        w.Line("// a stack buffer sized for the widest vectors on every call).");
        w.Line($"global::System.Span<{v}> sums = global::System.Runtime.InteropServices.MemoryMarshal.Cast<{plan.T}, {v}>(buffer.Slice({Literals.Int(plan.LaneSumsOffset)}, ParameterCount * {v}.Count));");
        w.Line("sums.Clear();");
        w.Line($"ref {plan.T} inputStart = ref {plan.Reference("inputs")};");
        w.Line($"ref {plan.T} targetStart = ref {plan.Reference("targets")};");
        w.Line($"int width = {v}.Count;");
        w.Line($"{v} losses = {v}.Zero;");
        if (groups > 1)
        {
            w.Open($"for (; row <= count - {groups} * width; row += {groups} * width)");
            WriteLaneTranspose(w, plan, groups);
            w.Line($"losses += __LaneGroup{groups}(ref lanes, sums);");
            w.Close();
            w.Open("if (row <= count - width)");
            WriteLaneTranspose(w, plan, 1);
            w.Line("losses += __LaneGroup(ref lanes, sums);");
            w.Line("row += width;");
            w.Close();
        }
        else
        {
            w.Open("for (; row <= count - width; row += width)");
            WriteLaneTranspose(w, plan, 1);
            w.Line("losses += __LaneGroup(ref lanes, sums);");
            w.Close();
        }

        w.Line();
        w.Line("// Add up the lanes: g_k += sum over the lanes of the sums of dE/dp_k; the loss likewise.");
        w.Line($"ref {plan.T} gStart = ref {plan.Reference("g")};");
        w.Open($"for (int k = 0; k < {plan.ParameterCount}; k++)");
        w.Line($"{u}.Add(ref gStart, k) += global::System.Numerics.Vector.Sum(sums[k]);");
        w.Close();
        w.Line($"loss += global::System.Numerics.Vector.Sum(losses);");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Copies <paramref name="groups"/> groups of Vector&lt;T&gt;.Count rows from <c>row</c> on into <c>lanes</c>: group
    /// by group, lane s of x_i is input i of the group's row s, lane s of d_k its target k.
    /// </summary>
    private static void WriteLaneTranspose(SourceWriter w, NetworkPlan plan, int groups)
    {
        string first = groups == 1 ? "row + s" : "row + (group * width) + s";
        string start = groups == 1 ? string.Empty : "(group * (InputCount + OutputCount) * width) + ";
        w.Line(groups == 1
            ? "// Transpose: lane s of x_i is input i of row + s, lane s of d_k is its target k."
            : "// Transpose, group by group: lane s of x_i is input i of the group's row s, lane s of d_k is its target k.");
        WritePackedTranspose(w, plan, groups);
        w.Open("else");
        WriteScalarTranspose(w, plan, groups, first, start);
        w.Close();
    }

    /// <summary>
    /// The transposition where Vector&lt;T&gt; has 8 lanes: each x_i and d_k vector is built from the 8 rows' values in
    /// registers (<c>Vector256.Create</c>) and stored whole, so that the lane group's vector loads are forwarded from
    /// vector stores; a vector loaded from values stored one by one waits for them (xor TrainBatch about 8% faster per
    /// row in a same-process A/B). Opens the <c>if</c>; the caller writes the <c>else</c>.
    /// </summary>
    private static void WritePackedTranspose(SourceWriter w, NetworkPlan plan, int groups)
    {
        string u = NetworkPlan.Unsafe;
        string vm = NetworkPlan.VectorMath;
        int lanes = PackedWidth;
        string Create(string rows, string count, string index) =>
            $"{Vector256Class}.AsVector({Vector256Class}.Create({string.Join(", ", Enumerable.Range(0, lanes).Select(r => r == 0 ? $"{u}.Add(ref {rows}, {index})" : $"{u}.Add(ref {rows}, ({r} * {count}) + {index})"))}))";
        w.Line($"// With {lanes} lanes: each vector built from the {lanes} rows' values in registers and stored whole (a vector load of values");
        w.Line("// stored one by one waits for them; one of a vector stored whole is forwarded).");
        w.Open($"if ({plan.Vector}.Count == {lanes})");
        if (groups > 1)
        {
            w.Open($"for (int group = 0; group < {groups}; group++)");
        }

        string row = groups > 1 ? $"(row + (group * {lanes}))" : "row";
        w.Line($"ref {plan.T} rowInputs = ref {u}.Add(ref inputStart, {row} * InputCount);");
        w.Line($"ref {plan.T} rowTargets = ref {u}.Add(ref targetStart, {row} * OutputCount);");
        w.Line(groups > 1
            ? $"ref {plan.T} groupLanes = ref {u}.Add(ref lanes, group * (InputCount + OutputCount) * {lanes});"
            : $"ref {plan.T} groupLanes = ref lanes;");
        w.Open("for (int i = 0; i < InputCount; i++)");
        w.Line($"{vm}.Store(ref groupLanes, i * {lanes}, {Create("rowInputs", "InputCount", "i")});");
        w.Close();
        w.Open("for (int k = 0; k < OutputCount; k++)");
        w.Line($"{vm}.Store(ref groupLanes, (InputCount + k) * {lanes}, {Create("rowTargets", "OutputCount", "k")});");
        w.Close();
        if (groups > 1)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>The transposition for any width: value by value.</summary>
    private static void WriteScalarTranspose(SourceWriter w, NetworkPlan plan, int groups, string first, string start)
    {
        string u = NetworkPlan.Unsafe;
        if (groups > 1)
        {
            w.Open($"for (int group = 0; group < {groups}; group++)");
        }

        w.Open("for (int s = 0; s < width; s++)");
        w.Line($"ref {plan.T} rowInputs = ref {u}.Add(ref inputStart, ({first}) * InputCount);");
        w.Line($"ref {plan.T} rowTargets = ref {u}.Add(ref targetStart, ({first}) * OutputCount);");
        w.Open("for (int i = 0; i < InputCount; i++)");
        w.Line($"{u}.Add(ref lanes, {start}i * width + s) = {u}.Add(ref rowInputs, i);");
        w.Close();
        w.Open("for (int k = 0; k < OutputCount; k++)");
        w.Line($"{u}.Add(ref lanes, {start}(InputCount + k) * width + s) = {u}.Add(ref rowTargets, k);");
        w.Close();
        w.Close();
        if (groups > 1)
        {
            w.Close();
        }
    }

    /// <summary>
    /// <c>__LaneGroup</c> (<paramref name="groups"/> = 1) or <c>__LaneGroup2</c>: forward pass, loss and backpropagation
    /// for Vector&lt;T&gt;.Count rows per group, one per lane. Every value is a Vector&lt;T&gt; whose lane s belongs to row
    /// s of its group, so each statement is the per-sample formula of <c>__Gradient</c> for all of them; a parameter p[k]
    /// multiplies all lanes alike. With two groups every statement is written for group a, then for group b (values
    /// named with that suffix). A method of its own so that the JIT optimizes (and inlines the kernels into) it apart
    /// from TrainBatch.
    /// </summary>
    private static void WriteLaneGroup(SourceWriter w, NetworkPlan plan, int groups)
    {
        string v = plan.Vector;
        string vm = NetworkPlan.VectorMath;
        string u = NetworkPlan.Unsafe;
        int inputs = plan.InputCount;
        int outputs = plan.OutputCount;
        IReadOnlyList<string> gs = groups == 1 ? new[] { string.Empty } : Enumerable.Range(0, groups).Select(g => ((char)('a' + g)).ToString()).ToArray();
        string name = groups == 1 ? "__LaneGroup" : $"__LaneGroup{groups}";

        w.Line(groups == 1
            ? "/// <summary>Forward pass, loss and backpropagation of Vector&lt;T&gt;.Count rows at once, row s in lane s of every value: adds each row's dE/dp_k into lane s of <paramref name=\"sums\"/>[k] and returns the rows' losses, one per lane.</summary>"
            : $"/// <summary>As <c>__LaneGroup</c> for {groups} groups of Vector&lt;T&gt;.Count rows, their statements interleaved (group a's, then group b's): returns the sum of the groups' per-lane losses.</summary>");
        w.Line(groups == 1
            ? "/// <param name=\"lanes\">The rows transposed: Count values of input 0, then of input 1, ..., then of target 0, ...</param>"
            : "/// <param name=\"lanes\">The groups transposed one after the other, each as for <c>__LaneGroup</c>.</param>");
        w.Line("/// <param name=\"sums\">ParameterCount vectors of per-lane gradient sums.</param>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private {v} {name}(ref {plan.T} lanes, global::System.Span<{v}> sums)");
        w.Line($"global::System.ReadOnlySpan<{plan.T}> p = __parameters;");
        w.Line($"int width = {v}.Count;");
        w.Line($"{v} one = {v}.One;");
        w.Line($"{ScratchType(plan.LaneValuesLength)} valuesScratch = default;");
        w.Line($"global::System.Span<{v}> values = global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref {u}.As<{ScratchType(plan.LaneValuesLength)}, {v}>(ref valuesScratch), {plan.LaneValuesLength / NetworkPlan.MaxLanes});");
        for (int i = 0; i < inputs; i++)
        {
            for (int g = 0; g < gs.Count; g++)
            {
                w.Line($"var x{i}{gs[g]} = {vm}.Load(ref lanes, {LaneIndex((g * (inputs + outputs)) + i)});");
            }
        }

        for (int k = 0; k < outputs; k++)
        {
            for (int g = 0; g < gs.Count; g++)
            {
                w.Line($"var d{k}{gs[g]} = {vm}.Load(ref lanes, {LaneIndex((g * (inputs + outputs)) + inputs + k)});");
            }
        }

        WriteLaneForward(w, plan, gs);
        foreach (string g in gs)
        {
            w.Line($"{v} losses{g};");
        }

        WriteLaneLossAndOutputDelta(w, plan, gs);
        for (int l = plan.Layers.Count - 1; l >= 0; l--)
        {
            LayerPlan layer = plan.Layers[l];
            if (l > 0)
            {
                LayerPlan previous = plan.Layers[l - 1];
                w.Line();
                w.Line($"// Hidden layer {l - 1}: delta_j = f'(net_j) * sum_k w_kj * delta_k, where {ActivationFormulas.DescribeDerivative(previous.Activation)}.");
                for (int j = 0; j < layer.Inputs; j++)
                {
                    foreach (string g in gs)
                    {
                        string sum = string.Join(" + ", Enumerable.Range(0, layer.Units).Select(k => $"p[{WeightIndex(layer, k, j)}] * delta{l}_{k}{g}"));
                        string? derivative = ActivationFormulas.VectorDerivative(plan, previous.Activation, $"o{l - 1}_{j}{g}");
                        w.Line(derivative is null ? $"var delta{l - 1}_{j}{g} = {sum};" : $"var delta{l - 1}_{j}{g} = {derivative} * ({sum});");
                    }
                }
            }

            w.Line();
            w.Line($"// Layer {l} gradient, summed per lane into sums[k] for p[k]: dE/dw_ji = delta_j * o_i{(layer.Bias ? ", dE/db_j = delta_j" : string.Empty)}.");
            for (int j = 0; j < layer.Units; j++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    w.Line($"sums[{WeightIndex(layer, j, i)}] += {string.Join(" + ", gs.Select(g => $"delta{l}_{j}{g} * {LaneInput(l, i, g)}"))};");
                }

                if (layer.Bias)
                {
                    w.Line($"sums[{layer.BiasOffset + j}] += {string.Join(" + ", gs.Select(g => $"delta{l}_{j}{g}"))};");
                }
            }
        }

        w.Line($"return {string.Join(" + ", gs.Select(g => $"losses{g}"))};");
        w.Close();
        w.Line();
    }

    /// <summary>Index of the first lane of value i (input i, then target i - InputCount) in the transposition buffer: i * width.</summary>
    private static string LaneIndex(int value) => value == 0 ? "0" : $"{value} * width";

    private static int WeightIndex(LayerPlan layer, int j, int i) => layer.WeightOffset + (layer.Inputs * j) + i;

    /// <summary>o_i of the layer before layer l in lane group g, as a lane vector: x_i for the first layer.</summary>
    private static string LaneInput(int l, int i, string g) => l == 0 ? $"x{i}{g}" : $"o{l - 1}_{i}{g}";

    private static void WriteLaneForward(SourceWriter w, NetworkPlan plan, IReadOnlyList<string> gs)
    {
        foreach (LayerPlan layer in plan.Layers)
        {
            int l = layer.Index;
            w.Line();
            w.Line($"// Layer {l}: net_j = sum_i w_ji * o_i{(layer.Bias ? " + b_j" : string.Empty)}; {ActivationFormulas.Describe(layer.Activation)}.");
            for (int j = 0; j < layer.Units; j++)
            {
                foreach (string g in gs)
                {
                    IEnumerable<string> terms = Enumerable.Range(0, layer.Inputs).Select(i => $"p[{WeightIndex(layer, j, i)}] * {LaneInput(l, i, g)}");
                    if (layer.Bias)
                    {
                        terms = terms.Concat(new[] { $"p[{layer.BiasOffset + j}] * one" });
                    }

                    w.Line($"var net{l}_{j}{g} = {string.Join(" + ", terms)};");
                }
            }

            if (layer.Activation == Activation.Softmax)
            {
                foreach (string g in gs)
                {
                    string m = $"net{l}_0{g}";
                    for (int j = 1; j < layer.Units; j++)
                    {
                        m = $"{NetworkPlan.VectorMath}.Max({m}, net{l}_{j}{g})";
                    }

                    w.Line($"var max{l}{g} = {m};");
                }

                WriteLaneKernelLoop(w, layer, gs, "Exp", (j, g) => $"net{l}_{j}{g} - max{l}{g}", (j, g) => $"e{l}_{j}{g}");
                foreach (string g in gs)
                {
                    w.Line($"var sum{l}{g} = {string.Join(" + ", Enumerable.Range(0, layer.Units).Select(j => $"e{l}_{j}{g}"))};");
                }

                for (int j = 0; j < layer.Units; j++)
                {
                    foreach (string g in gs)
                    {
                        w.Line($"var o{l}_{j}{g} = e{l}_{j}{g} / sum{l}{g};");
                    }
                }

                continue;
            }

            if (layer.Activation is Activation.Sigmoid or Activation.Tanh)
            {
                WriteLaneKernelLoop(w, layer, gs, layer.Activation.ToString(), (j, g) => $"net{l}_{j}{g}", (j, g) => $"o{l}_{j}{g}");
                continue;
            }

            for (int j = 0; j < layer.Units; j++)
            {
                foreach (string g in gs)
                {
                    w.Line($"var o{l}_{j}{g} = {ActivationFormulas.ApplyToVector(plan, layer.Activation, $"net{l}_{j}{g}")};");
                }
            }
        }
    }

    /// <summary>
    /// result_j = VectorMath.kernel(argument_j) for the units of a layer in every lane group, through one loop over a
    /// buffer: the JIT inlines a kernel only so many times per method, and one copy in a loop is as fast as one per unit.
    /// </summary>
    private static void WriteLaneKernelLoop(SourceWriter w, LayerPlan layer, IReadOnlyList<string> gs, string kernel, System.Func<int, string, string> argument, System.Func<int, string, string> result)
    {
        int count = layer.Units * gs.Count;
        if (count == 1)
        {
            w.Line($"var {result(0, gs[0])} = {NetworkPlan.VectorMath}.{kernel}({argument(0, gs[0])});");
            return;
        }

        w.Line(gs.Count == 1
            ? $"// {kernel} over the layer's units in one loop: one inlined copy of the kernel serves them all."
            : $"// {kernel} over the layer's units of every group in one loop: one inlined copy of the kernel serves them all.");
        for (int g = 0; g < gs.Count; g++)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"values[{(g * layer.Units) + j}] = {argument(j, gs[g])};");
            }
        }

        w.Open($"for (int j = 0; j < {count}; j++)");
        w.Line($"values[j] = {NetworkPlan.VectorMath}.{kernel}(values[j]);");
        w.Close();
        for (int g = 0; g < gs.Count; g++)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"var {result(j, gs[g])} = values[{(g * layer.Units) + j}];");
            }
        }
    }

    /// <summary>The loss per lane (assigned to <c>losses{g}</c>, declared by the caller) and the output deltas, for every lane group g.</summary>
    private static void WriteLaneLossAndOutputDelta(SourceWriter w, NetworkPlan plan, IReadOnlyList<string> gs)
    {
        string v = plan.Vector;
        string vector = "global::System.Numerics.Vector";
        string vm = NetworkPlan.VectorMath;
        LayerPlan last = plan.Last;
        int l = last.Index;
        int n = last.Units;
        if (plan.Spec.Loss == Loss.CrossEntropy && last.Activation == Activation.Softmax)
        {
            w.Line();
            w.Line("// Loss (cross-entropy): E = -sum_k d_k * ln y_k, with ln y_k = (net_k - m) - ln(sum_j e^(net_j - m)).");
            foreach (string g in gs)
            {
                w.Line($"var logSum{g} = {vm}.Log(sum{l}{g});");
                w.Line($"losses{g} = -({string.Join(" + ", Enumerable.Range(0, n).Select(k => $"d{k}{g} * (net{l}_{k}{g} - max{l}{g} - logSum{g})"))});");
            }

            w.Line();
            w.Line($"// Output layer {l}: delta_k = y_k * sum_j d_j - d_k (softmax and cross-entropy, fused).");
            foreach (string g in gs)
            {
                w.Line($"var targetSum{g} = {string.Join(" + ", Enumerable.Range(0, n).Select(k => $"d{k}{g}"))};");
            }

            for (int k = 0; k < n; k++)
            {
                foreach (string g in gs)
                {
                    w.Line($"var delta{l}_{k}{g} = o{l}_{k}{g} * targetSum{g} - d{k}{g};");
                }
            }

            return;
        }

        if (plan.Spec.Loss == Loss.CrossEntropy)
        {
            w.Line();
            w.Line("// Loss (binary cross-entropy): E = sum_k [max(net_k, 0) - d_k * net_k + ln(1 + e^(-|net_k|))].");
            foreach (string g in gs)
            {
                w.Line($"losses{g} = {v}.Zero;");
                for (int k = 0; k < n; k++)
                {
                    string net = $"net{l}_{k}{g}";
                    w.Line($"losses{g} += {vector}.ConditionalSelect({vector}.GreaterThan({net}, {v}.Zero), {net}, {v}.Zero) - d{k}{g} * {net} + {vm}.Log({v}.One + {vm}.Exp(-{vector}.Abs({net})));");
                }
            }

            w.Line();
            w.Line($"// Output layer {l}: delta_k = y_k - d_k ({last.Activation} and cross-entropy, fused: f' cancels out).");
            for (int k = 0; k < n; k++)
            {
                foreach (string g in gs)
                {
                    w.Line($"var delta{l}_{k}{g} = o{l}_{k}{g} - d{k}{g};");
                }
            }

            return;
        }

        bool half = plan.Spec.Loss == Loss.HalfSquaredError;
        w.Line();
        w.Line(half ? "// Loss: E = 1/2 * sum_k (d_k - y_k)^2." : $"// Loss: E = (1/n) * sum_k (d_k - y_k)^2, with n = {n}.");
        for (int k = 0; k < n; k++)
        {
            foreach (string g in gs)
            {
                w.Line($"var error{k}{g} = d{k}{g} - o{l}_{k}{g};");
            }
        }

        foreach (string g in gs)
        {
            string squares = string.Join(" + ", Enumerable.Range(0, n).Select(k => $"error{k}{g} * error{k}{g}"));
            w.Line(half ? $"losses{g} = ({squares}) * {plan.Lit(0.5)};" : $"losses{g} = ({squares}) / new {v}({plan.Lit(n)});");
        }

        string scale = !half && n != 2 ? $" * {plan.Lit(2.0 / n)}" : string.Empty;
        string dEdy = half ? "dE/dy_k = y_k - d_k" : "dE/dy_k = (2/n) * (y_k - d_k)";
        w.Line();
        if (last.Activation == Activation.Softmax)
        {
            w.Line($"// Output layer {l} (softmax, full Jacobian): delta_k = y_k * (g_k - sum_j g_j * y_j), with g_k = {dEdy}.");
            for (int k = 0; k < n; k++)
            {
                foreach (string g in gs)
                {
                    w.Line($"var dy{k}{g} = (o{l}_{k}{g} - d{k}{g}){scale};");
                }
            }

            foreach (string g in gs)
            {
                w.Line($"var gy{g} = {string.Join(" + ", Enumerable.Range(0, n).Select(k => $"dy{k}{g} * o{l}_{k}{g}"))};");
            }

            for (int k = 0; k < n; k++)
            {
                foreach (string g in gs)
                {
                    w.Line($"var delta{l}_{k}{g} = o{l}_{k}{g} * (dy{k}{g} - gy{g});");
                }
            }

            return;
        }

        w.Line($"// Output layer {l}: delta_k = dE/dy_k * f'(net_k), with {dEdy} and {ActivationFormulas.DescribeDerivative(last.Activation).Replace("_j", "_k")}.");
        for (int k = 0; k < n; k++)
        {
            foreach (string g in gs)
            {
                string? derivative = ActivationFormulas.VectorDerivative(plan, last.Activation, $"o{l}_{k}{g}");
                w.Line($"var delta{l}_{k}{g} = (o{l}_{k}{g} - d{k}{g}){scale}{(derivative is null ? string.Empty : " * " + derivative)};");
            }
        }
    }
}
