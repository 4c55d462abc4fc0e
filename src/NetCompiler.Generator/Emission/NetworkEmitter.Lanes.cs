using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>
    /// TrainBatch's lane-per-sample pass for small float networks (<see cref="NetworkPlan.LaneBatch"/>):
    /// Vector&lt;T&gt;.Count rows at a time, row s of the group in lane s of every value, each group through
    /// <c>__LaneGroup</c>, which sums the rows' gradients per lane; the lanes are added once at the end. Rows left
    /// over (fewer than Count) go through the per-row loops that follow.
    /// </summary>
    private static void WriteLaneBatch(SourceWriter w, NetworkPlan plan)
    {
        string v = plan.Vector;
        string u = NetworkPlan.Unsafe;
        int lanesLength = plan.LaneScratchLength;
        int sumsLength = plan.LaneSumsLength;

        w.Line("// Vector<T>.Count rows at a time, one row per lane (see __LaneGroup); then the rows left over one by one.");
        w.Open($"if ({v}.Count <= {NetworkPlan.MaxLanes})");
        w.Line($"{ScratchType(lanesLength)} lanesScratch = default;");
        w.Line($"{ScratchType(sumsLength)} sumsScratch = default;");
        w.Line($"ref {plan.T} lanes = ref {u}.As<{ScratchType(lanesLength)}, {plan.T}>(ref lanesScratch);");
        w.Line($"global::System.Span<{v}> sums = global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref {u}.As<{ScratchType(sumsLength)}, {v}>(ref sumsScratch), ParameterCount);");
        w.Line($"ref {plan.T} inputStart = ref {plan.Reference("inputs")};");
        w.Line($"ref {plan.T} targetStart = ref {plan.Reference("targets")};");
        w.Line($"int width = {v}.Count;");
        w.Line($"{v} losses = {v}.Zero;");
        w.Open("for (; row <= count - width; row += width)");
        w.Line("// Transpose: lane s of x_i is input i of row + s, lane s of d_k is its target k.");
        w.Open("for (int s = 0; s < width; s++)");
        w.Line($"ref {plan.T} rowInputs = ref {u}.Add(ref inputStart, (row + s) * InputCount);");
        w.Line($"ref {plan.T} rowTargets = ref {u}.Add(ref targetStart, (row + s) * OutputCount);");
        w.Open("for (int i = 0; i < InputCount; i++)");
        w.Line($"{u}.Add(ref lanes, i * width + s) = {u}.Add(ref rowInputs, i);");
        w.Close();
        w.Open("for (int k = 0; k < OutputCount; k++)");
        w.Line($"{u}.Add(ref lanes, (InputCount + k) * width + s) = {u}.Add(ref rowTargets, k);");
        w.Close();

        w.Close();
        w.Line("losses += __LaneGroup(ref lanes, sums);");
        w.Close();
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
    /// <c>__LaneGroup</c>: forward pass, loss and backpropagation for Vector&lt;T&gt;.Count rows at once, one per lane.
    /// Every value is a Vector&lt;T&gt; whose lane s belongs to row s of the group, so each statement is the per-sample
    /// formula of <c>__Gradient</c> for all of them; a parameter p[k] multiplies all lanes alike. A method of its own so
    /// that the JIT optimizes (and inlines the kernels into) it apart from TrainBatch.
    /// </summary>
    private static void WriteLaneGroup(SourceWriter w, NetworkPlan plan)
    {
        string v = plan.Vector;
        string vm = NetworkPlan.VectorMath;
        string u = NetworkPlan.Unsafe;
        int inputs = plan.InputCount;
        int outputs = plan.OutputCount;

        w.Line($"/// <summary>Forward pass, loss and backpropagation of Vector&lt;T&gt;.Count rows at once, row s in lane s of every value: adds each row's dE/dp_k into lane s of <paramref name=\"sums\"/>[k] and returns the rows' losses, one per lane.</summary>");
        w.Line("/// <param name=\"lanes\">The rows transposed: Count values of input 0, then of input 1, ..., then of target 0, ...</param>");
        w.Line("/// <param name=\"sums\">ParameterCount vectors of per-lane gradient sums.</param>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private {v} __LaneGroup(ref {plan.T} lanes, global::System.Span<{v}> sums)");
        w.Line($"global::System.ReadOnlySpan<{plan.T}> p = __parameters;");
        w.Line($"int width = {v}.Count;");
        w.Line($"{v} one = {v}.One;");
        w.Line($"{ScratchType(plan.LaneValuesLength)} valuesScratch = default;");
        w.Line($"global::System.Span<{v}> values = global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref {u}.As<{ScratchType(plan.LaneValuesLength)}, {v}>(ref valuesScratch), {plan.LaneValuesLength / NetworkPlan.MaxLanes});");
        for (int i = 0; i < inputs; i++)
        {
            w.Line($"var x{i} = {vm}.Load(ref lanes, {LaneIndex(i)});");
        }

        for (int k = 0; k < outputs; k++)
        {
            w.Line($"var d{k} = {vm}.Load(ref lanes, {LaneIndex(inputs + k)});");
        }

        WriteLaneForward(w, plan);
        w.Line($"{v} losses;");
        WriteLaneLossAndOutputDelta(w, plan);
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
                    string sum = string.Join(" + ", Enumerable.Range(0, layer.Units).Select(k => $"p[{WeightIndex(layer, k, j)}] * delta{l}_{k}"));
                    string? derivative = ActivationFormulas.VectorDerivative(plan, previous.Activation, $"o{l - 1}_{j}");
                    w.Line(derivative is null ? $"var delta{l - 1}_{j} = {sum};" : $"var delta{l - 1}_{j} = {derivative} * ({sum});");
                }
            }

            w.Line();
            w.Line($"// Layer {l} gradient, summed per lane into sums[k] for p[k]: dE/dw_ji = delta_j * o_i{(layer.Bias ? ", dE/db_j = delta_j" : string.Empty)}.");
            for (int j = 0; j < layer.Units; j++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    w.Line($"sums[{WeightIndex(layer, j, i)}] += delta{l}_{j} * {LaneInput(l, i)};");
                }

                if (layer.Bias)
                {
                    w.Line($"sums[{layer.BiasOffset + j}] += delta{l}_{j};");
                }
            }
        }

        w.Line("return losses;");
        w.Close();
        w.Line();
    }

    /// <summary>Index of the first lane of value i (input i, then target i - InputCount) in the transposition buffer: i * width.</summary>
    private static string LaneIndex(int value) => value == 0 ? "0" : $"{value} * width";

    private static int WeightIndex(LayerPlan layer, int j, int i) => layer.WeightOffset + (layer.Inputs * j) + i;

    /// <summary>o_i of the layer before layer l, as a lane vector: x_i for the first layer.</summary>
    private static string LaneInput(int l, int i) => l == 0 ? $"x{i}" : $"o{l - 1}_{i}";

    private static void WriteLaneForward(SourceWriter w, NetworkPlan plan)
    {
        string v = plan.Vector;
        foreach (LayerPlan layer in plan.Layers)
        {
            int l = layer.Index;
            w.Line();
            w.Line($"// Layer {l}: net_j = sum_i w_ji * o_i{(layer.Bias ? " + b_j" : string.Empty)}; {ActivationFormulas.Describe(layer.Activation)}.");
            for (int j = 0; j < layer.Units; j++)
            {
                IEnumerable<string> terms = Enumerable.Range(0, layer.Inputs).Select(i => $"p[{WeightIndex(layer, j, i)}] * {LaneInput(l, i)}");
                if (layer.Bias)
                {
                    terms = terms.Concat(new[] { $"p[{layer.BiasOffset + j}] * one" });
                }

                w.Line($"var net{l}_{j} = {string.Join(" + ", terms)};");
            }

            if (layer.Activation == Activation.Softmax)
            {
                string m = $"net{l}_0";
                for (int j = 1; j < layer.Units; j++)
                {
                    m = $"{NetworkPlan.VectorMath}.Max({m}, net{l}_{j})";
                }

                w.Line($"var max{l} = {m};");
                WriteLaneKernelLoop(w, plan, layer, "Exp", j => $"net{l}_{j} - max{l}", j => $"e{l}_{j}");

                w.Line($"var sum{l} = {string.Join(" + ", Enumerable.Range(0, layer.Units).Select(j => $"e{l}_{j}"))};");
                for (int j = 0; j < layer.Units; j++)
                {
                    w.Line($"var o{l}_{j} = e{l}_{j} / sum{l};");
                }

                continue;
            }

            if (layer.Activation is Activation.Sigmoid or Activation.Tanh)
            {
                WriteLaneKernelLoop(w, plan, layer, layer.Activation.ToString(), j => $"net{l}_{j}", j => $"o{l}_{j}");
                continue;
            }

            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"var o{l}_{j} = {ActivationFormulas.ApplyToVector(plan, layer.Activation, $"net{l}_{j}")};");
            }
        }
    }

    /// <summary>
    /// result_j = VectorMath.kernel(argument_j) for the units of a layer, through one loop over a buffer: the JIT inlines
    /// a kernel only so many times per method, and one copy in a loop is as fast as one per unit.
    /// </summary>
    private static void WriteLaneKernelLoop(SourceWriter w, NetworkPlan plan, LayerPlan layer, string kernel, System.Func<int, string> argument, System.Func<int, string> result)
    {
        string v = plan.Vector;
        if (layer.Units == 1)
        {
            w.Line($"var {result(0)} = {NetworkPlan.VectorMath}.{kernel}({argument(0)});");
            return;
        }

        w.Line($"// {kernel} over the layer's units in one loop: one inlined copy of the kernel serves them all.");
        for (int j = 0; j < layer.Units; j++)
        {
            w.Line($"values[{j}] = {argument(j)};");
        }

        w.Open($"for (int j = 0; j < {layer.Units}; j++)");
        w.Line($"values[j] = {NetworkPlan.VectorMath}.{kernel}(values[j]);");
        w.Close();
        for (int j = 0; j < layer.Units; j++)
        {
            w.Line($"var {result(j)} = values[{j}];");
        }
    }

    /// <summary>The loss per lane (assigned to <c>losses</c>, declared by the caller) and the output deltas.</summary>
    private static void WriteLaneLossAndOutputDelta(SourceWriter w, NetworkPlan plan)
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
            w.Line($"var logSum = {vm}.Log(sum{l});");
            w.Line($"losses = -({string.Join(" + ", Enumerable.Range(0, n).Select(k => $"d{k} * (net{l}_{k} - max{l} - logSum)"))});");
            w.Line();
            w.Line($"// Output layer {l}: delta_k = y_k * sum_j d_j - d_k (softmax and cross-entropy, fused).");
            w.Line($"var targetSum = {string.Join(" + ", Enumerable.Range(0, n).Select(k => $"d{k}"))};");
            for (int k = 0; k < n; k++)
            {
                w.Line($"var delta{l}_{k} = o{l}_{k} * targetSum - d{k};");
            }

            return;
        }

        if (plan.Spec.Loss == Loss.CrossEntropy)
        {
            w.Line();
            w.Line("// Loss (binary cross-entropy): E = sum_k [max(net_k, 0) - d_k * net_k + ln(1 + e^(-|net_k|))].");
            w.Line($"losses = {v}.Zero;");
            for (int k = 0; k < n; k++)
            {
                string net = $"net{l}_{k}";
                w.Line($"losses += {vector}.ConditionalSelect({vector}.GreaterThan({net}, {v}.Zero), {net}, {v}.Zero) - d{k} * {net} + {vm}.Log({v}.One + {vm}.Exp(-{vector}.Abs({net})));");
            }

            w.Line();
            w.Line($"// Output layer {l}: delta_k = y_k - d_k ({last.Activation} and cross-entropy, fused: f' cancels out).");
            for (int k = 0; k < n; k++)
            {
                w.Line($"var delta{l}_{k} = o{l}_{k} - d{k};");
            }

            return;
        }

        bool half = plan.Spec.Loss == Loss.HalfSquaredError;
        w.Line();
        w.Line(half ? "// Loss: E = 1/2 * sum_k (d_k - y_k)^2." : $"// Loss: E = (1/n) * sum_k (d_k - y_k)^2, with n = {n}.");
        for (int k = 0; k < n; k++)
        {
            w.Line($"var error{k} = d{k} - o{l}_{k};");
        }

        string squares = string.Join(" + ", Enumerable.Range(0, n).Select(k => $"error{k} * error{k}"));
        w.Line(half ? $"losses = ({squares}) * {plan.Lit(0.5)};" : $"losses = ({squares}) / new {v}({plan.Lit(n)});");

        string scale = !half && n != 2 ? $" * {plan.Lit(2.0 / n)}" : string.Empty;
        string dEdy = half ? "dE/dy_k = y_k - d_k" : "dE/dy_k = (2/n) * (y_k - d_k)";
        w.Line();
        if (last.Activation == Activation.Softmax)
        {
            w.Line($"// Output layer {l} (softmax, full Jacobian): delta_k = y_k * (g_k - sum_j g_j * y_j), with g_k = {dEdy}.");
            for (int k = 0; k < n; k++)
            {
                w.Line($"var dy{k} = (o{l}_{k} - d{k}){scale};");
            }

            w.Line($"var gy = {string.Join(" + ", Enumerable.Range(0, n).Select(k => $"dy{k} * o{l}_{k}"))};");
            for (int k = 0; k < n; k++)
            {
                w.Line($"var delta{l}_{k} = o{l}_{k} * (dy{k} - gy);");
            }

            return;
        }

        w.Line($"// Output layer {l}: delta_k = dE/dy_k * f'(net_k), with {dEdy} and {ActivationFormulas.DescribeDerivative(last.Activation).Replace("_j", "_k")}.");
        for (int k = 0; k < n; k++)
        {
            string? derivative = ActivationFormulas.VectorDerivative(plan, last.Activation, $"o{l}_{k}");
            w.Line($"var delta{l}_{k} = (o{l}_{k} - d{k}){scale}{(derivative is null ? string.Empty : " * " + derivative)};");
        }
    }
}
