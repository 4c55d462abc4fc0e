namespace NetCompiler.Generator.Emission;

/// <summary>The code and the comment text of each activation f and its derivative f'.</summary>
internal static class ActivationFormulas
{
    /// <summary>
    /// f(net) as an expression over <paramref name="net"/> (a simple name or element access), through Math/MathF: the
    /// fastest for values one at a time, as in unrolled layers whose values live in locals.
    /// </summary>
    public static string Apply(CodeContext plan, Activation activation, string net) => activation switch
    {
        Activation.Sigmoid => $"{plan.Lit(1)} / ({plan.Lit(1)} + {plan.Math}.Exp(-{net}))",
        Activation.Tanh => $"{plan.Math}.Tanh({net})",
        Activation.ReLU => $"{net} > {plan.Lit(0)} ? {net} : {plan.Lit(0)}",
        Activation.LeakyReLU => $"{net} > {plan.Lit(0)} ? {net} : {plan.Lit(0.01)} * {net}",
        _ => net,
    };

    /// <summary>
    /// f(net) for the scalar tail of a vector loop: in float, sigmoid and tanh through VectorMath's scalar kernels, which
    /// are its vector kernels bit for bit, so a value's activation does not depend on its position or the vector width.
    /// </summary>
    public static string ApplyInTail(CodeContext plan, Activation activation, string net) => activation switch
    {
        Activation.Sigmoid or Activation.Tanh when plan.VectorKernels => $"{NetworkPlan.VectorMath}.{activation}({net})",
        _ => Apply(plan, activation, net),
    };

    /// <summary>
    /// f(net) as a Vector&lt;T&gt; expression over the vector <paramref name="net"/>, the same function in each lane as
    /// <see cref="Apply"/> (Sigmoid and Tanh through the VectorMath kernels, float only; the ReLUs as a compare and a blend).
    /// </summary>
    public static string ApplyToVector(CodeContext plan, Activation activation, string net)
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

    /// <summary>f'(net) written in terms of o = f(net), parenthesized; <c>null</c> when f' = 1.</summary>
    public static string? Derivative(CodeContext plan, Activation activation, string o) => activation switch
    {
        Activation.Sigmoid => $"({o} * ({plan.Lit(1)} - {o}))",
        Activation.Tanh => $"({plan.Lit(1)} - {o} * {o})",
        Activation.ReLU => $"({o} > {plan.Lit(0)} ? {plan.Lit(1)} : {plan.Lit(0)})",
        Activation.LeakyReLU => $"({o} > {plan.Lit(0)} ? {plan.Lit(1)} : {plan.Lit(0.01)})",
        _ => null,
    };

    /// <summary>f'(net) as a Vector&lt;T&gt; expression over the vector <paramref name="o"/> = f(net), computing what <see cref="Derivative"/> computes in each lane; <c>null</c> when f' = 1.</summary>
    public static string? VectorDerivative(CodeContext plan, Activation activation, string o)
    {
        string v = plan.Vector;
        return activation switch
        {
            Activation.Sigmoid => $"({o} * ({v}.One - {o}))",
            Activation.Tanh => $"({v}.One - {o} * {o})",
            Activation.ReLU => $"global::System.Numerics.Vector.ConditionalSelect(global::System.Numerics.Vector.GreaterThan({o}, {v}.Zero), {v}.One, {v}.Zero)",
            Activation.LeakyReLU => $"global::System.Numerics.Vector.ConditionalSelect(global::System.Numerics.Vector.GreaterThan({o}, {v}.Zero), {v}.One, new {v}({plan.Lit(0.01)}))",
            _ => null,
        };
    }

    /// <summary>The formula of f for comments.</summary>
    public static string Describe(Activation activation) => activation switch
    {
        Activation.Identity => "o_j = f(net_j) = net_j",
        Activation.Sigmoid => "o_j = f(net_j) = 1 / (1 + e^(-net_j))",
        Activation.Tanh => "o_j = f(net_j) = tanh(net_j)",
        Activation.ReLU => "o_j = f(net_j) = max(0, net_j)",
        Activation.LeakyReLU => "o_j = f(net_j) = net_j if net_j > 0, else 0.01 * net_j",
        _ => "o_j = e^(net_j - m) / sum_k e^(net_k - m), m = max_k net_k (subtracting m avoids overflow and cancels out)",
    };

    /// <summary>The formula of f' for comments, in terms of o.</summary>
    public static string DescribeDerivative(Activation activation) => activation switch
    {
        Activation.Identity => "f'(net_j) = 1",
        Activation.Sigmoid => "f'(net_j) = o_j * (1 - o_j)",
        Activation.Tanh => "f'(net_j) = 1 - o_j^2",
        Activation.ReLU => "f'(net_j) = 1 if net_j > 0 (equivalently o_j > 0), else 0",
        Activation.LeakyReLU => "f'(net_j) = 1 if net_j > 0 (equivalently o_j > 0), else 0.01",
        _ => "dy_k/dnet_j = y_k * ([k = j] - y_j)",
    };
}
