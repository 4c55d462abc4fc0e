using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Helpers;

namespace NetCompiler.Generator.Model;

/// <summary>A diagnostic as plain values (descriptor, location, message arguments as strings).</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic()
    {
        var arguments = new object?[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, Location?.ToLocation(), arguments);
    }
}
