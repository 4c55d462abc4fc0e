namespace NetCompiler.Generator.Model;

/// <summary>One validated <c>[Dense]</c> layer: <c>net_j = sum_i w_ji * o_i (+ b_j)</c>, <c>o_j = f(net_j)</c>.</summary>
internal sealed record LayerSpec(int Units, Activation Activation, bool Bias);
