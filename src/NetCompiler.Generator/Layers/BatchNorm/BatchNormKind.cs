using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Layers.Conv;
using NetCompiler.Generator.Layers.Dense;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers.BatchNorm;

/// <summary>
/// <c>[BatchNorm(Epsilon = ..., Momentum = ...)]</c>: batch normalization of the Dense or convolution layer right before
/// it (NC0029 elsewhere), whose activation it takes over; Epsilon positive and finite, Momentum in [0, 1] (NC0020).
/// </summary>
internal sealed class BatchNormKind : LayerKind
{
    public BatchNormKind()
        : base("BatchNorm")
    {
    }

    public override LayerSpec? Validate(LayerDeclaration layer, LayerContext context)
    {
        int before = context.Reported;
        ArgumentValue epsilon = layer.GetOrDefaultReal("Epsilon", 1e-5);
        ArgumentValue momentum = layer.GetOrDefaultReal("Momentum", 0.1);
        if (!(epsilon.Real > 0) || double.IsInfinity(epsilon.Real))
        {
            context.Report(DiagnosticDescriptors.ArgumentOutOfRange, epsilon.Location, context.Index, context.NetworkName, "Epsilon", Format(epsilon.Real),
                "it must be positive and finite (PyTorch's default is 1e-5)");
        }

        if (!(momentum.Real >= 0 && momentum.Real <= 1))
        {
            context.Report(DiagnosticDescriptors.ArgumentOutOfRange, momentum.Location, context.Index, context.NetworkName, "Momentum", Format(momentum.Real),
                "it must be in [0, 1] (PyTorch's default is 0.1)");
        }

        string? misplaced = context.PreviousKind switch
        {
            null => "at the start of the network",
            BatchNormKind => "right after another BatchNorm layer",
            DenseKind or ConvKind => null,
            { } kind => $"after a {kind.Name} layer",
        };
        if (misplaced is not null)
        {
            context.Report(DiagnosticDescriptors.BatchNormMisplaced, layer.Location, context.Index, context.NetworkName, misplaced);
        }

        Activation? activation = context.Previous?.OutputActivation;
        return context.Reported > before || activation is null
            ? null
            : new BatchNormSpec(epsilon.Real, momentum.Real, activation.Value);
    }

    internal static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
