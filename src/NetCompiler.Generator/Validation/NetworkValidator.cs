using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Helpers;
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

        // [Network] arguments.
        if (declaration.Inputs.Value < 1)
        {
            Report(DiagnosticDescriptors.InvalidInputCount, declaration.Inputs.Location, name, declaration.Inputs.Value);
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

        // [Dense] layers.
        IReadOnlyList<LayerDeclaration> layers = declaration.Layers;
        if (layers.Count == 0)
        {
            Report(DiagnosticDescriptors.NoLayers, declaration.NetworkAttributeLocation, name);
        }

        for (int l = 0; l < layers.Count; l++)
        {
            LayerDeclaration layer = layers[l];
            if (layer.Units.Value < 1)
            {
                Report(DiagnosticDescriptors.InvalidUnitCount, layer.Units.Location, l, name, layer.Units.Value);
            }

            if (!Enum.IsDefined(typeof(Activation), layer.Activation.Value))
            {
                Report(DiagnosticDescriptors.UndefinedActivation, layer.Activation.Location, l, name, layer.Activation.Value);
            }
            else if (layer.Activation.Value == (int)Activation.Softmax && l != layers.Count - 1)
            {
                Report(DiagnosticDescriptors.SoftmaxNotLast, layer.Activation.Location, l, name);
            }
        }

        if (lossDefined && declaration.Loss.Value == (int)Loss.CrossEntropy && layers.Count > 0)
        {
            int last = layers[layers.Count - 1].Activation.Value;
            if (last != (int)Activation.Softmax && last != (int)Activation.Sigmoid)
            {
                string lastName = Enum.IsDefined(typeof(Activation), last) ? ((Activation)last).ToString() : last.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Report(DiagnosticDescriptors.CrossEntropyNeedsProbabilities, declaration.Loss.Location, name, lastName);
            }
        }

        if (diagnostics.Count == 0 && CheckSize(declaration) is { } tooLarge)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, tooLarge.Location, name, tooLarge.Reason);
        }

        EquatableArray<DiagnosticInfo> reported = diagnostics.ToEquatableArray();
        if (diagnostics.Count > 0)
        {
            return new ParseResult(null, reported);
        }

        int unrollLimit = declaration.UnrollLimit.Value < 0 ? -1 : declaration.UnrollLimit.Value;
        var spec = new NetworkSpec(
            declaration.Namespace,
            declaration.ContainingTypes.ToEquatableArray(),
            declaration.TypeName,
            declaration.HintName,
            declaration.Inputs.Value,
            (Loss)declaration.Loss.Value,
            (Precision)declaration.Precision.Value,
            unrollLimit,
            layers.Select(l => new LayerSpec(l.Units.Value, (Activation)l.Activation.Value, l.Bias.Value != 0)).ToEquatableArray(),
            EmitConstructor: !declaration.HasUserConstructor && !baked,
            BakedParameters: declaration.BakedParameters);
        return new ParseResult(spec, reported, baked ? LocationInfo.From(declaration.BakedParametersLocation) : null);
    }

    /// <summary>Checks the generator's size limits (only for an otherwise valid declaration, so every size is positive).</summary>
    private static (string Reason, Location Location)? CheckSize(NetworkDeclaration declaration)
    {
        if (declaration.Layers.Count > GeneratorLimits.MaxLayers)
        {
            return ($"it has {declaration.Layers.Count} layers, more than the {GeneratorLimits.MaxLayers} supported", declaration.NetworkAttributeLocation);
        }

        long parameters = 0;
        long totalUnits = 0;
        long inputs = declaration.Inputs.Value;
        foreach (LayerDeclaration layer in declaration.Layers)
        {
            long units = layer.Units.Value;
            parameters += (units * inputs) + (layer.Bias.Value != 0 ? units : 0);
            totalUnits += units;
            if (parameters > GeneratorLimits.MaxParameters)
            {
                return ($"it has more than {GeneratorLimits.MaxParameters} parameters (weights and biases) by this layer; use smaller layers", layer.Units.Location);
            }

            if (totalUnits > GeneratorLimits.MaxTotalUnits)
            {
                return ($"its layers have more than {GeneratorLimits.MaxTotalUnits} units in total by this layer (working values live on the stack); use smaller layers", layer.Units.Location);
            }

            inputs = units;
        }

        if (declaration.BakedParameters is not null && parameters > GeneratorLimits.MaxBakedParameters)
        {
            return ($"it has {parameters} parameters, more than the {GeneratorLimits.MaxBakedParameters} a baked network compiles in (each becomes a literal in the source); load them at run time with LoadParameters instead", declaration.BakedParametersLocation);
        }

        return null;
    }
}
