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

    /// <summary>The [Network] constructor's arguments: (inputs), (channels, length) or (channels, height, width).</summary>
    public IReadOnlyList<ArgumentValue> InputDimensions { get; init; } = new ArgumentValue[0];
    public ArgumentValue Loss { get; init; }
    public ArgumentValue Precision { get; init; }
    public ArgumentValue UnrollLimit { get; init; }

    /// <summary>The BakedParameters path as written, or null for a trainable network.</summary>
    public string? BakedParameters { get; init; }
    public Location BakedParametersLocation { get; init; } = Location.None;
    public IReadOnlyList<LayerDeclaration> Layers { get; init; } = new LayerDeclaration[0];

    /// <summary>Location of a layer attribute on another partial declaration than the first one, if any.</summary>
    public Location? SplitLayerLocation { get; init; }

    /// <summary>User-declared members that clash with generated ones: (member name, location).</summary>
    public IReadOnlyList<(string Name, Location Location)> Conflicts { get; init; } = new (string, Location)[0];
}

/// <summary>
/// One layer attribute as written: its kind, where it is, and its arguments by name (constructor parameters, with the
/// defaults of omitted optional ones, and the named properties that are set).
/// </summary>
internal sealed class LayerDeclaration
{
    public Layers.LayerKind Kind { get; init; } = null!;

    /// <summary>The attribute, for problems that concern the layer as a whole.</summary>
    public Location Location { get; init; } = Location.None;

    public IReadOnlyDictionary<string, ArgumentValue> Arguments { get; init; } = new Dictionary<string, ArgumentValue>();

    /// <summary>A constructor argument (always present).</summary>
    public ArgumentValue Get(string name) => Arguments[name];

    /// <summary>A named property, if it is set.</summary>
    public bool TryGet(string name, out ArgumentValue value) => Arguments.TryGetValue(name, out value);

    /// <summary>A named property, or <paramref name="fallback"/> located at the attribute when it is not set.</summary>
    public ArgumentValue GetOrDefault(string name, int fallback) =>
        Arguments.TryGetValue(name, out ArgumentValue value) ? value : new ArgumentValue(fallback, Location);

    /// <summary>A named <c>double</c> property, or <paramref name="fallback"/> located at the attribute when it is not set.</summary>
    public ArgumentValue GetOrDefaultReal(string name, double fallback) =>
        Arguments.TryGetValue(name, out ArgumentValue value) ? value : new ArgumentValue(0, Location, fallback);
}

/// <summary>
/// An attribute argument's value (an int for enums and sizes, 0/1 for bools) and where it is written; a <c>double</c>
/// argument (Epsilon, Momentum, a dropout probability) has its value in <see cref="Real"/> (and 0 in <see cref="Value"/>).
/// </summary>
internal readonly record struct ArgumentValue(int Value, Location Location, double Real = 0);
