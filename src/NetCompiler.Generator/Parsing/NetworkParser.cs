using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetCompiler.Generator.Layers;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> type and its layer attributes (<see cref="LayerKinds"/>) into a <see cref="NetworkDeclaration"/>:
/// values as written, with their locations. Judges nothing (that is validation's job), except that it
/// returns <c>null</c> when the compiler itself could not bind an attribute: the compiler reports that
/// error, and a second one from NetCompiler would only add noise.
/// </summary>
internal static class NetworkParser
{
    public const string NetworkAttributeName = "NetCompiler.NetworkAttribute";

    public static NetworkDeclaration? Read(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || context.TargetNode is not TypeDeclarationSyntax declaration
            || context.Attributes.Length != 1)
        {
            return null;
        }

        AttributeData network = context.Attributes[0];
        if (network.AttributeConstructor is null
            || network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax networkSyntax
            || HasCompilerErrors(context.SemanticModel, declaration, cancellationToken))
        {
            return null;
        }

        Compilation compilation = context.SemanticModel.Compilation;

        // The layer attributes ([Dense], [Conv2D], ...), in source order on the declaration that holds [Network].
        var kinds = new Dictionary<INamedTypeSymbol, LayerKind>(SymbolEqualityComparer.Default);
        foreach (LayerKind kind in LayerKinds.All)
        {
            if (compilation.GetTypeByMetadataName(kind.MetadataName) is { } attributeType)
            {
                kinds[attributeType] = kind;
            }
        }

