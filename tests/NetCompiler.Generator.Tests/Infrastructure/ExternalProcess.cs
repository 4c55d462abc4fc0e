using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>Runs the .NET CLI and built programs for the end-to-end tests, as a user would from a shell.</summary>
public static class ExternalProcess
{
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetCompiler.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No NetCompiler.sln above {AppContext.BaseDirectory}.");
    }

    public static ProcessResult RunDotnet(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run("dotnet", workingDirectory, timeout, environment, arguments);

    /// <summary>Runs a program, capturing its output; kills it (and its children) after <paramref name="timeout"/>.</summary>
    public static ProcessResult Run(string fileName, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The test host runs under MSBuild/dotnet test, whose MSBuild* variables (MSBuildExtensionsPath,
        // MSBUILD_EXE_PATH, MSBuildSDKsPath, ...) would point the child build at the parent's MSBuild.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            info.Environment.Remove(key);
        }
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach (KeyValuePair<string, string> pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine("[stderr] " + e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit((int)timeout.TotalMilliseconds);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited after all.
            }
        }
        process.WaitForExit(); // drains the redirected output
        string text;
        lock (output)
        {
            text = output.ToString();
        }
        return new ProcessResult(
            fileName + " " + string.Join(" ", arguments) + " (in " + workingDirectory + ")",
            exited ? process.ExitCode : -1,
            exited ? text : text + Environment.NewLine + $"[timed out after {timeout.TotalMinutes} minutes and was killed]",
            stopwatch.Elapsed);
    }

    public static void TryDelete(string directory)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
                return;
            }
            catch (IOException)
            {
                System.Threading.Thread.Sleep(500);
            }
            catch (UnauthorizedAccessException)
            {
                System.Threading.Thread.Sleep(500);
            }
        }
    }

    public sealed record ProcessResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
    {
        public string Describe() =>
            $"{Environment.NewLine}Command: {Command}{Environment.NewLine}Exit code: {ExitCode}, {Elapsed.TotalSeconds:F1} s{Environment.NewLine}Output:{Environment.NewLine}{Output}";
    }
}
