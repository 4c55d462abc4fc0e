using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Helpers;
using NetCompiler.Generator.Layers;
using NetCompiler.Generator.Layers.Dense;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Validation;

/// <summary>
/// Checks a declaration against everything NetCompiler supports. Each problem becomes one diagnostic on
/// the argument or name that causes it; a declaration with any error yields no network, so the user sees
/// NetCompiler's message and no follow-on errors from generated code.
/// </summary>
internal static class NetworkValidator
{
    public static ParseResult Validate(NetworkDeclaration declaration)
    {
        var diagnostics = new List<DiagnosticInfo>();
        string name = declaration.TypeName;

        void Report(DiagnosticDescriptor descriptor, Location location, params object[] arguments) =>
            diagnostics.Add(new DiagnosticInfo(
                descriptor,
                LocationInfo.From(location),
                arguments.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty).ToEquatableArray()));

        // The type itself.
        bool baked = declaration.BakedParameters is not null;
        if (declaration.UnsupportedTypeReason is { } reason && !(baked && declaration.UnsupportedTypeReason.StartsWith("static", StringComparison.Ordinal)))
        {
            Report(DiagnosticDescriptors.UnsupportedType, declaration.TypeNameLocation, name, reason);
        }
        else if (!declaration.IsPartial)
        {
            Report(DiagnosticDescriptors.TypeNotPartial, declaration.TypeNameLocation, name);
        }

        if (declaration.NonPartialContainingType is { } outer)
        {
            Report(DiagnosticDescriptors.ContainingTypeNotPartial, declaration.TypeNameLocation, name, outer);
        }

        if (declaration.UnsupportedTargetReason is { } target)
        {
            Report(DiagnosticDescriptors.UnsupportedTarget, declaration.TypeNameLocation, name, target);
        }

        if (declaration.SplitLayerLocation is { } split)
        {
            Report(DiagnosticDescriptors.LayersSplitAcrossDeclarations, split, name);
        }

        foreach ((string member, Location location) in declaration.Conflicts)
        {
            Report(DiagnosticDescriptors.MemberNameConflict, location, name, member);
        }

        // [Network] arguments: (inputs), (channels, length) or (channels, height, width).
        IReadOnlyList<ArgumentValue> dimensions = declaration.InputDimensions;
        string[] dimensionNames = dimensions.Count switch
        {
            1 => new[] { "inputs" },
            2 => new[] { "channels", "length" },
            _ => new[] { "channels", "height", "width" },
        };
        bool shapeValid = dimensions.Count > 0;
        for (int d = 0; d < dimensions.Count && d < dimensionNames.Length; d++)
        {
            if (dimensions[d].Value < 1)
            {
                Report(DiagnosticDescriptors.InvalidInputCount, dimensions[d].Location, name, dimensions[d].Value, dimensionNames[d]);
                shapeValid = false;
            }
        }

        long inputCount = 1;
        foreach (ArgumentValue dimension in dimensions)
        {
            inputCount *= Math.Max(dimension.Value, 1);
        }

