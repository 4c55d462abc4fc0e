using System;
using System.IO;

namespace NetCompiler.Samples.Tests;

/// <summary>A file name in a fresh temporary folder, deleted with the folder on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private readonly string _directory;

    public TempFile(string name)
    {
        _directory = Path.Combine(Path.GetTempPath(), "netcompiler-samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        FilePath = Path.Combine(_directory, name);
    }

    public string FilePath { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover file in the temp folder must not fail a test.
        }
    }
}
