using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// A 2D convolution layer over an image (<c>[Network(channels, height, width)]</c>), PyTorch's <c>nn.Conv2d</c>:
    /// out[f, y, x] = b[f] + sum_c,i,j w[f, c, i, j] * in[c, y*s + i*d - p, x*s + j*d - p], then the activation. Output
    /// size per dimension: floor((in + 2p - d*(k-1) - 1) / s) + 1. Weights [filters, in_channels / groups, kernelHeight,
    /// kernelWidth], then the bias [filters].
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class Conv2DAttribute : ConvolutionAttribute
    {
        /// <summary>Declares a 2D convolution of <paramref name="filters"/> filters of <paramref name="kernelSize"/> x <paramref name="kernelSize"/> taps.</summary>
        /// <param name="filters">Output channels (at least 1).</param>
        /// <param name="kernelSize">The kernel's height and width (at least 1); <see cref="KernelHeight"/> and <see cref="KernelWidth"/> override it.</param>
        /// <param name="activation">The activation (any but <see cref="Activation.Softmax"/>). Default <see cref="Activation.Identity"/>.</param>
        public Conv2DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity)
            : base(filters, kernelSize, activation)
        {
        }

        /// <summary>The kernel's height, when it differs from its width. Unset: the constructor's kernel size.</summary>
        public int KernelHeight { get; set; }

        /// <summary>The kernel's width, when it differs from its height. Unset: the constructor's kernel size.</summary>
        public int KernelWidth { get; set; }

        /// <summary>The vertical stride. Unset: <see cref="ConvolutionAttribute.Stride"/>.</summary>
        public int StrideHeight { get; set; }

        /// <summary>The horizontal stride. Unset: <see cref="ConvolutionAttribute.Stride"/>.</summary>
        public int StrideWidth { get; set; }

        /// <summary>Zero rows added at the top and at the bottom. Unset: <see cref="ConvolutionAttribute.Padding"/>.</summary>
        public int PaddingHeight { get; set; }

        /// <summary>Zero columns added at the left and at the right. Unset: <see cref="ConvolutionAttribute.Padding"/>.</summary>
        public int PaddingWidth { get; set; }

        /// <summary>The vertical dilation. Unset: <see cref="ConvolutionAttribute.Dilation"/>.</summary>
        public int DilationHeight { get; set; }

        /// <summary>The horizontal dilation. Unset: <see cref="ConvolutionAttribute.Dilation"/>.</summary>
        public int DilationWidth { get; set; }
    }
}
