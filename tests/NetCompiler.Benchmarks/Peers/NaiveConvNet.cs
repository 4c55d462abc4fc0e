using System;
using System.Runtime.CompilerServices;
using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>
/// The convolutional network a competent .NET developer writes by hand without SIMD: shapes known only at run time
/// (<see cref="ConvPeerSpec"/>), flat <c>float[]</c> arrays (the parameters in NetCompiler's layout), direct nested
/// loops with bounds tests for the convolution (forward, input gradient, weight gradient), max pooling (remembering the
/// first maximum of each window), global average pooling and the dense layers, <see cref="MathF"/> for the softmax.
/// The same mathematics as the generated code: backpropagation from the parameters before the step, the fused
/// softmax + cross-entropy gradient <c>y * sum(d) - d</c>, plain gradient descent, and for a batch one step on the
/// mean gradient. Every buffer is allocated in the constructor, so the timed calls do not allocate. Compiled with
/// <see cref="MethodImplOptions.AggressiveOptimization"/> like NetCompiler's generated methods and
/// <see cref="TensorPrimitivesConvNet"/>.
/// </summary>
public sealed class NaiveConvNet
{
    private readonly ConvPeerSpec _spec;
    private readonly ConvPeerShape[] _shapes;
    private readonly float[] _p;
    private readonly float[] _g;
    private readonly float[][] _out; // each layer's output (after the activation)
    private readonly float[][] _grad; // dE/d(output) of each layer, made dE/d(net) in place by the activation's derivative
    private readonly int[][] _argmax; // a max-pool layer's input index of each output
    private readonly float[] _logits; // the softmax layer's net input, for the loss
    private float _softmaxMax;
    private float _softmaxSum;

    public NaiveConvNet(ConvPeerSpec spec)
    {
        _spec = spec;
        _shapes = spec.Shapes;
        _p = new float[spec.ParameterCount];
        _g = new float[spec.ParameterCount];
        _out = new float[_shapes.Length][];
        _grad = new float[_shapes.Length][];
        _argmax = new int[_shapes.Length][];
        _logits = new float[spec.Outputs];
        for (int l = 0; l < _shapes.Length; l++)
        {
            _out[l] = new float[_shapes[l].OutSize];
            _grad[l] = new float[_shapes[l].OutSize];
            _argmax[l] = _shapes[l].Kind == ConvPeerKind.MaxPool ? new int[_shapes[l].OutSize] : Array.Empty<int>();
        }
    }

