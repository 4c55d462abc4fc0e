using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// Declares a feed-forward network on a <c>partial class</c>. NetCompiler's source generator emits,
    /// at build time, forward, loss, gradient and training code specialized to exactly the declared
    /// shape. The layers are the <see cref="DenseAttribute"/>s on the same class, in source order.
    /// </summary>
    /// <remarks>
    /// The attribute is only read by the compiler: it is not kept in the compiled assembly unless the
    /// symbol <c>NETCOMPILER_KEEP_ATTRIBUTES</c> is defined, so a program needs no NetCompiler assembly
    /// at run time.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Declares a network that takes <paramref name="inputs"/> values per sample.</summary>
        /// <param name="inputs">The number of inputs per sample (at least 1).</param>
        public NetworkAttribute(int inputs)
        {
            Inputs = inputs;
        }

        /// <summary>The number of inputs per sample.</summary>
        public int Inputs { get; }

        /// <summary>The loss that <c>ComputeLoss</c>, <c>Gradient</c> and the training members use. Default <see cref="Loss.HalfSquaredError"/>.</summary>
        public Loss Loss { get; set; } = Loss.HalfSquaredError;

        /// <summary>The floating-point type of the generated code. Default <see cref="Precision.Single"/> (<c>float</c>).</summary>
        public Precision Precision { get; set; } = Precision.Single;

        /// <summary>
        /// The largest layer, counted in weights (units x inputs), whose code is fully unrolled (every
        /// multiply-add written out with constant indices, values in locals). Larger layers are emitted
        /// as loops with constant bounds. A negative value (the default) uses NetCompiler's measured
        /// default; 0 loops every layer.
        /// </summary>
        public int UnrollLimit { get; set; } = -1;

        /// <summary>
        /// Bakes the network: the path of a safetensors parameter file (as written by <c>SaveParameters</c>, or
        /// by PyTorch for an <c>nn.Sequential</c> of <c>nn.Linear</c> layers) that is also an <c>AdditionalFiles</c>
        /// item of the project. The generator then reads the file at build time and emits an inference-only
        /// network whose parameters are compiled in: static <c>Forward</c> and <c>ForwardBatch</c>, the size
        /// constants, and nothing that needs an instance or the heap. Matched against the AdditionalFiles items
        /// by path relative to the project folder, or by bare file name when that is unique.
        /// </summary>
        public string? BakedParameters { get; set; }
    }
}
