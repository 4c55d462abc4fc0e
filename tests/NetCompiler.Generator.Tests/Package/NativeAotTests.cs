using System;
using System.IO;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests.Package;

/// <summary>
/// The embedded deployment, end to end: samples/Embedded (a baked MLP and a baked CNN) published with NativeAOT
/// for this machine, with warnings as errors (so any trimming or AOT warning fails), then run: it classifies
/// its flowers and digits (exit code 0 only if all are right) and measures 0 bytes allocated in steady state
/// for both networks. Takes one to three minutes.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class NativeAotTests
{
    [Fact]
    public void EmbeddedSamplePublishesWithNativeAotAndRunsWithoutAllocating()
    {
        string root = ExternalProcess.RepositoryRoot();
        string output = Path.Combine(Path.GetTempPath(), "netcompiler-aot-" + Guid.NewGuid().ToString("N"));
        try
        {
            ExternalProcess.ProcessResult publish = ExternalProcess.RunDotnet(
                root, TimeSpan.FromMinutes(15), null,
                "publish", "samples/Embedded/Embedded.csproj", "-c", "Release", "-r", "linux-x64", "-o", output, "-p:UseSharedCompilation=false");
            Assert.True(publish.ExitCode == 0, "publish failed" + publish.Describe());
            Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);

            string binary = Path.Combine(output, "Embedded");
            Assert.True(File.Exists(binary), "no native executable in " + output);
            Assert.False(File.Exists(Path.Combine(output, "Embedded.dll")), "the output holds IL, not a NativeAOT binary");

            ExternalProcess.ProcessResult run = ExternalProcess.Run(binary, output, TimeSpan.FromMinutes(5), null);
            Assert.True(run.ExitCode == 0, "the binary failed" + run.Describe());
            Assert.Contains("iris: allocated over 1,000,000 inferences after warm-up: 0 bytes", run.Output);
            Assert.Contains("digits: allocated over 100,000 inferences after warm-up: 0 bytes", run.Output);
            for (int digit = 0; digit < 10; digit++)
            {
                Assert.Contains($"image of a {digit} -> {digit} (", run.Output);
            }

            Assert.Contains("OK", run.Output);
        }
        finally
        {
            ExternalProcess.TryDelete(output);
        }
    }
}
