namespace NetCompiler.Generator.Model;

/// <summary>
/// The shape of the values between two layers, channels first (CHW, PyTorch's layout): a flat vector (rank 0: Channels
/// values), a sequence (rank 1: Channels x Width, Height 1) or an image (rank 2: Channels x Height x Width).
/// </summary>
internal readonly record struct TensorShape(int Channels, int Height, int Width, int Rank)
{
    public static TensorShape Flat(int count) => new(count, 1, 1, 0);

    /// <summary>Values in the tensor (validation keeps this below 2^31).</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Positions per channel.</summary>
    public int Positions => Height * Width;

    /// <summary>"64", "16x124" or "8x4x4", for comments and the shapes table.</summary>
    public string Describe() => Rank switch
    {
        0 => Channels.ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}x{1}", Channels, Width),
        _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0}x{1}x{2}", Channels, Height, Width),
    };
}
