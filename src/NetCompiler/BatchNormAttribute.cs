using System;
using System.Diagnostics;

namespace NetCompiler
{
    /// <summary>
    /// Batch normalization of the layer right before it (a <see cref="DenseAttribute"/> or a convolution), exactly as
    /// PyTorch's <c>nn.BatchNorm1d</c>/<c>nn.BatchNorm2d</c>: per feature (Dense) or per channel (convolution),
    /// z_hat = (z - mean) / sqrt(var + Epsilon), y = gamma * z_hat + beta, and then the layer's own activation f.
    /// The training members (Gradient, Train, TrainBatch) use the statistics of the batch (over the rows and, after a
    /// convolution, the positions; the population variance) and update the running statistics
    /// (running = (1 - Momentum) * running + Momentum * batch, the unbiased variance); Forward, ForwardBatch and
    /// ComputeLoss use the running statistics. gamma (initially 1) and beta (0) are parameters; the running mean (0) and
    /// variance (1) are in the generated <c>Buffers</c>. A baked network folds the layer into the one before it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("NETCOMPILER_KEEP_ATTRIBUTES")]
    public sealed class BatchNormAttribute : Attribute
    {
        /// <summary>Added to the variance before its square root, for stability. Default 1e-5 (PyTorch's); positive and finite.</summary>
        public double Epsilon { get; set; } = 1e-5;

        /// <summary>The weight of a batch's statistics in the running update. Default 0.1 (PyTorch's); in [0, 1].</summary>
        public double Momentum { get; set; } = 0.1;
    }
}
