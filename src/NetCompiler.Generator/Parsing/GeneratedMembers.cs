using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Parsing;

/// <summary>
/// The names NetCompiler adds to a network type, and the check that the user has not declared one of
/// them already (which would otherwise surface as confusing errors inside generated code).
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>Non-method members, and private helpers: any user member of the same name conflicts.</summary>
    private static readonly string[] ExclusiveNames =
    {
        "InputCount", "OutputCount", "ParameterCount", "Parameters",
        "ParameterBytes", "ForwardScratchBytes", "TrainingScratchBytes", "BatchGradientBytes", "WorkspaceBytes",
        "__parameters", "__parameterBuffer", "__batchGradient", "__workspace", "__CreateParameters", "__Initialize", "__Forward", "__Gradient", "__Layers",
        "__Backpropagate", "__ChunkGradient", "__ChunkSums", "__LaneGroup", "__LaneGroup2",
    };

    /// <summary>Public methods: a user method conflicts only with the same parameter types (other overloads are fine).</summary>
    private static readonly (string Name, string[] Parameters)[] Methods =
    {
        ("Forward", new[] { "System.ReadOnlySpan<{T}>", "System.Span<{T}>" }),
        ("ForwardBatch", new[] { "System.ReadOnlySpan<{T}>", "System.Span<{T}>" }),
        ("ComputeLoss", new[] { "System.ReadOnlySpan<{T}>", "System.ReadOnlySpan<{T}>" }),
        ("Gradient", new[] { "System.ReadOnlySpan<{T}>", "System.ReadOnlySpan<{T}>", "System.Span<{T}>" }),
        ("Train", new[] { "System.ReadOnlySpan<{T}>", "System.ReadOnlySpan<{T}>", "{T}" }),
        ("TrainBatch", new[] { "System.ReadOnlySpan<{T}>", "System.ReadOnlySpan<{T}>", "{T}" }),
        ("InitializeParameters", new[] { "int" }),
        ("SaveParameters", new[] { "System.IO.Stream" }),
        ("LoadParameters", new[] { "System.IO.Stream" }),
        ("LoadParameters", new[] { "System.ReadOnlySpan<byte>" }),
    };

    /// <summary>Prefixes of generated private names: a network's layer methods (<c>__Layer3</c>, <c>__Layer3Backward</c>) and tap tables.</summary>
    private static readonly string[] ExclusivePrefixes = { "__Layer", "__Taps" };

    private static bool IsExclusive(string name) =>
        ExclusiveNames.Contains(name) || ExclusivePrefixes.Any(prefix => name.StartsWith(prefix, System.StringComparison.Ordinal));

    public static IReadOnlyList<(string Name, Location Location)> FindConflicts(INamedTypeSymbol type, string scalar, CancellationToken cancellationToken)
    {
        var conflicts = new List<(string, Location)>();
        Location typeLocation = type.Locations.FirstOrDefault() ?? Location.None;

        // A member may not have the name of its enclosing type (CS0542).
        if (IsExclusive(type.Name) || Methods.Any(m => m.Name == type.Name))
        {
            conflicts.Add((type.Name, typeLocation));
        }

        // Members inherited from a base class (another network, say) would be hidden or clash.
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers())
            {
                if (!member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.Private
                    && (IsExclusive(member.Name) || Methods.Any(m => m.Name == member.Name)))
                {
                    conflicts.Add(($"{member.Name}' (inherited from '{baseType.Name}", typeLocation));
                    return conflicts;
                }
            }
        }

        foreach (ISymbol member in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (member.IsImplicitlyDeclared)
            {
                continue;
            }

            Location location = member.Locations.FirstOrDefault() ?? typeLocation;
            if (IsExclusive(member.Name))
            {
                conflicts.Add((member.Name, location));
                continue;
            }

            foreach ((string name, string[] parameters) in Methods)
            {
                if (member.Name != name)
                {
                    continue;
                }

                if (member is not IMethodSymbol method
                    || method.Parameters.Select(p => p.Type.ToDisplayString()).SequenceEqual(parameters.Select(p => p.Replace("{T}", scalar))))
                {
                    conflicts.Add((member.Name, location));
                }
            }
        }

        return conflicts;
    }
}
