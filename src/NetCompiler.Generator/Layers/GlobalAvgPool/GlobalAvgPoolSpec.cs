using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.GlobalAvgPool;

/// <summary>One validated <c>[GlobalAvgPool]</c>: out[c] = the mean of in[c, ...] over the channel's positions; the output keeps the input's rank with one position.</summary>
internal sealed record GlobalAvgPoolSpec : LayerSpec
{
    public override string KindName => "GlobalAvgPool";

    public override TensorShape OutputShape(TensorShape input) => new(input.Channels, 1, 1, input.Rank);

    public override int[]? WeightShape(TensorShape input) => null;
}
