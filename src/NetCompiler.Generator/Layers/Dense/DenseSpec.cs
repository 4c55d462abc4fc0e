using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Dense;

/// <summary>
/// One validated <c>[Dense]</c> layer: <c>net_j = sum_i w_ji * o_i (+ b_j)</c>, <c>o_j = f(net_j)</c>; after a spatial
/// layer its inputs are that layer's outputs flattened in (c, h, w) order.
/// </summary>
internal sealed record DenseSpec(int Units, Activation Activation, bool Bias) : LayerSpec
{
    public override string KindName => "Dense";

    public override Activation? OutputActivation => Activation;

    public override bool IsSpatial => false;

    public override bool HasBias => Bias;

    public override TensorShape OutputShape(TensorShape input) => TensorShape.Flat(Units);

    /// <summary>[units, inputs], PyTorch's <c>nn.Linear.weight</c>.</summary>
    public override int[] WeightShape(TensorShape input) => new[] { Units, input.Size };
}
