using System;
using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

/// <summary>The layer kinds the convolutional peers implement.</summary>
public enum ConvPeerKind
{
    Conv,
    MaxPool,
    GlobalAvgPool,
    Dense,
}

/// <summary>
/// One layer of a runtime-shaped convolutional peer, in the terms of NetCompiler's attributes: <see cref="Size"/> is the
/// filters of a convolution, the units of a dense layer, unused otherwise; the kernel, stride, padding (or
/// <see cref="Same"/>), dilation and groups are those of <c>[Conv2D]</c> (a 1D layer has height 1 throughout); a max
/// pool's kernel is also its stride.
/// </summary>
public readonly record struct ConvPeerLayer(
    ConvPeerKind Kind,
    int Size,
    Activation Activation,
    int KernelHeight = 1,
    int KernelWidth = 1,
    int StrideHeight = 1,
    int StrideWidth = 1,
    int PaddingHeight = 0,
    int PaddingWidth = 0,
    bool Same = false,
    int Groups = 1,
    int DilationHeight = 1,
    int DilationWidth = 1)
{
    public static ConvPeerLayer Conv2D(int filters, int kernelHeight, int kernelWidth, Activation activation, int stride = 1, int padding = 0, bool same = false, int groups = 1) =>
        new(ConvPeerKind.Conv, filters, activation, kernelHeight, kernelWidth, stride, stride, padding, padding, same, groups);

    public static ConvPeerLayer Conv1D(int filters, int kernel, Activation activation, int stride = 1, int padding = 0, bool same = false, int groups = 1) =>
        new(ConvPeerKind.Conv, filters, activation, 1, kernel, 1, stride, 0, padding, same, groups);

    public static ConvPeerLayer MaxPool2D(int kernel) =>
        new(ConvPeerKind.MaxPool, 0, Activation.Identity, kernel, kernel, kernel, kernel);

    public static ConvPeerLayer MaxPool1D(int kernel) =>
        new(ConvPeerKind.MaxPool, 0, Activation.Identity, 1, kernel, 1, kernel);

    public static ConvPeerLayer GlobalAvgPool() => new(ConvPeerKind.GlobalAvgPool, 0, Activation.Identity);

    public static ConvPeerLayer Dense(int units, Activation activation) => new(ConvPeerKind.Dense, units, activation);
}

/// <summary>
/// A layer with every size resolved: its input and output grids (channels x height x width, CHW, flat), the padding at
/// the top and left (the bottom and right padding is implied: reads past the input are zeros), and where its weights
/// and biases are in the flat parameter array (NetCompiler's layout: per layer the weights, PyTorch's
/// [filters, in/groups, kH, kW] or [units, inputs], then the biases).
/// </summary>
public sealed class ConvPeerShape
{
    public ConvPeerKind Kind { get; init; }

    public Activation Activation { get; init; }

    public int InC { get; init; }

    public int InH { get; init; }

    public int InW { get; init; }

    public int OutC { get; init; }

    public int OutH { get; init; }

    public int OutW { get; init; }

    public int KH { get; init; }

    public int KW { get; init; }

    public int SH { get; init; }

    public int SW { get; init; }

    public int DH { get; init; }

    public int DW { get; init; }

    public int PadTop { get; init; }

    public int PadLeft { get; init; }

    public int PadBottom { get; init; }

    public int PadRight { get; init; }

    public int Groups { get; init; }

    public int WeightOffset { get; init; }

    public int WeightCount { get; init; }

    public int BiasOffset { get; init; }

    /// <summary>Input channels per group.</summary>
    public int Cg => InC / Groups;

    /// <summary>Filters per group.</summary>
    public int Fg => OutC / Groups;

    /// <summary>Taps per filter: Cg * kH * kW (a dense layer: its inputs).</summary>
    public int Taps => Kind == ConvPeerKind.Dense ? InSize : Cg * KH * KW;

    public int InPlane => InH * InW;

    public int OutPlane => OutH * OutW;

    public int InSize => InC * InH * InW;

    public int OutSize => OutC * OutH * OutW;

    public int ParameterCount => WeightCount + (BiasOffset >= 0 ? OutC : 0);
}

/// <summary>A convolutional network described at run time, for <see cref="NaiveConvNet"/> and <see cref="TensorPrimitivesConvNet"/>.</summary>
public sealed class ConvPeerSpec
{
    public ConvPeerSpec(string name, int channels, int height, int width, Loss loss, params ConvPeerLayer[] layers)
    {
        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        Loss = loss;
        Layers = layers;
        Shapes = Resolve();
        Validate();
    }

    public string Name { get; }

    public int Channels { get; }

