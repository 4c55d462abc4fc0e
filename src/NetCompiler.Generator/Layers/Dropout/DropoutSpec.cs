using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Dropout;

/// <summary>One validated <c>[Dropout(p)]</c>: in training o = x * m / (1 - p), m ~ Bernoulli(1 - p) per value; in inference o = x.</summary>
/// <param name="P">The probability that a value is dropped, in [0, 1).</param>
internal sealed record DropoutSpec(double P) : LayerSpec
{
    public override string KindName => "Dropout";

    public override bool IsSpatial => false;

    public override bool IsNormalization => true;

    public override TensorShape OutputShape(TensorShape input) => input;

    public override int[]? WeightShape(TensorShape input) => null;
}
