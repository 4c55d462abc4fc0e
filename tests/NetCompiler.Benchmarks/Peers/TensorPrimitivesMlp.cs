using System;
using System.Numerics.Tensors;
using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>
/// The MLP a performance-minded .NET developer writes with System.Numerics.Tensors: shapes known at run time, all
/// parameters in one flat array in NetCompiler's layout (per layer W[units, inputs] row-major, then the bias),
/// and <see cref="TensorPrimitives"/> for every inner loop: <see cref="TensorPrimitives.Dot{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>
/// per output row, MultiplyAdd (axpy) for the back-propagated deltas, the gradient and the update, Exp/Tanh/Sigmoid/Max
/// for the activations and the softmax. The one scalar loop left is the ReLU derivative mask (TensorPrimitives
/// has no step function). Same mathematics as <see cref="NaiveMlp"/>; every buffer is allocated in the constructor.
/// </summary>
public sealed class TensorPrimitivesMlp
{
    private readonly PeerSpec _spec;
    private readonly int _layerCount;
    private readonly int[] _in;
    private readonly int[] _units;
    private readonly Activation[] _activation;
    private readonly int[] _wOffset;
    private readonly int[] _bOffset; // -1: no bias
    private readonly float[] _p;
    private readonly float[] _g;
    private readonly float[][] _o;
    private readonly float[][] _delta;
    private readonly float[] _tmp;
    private readonly float[] _shifted; // net - max of the softmax layer, for the loss
    private float _sumExp; // sum_k e^(net_k - max) of the softmax layer, for the loss

    public TensorPrimitivesMlp(PeerSpec spec)
    {
        spec.Validate();
        _spec = spec;
        _layerCount = spec.Layers.Length;
        _in = new int[_layerCount];
        _units = new int[_layerCount];
        _activation = new Activation[_layerCount];
        _wOffset = new int[_layerCount];
        _bOffset = new int[_layerCount];
        _o = new float[_layerCount][];
        _delta = new float[_layerCount][];
        int n = spec.Inputs;
        int offset = 0;
        int widest = 0;
        for (int l = 0; l < _layerCount; l++)
        {
            PeerLayer layer = spec.Layers[l];
            _in[l] = n;
            _units[l] = layer.Units;
            _activation[l] = layer.Activation;
            _wOffset[l] = offset;
            offset += layer.Units * n;
            _bOffset[l] = layer.Bias ? offset : -1;
            offset += layer.Bias ? layer.Units : 0;
            _o[l] = new float[layer.Units];
            _delta[l] = new float[layer.Units];
            widest = Math.Max(widest, layer.Units);
            n = layer.Units;
        }

        _p = new float[offset];
        _g = new float[offset];
        _tmp = new float[widest];
        _shifted = new float[spec.Outputs];
    }