    /// <summary>The live parameters, in NetCompiler's layout.</summary>
    public Span<float> Parameters => _p;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardCore(input);
        float[] y = _out[^1];
        for (int k = 0; k < y.Length; k++)
        {
            output[k] = y[k];
        }
    }

    /// <summary>One gradient-descent step on one sample; returns the loss before the step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Train(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate)
    {
        ForwardCore(input);
        float loss = OutputGradient(target);

        // p <- p - eta * dE/dp, each layer's step taken after its input gradient (which needs its weights before the step).
        Backward(input, _p, -learningRate);
        return loss;
    }

    /// <summary>One gradient-descent step on the mean loss of the rows; returns that mean loss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        int n = _spec.Inputs;
        int m = _spec.Outputs;
        int rows = inputs.Length / n;
        Array.Clear(_g);
        float total = 0f;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> input = inputs.Slice(r * n, n);
            ForwardCore(input);
            total += OutputGradient(targets.Slice(r * m, m));
            Backward(input, _g, 1f);
        }

        float scale = learningRate / rows;
        for (int i = 0; i < _p.Length; i++)
        {
            _p[i] -= scale * _g[i];
        }

        return total / rows;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardCore(ReadOnlySpan<float> input)
    {
        for (int l = 0; l < _shapes.Length; l++)
        {
            ConvPeerShape s = _shapes[l];
            ReadOnlySpan<float> x = l == 0 ? input : _out[l - 1];
            float[] o = _out[l];
            switch (s.Kind)
            {
                case ConvPeerKind.Conv:
                    ConvForward(s, x, o);
                    break;
                case ConvPeerKind.MaxPool:
                    MaxPoolForward(s, x, o, _argmax[l]);
                    break;
                case ConvPeerKind.GlobalAvgPool:
                    for (int c = 0; c < s.InC; c++)
                    {
                        float sum = 0f;
                        for (int i = 0; i < s.InPlane; i++)
                        {
                            sum += x[(c * s.InPlane) + i];
                        }

                        o[c] = sum / s.InPlane;
                    }

                    break;
                default:
                    DenseForward(s, x, o);
                    break;
            }

            switch (s.Activation)
            {
                case Activation.ReLU:
                    for (int i = 0; i < o.Length; i++)
                    {
                        o[i] = o[i] > 0f ? o[i] : 0f;
                    }

                    break;
                case Activation.Softmax:
                    float[] net = _logits;
                    float max = o[0];
                    for (int k = 0; k < o.Length; k++)
                    {
                        net[k] = o[k];
                        max = MathF.Max(max, o[k]);
                    }

                    float sumExp = 0f;
                    for (int k = 0; k < o.Length; k++)
                    {
                        o[k] = MathF.Exp(net[k] - max);
                        sumExp += o[k];
                    }

                    for (int k = 0; k < o.Length; k++)
                    {
                        o[k] /= sumExp;
                    }

                    _softmaxMax = max;
                    _softmaxSum = sumExp;
                    break;
            }
        }
    }

    /// <summary>out[f, y, x] = b[f] + sum_c,i,j w[f, c, i, j] * in[c, y*sH + i*dH - pT, x*sW + j*dW - pL] (zeros outside).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvForward(ConvPeerShape s, ReadOnlySpan<float> x, float[] o)
    {
        float[] p = _p;
        int cg = s.Cg, fg = s.Fg, kh = s.KH, kw = s.KW, sh = s.SH, sw = s.SW, dh = s.DH, dw = s.DW;
        int inH = s.InH, inW = s.InW, outH = s.OutH, outW = s.OutW, padTop = s.PadTop, padLeft = s.PadLeft;
        for (int f = 0; f < s.OutC; f++)
        {
            int c0 = (f / fg) * cg;
            float bias = p[s.BiasOffset + f];
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    float sum = bias;
                    for (int cl = 0; cl < cg; cl++)
                    {
                        int plane = (c0 + cl) * inH * inW;
                        int wRow = s.WeightOffset + (((f * cg) + cl) * kh * kw);
                        for (int i = 0; i < kh; i++)
                        {
                            int iy = (oy * sh) + (i * dh) - padTop;
                            if (iy < 0 || iy >= inH)
                            {
                                continue;
                            }

                            for (int j = 0; j < kw; j++)
                            {
                                int ix = (ox * sw) + (j * dw) - padLeft;
                                if (ix < 0 || ix >= inW)
                                {
                                    continue;
                                }

                                sum += p[wRow + (i * kw) + j] * x[plane + (iy * inW) + ix];
                            }
                        }
                    }

                    o[(((f * outH) + oy) * outW) + ox] = sum;
                }
            }
        }
    }

    /// <summary>The max of each window; remembers where the first maximum (scan order, strict &gt;) was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPoolForward(ConvPeerShape s, ReadOnlySpan<float> x, float[] o, int[] argmax)
    {
        for (int c = 0; c < s.InC; c++)
        {
            for (int oy = 0; oy < s.OutH; oy++)
            {
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    int best = (c * s.InPlane) + (oy * s.SH * s.InW) + (ox * s.SW);
                    float max = x[best];
                    for (int i = 0; i < s.KH; i++)
                    {
                        for (int j = 0; j < s.KW; j++)
                        {
                            int at = (c * s.InPlane) + (((oy * s.SH) + i) * s.InW) + (ox * s.SW) + j;
                            if (x[at] > max)
                            {
                                max = x[at];
                                best = at;
                            }
                        }
                    }

                    int k = (((c * s.OutH) + oy) * s.OutW) + ox;
                    o[k] = max;
                    argmax[k] = best;
                }
            }
        }
    }

    /// <summary>net_j = b_j + sum_i w_ji * x_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DenseForward(ConvPeerShape s, ReadOnlySpan<float> x, float[] o)
    {
        int n = s.InSize;
        for (int j = 0; j < s.OutC; j++)
        {
            int row = s.WeightOffset + (j * n);
            float sum = _p[s.BiasOffset + j];
            for (int i = 0; i < n; i++)
            {
                sum += _p[row + i] * x[i];
            }

            o[j] = sum;
        }
    }

    /// <summary>dE/dnet of the softmax layer, y * sum(d) - d, into its gradient buffer; returns E = -sum d ln y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float OutputGradient(ReadOnlySpan<float> target)
    {
        int last = _shapes.Length - 1;
        float[] y = _out[last];
        float[] g = _grad[last];

        // E = -sum_k d_k ln y_k = sum_k d_k (lse - net_k), lse = ln sum_j e^net_j.
        float lse = _softmaxMax + MathF.Log(_softmaxSum);
        float loss = 0f;
        float targetSum = 0f;
        for (int k = 0; k < y.Length; k++)
        {
            loss += target[k] * (lse - _logits[k]);
            targetSum += target[k];
        }

        for (int k = 0; k < y.Length; k++)
        {
            g[k] = (y[k] * targetSum) - target[k];
        }

        return loss;
    }

    /// <summary>
    /// Backpropagates the output gradient and adds <paramref name="scale"/> * dE/dp into <paramref name="into"/>
    /// (the parameters themselves for Train, the batch's summed gradient for TrainBatch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backward(ReadOnlySpan<float> input, float[] into, float scale)
    {
        for (int l = _shapes.Length - 1; l >= 0; l--)
        {
            ConvPeerShape s = _shapes[l];
            float[] g = _grad[l];
            if (s.Activation == Activation.ReLU)
            {
                float[] o = _out[l];
                for (int i = 0; i < g.Length; i++)
                {
                    g[i] = o[i] > 0f ? g[i] : 0f;
                }
            }

            ReadOnlySpan<float> x = l == 0 ? input : _out[l - 1];
            switch (s.Kind)
            {
                case ConvPeerKind.Conv:
                    if (l > 0)
                    {
                        ConvInputGradient(s, g, _grad[l - 1]);
                    }

                    ConvWeightGradient(s, x, g, into, scale);
                    break;
                case ConvPeerKind.MaxPool:
                {
                    float[] gin = _grad[l - 1];
                    Array.Clear(gin);
                    int[] argmax = _argmax[l];
                    for (int k = 0; k < g.Length; k++)
                    {
                        gin[argmax[k]] += g[k];
                    }

                    break;
                }

                case ConvPeerKind.GlobalAvgPool:
                {
                    float[] gin = _grad[l - 1];
                    for (int c = 0; c < s.InC; c++)
                    {
                        float share = g[c] / s.InPlane;
                        for (int i = 0; i < s.InPlane; i++)
                        {
                            gin[(c * s.InPlane) + i] = share;
                        }
                    }

                    break;
                }

                default:
                    if (l > 0)
                    {
                        DenseInputGradient(s, g, _grad[l - 1]);
                    }

                    DenseWeightGradient(s, x, g, into, scale);
                    break;
            }
        }
    }

    /// <summary>dE/din[c, iy, ix] = sum over the outputs that read it of w * dE/dnet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvInputGradient(ConvPeerShape s, float[] g, float[] gin)
    {
        Array.Clear(gin);
        float[] p = _p;
        int cg = s.Cg, fg = s.Fg, kh = s.KH, kw = s.KW, sh = s.SH, sw = s.SW, dh = s.DH, dw = s.DW;
        int inH = s.InH, inW = s.InW, outH = s.OutH, outW = s.OutW, padTop = s.PadTop, padLeft = s.PadLeft;
        for (int f = 0; f < s.OutC; f++)
        {
            int c0 = (f / fg) * cg;
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    float d = g[(((f * outH) + oy) * outW) + ox];
                    for (int cl = 0; cl < cg; cl++)
                    {
                        int plane = (c0 + cl) * inH * inW;
                        int wRow = s.WeightOffset + (((f * cg) + cl) * kh * kw);
                        for (int i = 0; i < kh; i++)
                        {
                            int iy = (oy * sh) + (i * dh) - padTop;
                            if (iy < 0 || iy >= inH)
                            {
                                continue;
                            }

                            for (int j = 0; j < kw; j++)
                            {
                                int ix = (ox * sw) + (j * dw) - padLeft;
                                if (ix < 0 || ix >= inW)
                                {
                                    continue;
                                }

                                gin[plane + (iy * inW) + ix] += p[wRow + (i * kw) + j] * d;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>dE/dw[f, c, i, j] = sum_y,x dE/dnet[f, y, x] * in[c, y*sH + i*dH - pT, x*sW + j*dW - pL]; dE/db[f] = sum dE/dnet[f].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ConvWeightGradient(ConvPeerShape s, ReadOnlySpan<float> x, float[] g, float[] into, float scale)
    {
        int cg = s.Cg, fg = s.Fg, kh = s.KH, kw = s.KW, sh = s.SH, sw = s.SW, dh = s.DH, dw = s.DW;
        int inH = s.InH, inW = s.InW, outH = s.OutH, outW = s.OutW, padTop = s.PadTop, padLeft = s.PadLeft;
        for (int f = 0; f < s.OutC; f++)
        {
            int c0 = (f / fg) * cg;
            int gRow = f * outH * outW;
            for (int cl = 0; cl < cg; cl++)
            {
                int plane = (c0 + cl) * inH * inW;
                int wRow = s.WeightOffset + (((f * cg) + cl) * kh * kw);
                for (int i = 0; i < kh; i++)
                {
                    for (int j = 0; j < kw; j++)
                    {
                        float sum = 0f;
                        for (int oy = 0; oy < outH; oy++)
                        {
                            int iy = (oy * sh) + (i * dh) - padTop;
                            if (iy < 0 || iy >= inH)
                            {
                                continue;
                            }

                            for (int ox = 0; ox < outW; ox++)
                            {
                                int ix = (ox * sw) + (j * dw) - padLeft;
                                if (ix < 0 || ix >= inW)
                                {
                                    continue;
                                }

                                sum += g[gRow + (oy * outW) + ox] * x[plane + (iy * inW) + ix];
                            }
                        }

                        into[wRow + (i * kw) + j] += scale * sum;
                    }
                }
            }

            float bias = 0f;
            for (int k = 0; k < outH * outW; k++)
            {
                bias += g[gRow + k];
            }

            into[s.BiasOffset + f] += scale * bias;
        }
    }

    /// <summary>dE/dx_i = sum_j w_ji * dE/dnet_j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DenseInputGradient(ConvPeerShape s, float[] g, float[] gin)
    {
        int n = s.InSize;
        for (int i = 0; i < n; i++)
        {
            float sum = 0f;
            for (int j = 0; j < s.OutC; j++)
            {
                sum += _p[s.WeightOffset + (j * n) + i] * g[j];
            }

            gin[i] = sum;
        }
    }

    /// <summary>dE/dw_ji = dE/dnet_j * x_i; dE/db_j = dE/dnet_j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DenseWeightGradient(ConvPeerShape s, ReadOnlySpan<float> x, float[] g, float[] into, float scale)
    {
        int n = s.InSize;
        for (int j = 0; j < s.OutC; j++)
        {
            int row = s.WeightOffset + (j * n);
            float d = scale * g[j];
            for (int i = 0; i < n; i++)
            {
                into[row + i] += d * x[i];
            }

            into[s.BiasOffset + j] += d;
        }
    }
}
