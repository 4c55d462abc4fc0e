using System;
using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Tests.Reference
{
    /// <summary>
    /// BatchNorm and Dropout in the reference, by their textbook definitions (PyTorch's BatchNorm1d/2d and Dropout): in
    /// inference the running statistics and the identity; in training the statistics of the batch (over the rows and the
    /// positions, population variance; the running update with the unbiased variance) and given masks. Gradients only by
    /// finite differences of the batch's summed loss.
    /// </summary>
    public sealed partial class ReferenceNetwork
    {
        public bool HasNormalization => AllLayers.Any(l => l.Kind is ReferenceKind.BatchNorm or ReferenceKind.Dropout);

        public int BufferCount => AllLayers.Where(l => l.Kind == ReferenceKind.BatchNorm).Sum(l => 2 * l.Units);

        /// <summary>The inference output for one sample, BatchNorm with these running statistics.</summary>
        public double[] Forward(ReadOnlySpan<double> parameters, double[] buffers, ReadOnlySpan<double> input)
        {
            var trace = new Trace { Buffers = buffers };
            return Forward(parameters, input, trace);
        }

        /// <summary>The inference loss of one sample, BatchNorm with these running statistics.</summary>
        public double ComputeLoss(ReadOnlySpan<double> parameters, double[] buffers, ReadOnlySpan<double> input, ReadOnlySpan<double> target) =>
            LossOf(Forward(parameters, buffers, input), target);

        /// <summary>
        /// The training forward pass of a batch: each row's outputs, the summed loss, and the running statistics after the
        /// update (from <paramref name="buffers"/>). <paramref name="masks"/>[d][r] multiplies row r's values at the d-th
        /// Dropout layer (the kept values' 1 / (1 - p), else 0).
        /// </summary>
        public double TrainingLoss(ReadOnlySpan<double> parameters, double[][] inputs, double[][] targets, double[][][] masks, double[]? buffers, out double[][] outputs, out double[] updated)
        {
            var traces = new Trace[inputs.Length];
            outputs = Train(parameters, inputs, masks, buffers, traces, out updated);
            double loss = 0;
            for (int r = 0; r < inputs.Length; r++)
            {
                loss += LossOf(outputs[r], targets[r]);
            }

            return loss;
        }

        private double[][] Train(ReadOnlySpan<double> parameters, double[][] inputs, double[][][] masks, double[]? buffers, Trace[] traces, out double[] updated)
        {
            int k = inputs.Length;
            updated = buffers is null ? InitialBuffers() : (double[])buffers.Clone();
            var o = inputs.Select(x => (double[])x.Clone()).ToArray();
            for (int r = 0; r < k; r++)
            {
                traces[r] = new Trace();
            }

            int dropout = 0;
            foreach (ReferenceLayer layer in AllLayers)
            {
                if (layer.Kind == ReferenceKind.BatchNorm)
                {
                    int positions = layer.In.Height * layer.In.Width;
                    int n = k * positions;
                    var y = o.Select(row => new double[row.Length]).ToArray();
                    for (int c = 0; c < layer.Units; c++)
                    {
                        double sum = 0;
                        for (int r = 0; r < k; r++)
                        {
                            for (int q = 0; q < positions; q++)
                            {
                                sum += o[r][(c * positions) + q];
                            }
                        }

                        double mean = sum / n, squares = 0;
                        for (int r = 0; r < k; r++)
                        {
                            for (int q = 0; q < positions; q++)
                            {
                                double d = o[r][(c * positions) + q] - mean;
                                squares += d * d;
                            }
                        }

                        double variance = squares / n;
                        for (int r = 0; r < k; r++)
                        {
                            for (int q = 0; q < positions; q++)
                            {
                                int at = (c * positions) + q;
                                y[r][at] = (parameters[layer.WeightOffset + c] * (o[r][at] - mean) / Math.Sqrt(variance + layer.Epsilon)) + parameters[layer.BiasOffset + c];
                            }
                        }

                        double m = layer.Momentum;
                        updated[layer.BufferOffset + c] = ((1 - m) * updated[layer.BufferOffset + c]) + (m * mean);
                        updated[layer.BufferOffset + layer.Units + c] = ((1 - m) * updated[layer.BufferOffset + layer.Units + c]) + (m * (n > 1 ? squares / (n - 1) : double.NaN));
                    }

                    for (int r = 0; r < k; r++)
                    {
                        traces[r].Nets.Add(y[r]);
                        o[r] = Activate(layer.Activation, y[r]);
                    }
                }
                else if (layer.Kind == ReferenceKind.Dropout)
                {
                    for (int r = 0; r < k; r++)
                    {
                        o[r] = o[r].Select((v, i) => v * masks[dropout][r][i]).ToArray();
                    }

                    dropout++;
                }
                else
                {
                    for (int r = 0; r < k; r++)
                    {
                        o[r] = ApplyLayer(layer, parameters, o[r], traces[r]);
                    }
                }
            }

            return o;
        }

        /// <summary>Running means 0 and variances 1, as a new network has.</summary>
        public double[] InitialBuffers()
        {
            var buffers = new double[BufferCount];
            foreach (ReferenceLayer layer in AllLayers.Where(l => l.Kind == ReferenceKind.BatchNorm))
            {
                Array.Fill(buffers, 1.0, layer.BufferOffset + layer.Units, layer.Units);
            }

            return buffers;
        }

        /// <summary>
        /// d(summed training loss of the batch)/d(parameters) by the 5-point central difference in double, the masks fixed;
        /// null if a perturbation moves a ReLU-family input across 0 or changes a max-pooling window's maximum.
        /// </summary>
        public double[]? TrainingGradient(ReadOnlySpan<double> parameters, double[][] inputs, double[][] targets, double[][][] masks, double h)
        {
            double[] p = parameters.ToArray();
            var baseTraces = new Trace[inputs.Length];
            Train(p, inputs, masks, null, baseTraces, out _);
            var g = new double[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double saved = p[i];
                double Eval(double delta, out bool crossed)
                {
                    p[i] = saved + delta;
                    var traces = new Trace[inputs.Length];
                    double[][] y = Train(p, inputs, masks, null, traces, out _);
                    crossed = Enumerable.Range(0, inputs.Length).Any(r => CrossesKink(baseTraces[r], traces[r]));
                    double loss = 0;
                    for (int r = 0; r < inputs.Length; r++)
                    {
                        loss += LossOf(y[r], targets[r]);
                    }

                    return loss;
                }

                double ep2 = Eval(2 * h, out bool c1);
                double ep1 = Eval(h, out bool c2);
                double em1 = Eval(-h, out bool c3);
                double em2 = Eval(-2 * h, out bool c4);
                p[i] = saved;
                if (c1 || c2 || c3 || c4)
                {
                    return null;
                }

                g[i] = (-ep2 + (8 * ep1) - (8 * em1) + em2) / (12 * h);
            }

            return g;
        }
    }
}