        var layers = new List<(AttributeData Data, AttributeSyntax Syntax, LayerKind Kind)>();
        Location? splitLocation = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass is not { } attributeClass || !kinds.TryGetValue(attributeClass, out LayerKind? kind))
            {
                continue;
            }

            if (attribute.AttributeConstructor is null
                || attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
            {
                return null;
            }

            if (syntax.FirstAncestorOrSelf<TypeDeclarationSyntax>() != declaration)
            {
                splitLocation ??= syntax.GetLocation();
                continue;
            }

            layers.Add((attribute, syntax, kind));
        }

        layers.Sort((a, b) => a.Syntax.SpanStart.CompareTo(b.Syntax.SpanStart));

        var layerDeclarations = new List<LayerDeclaration>(layers.Count);
        foreach ((AttributeData data, AttributeSyntax syntax, LayerKind kind) in layers)
        {
            LayerDeclaration? layer = ReadLayer(data, syntax, kind);
            if (layer is null)
            {
                return null;
            }

            layerDeclarations.Add(layer);
        }

        var dimensions = new List<ArgumentValue>();
        for (int i = 0; i < network.ConstructorArguments.Length; i++)
        {
            if (!TryGetConstructorArgument(network, networkSyntax, i, out ArgumentValue dimension))
            {
                return null;
            }

            dimensions.Add(dimension);
        }

        if (!TryGetConstructorArgument(network, networkSyntax, 0, out ArgumentValue inputs)
            || !TryGetNamedArgument(network, networkSyntax, "Loss", (int)Loss.HalfSquaredError, out ArgumentValue loss)
            || !TryGetNamedArgument(network, networkSyntax, "Precision", (int)Precision.Single, out ArgumentValue precision)
            || !TryGetNamedArgument(network, networkSyntax, "UnrollLimit", -1, out ArgumentValue unrollLimit)
            || !TryGetNamedString(network, networkSyntax, "BakedParameters", out string? baked, out Location bakedLocation))
        {
            return null;
        }

        return new NetworkDeclaration
        {
            TypeName = type.Name,
            Namespace = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            ContainingTypes = GetContainingTypes(type),
            HintName = GetHintName(type),
            HasUserConstructor = type.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared),
            TypeNameLocation = declaration.Identifier.GetLocation(),
            NetworkAttributeLocation = networkSyntax.GetLocation(),
            UnsupportedTypeReason = GetUnsupportedTypeReason(type),
            IsPartial = declaration.Modifiers.Any(SyntaxKind.PartialKeyword),
            NonPartialContainingType = FindNonPartialContainingType(type, cancellationToken),
            UnsupportedTargetReason = GetUnsupportedTargetReason(compilation, declaration),
            Inputs = inputs,
            InputDimensions = dimensions,
            Loss = loss,
            Precision = precision,
            UnrollLimit = unrollLimit,
            BakedParameters = baked,
            BakedParametersLocation = bakedLocation,
            Layers = layerDeclarations,
            SplitLayerLocation = splitLocation,
            Conflicts = GeneratedMembers.FindConflicts(type, precision.Value == (int)Precision.Double ? "double" : "float", cancellationToken),
        };
    }

    /// <summary>
    /// Whether the compiler reports an error in the attribute lists of the declaration (a syntax error, an
    /// argument of the wrong type such as <c>UnrollLimit = 44L</c>, a misspelled <c>[Dese(1)]</c> layer, ...).
    /// The declaration is then left to the compiler's message: generating from half-bound attributes would
    /// add noise, or code for a network other than the one meant.
    /// </summary>
    private static bool HasCompilerErrors(SemanticModel model, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        if (declaration.AttributeLists.Count == 0)
        {
            return false;
        }

        var span = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(declaration.AttributeLists[0].SpanStart, declaration.AttributeLists[declaration.AttributeLists.Count - 1].Span.End);
        foreach (Diagnostic diagnostic in model.GetDiagnostics(span, cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                return true;
            }
        }

        return false;
    }

    private static List<ContainingTypeSpec> GetContainingTypes(INamedTypeSymbol type)
    {
        var result = new List<ContainingTypeSpec>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            string keyword = (outer.IsRecord, outer.TypeKind) switch
            {
                (true, TypeKind.Struct) => "record struct",
                (true, _) => "record",
                (false, TypeKind.Struct) => "struct",
                (false, TypeKind.Interface) => "interface",
                _ => "class",
            };
            result.Insert(0, new ContainingTypeSpec(keyword, outer.Name));
        }

        return result;
    }

    /// <summary>
    /// The file name, e.g. <c>MyApp.Outer.XorNet.g.cs</c>: the full name (unique, since generic types are refused),
    /// unescaped. Roslyn compares hint names without regard to case, so a name that is not all lower case
    /// also carries a short hash of its exact spelling (App.Net and App.NET must not collide).
    /// </summary>
    private static string GetHintName(INamedTypeSymbol type)
    {
        var parts = new List<string>();
        for (ISymbol? symbol = type; symbol is not null && !(symbol is INamespaceSymbol { IsGlobalNamespace: true }); symbol = symbol.ContainingSymbol)
        {
            parts.Insert(0, symbol.Name);
        }

        string name = string.Join(".", parts);
        if (name == name.ToLowerInvariant())
        {
            return name + ".g.cs";
        }

        uint hash = 2166136261;
        foreach (char c in name)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return name + "." + hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
    }

    private static string? GetUnsupportedTypeReason(INamedTypeSymbol type)
    {
        if (type.IsRecord)
        {
            return "a record (records copy and compare by value, but a network owns mutable parameter storage)";
        }

        if (type.IsStatic)
        {
            return "static (a network holds its parameters in an instance)";
        }

        if (type.TypeParameters.Length > 0)
        {
            return "generic";
        }

        if (type.IsFileLocal)
        {
            return "file-local (the generated members live in another file)";
        }

        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType)
            {
                return $"nested in the generic type '{outer.Name}'";
            }

            if (outer.IsFileLocal)
            {
                return $"nested in the file-local type '{outer.Name}' (the generated members live in another file)";
            }
        }

        return null;
    }

    private static string? FindNonPartialContainingType(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            foreach (SyntaxReference reference in outer.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax syntax && !syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return outer.Name;
                }
            }
        }

        return null;
    }

    private static string? GetUnsupportedTargetReason(Compilation compilation, TypeDeclarationSyntax declaration)
    {
        if (compilation.GetTypeByMetadataName("System.MathF") is null
            || compilation.GetTypeByMetadataName("System.Span`1") is null
            || compilation.GetTypeByMetadataName("System.Text.Json.Utf8JsonReader") is null)
        {
            return "its target framework lacks System.Span<T>, System.MathF or System.Text.Json; target .NET 8 or later";
        }

        // The generated vector code uses System.Numerics.Vector APIs of .NET 7 and later (ShiftLeft, Sum, ...).
        if (compilation.GetTypeByMetadataName("System.Numerics.Vector") is not { } vector || vector.GetMembers("ShiftLeft").IsEmpty)
        {
            return "its target framework is older than .NET 7 (the generated code uses the System.Numerics.Vector APIs of .NET 7 and later); target .NET 8 or later";
        }

        if (declaration.SyntaxTree.Options is CSharpParseOptions options && options.LanguageVersion < LanguageVersion.CSharp8)
        {
            return $"the generated code needs C# 8 or later, but the project uses C# {options.LanguageVersion.ToDisplayString()}; raise <LangVersion>";
        }

        return null;
    }

    /// <summary>
    /// A layer attribute's arguments by name: every constructor parameter (the default of an omitted optional one is
    /// located at the attribute) and every named property that is set; null when one is not an int, enum or bool
    /// constant (the compiler reports that).
    /// </summary>
    private static LayerDeclaration? ReadLayer(AttributeData data, AttributeSyntax syntax, LayerKind kind)
    {
        var arguments = new Dictionary<string, ArgumentValue>(System.StringComparer.Ordinal);
        IMethodSymbol constructor = data.AttributeConstructor!;
        for (int i = 0; i < constructor.Parameters.Length; i++)
        {
            if (!TryGetConstructorArgument(data, syntax, i, out ArgumentValue value))
            {
                return null;
            }

            arguments[constructor.Parameters[i].Name] = value;
        }

        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            if (!TryGetNamedArgument(data, syntax, argument.Key, 0, out ArgumentValue value))
            {
                return null;
            }

            arguments[argument.Key] = value;
        }

        return new LayerDeclaration { Kind = kind, Location = syntax.GetLocation(), Arguments = arguments };
    }

    private static bool TryGetConstructorArgument(AttributeData data, AttributeSyntax syntax, int index, out ArgumentValue value)
    {
        value = default;
        ImmutableArray<TypedConstant> arguments = data.ConstructorArguments;
        IMethodSymbol constructor = data.AttributeConstructor!;
        if (index >= arguments.Length || index >= constructor.Parameters.Length || !TryGetInt(arguments[index], out int raw, out double real))
        {
            return false;
        }

        value = new ArgumentValue(raw, FindConstructorArgument(syntax, index, constructor.Parameters[index].Name)?.GetLocation() ?? syntax.GetLocation(), real);
        return true;
    }

    private static bool TryGetNamedArgument(AttributeData data, AttributeSyntax syntax, string name, int defaultValue, out ArgumentValue value)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            if (argument.Key == name)
            {
                AttributeArgumentSyntax? argumentSyntax = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
                value = new ArgumentValue(0, argumentSyntax?.GetLocation() ?? syntax.GetLocation());
                if (!TryGetInt(argument.Value, out int raw, out double real))
                {
                    return false;
                }

                value = value with { Value = raw, Real = real };
                return true;
            }
        }

        value = new ArgumentValue(defaultValue, syntax.GetLocation());
        return true;
    }

    private static bool TryGetNamedString(AttributeData data, AttributeSyntax syntax, string name, out string? value, out Location location)
    {
        value = null;
        location = syntax.GetLocation();
        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            if (argument.Key == name)
            {
                location = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation() ?? location;
                if (argument.Value.Kind == TypedConstantKind.Error)
                {
                    return false;
                }

                value = argument.Value.Value as string;
            }
        }

        return true;
    }

    private static AttributeArgumentSyntax? FindConstructorArgument(AttributeSyntax syntax, int index, string parameterName)
    {
        if (syntax.ArgumentList is null)
        {
            return null;
        }

        int position = 0;
        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList.Arguments)
        {
            if (argument.NameEquals is not null)
            {
                continue;
            }

            // Positional arguments may follow named ones only in their own position, so the ordinal
            // among constructor arguments identifies a positional argument.
            bool match = argument.NameColon is not null
                ? argument.NameColon.Name.Identifier.ValueText == parameterName
                : position == index;
            position++;
            if (match)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>An int, enum or bool constant as an int; a double or float constant in <paramref name="real"/>.</summary>
    private static bool TryGetInt(TypedConstant constant, out int value, out double real)
    {
        value = 0;
        real = 0;
        if (constant.Kind is TypedConstantKind.Error or TypedConstantKind.Array || constant.IsNull)
        {
            return false;
        }

        switch (constant.Value)
        {
            case int i:
                value = i;
                return true;
            case bool b:
                value = b ? 1 : 0;
                return true;
            case double d:
                real = d;
                return true;
            case float f:
                real = f;
                return true;
            default:
                return false;
        }
    }
}
