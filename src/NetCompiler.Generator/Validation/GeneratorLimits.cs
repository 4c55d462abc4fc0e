namespace NetCompiler.Generator.Validation;

/// <summary>
/// The largest networks NetCompiler generates, so that a declaration can never make the generator (and
/// with it the IDE) hang, nor produce code that overflows the stack at run time.
/// </summary>
internal static class GeneratorLimits
{
    /// <summary>
    /// Default <c>UnrollLimit</c>: layers with at most this many weights are unrolled. Measured with
    /// <c>tests/NetCompiler.Benchmarks</c> (see README, "Unrolled or looped").
    /// </summary>
    public const int DefaultUnrollLimit = 64;

    /// <summary>The largest <c>UnrollLimit</c> a user may ask for.</summary>
    public const int MaxUnrollLimit = 4096;

    /// <summary>Most parameters (weights and biases) in one network: 2^24, 64 MB as <c>float</c>.</summary>
    public const int MaxParameters = 1 << 24;

    /// <summary>
    /// Most units summed over all layers. Working values live on the stack (<c>stackalloc</c>), a few per
    /// unit; this keeps a training step under 256 KB of stack even in double precision.
    /// </summary>
    public const int MaxTotalUnits = 16384;

    /// <summary>Most layers in one network.</summary>
    public const int MaxLayers = 256;
}
