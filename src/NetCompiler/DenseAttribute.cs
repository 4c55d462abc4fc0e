using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// One fully connected layer of a <see cref="NetworkAttribute"/> network:
    /// net_j = sum_i w_ji * o_i (+ b_j), o_j = f(net_j). Layers are applied in source order. After a convolution or
    /// pooling layer, a Dense layer sees its output flattened in (channel, row, column) order, as PyTorch's
    /// <c>nn.Flatten</c>; only Dense layers may follow a Dense layer.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class DenseAttribute : Attribute
    {
        /// <summary>Declares a layer of <paramref name="units"/> neurons with activation <paramref name="activation"/>.</summary>
        /// <param name="units">The number of neurons (outputs) of the layer (at least 1).</param>
        /// <param name="activation">The activation function f. Default <see cref="Activation.Identity"/>.</param>
        public DenseAttribute(int units, Activation activation = Activation.Identity)
        {
            Units = units;
            Activation = activation;
        }

        /// <summary>The number of neurons of the layer.</summary>
        public int Units { get; }

        /// <summary>The activation function of the layer.</summary>
        public Activation Activation { get; }

        /// <summary>Whether the layer adds a bias b_j to each weighted sum. Default <c>true</c>.</summary>
        public bool Bias { get; set; } = true;
    }
}
