using System;
using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>
/// The textbook MLP a .NET developer writes by hand: shapes known only at run time, each layer's weights a jagged
/// <c>float[][]</c> (<c>W[j][i]</c>, row j = unit j), scalar loops, <see cref="MathF"/> for the activations. The same
/// mathematics as the generated code: backpropagation with the deltas of every layer computed from the weights
/// before the step, the fused softmax + cross-entropy gradient <c>y - d</c>, plain gradient descent, and for a batch
/// one step on the mean gradient. Working buffers are allocated once in the constructor (a textbook layer object
/// keeps its outputs and deltas), so the timed calls do not allocate.
/// </summary>
public sealed class NaiveMlp
{
    private readonly PeerSpec _spec;
    private readonly Layer[] _layers;
    private float _softmaxMax;
    private float _softmaxSum;

    public NaiveMlp(PeerSpec spec)
    {
        spec.Validate();
        _spec = spec;
        _layers = new Layer[spec.Layers.Length];
        int n = spec.Inputs;
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new Layer(n, spec.Layers[l]);
            n = spec.Layers[l].Units;
        }
    }

    private sealed class Layer
    {
        public readonly int Inputs;
        public readonly int Units;
        public readonly Activation Activation;
        public readonly bool HasBias;
        public readonly float[][] W;
        public readonly float[] B;
        public readonly float[][] GW;
        public readonly float[] GB;
        public readonly float[] Net;
        public readonly float[] O;
        public readonly float[] Delta;

        public Layer(int inputs, PeerLayer layer)
        {
            Inputs = inputs;
            Units = layer.Units;
            Activation = layer.Activation;
            HasBias = layer.Bias;
            W = new float[Units][];
            GW = new float[Units][];
            for (int j = 0; j < Units; j++)
            {
                W[j] = new float[inputs];
                GW[j] = new float[inputs];
            }

            B = new float[Units];
            GB = new float[Units];
            Net = new float[Units];
            O = new float[Units];
            Delta = new float[Units];
        }
    }

    /// <summary>Copies parameters in NetCompiler's layout (per layer W[units, inputs] row-major, then the bias).</summary>
    public void SetParameters(ReadOnlySpan<float> p)
    {
        int k = 0;
        foreach (Layer layer in _layers)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    layer.W[j][i] = p[k++];
                }
            }

            if (layer.HasBias)
            {
                for (int j = 0; j < layer.Units; j++)
                {
                    layer.B[j] = p[k++];
                }
            }
        }
    }

    /// <summary>Writes the parameters in NetCompiler's layout.</summary>
    public void GetParameters(Span<float> p)
    {
        int k = 0;
        foreach (Layer layer in _layers)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    p[k++] = layer.W[j][i];
                }
            }

            if (layer.HasBias)
            {
                for (int j = 0; j < layer.Units; j++)
                {
                    p[k++] = layer.B[j];
                }
            }
        }
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardCore(input);
        float[] o = _layers[^1].O;
        for (int k = 0; k < o.Length; k++)
        {
            output[k] = o[k];
        }
    }

    /// <summary>One gradient-descent step on one sample; returns the loss before the step.</summary>
    public float Train(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate)
    {
        ForwardCore(input);
        float loss = OutputDelta(target);
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            Layer layer = _layers[l];
            if (l > 0)
            {
                HiddenDelta(_layers[l - 1], layer);
            }

            // w_ji <- w_ji - eta * delta_j * o_i; b_j <- b_j - eta * delta_j.
            for (int j = 0; j < layer.Units; j++)
            {
                float[] w = layer.W[j];
                float d = layer.Delta[j];
                for (int i = 0; i < layer.Inputs; i++)
                {
                    w[i] -= learningRate * (d * InputOf(l, input, i));
                }

                if (layer.HasBias)
                {
                    layer.B[j] -= learningRate * d;
                }
            }
        }

        return loss;
    }

    /// <summary>One gradient-descent step on the mean loss of the rows; returns that mean loss.</summary>
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int rows = inputs.Length / _spec.Inputs;
        foreach (Layer layer in _layers)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                Array.Clear(layer.GW[j]);
            }

            Array.Clear(layer.GB);
        }

        float total = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> input = inputs.Slice(r * _spec.Inputs, _spec.Inputs);
            ForwardCore(input);
            total += OutputDelta(targets.Slice(r * _spec.Outputs, _spec.Outputs));
            for (int l = _layers.Length - 1; l >= 0; l--)
            {
                Layer layer = _layers[l];
                if (l > 0)
                {
                    HiddenDelta(_layers[l - 1], layer);
                }

                for (int j = 0; j < layer.Units; j++)
                {
                    float[] g = layer.GW[j];
                    float d = layer.Delta[j];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        g[i] += d * InputOf(l, input, i);
                    }

                    layer.GB[j] += d;
                }
            }
        }

        float scale = learningRate / rows;
        foreach (Layer layer in _layers)
        {
            for (int j = 0; j < layer.Units; j++)
            {
                float[] w = layer.W[j];
                float[] g = layer.GW[j];
                for (int i = 0; i < layer.Inputs; i++)
                {
                    w[i] -= scale * g[i];
                }

                if (layer.HasBias)
                {
                    layer.B[j] -= scale * layer.GB[j];
                }
            }
        }

        return total / rows;
    }

    private float InputOf(int layer, ReadOnlySpan<float> input, int i) => layer == 0 ? input[i] : _layers[layer - 1].O[i];

    private void ForwardCore(ReadOnlySpan<float> input)
    {
        for (int l = 0; l < _layers.Length; l++)
        {
            Layer layer = _layers[l];
            for (int j = 0; j < layer.Units; j++)
            {
                // net_j = sum_i w_ji * o_i + b_j
                float[] w = layer.W[j];
                float sum = layer.HasBias ? layer.B[j] : 0f;
                for (int i = 0; i < layer.Inputs; i++)
                {
                    sum += w[i] * InputOf(l, input, i);
                }

                layer.Net[j] = sum;
            }

            float[] net = layer.Net;
            float[] o = layer.O;
            switch (layer.Activation)
            {
                case Activation.Identity:
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = net[j];
                    }

                    break;
                case Activation.Sigmoid:
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = 1f / (1f + MathF.Exp(-net[j]));
                    }

                    break;
                case Activation.Tanh:
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = MathF.Tanh(net[j]);
                    }

                    break;
                case Activation.ReLU:
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = net[j] > 0f ? net[j] : 0f;
                    }

                    break;
                case Activation.LeakyReLU:
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = net[j] > 0f ? net[j] : 0.01f * net[j];
                    }

                    break;
                case Activation.Softmax:
                    float max = net[0];
                    for (int j = 1; j < o.Length; j++)
                    {
                        max = MathF.Max(max, net[j]);
                    }

                    float s = 0f;
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = MathF.Exp(net[j] - max);
                        s += o[j];
                    }

                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] /= s;
                    }

                    _softmaxMax = max;
                    _softmaxSum = s;

                    break;
                default:
                    throw new NotSupportedException(layer.Activation.ToString());
            }
        }
    }

    /// <summary>Output deltas into the last layer; returns the loss.</summary>
    private float OutputDelta(ReadOnlySpan<float> target)
    {
        Layer last = _layers[^1];
        if (_spec.Loss == Loss.CrossEntropy)
        {
            // E = -sum_k d_k ln y_k = sum_k d_k (lse - net_k), lse = ln sum_j e^net_j; delta_k = y_k - d_k (fused).
            float lse = _softmaxMax + MathF.Log(_softmaxSum);
            float loss = 0f;
            for (int k = 0; k < last.Units; k++)
            {
                loss += target[k] * (lse - last.Net[k]);
                last.Delta[k] = last.O[k] - target[k];
            }

            return loss;
        }
        else
        {
            // E = 1/2 sum_k (d_k - y_k)^2; delta_k = (y_k - d_k) f'(net_k).
            float loss = 0f;
            for (int k = 0; k < last.Units; k++)
            {
                float e = last.O[k] - target[k];
                loss += e * e;
                last.Delta[k] = e * Derivative(last.Activation, last.Net[k], last.O[k]);
            }

            return 0.5f * loss;
        }
    }

    /// <summary>delta_j = f'(net_j) * sum_k w_kj * delta_k, with the weights before the step.</summary>
    private static void HiddenDelta(Layer hidden, Layer next)
    {
        for (int j = 0; j < hidden.Units; j++)
        {
            float sum = 0f;
            for (int k = 0; k < next.Units; k++)
            {
                sum += next.W[k][j] * next.Delta[k];
            }

            hidden.Delta[j] = Derivative(hidden.Activation, hidden.Net[j], hidden.O[j]) * sum;
        }
    }

    private static float Derivative(Activation activation, float net, float o) => activation switch
    {
        Activation.Identity => 1f,
        Activation.Sigmoid => o * (1f - o),
        Activation.Tanh => 1f - (o * o),
        Activation.ReLU => net > 0f ? 1f : 0f,
        Activation.LeakyReLU => net > 0f ? 1f : 0.01f,
        _ => throw new NotSupportedException(activation.ToString()),
    };
}
