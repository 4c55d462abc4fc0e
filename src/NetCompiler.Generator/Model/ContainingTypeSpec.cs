namespace NetCompiler.Generator.Model;

/// <summary>A type that encloses the network type, re-declared as <c>partial {Keyword} {Name}</c> around the generated members.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);
