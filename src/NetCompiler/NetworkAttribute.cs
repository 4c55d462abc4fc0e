using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// Declares a feed-forward network on a <c>partial class</c>. NetCompiler's source generator emits,
    /// at build time, forward, loss, gradient and training code specialized to exactly the declared
    /// shape. The layers are the layer attributes on the same class (<see cref="DenseAttribute"/>,
    /// <see cref="Conv2DAttribute"/>, <see cref="MaxPool2DAttribute"/>, ...), in source order.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The input is a flat vector (<see cref="NetworkAttribute(int)"/>), a sequence of
    /// <c>channels</c> x <c>length</c> values for 1D convolutions (<see cref="NetworkAttribute(int, int)"/>), or an image
    /// of <c>channels</c> x <c>height</c> x <c>width</c> values for 2D convolutions
    /// (<see cref="NetworkAttribute(int, int, int)"/>). Inputs are always passed flat, channels first (CHW, PyTorch's
    /// layout): value (c, y, x) at <c>c * height * width + y * width + x</c>.
    /// </para>
    /// <para>
    /// The attribute is only read by the compiler: it is not kept in the compiled assembly unless the
    /// symbol <c>NETCOMPILER_KEEP_ATTRIBUTES</c> is defined, so a program needs no NetCompiler assembly
    /// at run time.
    /// </para>
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
            Channels = inputs;
        }

        /// <summary>
        /// Declares a network whose input is a sequence: <paramref name="channels"/> x <paramref name="length"/> values
        /// per sample, channels first (value (c, x) at <c>c * length + x</c>), for <see cref="Conv1DAttribute"/> and the
        /// 1D pooling layers.
        /// </summary>
        /// <param name="channels">Channels (at least 1), e.g. the axes of an accelerometer.</param>
        /// <param name="length">Positions per channel (at least 1), e.g. time steps.</param>
        public NetworkAttribute(int channels, int length)
        {
            Channels = channels;
            Length = length;
            Inputs = unchecked(channels * length);
        }

        /// <summary>
        /// Declares a network whose input is an image: <paramref name="channels"/> x <paramref name="height"/> x
        /// <paramref name="width"/> values per sample, channels first (value (c, y, x) at
        /// <c>c * height * width + y * width + x</c>), for <see cref="Conv2DAttribute"/> and the 2D pooling layers.
        /// </summary>
        /// <param name="channels">Channels (at least 1), e.g. 1 for grey, 3 for RGB.</param>
        /// <param name="height">Rows (at least 1).</param>
        /// <param name="width">Columns (at least 1).</param>
        public NetworkAttribute(int channels, int height, int width)
        {
            Channels = channels;
            Height = height;
            Width = width;
            Inputs = unchecked(channels * height * width);
        }

        /// <summary>The number of inputs per sample (for a sequence or an image, the product of its dimensions).</summary>
        public int Inputs { get; }

        /// <summary>The input's channels (for a flat input, its number of values).</summary>
        public int Channels { get; }

        /// <summary>Positions per channel of a sequence input; 0 for other inputs.</summary>
        public int Length { get; }

        /// <summary>Rows of an image input; 0 for other inputs.</summary>
        public int Height { get; }

        /// <summary>Columns of an image input; 0 for other inputs.</summary>
        public int Width { get; }

        /// <summary>The loss that <c>ComputeLoss</c>, <c>Gradient</c> and the training members use. Default <see cref="Loss.HalfSquaredError"/>.</summary>
        public Loss Loss { get; set; } = Loss.HalfSquaredError;

        /// <summary>The floating-point type of the generated code. Default <see cref="Precision.Single"/> (<c>float</c>).</summary>
        public Precision Precision { get; set; } = Precision.Single;

        /// <summary>
        /// The largest layer, counted in weights (units x inputs), whose code is fully unrolled (every
        /// multiply-add written out with constant indices, values in locals). Larger layers are emitted
        /// as loops with constant bounds. A negative value (the default) uses NetCompiler's measured
        /// default; 0 loops every layer. Applies to <see cref="DenseAttribute"/> layers.
        /// </summary>
        public int UnrollLimit { get; set; } = -1;

        /// <summary>
        /// Bakes the network: the path of a safetensors parameter file (as written by <c>SaveParameters</c>, or
        /// by PyTorch for an <c>nn.Sequential</c> of the matching layers) that is also an <c>AdditionalFiles</c>
        /// item of the project. The generator then reads the file at build time and emits an inference-only
        /// network whose parameters are compiled in: static <c>Forward</c> and <c>ForwardBatch</c>, the size
        /// constants, and nothing that needs an instance or the heap. Matched against the AdditionalFiles items
        /// by path relative to the project folder, or by bare file name when that is unique.
        /// </summary>
        public string? BakedParameters { get; set; }
    }
}
