using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Model;

/// <summary>A baked network, with its parameters read from its file when <see cref="Problem"/> is null.</summary>
internal sealed record BakedResult(NetworkSpec Network, BakeProblem? Problem);

/// <summary>Why a baked network's file cannot be used: the diagnostic and its reason (no location: see the generator).</summary>
internal sealed record BakeProblem(DiagnosticDescriptor Descriptor, string Reason);
