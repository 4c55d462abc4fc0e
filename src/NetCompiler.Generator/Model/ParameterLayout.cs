using System.Collections.Generic;

namespace NetCompiler.Generator.Model;

/// <summary>One layer's tensors in the flat parameter block: its weight (PyTorch's shape) and, if it has one, its bias after it.</summary>
/// <param name="LayerIndex">The layer's index among all declared layers (the <c>i</c> of <c>layers.{i}.weight</c>).</param>
/// <param name="WeightShape">[units, inputs] for Dense; [filters, in/groups, kH, kW] (2D) or [filters, in/groups, k] (1D) for a convolution.</param>
/// <param name="HasBias">Whether a bias [WeightShape[0]] follows the weight.</param>
/// <param name="WeightOffset">Where the weight starts in the parameter block.</param>
/// <param name="IsNormalization">Whether the layer is a BatchNorm (gamma, beta; its running statistics are buffers).</param>
internal sealed record ParameterTensors(int LayerIndex, int[] WeightShape, bool HasBias, int WeightOffset, bool IsNormalization = false)
{
    public int WeightCount
    {
        get
        {
            int count = 1;
            foreach (int d in WeightShape)
            {
                count *= d;
            }

            return count;
        }
    }

    public int BiasOffset => WeightOffset + WeightCount;

    public int BiasCount => HasBias ? WeightShape[0] : 0;

    public int End => BiasOffset + BiasCount;

    /// <summary>"[16, 8, 3, 3]".</summary>
    public string DescribeWeightShape() => "[" + string.Join(", ", WeightShape) + "]";
}

/// <summary>Where every parameter of a network lives: layer by layer in declaration order, each layer's weight then its bias.</summary>
internal static class ParameterLayout
{
    /// <summary>The tensors of every layer that has parameters, in order.</summary>
    public static List<ParameterTensors> Of(NetworkSpec network)
    {
        var tensors = new List<ParameterTensors>();
        TensorShape shape = network.InputShape;
        int offset = 0;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            LayerSpec layer = network.Layers[l];
            if (layer.WeightShape(shape) is { } weight)
            {
                var tensor = new ParameterTensors(l, weight, layer.HasBias, offset, layer.IsNormalization);
                tensors.Add(tensor);
                offset = tensor.End;
            }

            shape = layer.OutputShape(shape);
        }

        return tensors;
    }
}