    /// <summary>1 for a sequence ([Network(channels, length)]).</summary>
    public int Height { get; }

    public int Width { get; }

    public Loss Loss { get; }

    public ConvPeerLayer[] Layers { get; }

    public ConvPeerShape[] Shapes { get; }

    public int Inputs => Channels * Height * Width;

    public int Outputs => Shapes[^1].OutSize;

    public int ParameterCount => Shapes[^1].BiasOffset + Shapes[^1].OutC;

    /// <summary>digits: 1x8x8, conv 8@3x3 pad 1, max-pool 2, conv 16@3x3 pad 1, max-pool 2, dense 10 softmax (<see cref="ConvDigits"/>).</summary>
    public static readonly ConvPeerSpec Digits = new("digits", 1, 8, 8, Loss.CrossEntropy,
        ConvPeerLayer.Conv2D(8, 3, 3, Activation.ReLU, padding: 1),
        ConvPeerLayer.MaxPool2D(2),
        ConvPeerLayer.Conv2D(16, 3, 3, Activation.ReLU, padding: 1),
        ConvPeerLayer.MaxPool2D(2),
        ConvPeerLayer.Dense(10, Activation.Softmax));

    /// <summary>sensor: 3x128, conv 16@5, max-pool 2, conv 32@5, global average pool, dense 6 softmax (<see cref="ConvSensor"/>).</summary>
    public static readonly ConvPeerSpec Sensor = new("sensor", 3, 1, 128, Loss.CrossEntropy,
        ConvPeerLayer.Conv1D(16, 5, Activation.ReLU),
        ConvPeerLayer.MaxPool1D(2),
        ConvPeerLayer.Conv1D(32, 5, Activation.ReLU),
        ConvPeerLayer.GlobalAvgPool(),
        ConvPeerLayer.Dense(6, Activation.Softmax));

    /// <summary>kws: MLPerf Tiny's keyword-spotting DS-CNN without batch norm (<see cref="ConvKeywords"/>).</summary>
    public static readonly ConvPeerSpec Kws = new("kws", 1, 49, 10, Loss.CrossEntropy,
        ConvPeerLayer.Conv2D(64, 10, 4, Activation.ReLU, stride: 2, same: true),
        ConvPeerLayer.Conv2D(64, 3, 3, Activation.ReLU, same: true, groups: 64),
        ConvPeerLayer.Conv2D(64, 1, 1, Activation.ReLU),
        ConvPeerLayer.Conv2D(64, 3, 3, Activation.ReLU, same: true, groups: 64),
        ConvPeerLayer.Conv2D(64, 1, 1, Activation.ReLU),
        ConvPeerLayer.Conv2D(64, 3, 3, Activation.ReLU, same: true, groups: 64),
        ConvPeerLayer.Conv2D(64, 1, 1, Activation.ReLU),
        ConvPeerLayer.Conv2D(64, 3, 3, Activation.ReLU, same: true, groups: 64),
        ConvPeerLayer.Conv2D(64, 1, 1, Activation.ReLU),
        ConvPeerLayer.GlobalAvgPool(),
        ConvPeerLayer.Dense(12, Activation.Softmax));

    /// <summary>In benchmark order; the index is the one <see cref="ConvBenchmarks"/> switches on.</summary>
    public static readonly ConvPeerSpec[] All = { Digits, Sensor, Kws };

    public static ConvPeerSpec ByName(string name) =>
        Array.Find(All, s => s.Name == name) ?? throw new ArgumentException($"unknown convolutional peer network '{name}'", nameof(name));

