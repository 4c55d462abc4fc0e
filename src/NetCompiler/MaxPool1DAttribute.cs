using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// 1D max pooling, PyTorch's <c>nn.MaxPool1d</c>: out[c, x] = the maximum of in[c, x*s - p .. x*s - p + k - 1].
    /// The gradient of a window goes to its first maximum in scan order (row by row, left to right).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class MaxPool1DAttribute : PoolingAttribute
    {
        /// <summary>Declares 1D max pooling over windows of <paramref name="kernelSize"/> positions.</summary>
        /// <param name="kernelSize">Positions per window (at least 1).</param>
        public MaxPool1DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }
    }
}
