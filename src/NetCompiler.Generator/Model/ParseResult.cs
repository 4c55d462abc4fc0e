using NetCompiler.Generator.Helpers;

namespace NetCompiler.Generator.Model;

/// <summary>
/// What the parse step yields for one <c>[Network]</c> type: the network to emit (<c>null</c> when the
/// declaration has an error) and the diagnostics to report.
/// </summary>
internal sealed record ParseResult(NetworkSpec? Network, EquatableArray<DiagnosticInfo> Diagnostics);
