using System;

namespace NetCompiler
{
    /// <summary>
    /// What <see cref="Conv1DAttribute"/> and <see cref="Conv2DAttribute"/> share: a convolution over the positions of
    /// its input, out[f, y, x] = b[f] + sum_c,i,j w[f, c, i, j] * in[c, y*s + i*d - p, x*s + j*d - p] (zeros outside the
    /// input), then the activation. Weights are laid out as PyTorch's <c>Conv1d</c>/<c>Conv2d</c>:
    /// [filters, in_channels / groups, kernel...], followed by the bias [filters].
    /// </summary>
    public abstract class ConvolutionAttribute : Attribute
    {
        /// <summary>Sets the arguments every convolution has.</summary>
        /// <param name="filters">Output channels (at least 1).</param>
        /// <param name="kernelSize">The kernel's size (at least 1), in every dimension.</param>
        /// <param name="activation">The activation f applied to every output (any but <see cref="Activation.Softmax"/>).</param>
        private protected ConvolutionAttribute(int filters, int kernelSize, Activation activation)
        {
            Filters = filters;
            KernelSize = kernelSize;
            Activation = activation;
        }

        /// <summary>Output channels: the number of filters.</summary>
        public int Filters { get; }

        /// <summary>The kernel's size in every dimension.</summary>
        public int KernelSize { get; }

        /// <summary>The activation applied to every output.</summary>
        public Activation Activation { get; }

        /// <summary>The step between neighbouring outputs, in every dimension. Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>Zeros added on both sides of the input, in every dimension. Default 0. Not together with <see cref="Same"/>.</summary>
        public int Padding { get; set; }

        /// <summary>
        /// TensorFlow/Keras "same" padding: output size = ceil(input size / stride), with the zeros needed split over both
        /// sides; when their total is odd, the extra one goes at the end (bottom, right). Default <c>false</c>.
        /// </summary>
        public bool Same { get; set; }

        /// <summary>The spacing between kernel taps, in every dimension (1 = contiguous). Default 1.</summary>
        public int Dilation { get; set; } = 1;

        /// <summary>
        /// Channel groups (default 1): input channels and filters are split into this many groups, and each filter sees only
        /// its group's channels. Both counts must be divisible by it; groups equal to the input channels is a depthwise
        /// convolution.
        /// </summary>
        public int Groups { get; set; } = 1;

        /// <summary>Whether each filter adds a bias b[f]. Default <c>true</c>.</summary>
        public bool Bias { get; set; } = true;
    }
}
