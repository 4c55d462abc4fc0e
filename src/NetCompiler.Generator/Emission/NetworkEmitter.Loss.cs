using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>Declares <c>loss</c>: the loss E of one sample, from the forward pass's outputs y_k and the targets d_k.</summary>
    private static void WriteLoss(SourceWriter w, NetworkPlan plan)
    {
        LayerPlan last = plan.Last;
        int l = last.Index;
        int n = last.Units;
        w.Line();
        switch (plan.Spec.Loss)
        {
            case Loss.CrossEntropy when last.Activation == Activation.Softmax:
                w.Line("// Loss (cross-entropy): E = -sum_k d_k * ln y_k, with d_k = target[k], computed as");
                w.Line("// ln y_k = (net_k - m) - ln(sum_j e^(net_j - m)): exact, and finite even where y_k rounds to 0.");
                w.Line($"{plan.T} logSum = {plan.Math}.Log(sum{l});");
                w.Line($"{plan.T} loss = {plan.Lit(0)};");
                if (last.Unrolled)
                {
                    for (int k = 0; k < n; k++)
                    {
                        w.Line($"loss -= target[{k}] * ({plan.Net(l, k)} - max{l} - logSum);");
                    }
                }
                else
                {
                    w.Open($"for (int k = 0; k < {n}; k++)");
                    w.Line($"loss -= target[k] * (net{l}[k] - max{l} - logSum);");
                    w.Close();
                }

                break;

            case Loss.CrossEntropy:
                w.Line("// Loss (binary cross-entropy): E = -sum_k [d_k * ln y_k + (1 - d_k) * ln(1 - y_k)], with d_k = target[k],");
                w.Line("// computed as sum_k [max(net_k, 0) - d_k * net_k + ln(1 + e^(-|net_k|))]: the same value, without overflow or ln 0.");
                w.Line($"{plan.T} loss = {plan.Lit(0)};");
                if (last.Unrolled)
                {
                    for (int k = 0; k < n; k++)
                    {
                        w.Line($"loss += {BinaryCrossEntropyTerm(plan, plan.Net(l, k), $"target[{k}]")};");
                    }
                }
                else
                {
                    w.Open($"for (int k = 0; k < {n}; k++)");
                    w.Line($"loss += {BinaryCrossEntropyTerm(plan, $"net{l}[k]", "target[k]")};");
                    w.Close();
                }

                break;

            default:
                bool half = plan.Spec.Loss == Loss.HalfSquaredError;
                w.Line(half
                    ? "// Loss: E = 1/2 * sum_k (d_k - y_k)^2, with d_k = target[k] and y_k the outputs."
                    : $"// Loss: E = (1/n) * sum_k (d_k - y_k)^2, with n = {n}, d_k = target[k] and y_k the outputs.");
                if (last.InLocals)
                {
                    for (int k = 0; k < n; k++)
                    {
                        w.Line($"{plan.T} error{k} = target[{k}] - {plan.Out(l, k)};");
                    }

                    string[] squares = Enumerable.Range(0, n).Select(k => $"error{k} * error{k}").ToArray();
                    if (squares.Length <= TermsPerStatement)
                    {
                        string sum = string.Join(" + ", squares);
                        w.Line(half ? $"{plan.T} loss = {plan.Lit(0.5)} * ({sum});" : $"{plan.T} loss = ({sum}) / {plan.Lit(n)};");
                        break;
                    }

                    WriteSum(w, $"{plan.T} loss", "loss", squares);
                }
                else
                {
                    w.Line($"{plan.T} loss = {plan.Lit(0)};");
                    w.Open($"for (int k = 0; k < {n}; k++)");
                    w.Line($"{plan.T} error = target[k] - o{l}[k];");
                    w.Line("loss += error * error;");
                    w.Close();
                }

                w.Line(half ? $"loss = {plan.Lit(0.5)} * loss;" : $"loss = loss / {plan.Lit(n)};");
                break;
        }
    }

    private static string BinaryCrossEntropyTerm(NetworkPlan plan, string net, string target) =>
        $"{plan.Math}.Max({net}, {plan.Lit(0)}) - {target} * {net} + {plan.Math}.Log({plan.Lit(1)} + {plan.Math}.Exp(-{plan.Math}.Abs({net})))";

    /// <summary>The output layer's deltas: delta_k = dE/dnet_k.</summary>
    private static void WriteOutputDelta(SourceWriter w, NetworkPlan plan)
    {
        LayerPlan last = plan.Last;
        int l = last.Index;
        int number = last.Number;
        int n = last.Units;
        Loss loss = plan.Spec.Loss;
        w.Line();

        // dE/dy_k as a factor on (y_k - d_k).
        string scale = loss == Loss.MeanSquaredError && n != 2 ? $" * {plan.Lit(2.0 / n)}" : string.Empty;
        string dEdy = loss == Loss.MeanSquaredError ? "dE/dy_k = (2/n) * (y_k - d_k)" : "dE/dy_k = y_k - d_k";

        if (loss == Loss.CrossEntropy && last.Activation == Activation.Softmax)
        {
            w.Line($"// Output layer {number}: delta_k = dE/dnet_k = y_k * sum_j d_j - d_k (softmax and cross-entropy, fused: the Jacobian cancels out);");
            w.Line("// for targets that sum to 1 (one-hot, or probabilities) this is y_k - d_k.");
            if (last.Unrolled)
            {
                WriteSum(w, $"{plan.T} targetSum", "targetSum", Enumerable.Range(0, n).Select(k => $"target[{k}]").ToList());
            }
            else
            {
                w.Line($"{plan.T} targetSum = {plan.Lit(0)};");
                w.Open($"for (int k = 0; k < {n}; k++)");
                w.Line("targetSum += target[k];");
                w.Close();
            }

            ForEachOutput(w, plan, k => $"{DeclareDelta(plan, last, k)} = {Output(plan, last, k)} * targetSum - {Target(last, k)};");
            return;
        }

        if (loss == Loss.CrossEntropy)
        {
            w.Line($"// Output layer {number}: delta_k = dE/dnet_k = y_k - d_k ({last.Activation} and cross-entropy, fused: f' cancels out).");
            ForEachOutput(w, plan, k => $"{DeclareDelta(plan, last, k)} = {Output(plan, last, k)} - {Target(last, k)};");
            return;
        }

        if (last.Activation == Activation.Softmax)
        {
            w.Line($"// Output layer {number} (softmax, full Jacobian): delta_k = sum_j dE/dy_j * dy_j/dnet_k = y_k * (g_k - sum_j g_j * y_j),");
            w.Line($"// with g_k = {dEdy}.");
            if (last.Unrolled)
            {
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{plan.T} g{l}_{k} = ({plan.Out(l, k)} - target[{k}]){scale};");
                }

                WriteSum(w, $"{plan.T} gy{l}", $"gy{l}", Enumerable.Range(0, n).Select(k => $"g{l}_{k} * {plan.Out(l, k)}").ToList());
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{DeclareDelta(plan, last, k)} = {plan.Out(l, k)} * (g{l}_{k} - gy{l});");
                }
            }
            else
            {
                w.Line($"{plan.T} gy{l} = {plan.Lit(0)};");
                w.Open($"for (int k = 0; k < {n}; k++)");
                w.Line($"delta{l}[k] = (o{l}[k] - target[k]){scale};");
                w.Line($"gy{l} += delta{l}[k] * o{l}[k];");
                w.Close();
                w.Open($"for (int k = 0; k < {n}; k++)");
                w.Line($"delta{l}[k] = o{l}[k] * (delta{l}[k] - gy{l});");
                w.Close();
            }

            return;
        }

        w.Line($"// Output layer {number}: delta_k = dE/dy_k * f'(net_k), with {dEdy} and {ActivationFormulas.DescribeDerivative(last.Activation).Replace("_j", "_k")}.");
        ForEachOutput(w, plan, k =>
        {
            string? derivative = ActivationFormulas.Derivative(plan, last.Activation, Output(plan, last, k));
            return $"{DeclareDelta(plan, last, k)} = ({Output(plan, last, k)} - {Target(last, k)}){scale}{(derivative is null ? string.Empty : " * " + derivative)};";
        });
    }

    /// <summary>Writes one statement per output (unrolled) or one loop over k (looped); <paramref name="statement"/> gets k (-1 in a loop).</summary>
    private static void ForEachOutput(SourceWriter w, NetworkPlan plan, System.Func<int, string> statement)
    {
        LayerPlan last = plan.Last;
        if (last.Unrolled)
        {
            for (int k = 0; k < last.Units; k++)
            {
                w.Line(statement(k));
            }

            return;
        }

        w.Open($"for (int k = 0; k < {last.Units}; k++)");
        w.Line(statement(-1));
        w.Close();
    }

    private static string Target(LayerPlan last, int k) => k < 0 ? "target[k]" : $"target[{k}]";

    private static string Output(NetworkPlan plan, LayerPlan last, int k) => k < 0 ? $"o{last.Index}[k]" : plan.Out(last.Index, k);

    private static string DeclareDelta(NetworkPlan plan, LayerPlan layer, int k) =>
        k < 0 ? $"delta{layer.Index}[k]" : Declare(plan, layer, plan.Delta(layer.Index, k));
}
