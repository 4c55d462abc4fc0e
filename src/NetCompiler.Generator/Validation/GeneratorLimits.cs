namespace NetCompiler.Generator.Validation;

/// <summary>
/// The largest networks NetCompiler generates, so that a declaration can never make the generator (and
/// with it the IDE) hang, nor produce code that overflows the stack at run time.
/// </summary>
internal static class GeneratorLimits
{
    // The default unrolling rule (no UnrollLimit given), measured with tests/NetCompiler.Benchmarks
    // (README, "Unrolled or looped"): unrolling wins while a layer's inputs and running sums fit in the
    // vector registers and the unrolled training method stays small; past that the JIT spills the sums
    // to the stack and the loop is faster.

    /// <summary>Default: the largest layer (in weights) that is unrolled.</summary>
    public const int DefaultUnrollWeights = 64;

    /// <summary>Default: the most inputs of an unrolled layer with more than one unit.</summary>
    public const int DefaultUnrollInputs = 12;

    /// <summary>Default: the most weights unrolled in one network, over all its layers.</summary>
    public const int DefaultUnrollTotal = 256;

    /// <summary>
    /// The largest <c>UnrollLimit</c> a user may ask for: an unrolled Train takes about 21 IL instructions per
    /// weight, and RyuJIT stops optimizing a method above 20,000 IL instructions.
    /// </summary>
    public const int MaxUnrollLimit = 1024;

    /// <summary>
    /// The most weights unrolled in one network whatever the UnrollLimit: further layers are looped. Keeps the
    /// generated source small enough to compile in seconds (256 unrolled 32x32 layers would be 70 MB of C#).
    /// </summary>
    public const int MaxUnrolledWeights = 2048;

    /// <summary>Most parameters (weights and biases) in one network: 2^24, 64 MB as <c>float</c>.</summary>
    public const int MaxParameters = 1 << 24;

    /// <summary>
    /// Most units summed over all layers. Working values live on the stack (a struct local viewed as a span), a few per
    /// unit; this keeps a training step under 256 KB of stack even in double precision.
    /// </summary>
    public const int MaxTotalUnits = 16384;

    /// <summary>
    /// Most parameters in a baked network: each becomes a literal in the generated source (about 12
    /// characters), and very large initializers slow the compiler and the IDE down.
    /// </summary>
    public const int MaxBakedParameters = 1 << 19;

    /// <summary>Most values of one layer's input or output (2^22: 16 MB as <c>float</c>).</summary>
    public const int MaxTensorValues = 1 << 22;

    /// <summary>
    /// Most stack memory a convolutional network's Forward may use for its working values (the two largest layers'
    /// values, the padded input and the output grid of its largest convolution): the same bound as a Dense network's
    /// training step, safe on every thread's default stack.
    /// </summary>
    public const int MaxForwardStackBytes = 256 * 1024;

    /// <summary>
    /// Most memory of a convolutional network's training workspace (every layer's values kept for backpropagation,
    /// allocated once per thread on the heap).
    /// </summary>
    public const long MaxWorkspaceBytes = 256L * 1024 * 1024;

    /// <summary>Most layers in one network.</summary>
    public const int MaxLayers = 256;
}
