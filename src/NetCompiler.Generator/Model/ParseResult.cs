using NetCompiler.Generator.Helpers;

namespace NetCompiler.Generator.Model;

/// <summary>
/// What the parse step yields for one <c>[Network]</c> type: the network to emit (<c>null</c> when the
/// declaration has an error) and the diagnostics to report.
/// </summary>
/// <remarks>
/// <see cref="BakedParametersLocation"/> is where a baked network names its file, for diagnostics about the
/// file found later; it is not part of <see cref="Network"/>, so that moving the declaration does not
/// re-emit a trainable network.
/// </remarks>
internal sealed record ParseResult(NetworkSpec? Network, EquatableArray<DiagnosticInfo> Diagnostics, LocationInfo? BakedParametersLocation = null);
