namespace NetCompiler
{
    /// <summary>The activation function f applied to a layer's weighted sums: o_j = f(net_j).</summary>
    public enum Activation
    {
        /// <summary>f(x) = x; f'(x) = 1.</summary>
        Identity = 0,

        /// <summary>f(x) = 1 / (1 + e^-x); f'(x) = f(x) * (1 - f(x)).</summary>
        Sigmoid = 1,

        /// <summary>f(x) = tanh(x); f'(x) = 1 - f(x)^2.</summary>
        Tanh = 2,

        /// <summary>f(x) = max(0, x); f'(x) = 1 for x &gt; 0, else 0.</summary>
        ReLU = 3,

        /// <summary>f(x) = x for x &gt; 0, else 0.01 * x; f'(x) = 1 for x &gt; 0, else 0.01.</summary>
        LeakyReLU = 4,

        /// <summary>
        /// y_k = e^(net_k) / sum_j e^(net_j), over the whole layer. Only allowed on the last layer.
        /// With <see cref="Loss.CrossEntropy"/> the gradient at the logits is fused (y - d); with any
        /// other loss the full Jacobian dy_k/dnet_j = y_k * ([k = j] - y_j) is used.
        /// </summary>
        Softmax = 5,
    }
}