    /// <summary>The live parameters, in NetCompiler's layout.</summary>
    public Span<float> Parameters => _p;

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardCore(input, training: false);
        _o[_layerCount - 1].AsSpan().CopyTo(output);
    }

    /// <summary>One gradient-descent step on one sample; returns the loss before the step.</summary>
    public float Train(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate)
    {
        ForwardCore(input, training: true);
        float loss = OutputDelta(target);
        for (int l = _layerCount - 1; l >= 0; l--)
        {
            int n = _in[l];
            ReadOnlySpan<float> x = l == 0 ? input : _o[l - 1];
            float[] delta = _delta[l];
            if (l > 0)
            {
                HiddenDelta(l);
            }

            // w_ji <- w_ji - eta * delta_j * o_i (one axpy per row); b <- b - eta * delta.
            Span<float> w = _p.AsSpan(_wOffset[l], _units[l] * n);
            for (int j = 0; j < delta.Length; j++)
            {
                Span<float> row = w.Slice(j * n, n);
                TensorPrimitives.MultiplyAdd(x, -learningRate * delta[j], row, row);
            }

            if (_bOffset[l] >= 0)
            {
                Span<float> b = _p.AsSpan(_bOffset[l], delta.Length);
                TensorPrimitives.MultiplyAdd(delta, -learningRate, b, b);
            }
        }

        return loss;
    }

    /// <summary>One gradient-descent step on the mean loss of the rows; returns that mean loss.</summary>
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int inputCount = _spec.Inputs;
        int outputCount = _spec.Outputs;
        int rows = inputs.Length / inputCount;
        Array.Clear(_g);
        float total = 0f;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> input = inputs.Slice(r * inputCount, inputCount);
            ForwardCore(input, training: true);
            total += OutputDelta(targets.Slice(r * outputCount, outputCount));
            for (int l = _layerCount - 1; l >= 0; l--)
            {
                int n = _in[l];
                ReadOnlySpan<float> x = l == 0 ? input : _o[l - 1];
                float[] delta = _delta[l];
                if (l > 0)
                {
                    HiddenDelta(l);
                }

                // dE/dw_ji += delta_j * o_i; dE/db_j += delta_j.
                Span<float> g = _g.AsSpan(_wOffset[l], _units[l] * n);
                for (int j = 0; j < delta.Length; j++)
                {
                    Span<float> row = g.Slice(j * n, n);
                    TensorPrimitives.MultiplyAdd(x, delta[j], row, row);
                }

                if (_bOffset[l] >= 0)
                {
                    Span<float> gb = _g.AsSpan(_bOffset[l], delta.Length);
                    TensorPrimitives.Add(gb, delta, gb);
                }
            }
        }

        // p <- p - eta * (1/k) * sum of the gradients.
        TensorPrimitives.MultiplyAdd(_g, -learningRate / rows, _p, _p);
        return total / rows;
    }

    private void ForwardCore(ReadOnlySpan<float> input, bool training)
    {
        ReadOnlySpan<float> x = input;
        for (int l = 0; l < _layerCount; l++)
        {
            int n = _in[l];
            float[] o = _o[l];
            ReadOnlySpan<float> w = _p.AsSpan(_wOffset[l], o.Length * n);
            for (int j = 0; j < o.Length; j++)
            {
                o[j] = TensorPrimitives.Dot(w.Slice(j * n, n), x);
            }

            if (_bOffset[l] >= 0)
            {
                TensorPrimitives.Add(o, _p.AsSpan(_bOffset[l], o.Length), o);
            }

            switch (_activation[l])
            {
                case Activation.Identity:
                    break;
                case Activation.Sigmoid:
                    TensorPrimitives.Sigmoid(o, o);
                    break;
                case Activation.Tanh:
                    TensorPrimitives.Tanh(o, o);
                    break;
                case Activation.ReLU:
                    TensorPrimitives.Max(o, 0f, o);
                    break;
                case Activation.Softmax:
                    float max = TensorPrimitives.Max(o);
                    TensorPrimitives.Subtract(o, max, o);
                    if (training)
                    {
                        o.AsSpan().CopyTo(_shifted);
                    }

                    TensorPrimitives.Exp(o, o);
                    _sumExp = TensorPrimitives.Sum(o);
                    TensorPrimitives.Divide(o, _sumExp, o);
                    break;
                default:
                    throw new NotSupportedException(_activation[l].ToString());
            }

            x = o;
        }
    }

    private float OutputDelta(ReadOnlySpan<float> target)
    {
        int last = _layerCount - 1;
        float[] o = _o[last];
        float[] delta = _delta[last];
        TensorPrimitives.Subtract(o, target, delta);
        if (_spec.Loss == Loss.CrossEntropy)
        {
            // E = sum_k d_k (ln s - z_k) with z = net - max, s = sum e^z; delta = y - d (fused).
            return (MathF.Log(_sumExp) * TensorPrimitives.Sum(target)) - TensorPrimitives.Dot(target, _shifted);
        }

        // E = 1/2 sum (y - d)^2; delta = (y - d) * f'(net).
        float loss = 0.5f * TensorPrimitives.SumOfSquares<float>(delta);
        ApplyDerivative(_activation[last], o, delta);
        return loss;
    }

    /// <summary>delta^(l-1) = f'(net^(l-1)) * W_l^T delta^l, from the weights before the step.</summary>
    private void HiddenDelta(int l)
    {
        int n = _in[l];
        float[] delta = _delta[l];
        Span<float> prev = _delta[l - 1];
        prev.Clear();
        ReadOnlySpan<float> w = _p.AsSpan(_wOffset[l], delta.Length * n);
        for (int k = 0; k < delta.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(w.Slice(k * n, n), delta[k], prev, prev);
        }

        ApplyDerivative(_activation[l - 1], _o[l - 1], prev);
    }

    private void ApplyDerivative(Activation activation, ReadOnlySpan<float> o, Span<float> delta)
    {
        Span<float> t = _tmp.AsSpan(0, o.Length);
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Sigmoid:
                // o (1 - o)
                TensorPrimitives.Subtract(1f, o, t);
                TensorPrimitives.Multiply(t, o, t);
                TensorPrimitives.Multiply(delta, t, delta);
                break;
            case Activation.Tanh:
                // 1 - o^2
                TensorPrimitives.Multiply(o, o, t);
                TensorPrimitives.Subtract(1f, t, t);
                TensorPrimitives.Multiply(delta, t, delta);
                break;
            case Activation.ReLU:
                // 1 where net > 0 (o > 0), else 0.
                for (int j = 0; j < o.Length; j++)
                {
                    if (o[j] <= 0f)
                    {
                        delta[j] = 0f;
                    }
                }

                break;
            default:
                throw new NotSupportedException(activation.ToString());
        }
    }
}
