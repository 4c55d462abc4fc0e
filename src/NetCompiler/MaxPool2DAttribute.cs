using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// 2D max pooling, PyTorch's <c>nn.MaxPool2d</c>: out[c, y, x] = the maximum of the window of in[c, ...] whose
    /// top left corner is (y*s - p, x*s - p). The gradient of a window goes to its first maximum in scan order (row by row, left to right).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class MaxPool2DAttribute : Pooling2DAttribute
    {
        /// <summary>Declares 2D max pooling over windows of <paramref name="kernelSize"/> x <paramref name="kernelSize"/> positions.</summary>
        /// <param name="kernelSize">The window's height and width (at least 1).</param>
        public MaxPool2DAttribute(int kernelSize)
            : base(kernelSize)
        {
        }
    }
}
