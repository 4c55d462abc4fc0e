using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Helpers;
using NetCompiler.Generator.Layers.BatchNorm;
using NetCompiler.Generator.Layers.Conv;
using NetCompiler.Generator.Layers.Dense;
using NetCompiler.Generator.Layers.Dropout;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Baking;

/// <summary>
/// A baked network's inference without its BatchNorm and Dropout layers: Dropout is the identity in inference, and a
/// BatchNorm with fixed statistics is an affine map per channel that folds into the weights of the layer before it:
/// with s_c = gamma_c / sqrt(var_c + eps), w'_c = s_c * w_c (the channel's whole row or filter) and
/// b'_c = s_c * (b_c - mean_c) + beta_c (b_c = 0 without a bias). The folded network computes the same function at
/// no cost for the normalization.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>
    /// The network without BatchNorm and Dropout layers and its folded parameters, from <paramref name="values"/>: the
    /// network's parameters in its layout followed by each BatchNorm's running mean and running variance.
    /// </summary>
    public static (EquatableArray<LayerSpec> Layers, double[] Values) Fold(NetworkSpec network, double[] values)
    {
        List<ParameterTensors> tensors = ParameterLayout.Of(network);
        int statistics = tensors.Count == 0 ? 0 : tensors[tensors.Count - 1].End;
        var layers = new List<LayerSpec>();
        var folded = new List<double>();
        TensorShape shape = network.InputShape;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            LayerSpec layer = network.Layers[l];
            TensorShape output = layer.OutputShape(shape);
            if (layer is DropoutSpec or BatchNormSpec)
            {
                if (layer is BatchNormSpec)
                {
                    statistics += 2 * shape.Channels;
                }

                shape = output;
                continue;
            }

            ParameterTensors? own = tensors.FirstOrDefault(t => t.LayerIndex == l);
            bool normalized = l + 1 < network.Layers.Count && network.Layers[l + 1] is BatchNormSpec;
            if (own is null)
            {
                layers.Add(layer);
            }
            else if (!normalized)
            {
                layers.Add(layer);
                folded.AddRange(values.Skip(own.WeightOffset).Take(own.End - own.WeightOffset));
            }
            else
            {
                var norm = (BatchNormSpec)network.Layers[l + 1];
                ParameterTensors affine = tensors.First(t => t.LayerIndex == l + 1);
                int channels = output.Channels;
                int perChannel = own.WeightCount / channels;
                var bias = new double[channels];
                for (int c = 0; c < channels; c++)
                {
                    double gamma = values[affine.WeightOffset + c], beta = values[affine.BiasOffset + c];
                    double mean = values[statistics + c], variance = values[statistics + channels + c];
                    double scale = gamma / System.Math.Sqrt(variance + norm.Epsilon);
                    for (int i = 0; i < perChannel; i++)
                    {
                        folded.Add(values[own.WeightOffset + (c * perChannel) + i] * scale);
                    }

                    double b = own.HasBias ? values[own.BiasOffset + c] : 0;
                    bias[c] = (scale * (b - mean)) + beta;
                }

                folded.AddRange(bias);
                layers.Add(layer switch
                {
                    DenseSpec dense => dense with { Bias = true },
                    ConvSpec conv => conv with { Bias = true },
                    _ => layer,
                });
            }

            shape = output;
        }

        return (layers.ToEquatableArray(), folded.ToArray());
    }
}
