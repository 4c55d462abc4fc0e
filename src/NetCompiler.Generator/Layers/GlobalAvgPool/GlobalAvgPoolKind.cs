using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers.GlobalAvgPool;

/// <summary><c>[GlobalAvgPool]</c>: the mean of each channel over its positions, on a sequence or an image.</summary>
internal sealed class GlobalAvgPoolKind : LayerKind
{
    public GlobalAvgPoolKind()
        : base("GlobalAvgPool")
    {
    }

    public override LayerSpec? Validate(LayerDeclaration layer, LayerContext context) =>
        CheckPlace(layer, context, rank: 0) ? new GlobalAvgPoolSpec() : null;
}
