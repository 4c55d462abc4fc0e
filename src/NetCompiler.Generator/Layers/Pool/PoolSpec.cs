using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Pool;

/// <summary>Max or average pooling.</summary>
internal enum PoolOperation
{
    Max,
    Average,
}

/// <summary>
/// One validated max or average pooling layer (1D: height 1 everywhere): out[c, y, x] = the max or mean of
/// in[c, y*sh - ph + i, x*sw - pw + j] over the window i &lt; kh, j &lt; kw (padding never a maximum, zeros in a mean).
/// </summary>
internal sealed record PoolSpec(
    int Rank,
    PoolOperation Operation,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int PadHeight,
    int PadWidth) : LayerSpec
{
    public override string KindName => (Operation == PoolOperation.Max ? "MaxPool" : "AvgPool") + (Rank == 1 ? "1D" : "2D");

    /// <summary>The output size along one dimension, as PyTorch: floor((in + 2p - k) / s) + 1.</summary>
    public static long OutputSize(long input, long pad, long kernel, long stride)
    {
        long span = input + (2 * pad) - kernel;
        return span < 0 ? 0 : (span / stride) + 1;
    }

    public override long OutputValues(TensorShape input) =>
        input.Channels * OutputSize(input.Height, PadHeight, KernelHeight, StrideHeight) * OutputSize(input.Width, PadWidth, KernelWidth, StrideWidth);

    public override TensorShape OutputShape(TensorShape input) => new(
        input.Channels,
        (int)OutputSize(input.Height, PadHeight, KernelHeight, StrideHeight),
        (int)OutputSize(input.Width, PadWidth, KernelWidth, StrideWidth),
        Rank);

    public override int[]? WeightShape(TensorShape input) => null;
}
