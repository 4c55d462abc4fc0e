using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// Global average pooling: out[c] = the mean of in[c, ...] over all positions of the channel (PyTorch's
    /// <c>nn.AdaptiveAvgPool1d(1)</c>/<c>nn.AdaptiveAvgPool2d(1)</c>). Its output has one position per channel, so a
    /// following <see cref="DenseAttribute"/> sees one value per channel.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class GlobalAvgPoolAttribute : Attribute
    {
    }
}
