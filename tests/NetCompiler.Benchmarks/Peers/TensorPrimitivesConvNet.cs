using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>
/// The convolutional network a performance-minded .NET developer writes with System.Numerics.Tensors: shapes known at
/// run time (<see cref="ConvPeerSpec"/>), the parameters in one flat array in NetCompiler's layout, every convolution
/// lowered by im2col to a product with a column matrix of K = Cg * kH * kW taps by P = outH * outW positions (per
/// group), and <see cref="TensorPrimitives"/> for all the arithmetic.
/// <para>
/// A TensorPrimitives call costs mostly its fixed overhead when its vectors are short, so each layer takes the
/// orientation of the column matrix that gives the longer vectors (<see cref="ChooseLayout"/>):
/// <list type="bullet">
/// <item><see cref="ConvLayout.Pointwise"/>: a 1x1, stride 1, unpadded, ungrouped convolution (the pointwise layers of a
/// depthwise-separable block) needs no im2col: its input, C x P, already is the [K, P] matrix, and its input gradient
/// is the column gradient (Caffe's <c>is_1x1</c> shortcut).</item>
/// <item><see cref="ConvLayout.PaddedGrid"/>, for the other stride-1 layers when the rows are at least K long: the
/// [K, P] matrix taken over the zero-padded input's grid (P' = outH rows of the padded width Wp, of which outW columns
/// are kept). Over that grid, each row of the column matrix is a contiguous slice of the padded input plane (tap (c,
/// i, j) starts at i*dH*Wp + j*dW), so the unfold costs one padding copy of the input instead of K * outH row copies.
/// The forward is, per filter, K axpys (<c>MultiplyAdd</c>) of length P' into the output grid; the weight gradient one
/// <c>Dot</c> of length P' per weight; the input gradient K axpys per filter into the padded input gradient.</item>
/// <item><see cref="ConvLayout.TapsByPositions"/>: im2col materialized as [K, P] (Caffe's), when P &gt;= K (here: the
/// stride-2 first layer of kws): the same calls as above, of length P, plus col2im for the input gradient.</item>
/// <item><see cref="ConvLayout.PositionsByTaps"/>: im2col materialized as [P, K], when K &gt; P: one <c>Dot</c> of
/// length K per output; the weight and column gradients P x F axpys of length K.</item>
/// </list>
/// In training the column matrices (and padded inputs) are kept for the weight gradient. The data movement of
/// im2col/col2im and padding, and max pooling (which keeps the first maximum of each window) are scalar loops
/// (TensorPrimitives has no gather or strided operation); ReLU and its derivative mask (Sign, ConvertTruncating,
/// Multiply), softmax, biases, global average pooling, the dense layers and the update are TensorPrimitives calls.
/// Every buffer is allocated in the constructor. The methods are compiled with
/// <see cref="MethodImplOptions.AggressiveOptimization"/>, as NetCompiler's generated ones are: under tiered compilation
/// (OSR, PGO) their speed varied from run to run, Train32 on sensor between 56 and 100 us.
/// </para>
/// </summary>
public sealed class TensorPrimitivesConvNet
{
    private readonly ConvPeerSpec _spec;
    private readonly ConvPeerShape[] _shapes;
    private readonly ConvLayout[] _layout;
    private readonly int[][] _tapOffset; // PaddedGrid: the start of each tap (i, j) in a padded input plane
    private readonly float[] _p;
    private readonly float[] _g;
    private readonly float[][] _out; // each layer's output (after the activation)
    private readonly float[][] _grad; // dE/d(output) of each layer, made dE/d(net) in place by the activation's derivative
    private readonly float[][] _col; // im2col: the column matrices of all groups, kept for the backward pass
    private readonly float[][] _padded; // PaddedGrid with padding: the zero-padded input planes (the borders stay 0)
    private readonly int[][] _argmax; // a max-pool layer's input index of each output
    private readonly float[] _scratch; // im2col: one group's column matrix in inference, or the column gradient
    private readonly float[] _grid; // PaddedGrid: one filter's output grid; the delta over the grid, all filters
    private readonly float[] _gradPadded; // PaddedGrid with padding: the input gradient over the padded planes
    private readonly int[] _signs; // the ReLU derivative mask, as ints then floats
    private readonly float[] _mask;
    private readonly float[] _shifted; // the softmax layer's net - max, for the loss
    private float _sumExp;

