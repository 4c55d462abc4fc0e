using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.BatchNorm;

/// <summary>
/// One validated <c>[BatchNorm]</c>: per feature (after Dense) or channel (after a convolution) c,
/// z_hat = (z - mean_c) / sqrt(var_c + eps), y = gamma_c * z_hat + beta_c, o = f(y), with f the activation declared on the
/// layer before it (which then computes only z = W x + b). Its parameters are gamma then beta ([C] each); its buffers the
/// running mean then the running variance.
/// </summary>
/// <param name="Epsilon">eps, added to the variance.</param>
/// <param name="Momentum">The weight of a batch's statistics in the running update.</param>
/// <param name="Activation">The activation of the layer before it, applied after the normalization.</param>
internal sealed record BatchNormSpec(double Epsilon, double Momentum, Activation Activation) : LayerSpec
{
    public override string KindName => "BatchNorm";

    public override Activation? OutputActivation => Activation;

    public override bool IsSpatial => false;

    public override bool IsNormalization => true;

    public override bool HasBias => true;

    public override TensorShape OutputShape(TensorShape input) => input;

    /// <summary>gamma [C] (PyTorch's <c>weight</c>); beta is the "bias".</summary>
    public override int[] WeightShape(TensorShape input) => new[] { input.Channels };

    /// <summary>Running mean and variance, [C] each.</summary>
    public override int BufferCount(TensorShape input) => 2 * input.Channels;
}