        // (A flat input's size is bounded by the Dense rules in CheckSize: parameters and units.)
        if (shapeValid && dimensions.Count > 1 && inputCount > GeneratorLimits.MaxTensorValues)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, declaration.NetworkAttributeLocation, name,
                $"its input has {inputCount} values, more than the {GeneratorLimits.MaxTensorValues} a layer's values may have");
            shapeValid = false;
        }

        bool lossDefined = Enum.IsDefined(typeof(Loss), declaration.Loss.Value);
        if (!lossDefined)
        {
            Report(DiagnosticDescriptors.UndefinedLoss, declaration.Loss.Location, name, declaration.Loss.Value);
        }

        if (!Enum.IsDefined(typeof(Precision), declaration.Precision.Value))
        {
            Report(DiagnosticDescriptors.UndefinedPrecision, declaration.Precision.Location, name, declaration.Precision.Value);
        }

        if (baked && declaration.BakedParameters!.Trim().Length == 0)
        {
            Report(DiagnosticDescriptors.BakedParametersNotFound, declaration.BakedParametersLocation, name, declaration.BakedParameters, "the path is empty: name a .safetensors file that is an AdditionalFiles item");
        }

        if (declaration.UnrollLimit.Value > GeneratorLimits.MaxUnrollLimit)
        {
            Report(DiagnosticDescriptors.InvalidUnrollLimit, declaration.UnrollLimit.Location, name, declaration.UnrollLimit.Value, GeneratorLimits.MaxUnrollLimit);
        }

        // The layers, each checked by its kind with the shape it receives.
        IReadOnlyList<LayerDeclaration> layers = declaration.Layers;
        if (layers.Count == 0)
        {
            Report(DiagnosticDescriptors.NoLayers, declaration.NetworkAttributeLocation, name);
        }

        TensorShape inputShape = dimensions.Count switch
        {
            2 => new TensorShape(dimensions[0].Value, 1, dimensions[1].Value, 1),
            3 => new TensorShape(dimensions[0].Value, dimensions[1].Value, dimensions[2].Value, 2),
            _ => TensorShape.Flat(dimensions.Count > 0 ? dimensions[0].Value : 0),
        };
        var context = new LayerContext(name, (descriptor, location, arguments) => Report(descriptor, location, arguments));
        var specs = new List<LayerSpec>(layers.Count);
        TensorShape? shape = shapeValid ? inputShape : null;
        for (int l = 0; l < layers.Count; l++)
        {
            context.Index = l;
            context.Input = shape;
            context.IsLast = l == layers.Count - 1;
            LayerSpec? spec = layers[l].Kind.Validate(layers[l], context);
            context.AfterDense |= layers[l].Kind is DenseKind;
            context.PreviousKind = layers[l].Kind;
            context.Previous = spec;
            if (spec is null)
            {
                shape = null;
                continue;
            }

            specs.Add(spec);
            shape = shape is { } known ? OutputShape(spec, known, layers[l], context)
                : spec is DenseSpec dense ? TensorShape.Flat(dense.Units)
                : null;
        }

        if (lossDefined && declaration.Loss.Value == (int)Loss.CrossEntropy && layers.Count > 0)
        {
            LayerDeclaration lastLayer = layers[layers.Count - 1];
            if (lastLayer.Kind is not DenseKind)
            {
                Report(DiagnosticDescriptors.CrossEntropyNeedsDenseOutput, declaration.Loss.Location, name, lastLayer.Kind.Name);
            }
            else if (lastLayer.TryGet("activation", out ArgumentValue activation))
            {
                int last = activation.Value;
                if (last != (int)Activation.Softmax && last != (int)Activation.Sigmoid)
                {
                    string lastName = Enum.IsDefined(typeof(Activation), last) ? ((Activation)last).ToString() : last.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Report(DiagnosticDescriptors.CrossEntropyNeedsProbabilities, declaration.Loss.Location, name, lastName);
                }
            }
        }

        if (diagnostics.Count == 0 && CheckSize(declaration, inputShape, specs) is { } tooLarge)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, tooLarge.Location, name, tooLarge.Reason);
        }

        EquatableArray<DiagnosticInfo> reported = diagnostics.ToEquatableArray();
        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, reported);
        }

        int unrollLimit = declaration.UnrollLimit.Value < 0 ? -1 : declaration.UnrollLimit.Value;
        var network = new NetworkSpec(
            declaration.Namespace,
            declaration.ContainingTypes.ToEquatableArray(),
            declaration.TypeName,
            declaration.HintName,
            inputShape.Size,
            inputShape,
            (Loss)declaration.Loss.Value,
            (Precision)declaration.Precision.Value,
            unrollLimit,
            specs.ToEquatableArray(),
            EmitConstructor: !declaration.HasUserConstructor && !baked,
            BakedParameters: declaration.BakedParameters);
        return new ParseResult(network, reported, baked ? LocationInfo.From(declaration.BakedParametersLocation) : null);
    }

    /// <summary>
    /// The layer's output shape, or null (reported: NC0014) when a spatial layer has more output values than a layer may
    /// have (a Dense layer's size is bounded by the Dense rules in CheckSize: parameters and units).
    /// </summary>
    private static TensorShape? OutputShape(LayerSpec spec, TensorShape input, LayerDeclaration layer, LayerContext context)
    {
        long values = spec.OutputValues(input);
        if (spec.IsSpatial && values > GeneratorLimits.MaxTensorValues)
        {
            context.Report(DiagnosticDescriptors.NetworkTooLarge, layer.Location, context.NetworkName,
                $"layer {context.Index} ({spec.KindName}) has {values} output values, more than the {GeneratorLimits.MaxTensorValues} a layer's values may have");
            return null;
        }

        return spec.OutputShape(input);
    }

    /// <summary>Checks the generator's size limits (only for an otherwise valid declaration, so every size is positive).</summary>
    private static (string Reason, Location Location)? CheckSize(NetworkDeclaration declaration, TensorShape input, IReadOnlyList<LayerSpec> layers)
    {
        if (layers.Count > GeneratorLimits.MaxLayers)
        {
            return ($"it has {layers.Count} layers, more than the {GeneratorLimits.MaxLayers} supported", declaration.NetworkAttributeLocation);
        }

        long parameters = 0;
        long totalUnits = 0;
        TensorShape shape = input;
        for (int l = 0; l < layers.Count; l++)
        {
            LayerSpec layer = layers[l];
            Location location = declaration.Layers[l].Kind is DenseKind ? declaration.Layers[l].Get("units").Location : declaration.Layers[l].Location;
            if (layer.WeightShape(shape) is { } weights)
            {
                long count = 1;
                foreach (int d in weights)
                {
                    count *= d;
                }

                parameters += count + (layer.HasBias ? weights[0] : 0);
            }

            if (parameters > GeneratorLimits.MaxParameters)
            {
                return ($"it has more than {GeneratorLimits.MaxParameters} parameters (weights and biases) by this layer; use smaller layers", location);
            }

            if (layer is DenseSpec dense)
            {
                totalUnits += dense.Units;
                if (totalUnits > GeneratorLimits.MaxTotalUnits)
                {
                    return ($"its layers have more than {GeneratorLimits.MaxTotalUnits} units in total by this layer (working values live on the stack); use smaller layers", location);
                }
            }

            shape = layer.OutputShape(shape);
        }

        if (declaration.BakedParameters is not null && parameters > GeneratorLimits.MaxBakedParameters)
        {
            return ($"it has {parameters} parameters, more than the {GeneratorLimits.MaxBakedParameters} a baked network compiles in (each becomes a literal in the source); load them at run time with LoadParameters instead", declaration.BakedParametersLocation);
        }

        int scalarBytes = declaration.Precision.Value == (int)Precision.Double ? 8 : 4;
        string? tooMuch = layers.Any(l => l.IsNormalization)
            ? Emission.NormalizedPlan.CheckMemory(input, layers, scalarBytes)
            : Emission.LayeredPlan.CheckMemory(input, layers, scalarBytes);
        return tooMuch is { } memory
            ? (memory, declaration.NetworkAttributeLocation)
            : null;
    }
}
