using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers.Dense;

/// <summary><c>[Dense(units, activation, Bias = ...)]</c>: a fully connected layer; after a spatial layer it flattens it.</summary>
internal sealed class DenseKind : LayerKind
{
    public DenseKind()
        : base("Dense")
    {
    }

    public override LayerSpec? Validate(LayerDeclaration layer, LayerContext context)
    {
        int before = context.Reported;
        ArgumentValue units = layer.Get("units");
        ArgumentValue activation = layer.Get("activation");
        if (units.Value < 1)
        {
            context.Report(DiagnosticDescriptors.InvalidUnitCount, units.Location, context.Index, context.NetworkName, units.Value);
        }

        if (!System.Enum.IsDefined(typeof(Activation), activation.Value))
        {
            context.Report(DiagnosticDescriptors.UndefinedActivation, activation.Location, context.Index, context.NetworkName, activation.Value);
        }
        else if (activation.Value == (int)Activation.Softmax && !context.IsLast)
        {
            context.Report(DiagnosticDescriptors.SoftmaxNotLast, activation.Location, context.Index, context.NetworkName);
        }

        return context.Reported > before
            ? null
            : new DenseSpec(units.Value, (Activation)activation.Value, layer.GetOrDefault("Bias", 1).Value != 0);
    }
}