    /// <summary>Creates the network, with each convolution's layout chosen by <see cref="ChooseLayout"/> unless <paramref name="layouts"/> says otherwise.</summary>
    public TensorPrimitivesConvNet(ConvPeerSpec spec, ConvLayout[]? layouts = null)
    {
        _spec = spec;
        _shapes = spec.Shapes;
        int layers = _shapes.Length;
        _layout = new ConvLayout[layers];
        _tapOffset = new int[layers][];
        _p = new float[spec.ParameterCount];
        _g = new float[spec.ParameterCount];
        _out = new float[layers][];
        _grad = new float[layers][];
        _col = new float[layers][];
        _padded = new float[layers][];
        _argmax = new int[layers][];
        int scratch = 0;
        int grid = 0;
        int gradPadded = 0;
        int widest = 0;
        for (int l = 0; l < layers; l++)
        {
            ConvPeerShape s = _shapes[l];
            _out[l] = new float[s.OutSize];
            _grad[l] = new float[s.OutSize];
            _argmax[l] = s.Kind == ConvPeerKind.MaxPool ? new int[s.OutSize] : Array.Empty<int>();
            _col[l] = Array.Empty<float>();
            _padded[l] = Array.Empty<float>();
            _tapOffset[l] = Array.Empty<int>();
            widest = Math.Max(widest, s.OutSize);
            if (s.Kind != ConvPeerKind.Conv)
            {
                continue;
            }

            ConvLayout layout = layouts?[l] ?? ChooseLayout(s);
            if (layout == ConvLayout.PaddedGrid && (s.SH != 1 || s.SW != 1))
            {
                throw new ArgumentException($"layer {l}: the padded grid needs stride 1");
            }

            if (layout == ConvLayout.Pointwise && !IsPointwise(s))
            {
                throw new ArgumentException($"layer {l}: not a 1x1, stride 1, unpadded, ungrouped convolution");
            }

            _layout[l] = layout;
            switch (layout)
            {
                case ConvLayout.TapsByPositions:
                case ConvLayout.PositionsByTaps:
                    _col[l] = new float[s.Groups * s.Taps * s.OutPlane];
                    scratch = Math.Max(scratch, s.Taps * s.OutPlane);
                    break;
                case ConvLayout.PaddedGrid:
                {
                    int wp = PaddedWidth(s);
                    int planeP = PaddedHeight(s) * wp;
                    _tapOffset[l] = new int[s.KH * s.KW];
                    for (int i = 0; i < s.KH; i++)
                    {
                        for (int j = 0; j < s.KW; j++)
                        {
                            _tapOffset[l][(i * s.KW) + j] = (i * s.DH * wp) + (j * s.DW);
                        }
                    }

                    if (HasPadding(s))
                    {
                        _padded[l] = new float[s.InC * planeP];
                        gradPadded = Math.Max(gradPadded, s.InC * planeP);
                    }

                    grid = Math.Max(grid, s.OutC * s.OutH * wp);
                    break;
                }
            }
        }

        _scratch = new float[scratch];
        _grid = new float[grid];
        _gradPadded = new float[gradPadded];
        _signs = new int[widest];
        _mask = new float[widest];
        _shifted = new float[spec.Outputs];
    }

    /// <summary>The live parameters, in NetCompiler's layout.</summary>
    public Span<float> Parameters => _p;

    /// <summary>The layout of each layer (<see cref="ConvLayout.None"/> for the layers that are not convolutions).</summary>
    public ReadOnlySpan<ConvLayout> Layouts => _layout;

    /// <summary>
    /// Pointwise when the input is the column matrix; else the padded grid for a stride-1 layer whose grid rows (P' =
    /// (outH - 1) * Wp + outW) are at least K long; else the im2col orientation with the longer vectors.
    /// </summary>
    public static ConvLayout ChooseLayout(ConvPeerShape s)
    {
        if (IsPointwise(s))
        {
            return ConvLayout.Pointwise;
        }

        if (s.SH == 1 && s.SW == 1 && GridLength(s) >= s.Taps)
        {
            return ConvLayout.PaddedGrid;
        }

        return s.OutPlane >= s.Taps ? ConvLayout.TapsByPositions : ConvLayout.PositionsByTaps;
    }

