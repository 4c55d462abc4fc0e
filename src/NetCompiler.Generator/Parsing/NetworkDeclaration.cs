using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Parsing;

/// <summary>
/// The raw declaration as written, with the source location of every value, for validation to point
/// at. Lives only inside one parse step: it holds Roslyn locations and never enters the pipeline.
/// </summary>
internal sealed class NetworkDeclaration
{
    public string TypeName { get; init; } = "";
    public string? Namespace { get; init; }
    public IReadOnlyList<Model.ContainingTypeSpec> ContainingTypes { get; init; } = new Model.ContainingTypeSpec[0];
    public string HintName { get; init; } = "";
    public bool HasUserConstructor { get; init; }
    public Location TypeNameLocation { get; init; } = Location.None;
    public Location NetworkAttributeLocation { get; init; } = Location.None;

    /// <summary>Why the type itself cannot hold a network (generic, static, ...), or null.</summary>
    public string? UnsupportedTypeReason { get; init; }
    public bool IsPartial { get; init; }
    public string? NonPartialContainingType { get; init; }
    public string? UnsupportedTargetReason { get; init; }

    public ArgumentValue Inputs { get; init; }
    public ArgumentValue Loss { get; init; }
    public ArgumentValue Precision { get; init; }
    public ArgumentValue UnrollLimit { get; init; }

    /// <summary>The BakedParameters path as written, or null for a trainable network.</summary>
    public string? BakedParameters { get; init; }
    public Location BakedParametersLocation { get; init; } = Location.None;
    public IReadOnlyList<LayerDeclaration> Layers { get; init; } = new LayerDeclaration[0];

    /// <summary>Location of a [Dense] attribute on another partial declaration than the first one, if any.</summary>
    public Location? SplitLayerLocation { get; init; }

    /// <summary>User-declared members that clash with generated ones: (member name, location).</summary>
    public IReadOnlyList<(string Name, Location Location)> Conflicts { get; init; } = new (string, Location)[0];
}

/// <summary>One [Dense] attribute as written.</summary>
internal sealed class LayerDeclaration
{
    public ArgumentValue Units { get; init; }
    public ArgumentValue Activation { get; init; }
    public ArgumentValue Bias { get; init; }
}

/// <summary>An attribute argument's value (an int for enums and sizes, 0/1 for bools) and where it is written.</summary>
internal readonly record struct ArgumentValue(int Value, Location Location);
