using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers.Dropout;

/// <summary><c>[Dropout(p)]</c>: inverted dropout in training, identity in inference; p in [0, 1) (NC0020), not the last layer (NC0030).</summary>
internal sealed class DropoutKind : LayerKind
{
    public DropoutKind()
        : base("Dropout")
    {
    }

    public override LayerSpec? Validate(LayerDeclaration layer, LayerContext context)
    {
        int before = context.Reported;
        ArgumentValue p = layer.Get("p");
        if (!(p.Real >= 0 && p.Real < 1))
        {
            context.Report(DiagnosticDescriptors.ArgumentOutOfRange, p.Location, context.Index, context.NetworkName, "p",
                p.Real.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "a dropout probability must be in [0, 1): 0 keeps every value, 1 would drop them all");
        }

        if (context.IsLast)
        {
            context.Report(DiagnosticDescriptors.DropoutLast, layer.Location, context.Index, context.NetworkName);
        }

        return context.Reported > before ? null : new DropoutSpec(p.Real);
    }
}
