namespace NetCompiler
{
    /// <summary>The loss E that training minimizes, for one sample with target d and output y.</summary>
    public enum Loss
    {
        /// <summary>E = 1/2 * sum_k (d_k - y_k)^2; dE/dy_k = y_k - d_k. The textbook loss (the default).</summary>
        HalfSquaredError = 0,

        /// <summary>E = (1/n) * sum_k (d_k - y_k)^2 with n = OutputCount; dE/dy_k = (2/n) * (y_k - d_k).</summary>
        MeanSquaredError = 1,

        /// <summary>
        /// With a <see cref="Activation.Softmax"/> last layer: E = -sum_k d_k ln y_k (multi-class).
        /// With a <see cref="Activation.Sigmoid"/> last layer: E = -sum_k [d_k ln y_k + (1 - d_k) ln(1 - y_k)]
        /// (independent binary outputs). Either way dE/dnet_k = y_k - d_k at the logits.
        /// </summary>
        CrossEntropy = 2,
    }
}
