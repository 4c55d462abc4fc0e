using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// Inverted dropout of the layer before it, as PyTorch's <c>nn.Dropout</c>: in the training members (Gradient, Train,
    /// TrainBatch) each value is kept with probability 1 - p and then scaled by 1 / (1 - p), or set to 0; in Forward,
    /// ForwardBatch and ComputeLoss (and a baked network) the layer passes its input through unchanged. The masks come from
    /// a generator of each instance, seeded by the generated <c>DropoutSeed</c> property: the same seed gives the same masks
    /// on every machine.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class DropoutAttribute : Attribute
    {
        /// <summary>Declares dropout with probability <paramref name="p"/> of zeroing a value.</summary>
        /// <param name="p">The probability that a value is dropped, in [0, 1).</param>
        public DropoutAttribute(double p)
        {
            P = p;
        }

        /// <summary>The probability that a value is dropped.</summary>
        public double P { get; }
    }
}
