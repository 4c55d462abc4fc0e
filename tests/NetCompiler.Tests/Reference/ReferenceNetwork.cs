using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace NetCompiler.Tests.Reference
{
    /// <summary>The kinds of layer the reference computes.</summary>
    public enum ReferenceKind
    {
        Dense,
        Conv,
        MaxPool,
        AvgPool,
        GlobalAvgPool,
        BatchNorm,
        Dropout,
    }

    /// <summary>A tensor's shape: channels x height x width (a flat vector is channels x 1 x 1, a sequence channels x 1 x length).</summary>
    public readonly record struct Shape(int Channels, int Height, int Width)
    {
        public int Size => Channels * Height * Width;

        public override string ToString() => Height == 1 && Width == 1 ? $"{Channels}" : Height == 1 ? $"{Channels}x{Width}" : $"{Channels}x{Height}x{Width}";
    }

    /// <summary>
    /// One layer of a <see cref="ReferenceNetwork"/>, with its place in the parameter block. For a Dense layer
    /// <see cref="Units"/> x <see cref="Inputs"/> is its weight matrix; for a convolution <see cref="Units"/> is the number of
    /// filters and <see cref="Inputs"/> the weights per filter (in/groups x kernel), so that the weight of filter f and tap k is
    /// at <c>WeightOffset + Inputs * f + k</c> either way. Pooling layers have no parameters.
    /// </summary>
    public sealed record ReferenceLayer(int Inputs, int Units, Activation Activation, bool HasBias, int WeightOffset, int BiasOffset)
    {
        public ReferenceKind Kind { get; init; } = ReferenceKind.Dense;

        /// <summary>The layer's index among all declared layers (the i of <c>layers.{i}.weight</c>).</summary>
        public int Index { get; init; }

        /// <summary>1 or 2 for a convolution or pooling layer of that many dimensions, 0 for Dense.</summary>
        public int Rank { get; init; }

        /// <summary>The weight's shape in PyTorch's layout: [units, inputs], [filters, in/groups, k] or [filters, in/groups, kH, kW].</summary>
        public int[] WeightShape => Kind == ReferenceKind.Conv
            ? (Rank == 1 ? new[] { Units, In.Channels / Groups, KernelWidth } : new[] { Units, In.Channels / Groups, KernelHeight, KernelWidth })
            : new[] { Units, Inputs };

        public Shape In { get; init; }

        public Shape Out { get; init; }

        public int KernelHeight { get; init; } = 1;

        public int KernelWidth { get; init; } = 1;

        public int StrideHeight { get; init; } = 1;

        public int StrideWidth { get; init; } = 1;

        public int PadTop { get; init; }

        public int PadLeft { get; init; }

        public int DilationHeight { get; init; } = 1;

        public int DilationWidth { get; init; } = 1;

        public int Groups { get; init; } = 1;

        /// <summary>Fan-in of the weights (API.md): inputs for Dense, in/groups * kH * kW for a convolution.</summary>
        public int FanIn { get; init; }

        /// <summary>Fan-out of the weights (API.md): units for Dense, filters/groups * kH * kW for a convolution.</summary>
        public int FanOut { get; init; }

        public int WeightCount => Inputs * Units;

        public int ParameterCount => WeightCount + (HasBias ? Units : 0);

        public bool HasParameters => Kind is ReferenceKind.Dense or ReferenceKind.Conv or ReferenceKind.BatchNorm;

        /// <summary>A BatchNorm's eps.</summary>
        public double Epsilon { get; init; }

        /// <summary>A BatchNorm's momentum.</summary>
        public double Momentum { get; init; }

        /// <summary>A BatchNorm's place in the buffers (running mean, then running variance).</summary>
        public int BufferOffset { get; init; }

        /// <summary>A Dropout's probability.</summary>
        public double P { get; init; }

        public override string ToString() => Kind switch
        {
            ReferenceKind.Dense => $"-> {Units} {Activation}{(HasBias ? "" : " nobias")}",
            ReferenceKind.Conv => $"-> conv {Out} k{KernelHeight}x{KernelWidth} s{StrideHeight}x{StrideWidth} p{PadTop},{PadLeft} d{DilationHeight}x{DilationWidth} g{Groups} {Activation}{(HasBias ? "" : " nobias")}",
            _ => $"-> {Kind} {Out}",
        };
    }

    /// <summary>
    /// An independent, deliberately plain double-precision network built from a network type's attributes by reflection.
    /// It shares no code with the generator: every layer is its textbook definition as loops (a convolution as
    /// out[f, y, x] = b[f] + sum_c,i,j w[f, c, i, j] * in[c, y*s + i*d - p, x*s + j*d - p], zeros outside the input; "same"
    /// padding by TensorFlow's rule; pooling windows as PyTorch defines them), the loss exactly as API.md defines it, and the
    /// gradient only by finite differences of that loss (no backpropagation here).
    /// </summary>
    public sealed partial class ReferenceNetwork
    {
        public const double LeakySlope = 0.01;

        private ReferenceNetwork(Type type, Shape input, Loss loss, Precision precision, int unrollLimit, ReferenceLayer[] all)
        {
            Type = type;
            InputShape = input;
            Inputs = input.Size;
            Loss = loss;
            Precision = precision;
            UnrollLimit = unrollLimit;
            AllLayers = all;
            Layers = all.Where(l => l.HasParameters).ToArray();
            Outputs = all[^1].Out.Size;
            ParameterCount = all.Sum(l => l.HasParameters ? l.ParameterCount : 0);
        }

        public Type Type { get; }

        public Shape InputShape { get; }

        public int Inputs { get; }

        public int Outputs { get; }

        public int ParameterCount { get; }

        public Loss Loss { get; }

        public Precision Precision { get; }

        public int UnrollLimit { get; }

        /// <summary>The layers with parameters (Dense and convolution layers), in order.</summary>
        public IReadOnlyList<ReferenceLayer> Layers { get; }

        /// <summary>Every declared layer, pooling included.</summary>
        public IReadOnlyList<ReferenceLayer> AllLayers { get; }

        /// <summary>Whether every layer is a Dense layer.</summary>
        public bool IsDense => AllLayers.All(l => l.Kind == ReferenceKind.Dense);

        /// <summary>The activation of the last layer (Identity for pooling).</summary>
        public Activation LastActivation => AllLayers[^1].Activation;

        public bool HasReLUFamily => Layers.Any(l => l.Activation is Activation.ReLU or Activation.LeakyReLU);

        public static ReferenceNetwork For(Type type)
        {
            CustomAttributeData networkData = type.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType == typeof(NetworkAttribute))
                ?? throw new InvalidOperationException($"{type} has no [Network] attribute in metadata.");
            NetworkAttribute network = type.GetCustomAttribute<NetworkAttribute>(inherit: false)!;
            int[] dims = networkData.ConstructorArguments.Select(a => (int)a.Value!).ToArray();
            Shape input = dims.Length switch
            {
                1 => new Shape(dims[0], 1, 1),
                2 => new Shape(dims[0], 1, dims[1]),
                _ => new Shape(dims[0], dims[1], dims[2]),
            };

            // CustomAttributeData lists the attributes in metadata order, which is source order.
            var layers = new List<ReferenceLayer>();
            Shape shape = input;
            int offset = 0;
            foreach (CustomAttributeData data in type.GetCustomAttributesData())
            {
                ReferenceLayer? layer = Read(data, shape, offset);
                if (layer is null)
                {
                    continue;
                }

                layer = layer with { Index = layers.Count };
                if (layer.Kind == ReferenceKind.BatchNorm)
                {
                    // The layer before computes z = W x + b; the normalization then applies its activation.
                    layer = layer with { Activation = layers[^1].Activation, BufferOffset = layers.Where(l => l.Kind == ReferenceKind.BatchNorm).Sum(l => 2 * l.Units) };
                    layers[^1] = layers[^1] with { Activation = Activation.Identity };
                }

                layers.Add(layer);
                offset += layer.HasParameters ? layer.ParameterCount : 0;
                shape = layer.Out;
            }

            if (layers.Count == 0)
            {
                throw new InvalidOperationException($"{type} has no layer attribute in metadata.");
            }

            return new ReferenceNetwork(type, input, network.Loss, network.Precision, network.UnrollLimit, layers.ToArray());
        }

        private static ReferenceLayer? Read(CustomAttributeData data, Shape input, int offset)
        {
            var named = data.NamedArguments.ToDictionary(a => a.MemberName, a => a.TypedValue.Value);
            int Named(string name, int fallback) => named.TryGetValue(name, out object? v) ? (int)v! : fallback;
            bool NamedBool(string name, bool fallback) => named.TryGetValue(name, out object? v) ? (bool)v! : fallback;
            int Arg(int i) => (int)data.ConstructorArguments[i].Value!;
            Activation ActivationArg(int i) => data.ConstructorArguments.Count > i ? (Activation)(int)data.ConstructorArguments[i].Value! : Activation.Identity;

            Type t = data.AttributeType;
            if (t == typeof(DenseAttribute))
            {
                int units = Arg(0);
                bool bias = NamedBool(nameof(DenseAttribute.Bias), true);
                int inputs = input.Size;
                return new ReferenceLayer(inputs, units, ActivationArg(1), bias, offset, bias ? offset + (units * inputs) : -1)
                {
                    In = input,
                    Out = new Shape(units, 1, 1),
                    FanIn = inputs,
                    FanOut = units,
                };
            }

            if (t == typeof(Conv1DAttribute) || t == typeof(Conv2DAttribute))
            {
                bool twoD = t == typeof(Conv2DAttribute);
                int filters = Arg(0), kernel = Arg(1);
                int kh = twoD ? Named("KernelHeight", kernel) : 1, kw = twoD ? Named("KernelWidth", kernel) : kernel;
                int stride = Named("Stride", 1), padding = Named("Padding", 0), dilation = Named("Dilation", 1);
                int sh = twoD ? Named("StrideHeight", stride) : 1, sw = twoD ? Named("StrideWidth", stride) : stride;
                int dh = twoD ? Named("DilationHeight", dilation) : 1, dw = twoD ? Named("DilationWidth", dilation) : dilation;
                int ph = twoD ? Named("PaddingHeight", padding) : 0, pw = twoD ? Named("PaddingWidth", padding) : padding;
                int groups = Named("Groups", 1);
                bool bias = NamedBool("Bias", true);
                int top = ph, bottom = ph, left = pw, right = pw;
                if (NamedBool("Same", false))
                {
                    (top, bottom) = SamePadding(input.Height, kh, sh, dh);
                    (left, right) = SamePadding(input.Width, kw, sw, dw);
                }

                int oh = ((input.Height + top + bottom - (dh * (kh - 1)) - 1) / sh) + 1;
                int ow = ((input.Width + left + right - (dw * (kw - 1)) - 1) / sw) + 1;
                int perFilter = input.Channels / groups * kh * kw;
                return new ReferenceLayer(perFilter, filters, ActivationArg(2), bias, offset, bias ? offset + (filters * perFilter) : -1)
                {
                    Kind = ReferenceKind.Conv,
                    Rank = twoD ? 2 : 1,
                    In = input,
                    Out = new Shape(filters, oh, ow),
                    KernelHeight = kh,
                    KernelWidth = kw,
                    StrideHeight = sh,
                    StrideWidth = sw,
                    PadTop = top,
                    PadLeft = left,
                    DilationHeight = dh,
                    DilationWidth = dw,
                    Groups = groups,
                    FanIn = perFilter,
                    FanOut = filters / groups * kh * kw,
                };
            }

            bool max = t == typeof(MaxPool1DAttribute) || t == typeof(MaxPool2DAttribute);
            if (max || t == typeof(AvgPool1DAttribute) || t == typeof(AvgPool2DAttribute))
            {
                bool twoD = t == typeof(MaxPool2DAttribute) || t == typeof(AvgPool2DAttribute);
                int kernel = Arg(0);
                int kh = twoD ? Named("KernelHeight", kernel) : 1, kw = twoD ? Named("KernelWidth", kernel) : kernel;
                int stride = Named("Stride", 0), padding = Named("Padding", 0);
                int sh = twoD ? Named("StrideHeight", stride == 0 ? kh : stride) : 1, sw = twoD ? Named("StrideWidth", stride == 0 ? kw : stride) : (stride == 0 ? kw : stride);
                int ph = twoD ? Named("PaddingHeight", padding) : 0, pw = twoD ? Named("PaddingWidth", padding) : padding;
                int oh = ((input.Height + (2 * ph) - kh) / sh) + 1;
                int ow = ((input.Width + (2 * pw) - kw) / sw) + 1;
                return new ReferenceLayer(0, 0, Activation.Identity, false, offset, -1)
                {
                    Kind = max ? ReferenceKind.MaxPool : ReferenceKind.AvgPool,
                    Rank = twoD ? 2 : 1,
                    In = input,
                    Out = new Shape(input.Channels, oh, ow),
                    KernelHeight = kh,
                    KernelWidth = kw,
                    StrideHeight = sh,
                    StrideWidth = sw,
                    PadTop = ph,
                    PadLeft = pw,
                };
            }

            if (t == typeof(BatchNormAttribute))
            {
                double Real(string name, double fallback) => named.TryGetValue(name, out object? v) ? (double)v! : fallback;
                return new ReferenceLayer(1, input.Channels, Activation.Identity, true, offset, offset + input.Channels)
                {
                    Kind = ReferenceKind.BatchNorm,
                    In = input,
                    Out = input,
                    Epsilon = Real(nameof(BatchNormAttribute.Epsilon), 1e-5),
                    Momentum = Real(nameof(BatchNormAttribute.Momentum), 0.1),
                };
            }

            if (t == typeof(DropoutAttribute))
            {
                return new ReferenceLayer(0, 0, Activation.Identity, false, offset, -1)
                {
                    Kind = ReferenceKind.Dropout,
                    In = input,
                    Out = input,
                    P = (double)data.ConstructorArguments[0].Value!,
                };
            }

            if (t == typeof(GlobalAvgPoolAttribute))
            {
                return new ReferenceLayer(0, 0, Activation.Identity, false, offset, -1)
                {
                    Kind = ReferenceKind.GlobalAvgPool,
                    In = input,
                    Out = new Shape(input.Channels, 1, 1),
                };
            }

            return null;
        }

        /// <summary>TensorFlow's "same" padding: output ceil(n / s), the zeros needed split with the extra one at the end.</summary>
        private static (int Begin, int End) SamePadding(int n, int k, int s, int d)
        {
            int output = (n + s - 1) / s;
            int total = Math.Max(((output - 1) * s) + (d * (k - 1)) + 1 - n, 0);
            return (total / 2, total - (total / 2));
        }

        /// <summary>What one forward pass leaves for the kink checks: each layer's pre-activation values, and each max-pool window's winner and margin.</summary>
        private sealed class Trace
        {
            public List<double[]> Nets { get; } = new();

            public List<int[]> Winners { get; } = new();

            public double WinnerMargin { get; set; } = double.PositiveInfinity;

            /// <summary>The running statistics BatchNorm layers normalize with in inference (null: mean 0, variance 1).</summary>
            public double[]? Buffers { get; set; }
        }

        /// <summary>The output for one sample. <paramref name="preActivations"/>, if given, receives each layer's weighted sums (nothing for pooling layers).</summary>
        public double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, List<double[]>? preActivations = null)
        {
            var trace = new Trace();
            double[] y = Forward(parameters, input, trace);
            preActivations?.AddRange(trace.Nets);
            return y;
        }

        private double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, Trace trace)
        {
            if (parameters.Length != ParameterCount || input.Length != Inputs)
            {
                throw new ArgumentException("wrong length");
            }

            double[] o = input.ToArray();
            foreach (ReferenceLayer layer in AllLayers)
            {
                o = ApplyLayer(layer, parameters, o, trace);
            }

            return o;
        }

        /// <summary>One layer on one sample (BatchNorm with <see cref="Trace.Buffers"/>' running statistics, Dropout as the identity).</summary>
        private double[] ApplyLayer(ReferenceLayer layer, ReadOnlySpan<double> parameters, double[] o, Trace trace)
        {
                switch (layer.Kind)
                {
                    case ReferenceKind.Dense:
                    {
                        var net = new double[layer.Units];
                        for (int j = 0; j < layer.Units; j++)
                        {
                            double sum = 0;
                            for (int i = 0; i < layer.Inputs; i++)
                            {
                                sum += parameters[layer.WeightOffset + (j * layer.Inputs) + i] * o[i];
                            }

                            if (layer.HasBias)
                            {
                                sum += parameters[layer.BiasOffset + j];
                            }

                            net[j] = sum;
                        }

                        trace.Nets.Add(net);
                        o = Activate(layer.Activation, net);
                        break;
                    }

                    case ReferenceKind.Conv:
                    {
                        double[] net = Convolve(layer, parameters, o);
                        trace.Nets.Add(net);
                        o = Activate(layer.Activation, net);
                        break;
                    }

                    case ReferenceKind.MaxPool:
                    case ReferenceKind.AvgPool:
                        o = Pool(layer, o, trace);
                        break;
                    case ReferenceKind.BatchNorm:
                    {
                        int positions = layer.In.Height * layer.In.Width;
                        var y = new double[o.Length];
                        for (int c = 0; c < layer.Units; c++)
                        {
                            double mean = trace.Buffers is null ? 0 : trace.Buffers[layer.BufferOffset + c];
                            double variance = trace.Buffers is null ? 1 : trace.Buffers[layer.BufferOffset + layer.Units + c];
                            for (int q = 0; q < positions; q++)
                            {
                                int at = (c * positions) + q;
                                y[at] = (parameters[layer.WeightOffset + c] * (o[at] - mean) / Math.Sqrt(variance + layer.Epsilon)) + parameters[layer.BiasOffset + c];
                            }
                        }

                        trace.Nets.Add(y);
                        o = Activate(layer.Activation, y);
                        break;
                    }

                    case ReferenceKind.Dropout:
                        break;
                    default:
                    {
                        Shape s = layer.In;
                        var mean = new double[s.Channels];
                        for (int c = 0; c < s.Channels; c++)
                        {
                            double sum = 0;
                            for (int q = 0; q < s.Height * s.Width; q++)
                            {
                                sum += o[(c * s.Height * s.Width) + q];
                            }

                            mean[c] = sum / (s.Height * s.Width);
                        }

                        o = mean;
                        break;
                    }
                }

            return o;
        }

        /// <summary>out[f, y, x] = b[f] + sum over the filter's group's channels c and the taps (i, j) of w[f, c, i, j] * in[c, y*s + i*d - p, x*s + j*d - p].</summary>
        private static double[] Convolve(ReferenceLayer layer, ReadOnlySpan<double> p, double[] input)
        {
            Shape inS = layer.In, outS = layer.Out;
            int groupChannels = inS.Channels / layer.Groups;
            int groupFilters = outS.Channels / layer.Groups;
            var net = new double[outS.Size];
            for (int f = 0; f < outS.Channels; f++)
            {
                int group = f / groupFilters;
                for (int y = 0; y < outS.Height; y++)
                {
                    for (int x = 0; x < outS.Width; x++)
                    {
                        double sum = layer.HasBias ? p[layer.BiasOffset + f] : 0;
                        for (int cl = 0; cl < groupChannels; cl++)
                        {
                            int c = (group * groupChannels) + cl;
                            for (int i = 0; i < layer.KernelHeight; i++)
                            {
                                int iy = (y * layer.StrideHeight) + (i * layer.DilationHeight) - layer.PadTop;
                                if (iy < 0 || iy >= inS.Height)
                                {
                                    continue;
                                }

                                for (int j = 0; j < layer.KernelWidth; j++)
                                {
                                    int ix = (x * layer.StrideWidth) + (j * layer.DilationWidth) - layer.PadLeft;
                                    if (ix < 0 || ix >= inS.Width)
                                    {
                                        continue;
                                    }

                                    int w = layer.WeightOffset + (f * layer.Inputs) + (((cl * layer.KernelHeight) + i) * layer.KernelWidth) + j;
                                    sum += p[w] * input[(((c * inS.Height) + iy) * inS.Width) + ix];
                                }
                            }
                        }

                        net[(((f * outS.Height) + y) * outS.Width) + x] = sum;
                    }
                }
            }

            return net;
        }

        /// <summary>Max (padding never a maximum) or mean (padding counts as zeros, divisor the window size) of each window.</summary>
        private static double[] Pool(ReferenceLayer layer, double[] input, Trace trace)
        {
            Shape inS = layer.In, outS = layer.Out;
            var o = new double[outS.Size];
            var winners = new int[outS.Size];
            for (int c = 0; c < outS.Channels; c++)
            {
                for (int y = 0; y < outS.Height; y++)
                {
                    for (int x = 0; x < outS.Width; x++)
                    {
                        double best = double.NegativeInfinity, second = double.NegativeInfinity, sum = 0;
                        int winner = -1;
                        for (int i = 0; i < layer.KernelHeight; i++)
                        {
                            int iy = (y * layer.StrideHeight) - layer.PadTop + i;
                            for (int j = 0; j < layer.KernelWidth; j++)
                            {
                                int ix = (x * layer.StrideWidth) - layer.PadLeft + j;
                                if (iy < 0 || iy >= inS.Height || ix < 0 || ix >= inS.Width)
                                {
                                    continue;
                                }

                                int at = (((c * inS.Height) + iy) * inS.Width) + ix;
                                double v = input[at];
                                sum += v;
                                // A value equal to the maximum is a tie that stays one under small changes (ReLU zeros) and keeps the
                                // first maximum: only values strictly below it can overtake it.
                                if (winner < 0 || v > best)
                                {
                                    second = winner < 0 ? second : best;
                                    best = v;
                                    winner = at;
                                }
                                else if (v < best)
                                {
                                    second = Math.Max(second, v);
                                }
                            }
                        }

                        int o1 = (((c * outS.Height) + y) * outS.Width) + x;
                        o[o1] = layer.Kind == ReferenceKind.MaxPool ? best : sum / (layer.KernelHeight * layer.KernelWidth);
                        winners[o1] = winner;
                        if (layer.Kind == ReferenceKind.MaxPool)
                        {
                            trace.WinnerMargin = Math.Min(trace.WinnerMargin, best - second);
                        }
                    }
                }
            }

            if (layer.Kind == ReferenceKind.MaxPool)
            {
                trace.Winners.Add(winners);
            }

            return o;
        }

        public static double[] Activate(Activation activation, double[] net)
        {
            var y = new double[net.Length];
            switch (activation)
            {
                case Activation.Identity:
                    Array.Copy(net, y, net.Length);
                    break;
                case Activation.Sigmoid:
                    for (int j = 0; j < net.Length; j++)
                    {
                        y[j] = 1.0 / (1.0 + Math.Exp(-net[j]));
                    }

                    break;
                case Activation.Tanh:
                    for (int j = 0; j < net.Length; j++)
                    {
                        y[j] = Math.Tanh(net[j]);
                    }

                    break;
                case Activation.ReLU:
                    for (int j = 0; j < net.Length; j++)
                    {
                        y[j] = net[j] > 0 ? net[j] : 0.0;
                    }

                    break;
                case Activation.LeakyReLU:
                    for (int j = 0; j < net.Length; j++)
                    {
                        y[j] = net[j] > 0 ? net[j] : LeakySlope * net[j];
                    }

                    break;
                case Activation.Softmax:
                    double max = net.Max();
                    double total = 0;
                    for (int j = 0; j < net.Length; j++)
                    {
                        y[j] = Math.Exp(net[j] - max);
                        total += y[j];
                    }

                    for (int j = 0; j < net.Length; j++)
                    {
                        y[j] /= total;
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation));
            }

            return y;
        }

        /// <summary>The loss of one sample, as API.md defines it.</summary>
        public double ComputeLoss(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> target)
        {
            return LossOf(Forward(parameters, input), target);
        }

        public double LossOf(double[] y, ReadOnlySpan<double> d)
        {
            if (d.Length != Outputs)
            {
                throw new ArgumentException("wrong target length");
            }

            double e = 0;
            switch (Loss)
            {
                case Loss.HalfSquaredError:
                    for (int k = 0; k < y.Length; k++)
                    {
                        e += (d[k] - y[k]) * (d[k] - y[k]);
                    }

                    return 0.5 * e;
                case Loss.MeanSquaredError:
                    for (int k = 0; k < y.Length; k++)
                    {
                        e += (d[k] - y[k]) * (d[k] - y[k]);
                    }

                    return e / y.Length;
                case Loss.CrossEntropy when LastActivation == Activation.Softmax:
                    for (int k = 0; k < y.Length; k++)
                    {
                        e -= d[k] * Math.Log(y[k]);
                    }

                    return e;
                case Loss.CrossEntropy when LastActivation == Activation.Sigmoid:
                    for (int k = 0; k < y.Length; k++)
                    {
                        e -= (d[k] * Math.Log(y[k])) + ((1 - d[k]) * Math.Log(1 - y[k]));
                    }

                    return e;
                default:
                    throw new InvalidOperationException($"Unsupported loss {Loss} with {LastActivation}.");
            }
        }

        /// <summary>
        /// How far the sample is from a point where the loss is not smooth: the smallest |net| over all units of ReLU-family
        /// layers, and the smallest gap between a max-pooling window's maximum and its runner-up (+inf if none).
        /// </summary>
        public double KinkDistance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
        {
            var trace = new Trace();
            Forward(parameters, input, trace);
            double min = trace.WinnerMargin;
            for (int l = 0; l < Layers.Count; l++)
            {
                if (Layers[l].Activation is Activation.ReLU or Activation.LeakyReLU)
                {
                    foreach (double v in trace.Nets[l])
                    {
                        min = Math.Min(min, Math.Abs(v));
                    }
                }
            }

            return min;
        }

        /// <summary>
        /// d(loss)/d(parameters) by the 5-point central difference
        /// (-E(p+2h) + 8E(p+h) - 8E(p-h) + E(p-2h)) / 12h, in double. Returns null if any perturbation
        /// moves a ReLU-family weighted sum across 0 or changes a max-pooling window's maximum (the loss is not
        /// differentiable enough there).
        /// </summary>
        public double[]? FiniteDifferenceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> target, double h)
        {
            double[] p = parameters.ToArray();
            var baseTrace = new Trace();
            Forward(p, input, baseTrace);
            var g = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double saved = p[i];
                double Eval(double delta, ReadOnlySpan<double> x, ReadOnlySpan<double> d, out bool crossed)
                {
                    p[i] = saved + delta;
                    var trace = new Trace();
                    double[] y = Forward(p, x, trace);
                    crossed = CrossesKink(baseTrace, trace);
                    return LossOf(y, d);
                }

                double ep2 = Eval(2 * h, input, target, out bool c1);
                double ep1 = Eval(h, input, target, out bool c2);
                double em1 = Eval(-h, input, target, out bool c3);
                double em2 = Eval(-2 * h, input, target, out bool c4);
                p[i] = saved;
                if (c1 || c2 || c3 || c4)
                {
                    return null;
                }

                g[i] = (-ep2 + (8 * ep1) - (8 * em1) + em2) / (12 * h);
            }

            return g;
        }

        private bool CrossesKink(Trace a, Trace b)
        {
            for (int l = 0; l < Layers.Count; l++)
            {
                if (Layers[l].Activation is Activation.ReLU or Activation.LeakyReLU)
                {
                    for (int j = 0; j < a.Nets[l].Length; j++)
                    {
                        if ((a.Nets[l][j] > 0) != (b.Nets[l][j] > 0))
                        {
                            return true;
                        }
                    }
                }
            }

            for (int m = 0; m < a.Winners.Count; m++)
            {
                if (!a.Winners[m].AsSpan().SequenceEqual(b.Winners[m]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The initialization limit API.md promises for a layer: He for ReLU-family, Xavier/Glorot otherwise (uniform).</summary>
        public static double InitLimit(ReferenceLayer layer)
        {
            return layer.Activation is Activation.ReLU or Activation.LeakyReLU
                ? Math.Sqrt(6.0 / layer.FanIn)
                : Math.Sqrt(6.0 / (layer.FanIn + layer.FanOut));
        }

        public override string ToString()
        {
            return $"{Type.Name}: [{InputShape}] " + string.Join(" ", AllLayers.Select(l => l.ToString())) + $", {Loss}, {Precision}";
        }
    }
}