    private ConvPeerShape[] Resolve()
    {
        var shapes = new ConvPeerShape[Layers.Length];
        int c = Channels;
        int h = Height;
        int w = Width;
        int offset = 0;
        for (int l = 0; l < Layers.Length; l++)
        {
            ConvPeerLayer layer = Layers[l];
            ConvPeerShape shape;
            switch (layer.Kind)
            {
                case ConvPeerKind.Conv:
                {
                    (int oh, int pt, int pb) = Axis(h, layer.KernelHeight, layer.StrideHeight, layer.DilationHeight, layer.PaddingHeight, layer.Same);
                    (int ow, int pl, int pr) = Axis(w, layer.KernelWidth, layer.StrideWidth, layer.DilationWidth, layer.PaddingWidth, layer.Same);
                    if (c % layer.Groups != 0 || layer.Size % layer.Groups != 0)
                    {
                        throw new ArgumentException($"layer {l}: groups must divide the channels and the filters");
                    }

                    int weights = layer.Size * (c / layer.Groups) * layer.KernelHeight * layer.KernelWidth;
                    shape = new ConvPeerShape
                    {
                        Kind = layer.Kind, Activation = layer.Activation, InC = c, InH = h, InW = w, OutC = layer.Size, OutH = oh, OutW = ow,
                        KH = layer.KernelHeight, KW = layer.KernelWidth, SH = layer.StrideHeight, SW = layer.StrideWidth,
                        DH = layer.DilationHeight, DW = layer.DilationWidth, PadTop = pt, PadBottom = pb, PadLeft = pl, PadRight = pr,
                        Groups = layer.Groups, WeightOffset = offset, WeightCount = weights, BiasOffset = offset + weights,
                    };
                    offset += weights + layer.Size;
                    break;
                }

                case ConvPeerKind.MaxPool:
                    shape = new ConvPeerShape
                    {
                        Kind = layer.Kind, Activation = Activation.Identity, InC = c, InH = h, InW = w, OutC = c,
                        OutH = ((h - layer.KernelHeight) / layer.StrideHeight) + 1, OutW = ((w - layer.KernelWidth) / layer.StrideWidth) + 1,
                        KH = layer.KernelHeight, KW = layer.KernelWidth, SH = layer.StrideHeight, SW = layer.StrideWidth, DH = 1, DW = 1,
                        Groups = 1, WeightOffset = -1, BiasOffset = -1,
                    };
                    break;
                case ConvPeerKind.GlobalAvgPool:
                    shape = new ConvPeerShape
                    {
                        Kind = layer.Kind, Activation = Activation.Identity, InC = c, InH = h, InW = w, OutC = c, OutH = 1, OutW = 1,
                        KH = h, KW = w, SH = 1, SW = 1, DH = 1, DW = 1, Groups = 1, WeightOffset = -1, BiasOffset = -1,
                    };
                    break;
                default:
                {
                    int inputs = c * h * w;
                    shape = new ConvPeerShape
                    {
                        Kind = layer.Kind, Activation = layer.Activation, InC = c, InH = h, InW = w, OutC = layer.Size, OutH = 1, OutW = 1,
                        KH = 1, KW = 1, SH = 1, SW = 1, DH = 1, DW = 1, Groups = 1,
                        WeightOffset = offset, WeightCount = layer.Size * inputs, BiasOffset = offset + (layer.Size * inputs),
                    };
                    offset += (layer.Size * inputs) + layer.Size;
                    break;
                }
            }

            shapes[l] = shape;
            c = shape.OutC;
            h = shape.OutH;
            w = shape.OutW;
        }

        return shapes;
    }

    /// <summary>Output size and padding (begin, end) along one axis: explicit padding, or TensorFlow's "same".</summary>
    private static (int Out, int Begin, int End) Axis(int size, int kernel, int stride, int dilation, int padding, bool same)
    {
        int span = (dilation * (kernel - 1)) + 1;
        if (same)
        {
            int output = (size + stride - 1) / stride;
            int total = Math.Max(((output - 1) * stride) + span - size, 0);
            return (output, total / 2, total - (total / 2));
        }

        return (((size + (2 * padding) - span) / stride) + 1, padding, padding);
    }

    private void Validate()
    {
        for (int l = 0; l < Shapes.Length; l++)
        {
            ConvPeerShape s = Shapes[l];
            bool last = l == Shapes.Length - 1;
            if (s.Activation is not (Activation.Identity or Activation.ReLU) && !(last && s.Activation == Activation.Softmax))
            {
                throw new NotSupportedException("the convolutional peers implement Identity and ReLU, and Softmax as the last layer");
            }

            if (last && (s.Kind != ConvPeerKind.Dense || s.Activation != Activation.Softmax || Loss != Loss.CrossEntropy))
            {
                throw new NotSupportedException("the convolutional peers end with a Dense Softmax layer and CrossEntropy");
            }
        }
    }
}

/// <summary>The fixed random samples <see cref="ConvBenchmarks"/> and the conv check cycle through.</summary>
public static class ConvPeerData
{
    /// <summary>A power of two (the benchmarks wrap with a mask) and a multiple of the batch of 32.</summary>
    public const int SampleCount = 128;

    /// <summary>Inputs uniform in [0, 1), one-hot targets. Deterministic for a seed.</summary>
    public static (float[] Inputs, float[] Targets) Samples(ConvPeerSpec spec, int count, int seed)
    {
        var rng = new Random(seed);
        var inputs = new float[count * spec.Inputs];
        var targets = new float[count * spec.Outputs];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)rng.NextDouble();
        }

        for (int s = 0; s < count; s++)
        {
            targets[(s * spec.Outputs) + rng.Next(spec.Outputs)] = 1f;
        }

        return (inputs, targets);
    }
}
