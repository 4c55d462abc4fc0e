namespace NetCompiler.Generator.Model;

/// <summary>A baked network with its parameters read from its file, or the diagnostic that explains why not.</summary>
internal sealed record BakedResult(NetworkSpec? Network, DiagnosticInfo? Diagnostic);