    private static bool IsPointwise(ConvPeerShape s) =>
        s.KH == 1 && s.KW == 1 && s.SH == 1 && s.SW == 1 && !HasPadding(s) && s.Groups == 1;

    private static bool HasPadding(ConvPeerShape s) => (s.PadTop | s.PadBottom | s.PadLeft | s.PadRight) != 0;

    private static int PaddedWidth(ConvPeerShape s) => s.InW + s.PadLeft + s.PadRight;

    private static int PaddedHeight(ConvPeerShape s) => s.InH + s.PadTop + s.PadBottom;

    /// <summary>The length of a row of the column matrix over the padded grid: up to the last kept output.</summary>
    private static int GridLength(ConvPeerShape s) => ((s.OutH - 1) * PaddedWidth(s)) + s.OutW;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ForwardCore(input, training: false);
        _out[^1].AsSpan().CopyTo(output);
    }

    /// <summary>One gradient-descent step on one sample; returns the loss before the step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Train(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate)
    {
        ForwardCore(input, training: true);
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
            ForwardCore(input, training: true);
            total += OutputGradient(targets.Slice(r * m, m));
            Backward(input, _g, 1f);
        }

        // p <- p - eta * (1/k) * sum of the gradients.
        TensorPrimitives.MultiplyAdd(_g, -learningRate / rows, _p, _p);
        return total / rows;
    }


    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardCore(ReadOnlySpan<float> input, bool training)
    {
        for (int l = 0; l < _shapes.Length; l++)
        {
            ConvPeerShape s = _shapes[l];
            ReadOnlySpan<float> x = l == 0 ? input : _out[l - 1];
            float[] o = _out[l];
            switch (s.Kind)
            {
                case ConvPeerKind.Conv:
                    if (_layout[l] == ConvLayout.PaddedGrid)
                    {
                        GridForward(l, s, x, o);
                    }
                    else
                    {
                        ConvForward(l, s, x, o, training);
                    }

                    break;
                case ConvPeerKind.MaxPool:
                    MaxPoolForward(s, x, o, _argmax[l]);
                    break;
                case ConvPeerKind.GlobalAvgPool:
                    for (int c = 0; c < s.InC; c++)
                    {
                        o[c] = TensorPrimitives.Sum(x.Slice(c * s.InPlane, s.InPlane));
                    }

                    TensorPrimitives.Divide(o, s.InPlane, o);
                    break;
                default:
                {
                    int n = s.InSize;
                    ReadOnlySpan<float> w = _p.AsSpan(s.WeightOffset, s.WeightCount);
                    for (int j = 0; j < o.Length; j++)
                    {
                        o[j] = TensorPrimitives.Dot(w.Slice(j * n, n), x);
                    }

                    TensorPrimitives.Add(o, _p.AsSpan(s.BiasOffset, o.Length), o);
                    break;
                }
            }

            switch (s.Activation)
            {
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
            }

        }
    }

    /// <summary>Copies the input into the interior of the zero-padded planes (the borders are never written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PadInput(ConvPeerShape s, ReadOnlySpan<float> x, Span<float> padded)
    {
        int w = s.InW;
        int wp = PaddedWidth(s);
        int planeP = PaddedHeight(s) * wp;
        for (int c = 0; c < s.InC; c++)
        {
            ReadOnlySpan<float> src = x.Slice(c * s.InPlane, s.InPlane);
            Span<float> dst = padded.Slice((c * planeP) + (s.PadTop * wp) + s.PadLeft);
            for (int y = 0; y < s.InH; y++)
            {
                CopyRow(src.Slice(y * w, w), dst.Slice(y * wp, w));
            }
        }
    }

    /// <summary>Copies a row: a loop when it is short (cheaper than a call), else <see cref="Span{T}.CopyTo"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRow(ReadOnlySpan<float> from, Span<float> to)
    {
        if (from.Length >= 16)
        {
            from.CopyTo(to);
            return;
        }

        for (int i = 0; i < from.Length; i++)
        {
            to[i] = from[i];
        }
    }

    /// <summary>
    /// The padded-grid forward: per filter f, grid = sum over taps t of w[f, t] * (padded plane of t's channel, from t's
    /// offset), then the kept columns plus the bias into the output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GridForward(int l, ConvPeerShape s, ReadOnlySpan<float> x, float[] o)
    {
        int k = s.Taps;
        int taps = s.KH * s.KW;
        int positions = s.OutPlane;
        int wp = PaddedWidth(s);
        int planeP = PaddedHeight(s) * wp;
        int length = GridLength(s);
        bool compact = wp != s.OutW;
        int[] offsets = _tapOffset[l];
        ReadOnlySpan<float> w = _p.AsSpan(s.WeightOffset, s.WeightCount);
        ReadOnlySpan<float> b = _p.AsSpan(s.BiasOffset, s.OutC);
        ReadOnlySpan<float> src = x;
        if (_padded[l].Length != 0)
        {
            PadInput(s, x, _padded[l]);
            src = _padded[l];
        }

        for (int f = 0; f < s.OutC; f++)
        {
            int c0 = (f / s.Fg) * s.Cg;
            ReadOnlySpan<float> wf = w.Slice(f * k, k);
            Span<float> row = compact ? _grid.AsSpan(0, length) : o.AsSpan(f * positions, positions);
            for (int cl = 0; cl < s.Cg; cl++)
            {
                ReadOnlySpan<float> plane = src.Slice((c0 + cl) * planeP, planeP);
                for (int t = 0; t < taps; t++)
                {
                    ReadOnlySpan<float> slice = plane.Slice(offsets[t], length);
                    if (cl == 0 && t == 0)
                    {
                        TensorPrimitives.Multiply(slice, wf[0], row);
                    }
                    else
                    {
                        TensorPrimitives.MultiplyAdd(slice, wf[(cl * taps) + t], row, row);
                    }
                }
            }

            if (compact)
            {
                Span<float> dst = o.AsSpan(f * positions, positions);
                float bias = b[f];
                for (int y = 0; y < s.OutH; y++)
                {
                    ReadOnlySpan<float> from = row.Slice(y * wp, s.OutW);
                    Span<float> to = dst.Slice(y * s.OutW, s.OutW);
                    if (from.Length >= 16)
                    {
                        TensorPrimitives.Add(from, bias, to);
                    }
                    else
                    {
                        for (int i = 0; i < from.Length; i++)
                        {
                            to[i] = from[i] + bias;
                        }
                    }
                }
            }
            else
            {
                TensorPrimitives.Add(row, b[f], row);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvForward(int l, ConvPeerShape s, ReadOnlySpan<float> x, float[] o, bool training)
    {
        int k = s.Taps;
        int positions = s.OutPlane;
        int fg = s.Fg;
        ConvLayout layout = _layout[l];
        ReadOnlySpan<float> w = _p.AsSpan(s.WeightOffset, s.WeightCount);
        ReadOnlySpan<float> b = _p.AsSpan(s.BiasOffset, s.OutC);
        for (int g = 0; g < s.Groups; g++)
        {
            ReadOnlySpan<float> col;
            if (layout == ConvLayout.Pointwise)
            {
                col = x;
            }
            else
            {
                Span<float> unfolded = training ? _col[l].AsSpan(g * k * positions, k * positions) : _scratch.AsSpan(0, k * positions);
                Im2Col(s, x, g, unfolded, layout == ConvLayout.PositionsByTaps);
                col = unfolded;
            }

            if (layout == ConvLayout.PositionsByTaps)
            {
                // out[f, p] = b[f] + w_f . col_p
                for (int p = 0; p < positions; p++)
                {
                    ReadOnlySpan<float> patch = col.Slice(p * k, k);
                    for (int fl = 0; fl < fg; fl++)
                    {
                        int f = (g * fg) + fl;
                        o[(f * positions) + p] = TensorPrimitives.Dot(w.Slice(f * k, k), patch);
                    }
                }

                for (int fl = 0; fl < fg; fl++)
                {
                    int f = (g * fg) + fl;
                    Span<float> row = o.AsSpan(f * positions, positions);
                    TensorPrimitives.Add(row, b[f], row);
                }
            }
            else
            {
                // out[f, :] = b[f] + sum_t w[f, t] * col[t, :]
                for (int fl = 0; fl < fg; fl++)
                {
                    int f = (g * fg) + fl;
                    Span<float> row = o.AsSpan(f * positions, positions);
                    ReadOnlySpan<float> wf = w.Slice(f * k, k);
                    TensorPrimitives.Multiply(col.Slice(0, positions), wf[0], row);
                    for (int t = 1; t < k; t++)
                    {
                        TensorPrimitives.MultiplyAdd(col.Slice(t * positions, positions), wf[t], row, row);
                    }

                    TensorPrimitives.Add(row, b[f], row);
                }
            }
        }
    }

    /// <summary>
    /// Unfolds group <paramref name="g"/>'s input patches: element (t, p) of the column matrix, tap t = (c, i, j) and
    /// position p = (y, x), is in[c, y*sH + i*dH - pT, x*sW + j*dW - pL] (zero outside), at t * P + p, or at p * K + t
    /// when <paramref name="transposed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2Col(ConvPeerShape s, ReadOnlySpan<float> x, int g, Span<float> col, bool transposed)
    {
        int outH = s.OutH, outW = s.OutW, inH = s.InH, inW = s.InW, sh = s.SH, sw = s.SW, dh = s.DH, dw = s.DW;
        int kh = s.KH, kw = s.KW, padTop = s.PadTop, padLeft = s.PadLeft, plane = s.InPlane;
        int tapStride = transposed ? 1 : outH * outW;
        int posStride = transposed ? s.Taps : 1;
        int t = 0;
        for (int cl = 0; cl < s.Cg; cl++)
        {
            ReadOnlySpan<float> channel = x.Slice(((g * s.Cg) + cl) * plane, plane);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++, t++)
                {
                    int x0 = (j * dw) - padLeft;
                    (int lo, int hi) = ValidColumns(x0, sw, inW, outW);
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = (oy * sh) + (i * dh) - padTop;
                        Span<float> dst = col.Slice((t * tapStride) + (oy * outW * posStride));
                        if ((uint)iy >= (uint)inH || hi <= lo)
                        {
                            for (int ox = 0; ox < outW; ox++)
                            {
                                dst[ox * posStride] = 0f;
                            }

                            continue;
                        }

                        ReadOnlySpan<float> src = channel.Slice((iy * inW) + x0 + (lo * sw));
                        for (int ox = 0; ox < lo; ox++)
                        {
                            dst[ox * posStride] = 0f;
                        }

                        for (int ox = lo, at = 0; ox < hi; ox++, at += sw)
                        {
                            dst[ox * posStride] = src[at];
                        }

                        for (int ox = hi; ox < outW; ox++)
                        {
                            dst[ox * posStride] = 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the column gradient of group <paramref name="g"/> back onto the input positions it was read from (the inverse of <see cref="Im2Col"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2Im(ConvPeerShape s, ReadOnlySpan<float> gcol, int g, Span<float> gin, bool transposed)
    {
        int outH = s.OutH, outW = s.OutW, inH = s.InH, inW = s.InW, sh = s.SH, sw = s.SW, dh = s.DH, dw = s.DW;
        int kh = s.KH, kw = s.KW, padTop = s.PadTop, padLeft = s.PadLeft, plane = s.InPlane;
        int tapStride = transposed ? 1 : outH * outW;
        int posStride = transposed ? s.Taps : 1;
        gin.Slice(g * s.Cg * plane, s.Cg * plane).Clear();
        int t = 0;
        for (int cl = 0; cl < s.Cg; cl++)
        {
            Span<float> channel = gin.Slice(((g * s.Cg) + cl) * plane, plane);
            for (int i = 0; i < kh; i++)
            {
                for (int j = 0; j < kw; j++, t++)
                {
                    int x0 = (j * dw) - padLeft;
                    (int lo, int hi) = ValidColumns(x0, sw, inW, outW);
                    for (int oy = 0; oy < outH; oy++)
                    {
                        int iy = (oy * sh) + (i * dh) - padTop;
                        if ((uint)iy >= (uint)inH || hi <= lo)
                        {
                            continue;
                        }

                        ReadOnlySpan<float> src = gcol.Slice((t * tapStride) + (((oy * outW) + lo) * posStride));
                        Span<float> dst = channel.Slice((iy * inW) + x0 + (lo * sw));
                        for (int ox = lo, at = 0, from = 0; ox < hi; ox++, at += sw, from += posStride)
                        {
                            dst[at] += src[from];
                        }
                    }
                }
            }
        }
    }

    /// <summary>The output columns [lo, hi) whose tap at horizontal offset x0 (= j*dW - pL) reads inside the input.</summary>
    private static (int Lo, int Hi) ValidColumns(int x0, int sw, int inW, int outW)
    {
        // 0 <= ox*sW + x0 < W
        int lo = x0 >= 0 ? 0 : (-x0 + sw - 1) / sw;
        int hi = x0 >= inW ? 0 : Math.Min(outW, ((inW - 1 - x0) / sw) + 1);
        return (Math.Min(lo, outW), Math.Max(Math.Min(lo, outW), hi));
    }

    /// <summary>The max of each window; remembers where the first maximum (scan order, strict &gt;) was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPoolForward(ConvPeerShape s, ReadOnlySpan<float> x, float[] o, int[] argmax)
    {
        int inW = s.InW, kh = s.KH, kw = s.KW, sh = s.SH, sw = s.SW, outH = s.OutH, outW = s.OutW;
        int k = 0;
        for (int c = 0; c < s.InC; c++)
        {
            int plane = c * s.InPlane;
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++, k++)
                {
                    int corner = plane + (oy * sh * inW) + (ox * sw);
                    int best = corner;
                    float max = x[corner];
                    for (int i = 0; i < kh; i++)
                    {
                        int row = corner + (i * inW);
                        for (int j = 0; j < kw; j++)
                        {
                            if (x[row + j] > max)
                            {
                                max = x[row + j];
                                best = row + j;
                            }
                        }
                    }

                    o[k] = max;
                    argmax[k] = best;
                }
            }
        }
    }

    /// <summary>dE/dnet of the softmax layer, y * sum(d) - d; returns E = -sum d ln y = sum d (ln s - z), z = net - max, s = sum e^z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float OutputGradient(ReadOnlySpan<float> target)
    {
        int last = _shapes.Length - 1;
        float[] y = _out[last];
        float[] g = _grad[last];
        float targetSum = TensorPrimitives.Sum(target);
        TensorPrimitives.Multiply(y, targetSum, g);
        TensorPrimitives.Subtract(g, target, g);
        return (MathF.Log(_sumExp) * targetSum) - TensorPrimitives.Dot(target, _shifted);
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
                // g <- g * f'(net): 1 where the output is > 0 (its sign is 1), else 0.
                Span<int> signs = _signs.AsSpan(0, g.Length);
                Span<float> mask = _mask.AsSpan(0, g.Length);
                TensorPrimitives.Sign<float>(_out[l], signs);
                TensorPrimitives.ConvertTruncating<int, float>(signs, mask);
                TensorPrimitives.Multiply(g, mask, g);
            }

            ReadOnlySpan<float> x = l == 0 ? input : _out[l - 1];
            float[]? gin = l > 0 ? _grad[l - 1] : null;
            switch (s.Kind)
            {
                case ConvPeerKind.Conv:
                    if (_layout[l] == ConvLayout.PaddedGrid)
                    {
                        GridBackward(l, s, x, g, gin, into, scale);
                    }
                    else
                    {
                        ConvBackward(l, s, x, g, gin, into, scale);
                    }

                    break;
                case ConvPeerKind.MaxPool:
                {
                    Array.Clear(gin!);
                    int[] argmax = _argmax[l];
                    for (int k = 0; k < g.Length; k++)
                    {
                        gin![argmax[k]] += g[k];
                    }

                    break;
                }

                case ConvPeerKind.GlobalAvgPool:
                    for (int c = 0; c < s.InC; c++)
                    {
                        gin.AsSpan(c * s.InPlane, s.InPlane).Fill(g[c] / s.InPlane);
                    }

                    break;
                default:
                {
                    int n = s.InSize;
                    ReadOnlySpan<float> w = _p.AsSpan(s.WeightOffset, s.WeightCount);
                    if (gin is not null)
                    {
                        // dE/dx = W^T g, from the weights before the step.
                        TensorPrimitives.Multiply(w.Slice(0, n), g[0], gin);
                        for (int j = 1; j < g.Length; j++)
                        {
                            TensorPrimitives.MultiplyAdd(w.Slice(j * n, n), g[j], gin, gin);
                        }
                    }

                    // dE/dw_j = g_j x; dE/db = g.
                    Span<float> target = into.AsSpan(s.WeightOffset, s.WeightCount);
                    for (int j = 0; j < g.Length; j++)
                    {
                        Span<float> row = target.Slice(j * n, n);
                        TensorPrimitives.MultiplyAdd(x, scale * g[j], row, row);
                    }

                    Span<float> bias = into.AsSpan(s.BiasOffset, g.Length);
                    TensorPrimitives.MultiplyAdd(g, scale, bias, bias);
                    break;
                }
            }

        }
    }

    /// <summary>
    /// The padded-grid backward: the delta spread over the grid (zeros in the dropped columns); the input gradient
    /// first (it needs the weights before the step), per filter and tap an axpy into the padded input gradient, whose
    /// interior is the input gradient; then dE/dw[f, t] = delta grid of f . (padded plane from t's offset).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GridBackward(int l, ConvPeerShape s, ReadOnlySpan<float> x, float[] delta, float[]? gin, float[] into, float scale)
    {
        int k = s.Taps;
        int taps = s.KH * s.KW;
        int positions = s.OutPlane;
        int wp = PaddedWidth(s);
        int planeP = PaddedHeight(s) * wp;
        int length = GridLength(s);
        int gridP = s.OutH * wp;
        int[] offsets = _tapOffset[l];
        bool padded = _padded[l].Length != 0;
        ReadOnlySpan<float> src = padded ? _padded[l] : x;
        ReadOnlySpan<float> w = _p.AsSpan(s.WeightOffset, s.WeightCount);
        Span<float> wInto = into.AsSpan(s.WeightOffset, s.WeightCount);

        // The delta over the grid.
        ReadOnlySpan<float> dgrid;
        if (wp != s.OutW)
        {
            Span<float> spread = _grid.AsSpan(0, s.OutC * gridP);
            for (int f = 0; f < s.OutC; f++)
            {
                for (int y = 0; y < s.OutH; y++)
                {
                    Span<float> dst = spread.Slice((f * gridP) + (y * wp), wp);
                    CopyRow(delta.AsSpan((f * positions) + (y * s.OutW), s.OutW), dst);
                    for (int i = s.OutW; i < wp; i++)
                    {
                        dst[i] = 0f;
                    }
                }
            }

            dgrid = spread;
        }
        else
        {
            dgrid = delta;
            gridP = positions;
        }

        if (gin is not null)
        {
            Span<float> gpad = padded ? _gradPadded.AsSpan(0, s.InC * planeP) : gin;
            gpad.Clear();
            for (int f = 0; f < s.OutC; f++)
            {
                int c0 = (f / s.Fg) * s.Cg;
                ReadOnlySpan<float> df = dgrid.Slice(f * gridP, length);
                for (int cl = 0; cl < s.Cg; cl++)
                {
                    Span<float> plane = gpad.Slice((c0 + cl) * planeP, planeP);
                    for (int t = 0; t < taps; t++)
                    {
                        Span<float> slice = plane.Slice(offsets[t], length);
                        TensorPrimitives.MultiplyAdd(df, w[(f * k) + (cl * taps) + t], slice, slice);
                    }
                }
            }

            if (padded)
            {
                for (int c = 0; c < s.InC; c++)
                {
                    ReadOnlySpan<float> from = gpad.Slice((c * planeP) + (s.PadTop * wp) + s.PadLeft);
                    Span<float> to = gin.AsSpan(c * s.InPlane, s.InPlane);
                    for (int y = 0; y < s.InH; y++)
                    {
                        CopyRow(from.Slice(y * wp, s.InW), to.Slice(y * s.InW, s.InW));
                    }
                }
            }
        }

        for (int f = 0; f < s.OutC; f++)
        {
            int c0 = (f / s.Fg) * s.Cg;
            ReadOnlySpan<float> df = dgrid.Slice(f * gridP, length);
            Span<float> wf = wInto.Slice(f * k, k);
            for (int cl = 0; cl < s.Cg; cl++)
            {
                ReadOnlySpan<float> plane = src.Slice((c0 + cl) * planeP, planeP);
                for (int t = 0; t < taps; t++)
                {
                    wf[(cl * taps) + t] += scale * TensorPrimitives.Dot(df, plane.Slice(offsets[t], length));
                }
            }

            into[s.BiasOffset + f] += scale * TensorPrimitives.Sum(delta.AsSpan(f * positions, positions));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConvBackward(int l, ConvPeerShape s, ReadOnlySpan<float> x, float[] delta, float[]? gin, float[] into, float scale)
    {
        int k = s.Taps;
        int positions = s.OutPlane;
        int fg = s.Fg;
        ConvLayout layout = _layout[l];
        ReadOnlySpan<float> w = _p.AsSpan(s.WeightOffset, s.WeightCount);
        Span<float> wInto = into.AsSpan(s.WeightOffset, s.WeightCount);
        for (int g = 0; g < s.Groups; g++)
        {
            ReadOnlySpan<float> col = layout == ConvLayout.Pointwise ? x : _col[l].AsSpan(g * k * positions, k * positions);

            // The input gradient first: it needs this layer's weights before the step.
            if (gin is not null)
            {
                Span<float> gcol = layout == ConvLayout.Pointwise ? gin : _scratch.AsSpan(0, k * positions);
                if (layout == ConvLayout.PositionsByTaps)
                {
                    // gcol[p, :] = sum_f delta[f, p] * w_f
                    for (int p = 0; p < positions; p++)
                    {
                        Span<float> row = gcol.Slice(p * k, k);
                        int f0 = g * fg;
                        TensorPrimitives.Multiply(w.Slice(f0 * k, k), delta[(f0 * positions) + p], row);
                        for (int fl = 1; fl < fg; fl++)
                        {
                            int f = f0 + fl;
                            TensorPrimitives.MultiplyAdd(w.Slice(f * k, k), delta[(f * positions) + p], row, row);
                        }
                    }
                }
                else
                {
                    // gcol[t, :] = sum_f w[f, t] * delta_f
                    for (int t = 0; t < k; t++)
                    {
                        Span<float> row = gcol.Slice(t * positions, positions);
                        int f0 = g * fg;
                        TensorPrimitives.Multiply(delta.AsSpan(f0 * positions, positions), w[(f0 * k) + t], row);
                        for (int fl = 1; fl < fg; fl++)
                        {
                            int f = f0 + fl;
                            TensorPrimitives.MultiplyAdd(delta.AsSpan(f * positions, positions), w[(f * k) + t], row, row);
                        }
                    }
                }

                if (layout != ConvLayout.Pointwise)
                {
                    Col2Im(s, gcol, g, gin, layout == ConvLayout.PositionsByTaps);
                }
            }

            // Then the weight gradient, dE/dw[f, t] = delta_f . col_t, and dE/db[f] = sum delta_f.
            if (layout == ConvLayout.PositionsByTaps)
            {
                for (int p = 0; p < positions; p++)
                {
                    ReadOnlySpan<float> patch = col.Slice(p * k, k);
                    for (int fl = 0; fl < fg; fl++)
                    {
                        int f = (g * fg) + fl;
                        Span<float> wf = wInto.Slice(f * k, k);
                        TensorPrimitives.MultiplyAdd(patch, scale * delta[(f * positions) + p], wf, wf);
                    }
                }
            }
            else
            {
                for (int fl = 0; fl < fg; fl++)
                {
                    int f = (g * fg) + fl;
                    ReadOnlySpan<float> df = delta.AsSpan(f * positions, positions);
                    Span<float> wf = wInto.Slice(f * k, k);
                    for (int t = 0; t < k; t++)
                    {
                        wf[t] += scale * TensorPrimitives.Dot(df, col.Slice(t * positions, positions));
                    }
                }
            }

            for (int fl = 0; fl < fg; fl++)
            {
                int f = (g * fg) + fl;
                into[s.BiasOffset + f] += scale * TensorPrimitives.Sum(delta.AsSpan(f * positions, positions));
            }
        }
    }
}

/// <summary>How <see cref="TensorPrimitivesConvNet"/> lowers a convolution to TensorPrimitives calls.</summary>
public enum ConvLayout
{
    /// <summary>Not a convolution.</summary>
    None,

    /// <summary>im2col into [K taps, P positions]: axpys and dots of length P.</summary>
    TapsByPositions,

    /// <summary>im2col into [P positions, K taps]: dots and axpys of length K.</summary>
    PositionsByTaps,

    /// <summary>1x1, stride 1, unpadded, ungrouped: the input is the [K, P] matrix, no im2col.</summary>
    Pointwise,

    /// <summary>Stride 1: the [K, P] matrix over the zero-padded input's grid, whose rows are slices of the padded input.</summary>
    PaddedGrid,
}
