using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>
    /// TrainBatch's lane-per-sample pass for small, fully unrolled networks (<see cref="NetworkPlan.LaneBatch"/>):
    /// Vector&lt;T&gt;.Count rows at a time, row s of the group in lane s of every value. Each statement is then the
    /// per-sample formula of <c>__Gradient</c> applied to Count samples at once, with every parameter broadcast to all
    /// lanes and one vector of gradient sums per parameter, added across its lanes once at the end. Rows left over
    /// (fewer than Count) go through the per-sample loop that follows.
    /// </summary>
    private static void WriteLaneBatch(SourceWriter w, NetworkPlan plan)
    {
        string v = plan.Vector;
        string vm = NetworkPlan.VectorMath;
        string u = NetworkPlan.Unsafe;
        int inputs = plan.InputCount;
        int outputs = plan.OutputCount;
        int length = plan.LaneScratchLength;

        w.Line($"// Vector<T>.Count rows at a time, one row per lane: every value below is a Vector<T> whose lane s belongs to row");
        w.Line("// row + s, so each statement is the per-sample formula for Count samples at once. Parameters are broadcast to");
        w.Line("// all lanes (p_k below is p[k] in every lane); gp_k sums dE/dp_k per lane and is added across its lanes at the end.");
        w.Open($"if ({v}.Count <= {NetworkPlan.MaxLanes})");
        w.Line($"{ScratchType(length)} scratch = default;");
        w.Line($"ref {plan.T} lanes = ref {u}.As<{ScratchType(length)}, {plan.T}>(ref scratch);");
        w.Line($"ref {plan.T} inputStart = ref {plan.Reference("inputs")};");
        w.Line($"ref {plan.T} targetStart = ref {plan.Reference("targets")};");
        w.Line($"int width = {v}.Count;");
        w.Line($"global::System.ReadOnlySpan<{plan.T}> parameters = __parameters;");
        for (int k = 0; k < plan.ParameterCount; k++)
        {
            w.Line($"{v} p{k} = new {v}(parameters[{k}]);");
        }

        WriteDeclarations(w, Enumerable.Range(0, plan.ParameterCount).Select(k => $"gp{k} = {v}.Zero").ToList(), v);
        w.Line($"{v} losses = {v}.Zero;");
        w.Open("for (; row <= count - width; row += width)");

        w.Line($"// Transpose: lane s of x_i is input i of row + s, lane s of d_k is its target k.");
        w.Open("for (int s = 0; s < width; s++)");
        w.Line($"ref {plan.T} rowInputs = ref {u}.Add(ref inputStart, (row + s) * InputCount);");
        w.Line($"ref {plan.T} rowTargets = ref {u}.Add(ref targetStart, (row + s) * OutputCount);");
        for (int i = 0; i < inputs; i++)
        {
            w.Line($"{u}.Add(ref lanes, {LaneIndex(i, "s")}) = {u}.Add(ref rowInputs, {i});");
        }

        for (int k = 0; k < outputs; k++)
        {
            w.Line($"{u}.Add(ref lanes, {LaneIndex(inputs + k, "s")}) = {u}.Add(ref rowTargets, {k});");
        }

        w.Close();
        for (int i = 0; i < inputs; i++)
        {
            w.Line($"{v} x{i} = {vm}.Load(ref lanes, {LaneIndex(i, null)});");
        }

        for (int k = 0; k < outputs; k++)
        {
            w.Line($"{v} d{k} = {vm}.Load(ref lanes, {LaneIndex(inputs + k, null)});");
        }

        WriteLaneForward(w, plan);
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
                    string sum = string.Join(" + ", Enumerable.Range(0, layer.Units).Select(k => $"p{WeightIndex(layer, k, j)} * delta{l}_{k}"));
                    string? derivative = ActivationFormulas.VectorDerivative(plan, previous.Activation, $"o{l - 1}_{j}");
                    w.Line(derivative is null ? $"{v} delta{l - 1}_{j} = {sum};" : $"{v} delta{l - 1}_{j} = {derivative} * ({sum});");
                }
            }

            w.Line();
            w.Line($"// Layer {l} gradient, summed per lane: dE/dw_ji = delta_j * o_i{(layer.Bias ? ", dE/db_j = delta_j" : string.Empty)}.");
            for (int j = 0; j < layer.Units; j++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    w.Line($"gp{WeightIndex(layer, j, i)} += delta{l}_{j} * {LaneInput(l, i)};");
                }

                if (layer.Bias)
                {
                    w.Line($"gp{layer.BiasOffset + j} += delta{l}_{j};");
                }
            }
        }

        w.Close();
        w.Line();
        w.Line("// Add up the lanes: g_k += sum over the lanes of gp_k; the loss likewise.");
        w.Line($"ref {plan.T} sums = ref {plan.Reference("g")};");
        for (int k = 0; k < plan.ParameterCount; k++)
        {
            w.Line($"{u}.Add(ref sums, {k}) += global::System.Numerics.Vector.Dot(gp{k}, {v}.One);");
        }

        w.Line($"loss += global::System.Numerics.Vector.Dot(losses, {v}.One);");
        w.Close();
        w.Line();
    }

    /// <summary>Index of lane <paramref name="lane"/> (or of the first lane) of value i in the transposition buffer: i * width + s.</summary>
    private static string LaneIndex(int value, string? lane) =>
        value == 0 ? lane ?? "0"
        : lane is null ? $"{value} * width"
        : $"{value} * width + {lane}";

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
                IEnumerable<string> terms = Enumerable.Range(0, layer.Inputs).Select(i => $"p{WeightIndex(layer, j, i)} * {LaneInput(l, i)}");
                if (layer.Bias)
                {
                    terms = terms.Concat(new[] { $"p{layer.BiasOffset + j}" });
                }

                w.Line($"{v} net{l}_{j} = {string.Join(" + ", terms)};");
            }

            if (layer.Activation == Activation.Softmax)
            {
                string m = $"net{l}_0";
                for (int j = 1; j < layer.Units; j++)
                {
                    m = $"global::System.Numerics.Vector.Max({m}, net{l}_{j})";
                }

                w.Line($"{v} max{l} = {m};");
                for (int j = 0; j < layer.Units; j++)
                {
                    w.Line($"{v} e{l}_{j} = {NetworkPlan.VectorMath}.Exp(net{l}_{j} - max{l});");
                }

                w.Line($"{v} sum{l} = {string.Join(" + ", Enumerable.Range(0, layer.Units).Select(j => $"e{l}_{j}"))};");
                for (int j = 0; j < layer.Units; j++)
                {
                    w.Line($"{v} o{l}_{j} = e{l}_{j} / sum{l};");
                }

                continue;
            }

            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{v} o{l}_{j} = {VectorActivation(plan, layer.Activation, $"net{l}_{j}")};");
            }
        }
    }

    /// <summary>f(net) over a lane vector, the same function in each lane as <see cref="ActivationFormulas.Apply"/> (Sigmoid and Tanh through the VectorMath kernels).</summary>
    private static string VectorActivation(NetworkPlan plan, Activation activation, string net)
    {
        string v = plan.Vector;
        return activation switch
        {
            Activation.Sigmoid => $"{NetworkPlan.VectorMath}.Sigmoid({net})",
            Activation.Tanh => $"{NetworkPlan.VectorMath}.Tanh({net})",
            Activation.ReLU => $"global::System.Numerics.Vector.ConditionalSelect(global::System.Numerics.Vector.GreaterThan({net}, {v}.Zero), {net}, {v}.Zero)",
            Activation.LeakyReLU => $"global::System.Numerics.Vector.ConditionalSelect(global::System.Numerics.Vector.GreaterThan({net}, {v}.Zero), {net}, {net} * {plan.Lit(0.01)})",
            _ => net,
        };
    }

    /// <summary>The loss per lane (added into <c>losses</c>) and the output deltas, for the squared-error losses.</summary>
    private static void WriteLaneLossAndOutputDelta(SourceWriter w, NetworkPlan plan)
    {
        string v = plan.Vector;
        LayerPlan last = plan.Last;
        int l = last.Index;
        int n = last.Units;
        bool half = plan.Spec.Loss == Loss.HalfSquaredError;
        w.Line();
        w.Line(half ? "// Loss: E = 1/2 * sum_k (d_k - y_k)^2." : $"// Loss: E = (1/n) * sum_k (d_k - y_k)^2, with n = {n}.");
        for (int k = 0; k < n; k++)
        {
            w.Line($"{v} error{k} = d{k} - o{l}_{k};");
        }

        string squares = string.Join(" + ", Enumerable.Range(0, n).Select(k => $"error{k} * error{k}"));
        w.Line(half ? $"losses += ({squares}) * {plan.Lit(0.5)};" : $"losses += ({squares}) / new {v}({plan.Lit(n)});");

        string scale = !half && n != 2 ? $" * {plan.Lit(2.0 / n)}" : string.Empty;
        string dEdy = half ? "dE/dy_k = y_k - d_k" : "dE/dy_k = (2/n) * (y_k - d_k)";
        w.Line();
        if (last.Activation == Activation.Softmax)
        {
            w.Line($"// Output layer {l} (softmax, full Jacobian): delta_k = y_k * (g_k - sum_j g_j * y_j), with g_k = {dEdy}.");
            for (int k = 0; k < n; k++)
            {
                w.Line($"{v} dy{k} = (o{l}_{k} - d{k}){scale};");
            }

            w.Line($"{v} gy = {string.Join(" + ", Enumerable.Range(0, n).Select(k => $"dy{k} * o{l}_{k}"))};");
            for (int k = 0; k < n; k++)
            {
                w.Line($"{v} delta{l}_{k} = o{l}_{k} * (dy{k} - gy);");
            }

            return;
        }

        w.Line($"// Output layer {l}: delta_k = dE/dy_k * f'(net_k), with {dEdy} and {ActivationFormulas.DescribeDerivative(last.Activation).Replace("_j", "_k")}.");
        for (int k = 0; k < n; k++)
        {
            string? derivative = ActivationFormulas.VectorDerivative(plan, last.Activation, $"o{l}_{k}");
            w.Line($"{v} delta{l}_{k} = (o{l}_{k} - d{k}){scale}{(derivative is null ? string.Empty : " * " + derivative)};");
        }
    }

    /// <summary>Writes <c>T a, b, c;</c> declarations, several per line.</summary>
    private static void WriteDeclarations(SourceWriter w, IReadOnlyList<string> declarators, string type)
    {
        const int perLine = 8;
        for (int start = 0; start < declarators.Count; start += perLine)
        {
            w.Line($"{type} {string.Join(", ", declarators.Skip(start).Take(perLine))};");
        }
    }
}
