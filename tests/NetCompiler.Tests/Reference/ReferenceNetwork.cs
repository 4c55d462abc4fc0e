using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace NetCompiler.Tests.Reference
{
    /// <summary>One dense layer of a <see cref="ReferenceNetwork"/>, with its place in the parameter block.</summary>
    public sealed record ReferenceLayer(int Inputs, int Units, Activation Activation, bool HasBias, int WeightOffset, int BiasOffset)
    {
        public int WeightCount => Inputs * Units;

        public int ParameterCount => WeightCount + (HasBias ? Units : 0);
    }

    /// <summary>
    /// An independent, deliberately plain double-precision multilayer perceptron built from a network
    /// type's [Network]/[Dense] attributes by reflection. It shares no code with the generator: forward
    /// pass with loops, the loss exactly as API.md defines it, and the gradient only by finite
    /// differences of that loss (no backpropagation here).
    /// </summary>
    public sealed class ReferenceNetwork
    {
        public const double LeakySlope = 0.01;

        private ReferenceNetwork(Type type, int inputs, Loss loss, Precision precision, int unrollLimit, ReferenceLayer[] layers)
        {
            Type = type;
            Inputs = inputs;
            Loss = loss;
            Precision = precision;
            UnrollLimit = unrollLimit;
            Layers = layers;
            Outputs = layers[^1].Units;
            ParameterCount = layers.Sum(l => l.ParameterCount);
        }

        public Type Type { get; }

        public int Inputs { get; }

        public int Outputs { get; }

        public int ParameterCount { get; }

        public Loss Loss { get; }

        public Precision Precision { get; }

        public int UnrollLimit { get; }

        public IReadOnlyList<ReferenceLayer> Layers { get; }

        public bool HasReLUFamily => Layers.Any(l => l.Activation is Activation.ReLU or Activation.LeakyReLU);

        public static ReferenceNetwork For(Type type)
        {
            NetworkAttribute network = type.GetCustomAttribute<NetworkAttribute>(inherit: false)
                ?? throw new InvalidOperationException($"{type} has no [Network] attribute in metadata.");

            // CustomAttributeData lists the attributes in metadata order, which is source order.
            var dense = type.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(DenseAttribute))
                .Select(ReadDense)
                .ToArray();
            if (dense.Length == 0)
            {
                throw new InvalidOperationException($"{type} has no [Dense] attribute in metadata.");
            }

            var layers = new ReferenceLayer[dense.Length];
            int fanIn = network.Inputs;
            int offset = 0;
            for (int i = 0; i < dense.Length; i++)
            {
                (int units, Activation activation, bool bias) = dense[i];
                int weightOffset = offset;
                offset += units * fanIn;
                int biasOffset = bias ? offset : -1;
                if (bias)
                {
                    offset += units;
                }

                layers[i] = new ReferenceLayer(fanIn, units, activation, bias, weightOffset, biasOffset);
                fanIn = units;
            }

            return new ReferenceNetwork(type, network.Inputs, network.Loss, network.Precision, network.UnrollLimit, layers);
        }

        private static (int Units, Activation Activation, bool Bias) ReadDense(CustomAttributeData data)
        {
            int units = (int)data.ConstructorArguments[0].Value!;
            var activation = data.ConstructorArguments.Count > 1
                ? (Activation)(int)data.ConstructorArguments[1].Value!
                : Activation.Identity;
            bool bias = true;
            foreach (CustomAttributeNamedArgument named in data.NamedArguments)
            {
                if (named.MemberName == nameof(DenseAttribute.Bias))
                {
                    bias = (bool)named.TypedValue.Value!;
                }
            }

            return (units, activation, bias);
        }

        /// <summary>The output for one sample. <paramref name="preActivations"/>, if given, receives each layer's weighted sums.</summary>
        public double[] Forward(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, List<double[]>? preActivations = null)
        {
            if (parameters.Length != ParameterCount || input.Length != Inputs)
            {
                throw new ArgumentException("wrong length");
            }

            double[] o = input.ToArray();
            foreach (ReferenceLayer layer in Layers)
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

                preActivations?.Add(net);
                o = Activate(layer.Activation, net);
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
                case Loss.CrossEntropy when Layers[^1].Activation == Activation.Softmax:
                    for (int k = 0; k < y.Length; k++)
                    {
                        e -= d[k] * Math.Log(y[k]);
                    }

                    return e;
                case Loss.CrossEntropy when Layers[^1].Activation == Activation.Sigmoid:
                    for (int k = 0; k < y.Length; k++)
                    {
                        e -= (d[k] * Math.Log(y[k])) + ((1 - d[k]) * Math.Log(1 - y[k]));
                    }

                    return e;
                default:
                    throw new InvalidOperationException($"Unsupported loss {Loss} with {Layers[^1].Activation}.");
            }
        }

        /// <summary>The smallest |net| over all units of ReLU-family layers for this sample (+inf if none).</summary>
        public double KinkDistance(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
        {
            var nets = new List<double[]>();
            Forward(parameters, input, nets);
            double min = double.PositiveInfinity;
            for (int l = 0; l < Layers.Count; l++)
            {
                if (Layers[l].Activation is Activation.ReLU or Activation.LeakyReLU)
                {
                    foreach (double v in nets[l])
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
        /// moves a ReLU-family weighted sum across 0 (the loss is not differentiable enough there).
        /// </summary>
        public double[]? FiniteDifferenceGradient(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input, ReadOnlySpan<double> target, double h)
        {
            double[] p = parameters.ToArray();
            var baseNets = new List<double[]>();
            Forward(p, input, baseNets);
            var g = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double saved = p[i];
                double Eval(double delta, ReadOnlySpan<double> x, ReadOnlySpan<double> d, out bool crossed)
                {
                    p[i] = saved + delta;
                    var nets = new List<double[]>();
                    double[] y = Forward(p, x, nets);
                    crossed = CrossesKink(baseNets, nets);
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

        private bool CrossesKink(List<double[]> a, List<double[]> b)
        {
            for (int l = 0; l < Layers.Count; l++)
            {
                if (Layers[l].Activation is Activation.ReLU or Activation.LeakyReLU)
                {
                    for (int j = 0; j < a[l].Length; j++)
                    {
                        if ((a[l][j] > 0) != (b[l][j] > 0))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>The initialization limit API.md promises for a layer: He for ReLU-family, Xavier/Glorot otherwise (uniform).</summary>
        public static double InitLimit(ReferenceLayer layer)
        {
            return layer.Activation is Activation.ReLU or Activation.LeakyReLU
                ? Math.Sqrt(6.0 / layer.Inputs)
                : Math.Sqrt(6.0 / (layer.Inputs + layer.Units));
        }

        public override string ToString()
        {
            return $"{Type.Name}: [{Inputs}] " + string.Join(" ", Layers.Select(l => $"-> {l.Units} {l.Activation}{(l.HasBias ? "" : " nobias")}")) + $", {Loss}, {Precision}";
        }
    }
}
