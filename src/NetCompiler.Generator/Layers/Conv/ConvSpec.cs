using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Conv;

/// <summary>
/// One validated <c>[Conv1D]</c> or <c>[Conv2D]</c> layer, with its padding resolved (a "same" padding is split into
/// explicit zeros per side): out[f, y, x] = b[f] + sum_c,i,j w[f, c, i, j] * in[c, y*sh + i*dh - top, x*sw + j*dw - left].
/// A 1D layer has height 1 everywhere (kernel, stride, dilation 1, no vertical padding).
/// </summary>
internal sealed record ConvSpec(
    int Rank,
    int Filters,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PadTop,
    int PadBottom,
    int PadLeft,
    int PadRight,
    int DilationHeight,
    int DilationWidth,
    int Groups,
    bool Bias,
    Activation Activation,
    bool Same) : LayerSpec
{
    public override string KindName => Rank == 1 ? "Conv1D" : "Conv2D";

    public override Activation? OutputActivation => Activation;

    public override bool HasBias => Bias;

    /// <summary>The output size along one dimension, as PyTorch: floor((in + pads - d*(k-1) - 1) / s) + 1 (may be 0 or less for a bad declaration).</summary>
    public static long OutputSize(long input, long pads, long kernel, long stride, long dilation) =>
        FloorDiv(input + pads - (dilation * (kernel - 1)) - 1, stride) + 1;

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    public override long OutputValues(TensorShape input) =>
        Filters
        * OutputSize(input.Height, PadTop + PadBottom, KernelHeight, StrideHeight, DilationHeight)
        * OutputSize(input.Width, PadLeft + PadRight, KernelWidth, StrideWidth, DilationWidth);

    public override TensorShape OutputShape(TensorShape input) => new(
        Filters,
        (int)OutputSize(input.Height, PadTop + PadBottom, KernelHeight, StrideHeight, DilationHeight),
        (int)OutputSize(input.Width, PadLeft + PadRight, KernelWidth, StrideWidth, DilationWidth),
        Rank);

    /// <summary>[filters, in/groups, kH, kW] (2D) or [filters, in/groups, k] (1D), PyTorch's layout.</summary>
    public override int[] WeightShape(TensorShape input) => Rank == 1
        ? new[] { Filters, input.Channels / Groups, KernelWidth }
        : new[] { Filters, input.Channels / Groups, KernelHeight, KernelWidth };
}
