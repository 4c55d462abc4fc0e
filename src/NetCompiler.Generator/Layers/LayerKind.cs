using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers;

/// <summary>
/// One kind of layer (Dense, Conv2D, MaxPool1D, ...): the attribute it is declared with, and the rule that turns one
/// declared layer into its <see cref="LayerSpec"/> (argument checks, shape rule), reporting each problem at the argument
/// that causes it. Emission lives beside it (<c>Layers/{Kind}/*Emitter.cs</c>); a new kind adds its own files and one
/// line in <see cref="LayerKinds"/>, and touches no other kind.
/// </summary>
internal abstract class LayerKind
{
    protected LayerKind(string name)
    {
        Name = name;
        MetadataName = "NetCompiler." + name + "Attribute";
    }

    /// <summary>The attribute's name without "Attribute", as a user writes it: <c>Conv2D</c>.</summary>
    public string Name { get; }

    /// <summary>The attribute class's metadata name: <c>NetCompiler.Conv2DAttribute</c>.</summary>
    public string MetadataName { get; }

    /// <summary>
    /// Checks one declared layer and returns its spec, or null when it reported a problem (through
    /// <paramref name="context"/>). Its output shape is then <c>spec.OutputShape(input)</c>.
    /// </summary>
    public abstract LayerSpec? Validate(LayerDeclaration layer, LayerContext context);

    /// <summary>Reports a positional or named argument below its minimum (NC0020) and says whether it was in range.</summary>
    protected static bool CheckAtLeast(LayerDeclaration layer, LayerContext context, string name, ArgumentValue value, int minimum)
    {
        if (value.Value >= minimum)
        {
            return true;
        }

        context.Report(Diagnostics.DiagnosticDescriptors.ArgumentOutOfRange, value.Location, context.Index, context.NetworkName, name, value.Value,
            minimum == 0 ? "it cannot be negative" : "it must be at least " + minimum.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return false;
    }

    /// <summary>
    /// Reports a spatial layer in the wrong place (after a Dense layer: NC0023; on an input of another rank: NC0024)
    /// and says whether its place is right. <paramref name="rank"/> 0 accepts a sequence or an image.
    /// </summary>
    protected static bool CheckPlace(LayerDeclaration layer, LayerContext context, int rank)
    {
        if (context.AfterDense)
        {
            context.Report(Diagnostics.DiagnosticDescriptors.SpatialAfterDense, layer.Location, context.Index, context.NetworkName, layer.Kind.Name);
            return false;
        }

        if (context.Input is not { } input)
        {
            return true;
        }

        bool fits = rank == 0 ? input.Rank > 0 : input.Rank == rank;
        if (!fits)
        {
            string needs = rank switch
            {
                1 => "a sequence input, [Network(channels, length)]",
                2 => "an image input, [Network(channels, height, width)]",
                _ => "a sequence or an image input, [Network(channels, length)] or [Network(channels, height, width)]",
            };
            context.Report(Diagnostics.DiagnosticDescriptors.RankMismatch, layer.Location, context.Index, context.NetworkName, layer.Kind.Name, needs, context.DescribeInput());
            return false;
        }

        return true;
    }
}

/// <summary>What a kind's validation knows about the layer's place in the network, and where it reports.</summary>
internal sealed class LayerContext
{
    private readonly System.Action<DiagnosticDescriptor, Location, object[]> _report;

    public LayerContext(string networkName, System.Action<DiagnosticDescriptor, Location, object[]> report)
    {
        NetworkName = networkName;
        _report = report;
    }

    public string NetworkName { get; }

    /// <summary>The layer's index in declaration order.</summary>
    public int Index { get; set; }

    /// <summary>The layer's input shape, or null when an earlier layer's is unknown (it had an error).</summary>
    public TensorShape? Input { get; set; }

    /// <summary>The kind of the layer right before this one, or null for the first layer.</summary>
    public LayerKind? PreviousKind { get; set; }

    /// <summary>The spec of the layer right before this one, or null for the first layer or when it had an error.</summary>
    public LayerSpec? Previous { get; set; }

    /// <summary>Whether an earlier layer is a Dense layer.</summary>
    public bool AfterDense { get; set; }

    /// <summary>Whether this is the last layer.</summary>
    public bool IsLast { get; set; }

    /// <summary>Problems reported so far (for all layers).</summary>
    public int Reported { get; private set; }

    public void Report(DiagnosticDescriptor descriptor, Location location, params object[] arguments)
    {
        Reported++;
        _report(descriptor, location, arguments);
    }

    /// <summary>The input as a user would describe it: "a flat vector of 64 values", "a sequence of 3 x 128".</summary>
    public string DescribeInput() => Input switch
    {
        { Rank: 0 } s => $"a flat vector of {s.Channels} values",
        { Rank: 1 } s => $"a sequence of {s.Channels} x {s.Width}",
        { } s => $"an image of {s.Channels} x {s.Height} x {s.Width}",
        _ => "unknown",
    };
}
