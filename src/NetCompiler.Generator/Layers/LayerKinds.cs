using System.Collections.Generic;
using NetCompiler.Generator.Layers.BatchNorm;
using NetCompiler.Generator.Layers.Conv;
using NetCompiler.Generator.Layers.Dense;
using NetCompiler.Generator.Layers.Dropout;
using NetCompiler.Generator.Layers.GlobalAvgPool;
using NetCompiler.Generator.Layers.Pool;

namespace NetCompiler.Generator.Layers;

/// <summary>Every layer kind NetCompiler knows: the one list the parser matches attributes against.</summary>
internal static class LayerKinds
{
    public static readonly IReadOnlyList<LayerKind> All = new LayerKind[]
    {
        new DenseKind(),
        new ConvKind(rank: 1),
        new ConvKind(rank: 2),
        new PoolKind(PoolOperation.Max, rank: 1),
        new PoolKind(PoolOperation.Max, rank: 2),
        new PoolKind(PoolOperation.Average, rank: 1),
        new PoolKind(PoolOperation.Average, rank: 2),
        new GlobalAvgPoolKind(),
        new BatchNormKind(),
        new DropoutKind(),
    };

    /// <summary>The kind whose attribute class has this metadata name, or null.</summary>
    public static LayerKind? Find(string metadataName)
    {
        foreach (LayerKind kind in All)
        {
            if (kind.MetadataName == metadataName)
            {
                return kind;
            }
        }

        return null;
    }
}
