using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// 2D avg pooling, PyTorch's <c>nn.AvgPool2d</c>: out[c, y, x] = the mean of the window of in[c, ...] whose
    /// top left corner is (y*s - p, x*s - p). Padded positions count as zeros in the mean (PyTorch's default count_include_pad=True).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class AvgPool2DAttribute : Pooling2DAttribute
    {
        /// <summary>Declares 2D avg pooling over windows of <paramref name="kernelSize"/> x <paramref name="kernelSize"/> positions.</summary>
        /// <param name="kernelSize">The window's height and width (at least 1).</param>
        public AvgPool2DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }
    }
}
