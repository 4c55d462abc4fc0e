using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions for generator output. The files follow the conventions of Verify.SourceGenerators exactly,
/// so a later switch to Verify is a drop-in:
/// <list type="bullet">
/// <item><c>{Type}.{Method}{_param=value…}#{HintNameWithoutExtension}.verified.cs</c> per generated source, starting with
/// a <c>//HintName: …</c> line; <c>#{name}.00</c>, <c>#{name}.01</c> when several sources share a name and extension.</item>
/// <item><c>{Type}.{Method}{_param=value…}.verified.txt</c> holding <c>{ Diagnostics: [...] }</c>, only if there are any.</item>
/// <item>UTF-8 with BOM, <c>\n</c> line endings, no trailing newline. Files sit beside the test source file
/// (or in <see cref="SnapshotSettings.UseDirectory"/> relative to it); <c>{Type}</c> is the test file's name.</item>
/// </list>
/// On a mismatch, a missing snapshot or a verified file this run no longer produces, the test fails and the new
/// output is written to <c>….received.{ext}</c> beside the verified file.
/// <para><b>Accepting changes:</b> rerun the tests with the environment variable
/// <c>NETCOMPILER_ACCEPT_SNAPSHOTS=1</c> (or use <see cref="SnapshotSettings.AutoVerify"/>): verified files are then
/// written, overwritten or deleted to match the output. Alternatively rename each <c>.received.</c> file to
/// <c>.verified.</c> (and delete verified files reported as no longer produced). Review the diff before committing.</para>
/// </summary>
public static class Snapshot
{
    /// <summary>Set to <c>1</c> (or <c>true</c>) to accept the current output as the verified snapshots.</summary>
    public const string AcceptEnvironmentVariable = "NETCOMPILER_ACCEPT_SNAPSHOTS";

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);
    private static readonly HashSet<string> UsedPrefixes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Verifies the run result of <paramref name="driver"/> (the value returned by <c>RunGenerators</c>).</summary>
    public static void Verify(GeneratorDriver driver, SnapshotSettings? settings = null,
        [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "") =>
        Verify(driver.GetRunResult(), settings, sourceFile, method);

    /// <summary>Verifies every generated source and all diagnostics; rethrows any exception a generator threw.</summary>
    public static void Verify(GeneratorDriverRunResult result, SnapshotSettings? settings = null,
        [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "")
    {
        settings ??= new SnapshotSettings();
        var exceptions = result.Results.Select(r => r.Exception).OfType<Exception>().ToList();
        if (exceptions.Count == 1)
        {
            ExceptionDispatchInfo.Capture(exceptions[0]).Throw();
        }
        if (exceptions.Count > 1)
        {
            throw new AggregateException(exceptions);
        }

        var sources = result.Results
            .SelectMany(r => r.GeneratedSources)
            .Where(s => !settings.IgnoredResults.Any(ignore => ignore(s)))
            .Select(s => (s.HintName, s.SourceText.ToString()));
        Verify(sources, result.Diagnostics, settings, sourceFile, method);
    }

    /// <summary>Verifies hand-built output, e.g. the emitter run on a model built in the test.</summary>
    public static void Verify(IEnumerable<(string HintName, string Source)> sources, IEnumerable<Diagnostic>? diagnostics = null,
        SnapshotSettings? settings = null, [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "")
    {
        settings ??= new SnapshotSettings();
        var targets = new List<(string? Name, string Extension, string Content)>();
        var diagnosticList = (diagnostics ?? []).ToList();
        if (diagnosticList.Count > 0)
        {
            targets.Add((null, "txt", DiagnosticsText(diagnosticList)));
        }
        foreach (var (hintName, source) in sources.OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            var extension = Path.GetExtension(hintName).TrimStart('.');
            targets.Add((Path.GetFileNameWithoutExtension(hintName), extension.Length > 0 ? extension : "cs",
                $"//HintName: {hintName}\n{source}"));
        }
        Run(targets, settings, sourceFile, method);
    }

    private static void Run(List<(string? Name, string Extension, string Content)> targets, SnapshotSettings settings,
        string sourceFile, string method)
    {
        var typeName = settings.TypeName ?? Path.GetFileNameWithoutExtension(sourceFile);
        var methodName = settings.MethodName ?? method;
        if (typeName.Length == 0 || methodName.Length == 0)
        {
            throw new ArgumentException("The test type or method name is empty; pass [CallerFilePath]/[CallerMemberName] through or use UseTypeName/UseMethodName.");
        }
        var prefix = $"{typeName}.{methodName}{ParameterText(settings, methodName)}";
        var directory = ResolveDirectory(sourceFile, settings.Directory);
        Directory.CreateDirectory(directory);
        lock (UsedPrefixes)
        {
            if (!UsedPrefixes.Add(Path.Combine(directory, prefix)) && !settings.UniquePrefixDisabled)
            {
                throw new InvalidOperationException($"The snapshot prefix '{prefix}' was already used in this run. Give each theory case UseParameters(...), or call DisableRequireUniquePrefix().");
            }
        }

        foreach (var stale in MatchingFiles(directory, prefix, ".received."))
        {
            File.Delete(Path.Combine(directory, stale));
        }
        var unclaimed = new HashSet<string>(MatchingFiles(directory, prefix, ".verified."), StringComparer.OrdinalIgnoreCase);
        var accept = settings.AutoVerifyEnabled ||
            Environment.GetEnvironmentVariable(AcceptEnvironmentVariable) is { } value &&
            (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
        var failures = new List<string>();

        foreach (var group in targets.GroupBy(t => (t.Name ?? "", t.Extension)))
        {
            var members = group.ToList();
            for (var index = 0; index < members.Count; index++)
            {
                var (name, extension, content) = members[index];
                var suffix = members.Count == 1
                    ? (name is null ? "" : $"#{name}")
                    : (name is null ? $"#{index:D2}" : $"#{name}.{index:D2}");
                var verifiedName = $"{prefix}{suffix}.verified.{extension}";
                var verifiedPath = Path.Combine(directory, verifiedName);
                var receivedPath = Path.Combine(directory, $"{prefix}{suffix}.received.{extension}");
                unclaimed.Remove(verifiedName);

                var actual = Normalize(content, settings.LineScrubbers);
                var problem = File.Exists(verifiedPath)
                    ? FirstDifference(Normalize(File.ReadAllText(verifiedPath, Encoding.UTF8), []), actual)
                    : "no verified file exists yet";
                if (problem is null || accept)
                {
                    if (problem is not null)
                    {
                        File.WriteAllText(verifiedPath, actual, Utf8WithBom);
                    }
                    File.Delete(receivedPath);
                    continue;
                }
                File.WriteAllText(receivedPath, actual, Utf8WithBom);
                failures.Add($"{verifiedName}: {problem}\n    received: {receivedPath}");
            }
        }

        foreach (var orphan in unclaimed.Order(StringComparer.Ordinal))
        {
            if (accept)
            {
                File.Delete(Path.Combine(directory, orphan));
                continue;
            }
            failures.Add($"{orphan}: this run no longer produces it (a generated file or the diagnostics disappeared); delete it if that is intended.");
        }

        if (failures.Count > 0)
        {
            throw new SnapshotMismatchException(
                $"Snapshot check failed for {prefix} ({failures.Count} file(s)) in {directory}\n" +
                $"To accept: rerun with {AcceptEnvironmentVariable}=1, or rename .received. to .verified.\n\n" +
                string.Join("\n\n", failures));
        }
    }

    /// <summary>File names of <c>{prefix}{kind}*</c> and <c>{prefix}#*{kind}*</c> (kind: <c>.verified.</c> or <c>.received.</c>).</summary>
    private static IEnumerable<string> MatchingFiles(string directory, string prefix, string kind) =>
        Directory.EnumerateFiles(directory, $"{prefix}*{kind}*")
            .Select(path => Path.GetFileName(path))
            .Where(name => name.StartsWith(prefix + kind, StringComparison.Ordinal) ||
                           name.StartsWith(prefix + "#", StringComparison.Ordinal) && name.Contains(kind, StringComparison.Ordinal))
            .ToList();

    /// <summary>LF line endings, no BOM, scrubbed lines, no trailing newlines.</summary>
    private static string Normalize(string text, IReadOnlyList<Func<string, string?>> scrubbers)
    {
        text = text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n');
        if (scrubbers.Count > 0)
        {
            var lines = text.Split('\n').Select(line => scrubbers.Aggregate<Func<string, string?>, string?>(
                line, (current, scrub) => current is null ? null : scrub(current)));
            text = string.Join("\n", lines.OfType<string>());
        }
        return text.TrimEnd('\n');
    }

    private static string? FirstDifference(string expected, string actual)
    {
        if (expected == actual)
        {
            return null;
        }
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = 0;
        while (line < expectedLines.Length && line < actualLines.Length && expectedLines[line] == actualLines[line])
        {
            line++;
        }
        static string Show(string[] lines, int index) => index < lines.Length ? $"`{lines[index]}`" : "<end of file>";
        return $"first difference at line {line + 1}\n    expected: {Show(expectedLines, line)}\n    actual:   {Show(actualLines, line)}";
    }

    private static string ParameterText(SnapshotSettings settings, string method)
    {
        if (settings.ParametersText is not null)
        {
            return $"_{settings.ParametersText}";
        }
        if (settings.Parameters is not { } parameters)
        {
            return "";
        }
        var named = settings.ParameterNames is { } names
            ? names.Zip(parameters, (name, value) => (name, value))
            : ParameterNamesOnStack(method, parameters.Length).Zip(parameters, (name, value) => (name, value));
        return "_" + string.Join("_", named.Select(p => $"{p.name}={ParameterValue(p.value)}"));
    }

    /// <summary>Verify names positional parameters after the test method's own parameters; find that method on the stack.</summary>
    private static IEnumerable<string> ParameterNamesOnStack(string method, int count)
    {
        var frames = new StackTrace().GetFrames();
        var test = frames.Select(f => f.GetMethod()).FirstOrDefault(m =>
            m is not null && m.Name == method && m.DeclaringType != typeof(Snapshot) && m.GetParameters().Length == count);
        return test?.GetParameters().Select(p => p.Name ?? "arg").ToList() ?? throw new InvalidOperationException(
            $"UseParameters: no method '{method}' with {count} parameter(s) on the call stack; name them: UseParameters((\"name\", value), ...).");
    }

    private static string ParameterValue(object? value)
    {
        var text = value switch
        {
            null => "null",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "null",
        };
        var invalid = Path.GetInvalidFileNameChars().Concat(['"', '\\', '<', '>', '|', ':', '*', '?', '/']).ToHashSet();
        return new string(text.Select(c => invalid.Contains(c) || char.IsControl(c) ? '-' : c).ToArray());
    }

    internal static string ResolveDirectory(string sourceFile, string? subdirectory)
    {
        if (subdirectory is not null && Path.IsPathRooted(subdirectory))
        {
            return subdirectory;
        }
        var sourceDirectory = Path.GetDirectoryName(sourceFile);
        if (string.IsNullOrEmpty(sourceDirectory) || !Directory.Exists(sourceDirectory))
        {
            sourceDirectory = FindMappedSourceDirectory(sourceFile);
        }
        return subdirectory is null ? sourceDirectory : Path.Combine(sourceDirectory, subdirectory);
    }

    /// <summary>
    /// Deterministic CI builds map source paths (e.g. to <c>/_/tests/…</c>), so [CallerFilePath] does not exist on disk.
    /// Find the file again by its longest path suffix below an ancestor of the test binaries.
    /// </summary>
    private static string FindMappedSourceDirectory(string sourceFile)
    {
        var parts = sourceFile.Split('/', '\\').Where(p => p.Length > 0).ToArray();
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            for (var skip = 0; skip < parts.Length - 1; skip++)
            {
                var candidate = Path.Combine([directory.FullName, .. parts[skip..]]);
                if (File.Exists(candidate))
                {
                    return Path.GetDirectoryName(candidate)!;
                }
            }
        }
        throw new InvalidOperationException($"Cannot locate the test source file '{sourceFile}' on disk to place snapshots beside it; use UseDirectory with an absolute path.");
    }

    /// <summary>Verify.SourceGenerators' shape: <c>{ Diagnostics: [ { Location, Message, Severity, WarningLevel, Descriptor } ] }</c>.</summary>
    private static string DiagnosticsText(IEnumerable<Diagnostic> diagnostics)
    {
        var sorted = diagnostics
            .Select(d => (Diagnostic: d, Span: d.Location.GetMappedLineSpan()))
            .OrderBy(d => d.Span.Path ?? "", StringComparer.Ordinal)
            .ThenBy(d => d.Span.StartLinePosition).ThenBy(d => d.Span.EndLinePosition)
            .ThenBy(d => d.Diagnostic.Id, StringComparer.Ordinal)
            .ThenBy(d => d.Diagnostic.GetMessage(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var builder = new StringBuilder("{\n  Diagnostics: [");
        var first = true;
        foreach (var (diagnostic, span) in sorted)
        {
            var descriptor = diagnostic.Descriptor;
            var descriptorFields = new List<(string, string?)>
            {
                ("Id", descriptor.Id),
                ("Title", descriptor.Title.ToString(CultureInfo.InvariantCulture)),
                ("Description", descriptor.Description.ToString(CultureInfo.InvariantCulture)),
                ("HelpLink", descriptor.HelpLinkUri),
                ("MessageFormat", descriptor.MessageFormat.ToString(CultureInfo.InvariantCulture)),
                ("Category", descriptor.Category),
                ("DefaultSeverity", descriptor.DefaultSeverity.ToString()),
                ("IsEnabledByDefault", descriptor.IsEnabledByDefault ? "true" : "false"),
            };
            builder.Append(first ? "\n" : ",\n").Append("    {\n");
            first = false;
            WriteFields(builder, "      ",
            [
                ("Location", diagnostic.Location.Kind == LocationKind.None ? null : span.ToString()),
                ("Message", diagnostic.GetMessage(CultureInfo.InvariantCulture)),
                ("Severity", diagnostic.Severity.ToString()),
                ("WarningLevel", diagnostic.WarningLevel.ToString(CultureInfo.InvariantCulture)),
            ]);
            builder.Append(",\n      Descriptor: {\n");
            WriteFields(builder, "        ", descriptorFields);
            if (descriptor.CustomTags.Any())
            {
                builder.Append(",\n        CustomTags: [\n")
                    .AppendJoin(",\n", descriptor.CustomTags.Select(tag => $"          {tag}"))
                    .Append("\n        ]");
            }
            builder.Append("\n      }\n    }");
        }
        return builder.Append("\n  ]\n}").ToString();
    }

    /// <summary>Verify's relaxed JSON: unquoted values, empty ones omitted, multi-line ones start on the next line.</summary>
    private static void WriteFields(StringBuilder builder, string indent, IEnumerable<(string Name, string? Value)> fields) =>
        builder.Append(string.Join(",\n", fields
            .Where(f => !string.IsNullOrWhiteSpace(f.Value))
            .Select(f => f.Value!.Contains('\n')
                ? $"{indent}{f.Name}:\n{f.Value}"
                : $"{indent}{f.Name}: {f.Value}")));
}

/// <summary>Options for <see cref="Snapshot"/>, named like their Verify counterparts. Methods return the same instance.</summary>
public sealed class SnapshotSettings
{
    internal string? Directory { get; private set; }
    internal string? TypeName { get; private set; }
    internal string? MethodName { get; private set; }
    internal object?[]? Parameters { get; private set; }
    internal string[]? ParameterNames { get; private set; }
    internal string? ParametersText { get; private set; }
    internal List<Func<string, string?>> LineScrubbers { get; } = [];
    internal List<Func<GeneratedSourceResult, bool>> IgnoredResults { get; } = [];
    internal bool AutoVerifyEnabled { get; private set; }
    internal bool UniquePrefixDisabled { get; private set; }

    /// <summary>Snapshot folder, relative to the test source file's folder (an absolute path is used as is).</summary>
    public SnapshotSettings UseDirectory(string directory) { Directory = directory; return this; }

    /// <summary>Overrides <c>{Type}</c>, which defaults to the test source file's name.</summary>
    public SnapshotSettings UseTypeName(string typeName) { TypeName = typeName; return this; }

    /// <summary>Overrides <c>{Method}</c>, which defaults to the calling member's name.</summary>
    public SnapshotSettings UseMethodName(string methodName) { MethodName = methodName; return this; }

    /// <summary>Adds <c>_name=value</c> per value, named after the calling test method's parameters (as Verify does).</summary>
    public SnapshotSettings UseParameters(params object?[] values) { Parameters = values; ParameterNames = null; return this; }

    /// <summary>Adds <c>_name=value</c> per pair, e.g. <c>UseParameters(("activation", "Sigmoid"))</c>.</summary>
    public SnapshotSettings UseParameters(params (string Name, object? Value)[] parameters)
    {
        Parameters = parameters.Select(p => p.Value).ToArray();
        ParameterNames = parameters.Select(p => p.Name).ToArray();
        return this;
    }

    /// <summary>Adds <c>_{text}</c> instead of generated <c>name=value</c> pairs.</summary>
    public SnapshotSettings UseTextForParameters(string text) { ParametersText = text; return this; }

    /// <summary>Replaces each output line by the function's result; <c>null</c> removes the line.</summary>
    public SnapshotSettings ScrubLinesWithReplace(Func<string, string?> replaceLine) { LineScrubbers.Add(replaceLine); return this; }

    /// <summary>Removes each output line for which <paramref name="removeLine"/> returns true.</summary>
    public SnapshotSettings ScrubLines(Func<string, bool> removeLine) => ScrubLinesWithReplace(line => removeLine(line) ? null : line);

    /// <summary>Leaves matching generated sources out of the snapshot.</summary>
    public SnapshotSettings IgnoreGeneratedResult(Func<GeneratedSourceResult, bool> shouldIgnore) { IgnoredResults.Add(shouldIgnore); return this; }

    /// <summary>Accepts the output as verified instead of failing (like <see cref="Snapshot.AcceptEnvironmentVariable"/>).</summary>
    public SnapshotSettings AutoVerify() { AutoVerifyEnabled = true; return this; }

    /// <summary>Allows the same file prefix more than once per run (e.g. two verifications in one test).</summary>
    public SnapshotSettings DisableRequireUniquePrefix() { UniquePrefixDisabled = true; return this; }
}

/// <summary>A snapshot did not match its verified file; the message names the files and the first differing line.</summary>
public sealed class SnapshotMismatchException(string message) : XunitException(message);
