using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetCompiler.Generator.Baking;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Helpers;
using NetCompiler.Generator.Layers;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;
using NetCompiler.Generator.Validation;

namespace NetCompiler.Generator;

/// <summary>
/// NetCompiler's source generator. For each <c>[Network]</c> class: parse the attributes, validate them,
/// and emit forward, loss, gradient and training code specialized to the declared shape. Only
/// value-equatable models flow between the steps, so an edit that does not change a declaration
/// re-emits nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // [Embedded] keeps the shared runtime helpers below invisible to other assemblies, so two
        // assemblies that both use NetCompiler (and see each other's internals) do not clash.
        context.RegisterPostInitializationOutput(static output => output.AddEmbeddedAttributeDefinition());

        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => Parse(context, cancellationToken))
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .Where(static d => !d.IsEmpty)
            .WithTrackingName(TrackingNames.Diagnostics);

        IncrementalValuesProvider<NetworkSpec> networks = parsed
            .Select(static (result, _) => result.Network)
            .Where(static network => network is not null && !network.IsBaked)
            .Select(static (network, _) => network!)
            .WithTrackingName(TrackingNames.Networks);

        // Baked networks: each joined with the project's parameter files (AdditionalFiles), read at build time.
        IncrementalValueProvider<ImmutableArray<ParameterFile>> parameterFiles = context.AdditionalTextsProvider
            .Select(static (text, cancellationToken) => ParameterFile.From(text, cancellationToken))
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .Collect();
        // The file is read from the spec alone (no location), so moving the declaration does not re-read it;
        // the location is joined afterwards, only to place a diagnostic.
        IncrementalValuesProvider<BakedResult> baked = parsed
            .Where(static result => result.Network is { IsBaked: true })
            .Select(static (result, _) => result.Network!)
            .Combine(parameterFiles)
            .Select(static (pair, _) => Bake(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Baked);
        IncrementalValueProvider<ImmutableArray<(string HintName, LocationInfo? Location)>> bakedLocations = parsed
            .Where(static result => result.Network is { IsBaked: true })
            .Select(static (result, _) => (result.Network!.HintName, result.BakedParametersLocation))
            .Collect();

        // Layer attributes on a class without [Network]: warn once per declaration (on its first layer), since nothing
        // would be generated.
        foreach (LayerKind kind in LayerKinds.All)
        {
            IncrementalValuesProvider<DiagnosticInfo> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    kind.MetadataName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                    static (context, cancellationToken) => FindOrphanLayers(context, cancellationToken))
                .Where(static d => d is not null)
                .Select(static (d, _) => d!)
                .WithTrackingName(TrackingNames.OrphanLayers);
            context.RegisterSourceOutput(orphans, static (output, item) => output.ReportDiagnostic(item.ToDiagnostic()));
        }

        context.RegisterSourceOutput(diagnostics, static (output, items) =>
        {
            foreach (DiagnosticInfo item in items)
            {
                output.ReportDiagnostic(item.ToDiagnostic());
            }
        });

        context.RegisterSourceOutput(networks, static (output, network) =>
            output.AddSource(network.HintName, NetworkEmitter.Emit(network)));

        context.RegisterSourceOutput(baked.Where(static result => result.Problem is null), static (output, result) =>
            output.AddSource(result.Network.HintName, NetworkEmitter.Emit(result.Network)));

        context.RegisterSourceOutput(baked.Where(static result => result.Problem is not null).Combine(bakedLocations), static (output, pair) =>
        {
            (BakedResult result, ImmutableArray<(string HintName, LocationInfo? Location)> locations) = pair;
            LocationInfo? location = null;
            foreach ((string hintName, LocationInfo? where) in locations)
            {
                location = hintName == result.Network.HintName ? where : location;
            }

            output.ReportDiagnostic(new DiagnosticInfo(
                result.Problem!.Descriptor,
                location,
                ImmutableArray.Create(result.Network.TypeName, result.Network.BakedParameters!, result.Problem.Reason).ToEquatableArray()).ToDiagnostic());
        });

        // The parameter-file code and the aligned parameter storage the networks share, once per compilation that has a network.
        IncrementalValueProvider<bool> anyNetwork = networks
            .Collect()
            .Select(static (all, _) => !all.IsEmpty)
            .WithTrackingName(TrackingNames.AnyNetwork);
        context.RegisterSourceOutput(anyNetwork, static (output, any) =>
        {
            if (any)
            {
                output.AddSource(RuntimeSources.SafetensorsHintName, RuntimeSources.Safetensors);
                output.AddSource(RuntimeSources.AlignedBufferHintName, RuntimeSources.AlignedBuffer);
            }
        });

        // The vector kernels every network's code calls (trainable or baked), once per compilation.
        IncrementalValueProvider<bool> anyCode = anyNetwork
            .Combine(baked.Where(static result => result.Problem is null).Collect())
            .Select(static (pair, _) => pair.Left || !pair.Right.IsEmpty)
            .WithTrackingName(TrackingNames.AnyCode);
        context.RegisterSourceOutput(anyCode, static (output, any) =>
        {
            if (any)
            {
                output.AddSource(RuntimeSources.VectorMathHintName, RuntimeSources.VectorMath);
            }
        });
    }

    /// <summary>Reads a baked network's parameter file into its spec, or says why it cannot.</summary>
    private static BakedResult Bake(NetworkSpec network, ImmutableArray<ParameterFile> files)
    {
        ParameterFile? file = ParameterFile.Find(files, network.BakedParameters!, out string reason);
        if (file is null)
        {
            return new BakedResult(network, new BakeProblem(DiagnosticDescriptors.BakedParametersNotFound, reason));
        }

        if (file.Error is not null)
        {
            return new BakedResult(network, new BakeProblem(DiagnosticDescriptors.BakedParametersInvalid, file.Error));
        }

        double[]? values = SafetensorsFile.TryRead(file.Bytes.ToArray(), ParameterLayout.Of(network), out string error);
        if (values is null)
        {
            return new BakedResult(network, new BakeProblem(DiagnosticDescriptors.BakedParametersInvalid, error));
        }

        if (network.HasNormalization)
        {
            // Inference only: Dropout goes, each BatchNorm folds into the layer before it.
            (EquatableArray<LayerSpec> layers, double[] folded) = BatchNormFolding.Fold(network, values);
            return new BakedResult(network with { Layers = layers, BakedValues = folded.ToEquatableArray() }, null);
        }

        return new BakedResult(network with { BakedValues = values.ToEquatableArray() }, null);
    }

    private static ParseResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        NetworkDeclaration? declaration = NetworkParser.Read(context, cancellationToken);
        return declaration is null ? null : NetworkValidator.Validate(declaration);
    }

    private static DiagnosticInfo? FindOrphanLayers(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || context.TargetNode is not TypeDeclarationSyntax declaration
            || type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NetworkParser.NetworkAttributeName))
        {
            return null;
        }

        // The declaration's first layer attribute in source order, whatever its kind: only its own provider reports.
        AttributeData attribute = context.Attributes[0];
        foreach (AttributeData other in type.GetAttributes())
        {
            if (other.AttributeClass is { } otherClass
                && LayerKinds.Find(otherClass.ToDisplayString()) is not null
                && other.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is { } syntax
                && syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() == declaration
                && syntax.SpanStart < (attribute.ApplicationSyntaxReference?.Span.Start ?? int.MaxValue))
            {
                return null;
            }
        }

        string kindName = attribute.AttributeClass?.Name ?? "Dense";
        kindName = kindName.EndsWith("Attribute", System.StringComparison.Ordinal) ? kindName.Substring(0, kindName.Length - "Attribute".Length) : kindName;
        Location location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? declaration.Identifier.GetLocation();
        return new DiagnosticInfo(DiagnosticDescriptors.DenseWithoutNetwork, LocationInfo.From(location), ImmutableArray.Create(type.Name, kindName).ToEquatableArray());
    }
}
