using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// A 1D convolution layer over a sequence (<c>[Network(channels, length)]</c>), PyTorch's <c>nn.Conv1d</c>:
    /// out[f, x] = b[f] + sum_c,j w[f, c, j] * in[c, x*s + j*d - p], then the activation. Output length:
    /// floor((length + 2p - d*(k-1) - 1) / s) + 1. Weights [filters, in_channels / groups, kernelSize], then the bias
    /// [filters].
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class Conv1DAttribute : ConvolutionAttribute
    {
        /// <summary>Declares a 1D convolution of <paramref name="filters"/> filters of <paramref name="kernelSize"/> taps.</summary>
        /// <param name="filters">Output channels (at least 1).</param>
        /// <param name="kernelSize">Taps per filter and input channel (at least 1).</param>
        /// <param name="activation">The activation (any but <see cref="Activation.Softmax"/>). Default <see cref="Activation.Identity"/>.</param>
        public Conv1DAttribute(int filters, int kernelSize, Activation activation = Activation.Identity)
            : base(filters, kernelSize, activation)
        {
        }
    }
}
