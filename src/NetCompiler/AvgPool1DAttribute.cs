using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// 1D avg pooling, PyTorch's <c>nn.AvgPool1d</c>: out[c, x] = the mean of in[c, x*s - p .. x*s - p + k - 1].
    /// Padded positions count as zeros in the mean (PyTorch's default count_include_pad=True).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class AvgPool1DAttribute : PoolingAttribute
    {
        /// <summary>Declares 1D avg pooling over windows of <paramref name="kernelSize"/> positions.</summary>
        /// <param name="kernelSize">Positions per window (at least 1).</param>
        public AvgPool1DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }
    }
}
