using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Xml.Linq;

using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests.Package;

/// <summary>
/// The package as a new user gets it: <c>dotnet pack src/NetCompiler</c> (once), then a fresh console
/// project outside the repository that references only the <c>NetCompiler</c> package from that local
/// feed, declares two networks, builds with warnings as errors and runs its checks. Takes 15 to 60 seconds.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PackageConsumerTests
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public void PackedPackage_GivesAFreshConsoleProjectTheAttributesAndTheGenerator()
    {
        string repoRoot = ExternalProcess.RepositoryRoot();
        string work = Path.Combine(Path.GetTempPath(), "NetCompiler.PackageConsumer." + Guid.NewGuid().ToString("N"));
        string feed = Path.Combine(work, "feed");
        string packages = Path.Combine(work, "packages");
        string app = Path.Combine(work, "app");
        Assert.False(
            Path.GetFullPath(work).StartsWith(Path.GetFullPath(repoRoot).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal),
            $"The consumer must live outside the repository, but the temp folder {work} is inside {repoRoot}.");
        try
        {
            Directory.CreateDirectory(feed);
            Directory.CreateDirectory(app);

            // 1. Pack, exactly as documented. This uses the developer's normal NuGet setup: pointing the
            //    repository's own restore at a temporary packages folder would leave its obj/ files
            //    referring to a folder that is deleted below.
            ExternalProcess.ProcessResult pack = ExternalProcess.RunDotnet(
                repoRoot,
                PackTimeout,
                environment: null,
                "pack", Path.Combine(repoRoot, "src", "NetCompiler"), "-c", "Release", "-o", feed,
                "--disable-build-servers", "--property:UseSharedCompilation=false");
            Assert.True(pack.ExitCode == 0, "dotnet pack failed." + pack.Describe());

            string[] packed = Directory.GetFiles(feed, "*.nupkg").Where(p => !p.EndsWith(".symbols.nupkg", StringComparison.OrdinalIgnoreCase)).ToArray();
            Assert.True(packed.Length == 1, $"Expected one .nupkg in the feed, found: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}." + pack.Describe());
            string nupkg = packed[0];
            string fileName = Path.GetFileName(nupkg);
            Assert.StartsWith("NetCompiler.", fileName, StringComparison.Ordinal);
            string version = fileName.Substring("NetCompiler.".Length, fileName.Length - "NetCompiler.".Length - ".nupkg".Length);
            Assert.Matches(@"^\d+\.\d+\.\d+", version);

            // 2. What is inside the package.
            AssertPackageContents(nupkg, version);

            // 3. A new user's project, outside the repository (so no Directory.Build.* or global.json of
            //    the repository applies). Empty Directory.Build.props/.targets/Directory.Packages.props in the
            //    work folder stop MSBuild from picking up stray ones from the temp folder's parents.
            File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(work, "Directory.Packages.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(app, "Consumer.csproj"), ConsumerProject(version));
            File.WriteAllText(Path.Combine(app, "NuGet.config"), NuGetConfig(feed));
            File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);

            // A parameter file for the baked classifier (4-5-3, F64), laid out by the test's independent writer.
            File.WriteAllBytes(Path.Combine(app, "model.safetensors"), SafetensorsBuilder.ForNetwork(new[] { (5, 4, true), (3, 5, true) }, dtype: "F64"));

            // A private global packages folder: a NetCompiler of the same version cached by an earlier run
            // (built from older sources) can never be used instead of the package just packed.
            var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
            ExternalProcess.ProcessResult run = ExternalProcess.RunDotnet(
                app,
                RunTimeout,
                environment,
                "run", "-c", "Release", "--disable-build-servers", "--property:UseSharedCompilation=false");
            Assert.True(run.ExitCode == 0, $"The consumer project failed to build or its checks failed (exit code {run.ExitCode})." + run.Describe());
            Assert.True(run.Output.Contains("ALL CHECKS PASSED", StringComparison.Ordinal), "The consumer did not report its checks." + run.Describe());
            foreach (string check in new[]
            {
                "seednet-sizes", "seednet-init", "seednet-train-step", "seednet-train-epochs", "attributes-not-kept",
                "classifier-sizes", "classifier-softmax", "classifier-cross-entropy", "classifier-gradient",
                "classifier-train-batch", "classifier-span-length", "parameter-file-round-trip", "baked-equals-loaded",
                "conv-sizes", "conv-forward", "conv-train-batch", "conv-file-round-trip",
            })
            {
                Assert.True(run.Output.Contains($"CHECK {check}: ok", StringComparison.Ordinal), $"Check {check} did not pass." + run.Describe());
            }

            // The package restored was the one packed above, into the private folder.
            string restored = Path.Combine(packages, "netcompiler", version.ToLowerInvariant(), $"netcompiler.{version.ToLowerInvariant()}.nupkg");
            Assert.True(File.Exists(restored), $"Expected the package restored at {restored}." + run.Describe());
            Assert.True(File.ReadAllBytes(restored).AsSpan().SequenceEqual(File.ReadAllBytes(nupkg)), "The restored package differs from the one just packed.");
        }
        finally
        {
            ExternalProcess.TryDelete(work);
        }
    }

    private static void AssertPackageContents(string nupkg, string version)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] entries = zip.Entries.Select(e => e.FullName.Replace('\\', '/')).ToArray();
        string listing = Environment.NewLine + "Package entries:" + Environment.NewLine + string.Join(Environment.NewLine, entries);

        foreach (string expected in new[]
        {
            "lib/netstandard2.0/NetCompiler.dll",
            "lib/netstandard2.0/NetCompiler.xml",
            "lib/net8.0/NetCompiler.dll",
            "lib/net8.0/NetCompiler.xml",
            "analyzers/dotnet/cs/NetCompiler.Generator.dll",
            "build/NetCompiler.targets",
            "buildTransitive/NetCompiler.targets",
            "README.md",
        })
        {
            Assert.True(entries.Contains(expected, StringComparer.Ordinal), $"The package lacks {expected}." + listing);
        }

        // The generator is an analyzer only: never a library the user compiles against or ships, and
        // Roslyn itself comes from the user's compiler, not from the package.
        Assert.True(!entries.Any(e => e.StartsWith("lib/", StringComparison.OrdinalIgnoreCase) && e.EndsWith("NetCompiler.Generator.dll", StringComparison.OrdinalIgnoreCase)), "The generator must not be under lib/." + listing);
        Assert.True(!entries.Any(e => e.Contains("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase)), "The package must not carry Roslyn assemblies." + listing);
        string[] analyzers = entries.Where(e => e.StartsWith("analyzers/", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.True(analyzers.SequenceEqual(new[] { "analyzers/dotnet/cs/NetCompiler.Generator.dll" }), "Unexpected files under analyzers/." + listing);

        ZipArchiveEntry? nuspecEntry = zip.Entries.SingleOrDefault(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        Assert.True(nuspecEntry is not null, "The package has no .nuspec at its root." + listing);
        string nuspecText;
        using (var reader = new StreamReader(nuspecEntry!.Open(), Encoding.UTF8))
        {
            nuspecText = reader.ReadToEnd();
        }
        XDocument nuspec = XDocument.Parse(nuspecText);
        string nuspecListing = Environment.NewLine + nuspecText;
        XElement metadata = nuspec.Descendants().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.True(Field("id") == "NetCompiler", "nuspec id." + nuspecListing);
        Assert.True(Field("version") == version, "nuspec version differs from the file name." + nuspecListing);
        Assert.True(Field("readme") == "README.md", "nuspec readme." + nuspecListing);
        Assert.True(Field("developmentDependency") != "true", "The package must flow to consumers (not a development dependency)." + nuspecListing);

        string[] dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id") ?? "").ToArray();
        foreach (string id in dependencies)
        {
            Assert.False(id.StartsWith("NetCompiler", StringComparison.OrdinalIgnoreCase), $"The nuspec depends on {id}." + nuspecListing);
            Assert.False(id.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase), $"The nuspec depends on {id}." + nuspecListing);
        }
    }

    private static string ConsumerProject(string version) => $$"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <WarningsAsErrors>$(WarningsAsErrors);CS8784;CS8785</WarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="NetCompiler" Version="{{version}}" />
            <AdditionalFiles Include="model.safetensors" />
            <None Include="model.safetensors" CopyToOutputDirectory="PreserveNewest" />
          </ItemGroup>
        </Project>

        """;

    private static string NuGetConfig(string feed) => $$"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{{System.Security.SecurityElement.Escape(feed)}}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
          </packageSources>
          <!-- NetCompiler only from the local feed, whatever nuget.org may hold under that name. -->
          <packageSourceMapping>
            <packageSource key="local">
              <package pattern="NetCompiler" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>

        """;

    /// <summary>The new user's Program.cs: the textbook SeedNet (float) and a double-precision softmax classifier.</summary>
    private const string ConsumerProgram = """
        // A new user's program: the textbook SeedNet (float) and a double-precision softmax classifier.
        using Consumer.Models;
        using NetCompiler;

        int failures = 0;
        void Check(string name, bool ok, string detail)
        {
            Console.WriteLine($"CHECK {name}: {(ok ? "ok" : "FAILED")} ({detail})");
            if (!ok) failures++;
        }

        // SeedNet: sizes, deterministic initialization, Train.
        Check("seednet-sizes", SeedNet.InputCount == 2 && SeedNet.OutputCount == 1 && SeedNet.ParameterCount == 9,
            $"{SeedNet.InputCount} {SeedNet.OutputCount} {SeedNet.ParameterCount}");
        var seedNet = new SeedNet();
        var other = new SeedNet();
        other.InitializeParameters(1);
        bool seedsDiffer = !seedNet.Parameters.SequenceEqual(other.Parameters);
        other.InitializeParameters(0);
        Check("seednet-init", seedsDiffer && seedNet.Parameters.SequenceEqual(other.Parameters), "seed 0 = new instance, seed 1 differs");

        float[] x = { 0, 0, 0, 1, 1, 0, 1, 1 };
        float[] d = { 0, 1, 1, 0 };
        float before = seedNet.ComputeLoss(x.AsSpan(2, 2), d.AsSpan(1, 1));
        float returned = seedNet.Train(x.AsSpan(2, 2), d.AsSpan(1, 1), 0.5f);
        float after = seedNet.ComputeLoss(x.AsSpan(2, 2), d.AsSpan(1, 1));
        Check("seednet-train-step", Math.Abs(returned - before) <= 1e-6f && after < before, $"loss {before} (Train returned {returned}) -> {after}");

        float MeanLoss()
        {
            float sum = 0;
            for (int i = 0; i < 4; i++) sum += seedNet.ComputeLoss(x.AsSpan(2 * i, 2), d.AsSpan(i, 1));
            return sum / 4;
        }
        float first = MeanLoss();
        for (int epoch = 0; epoch < 100; epoch++)
        {
            for (int i = 0; i < 4; i++) seedNet.Train(x.AsSpan(2 * i, 2), d.AsSpan(i, 1), 0.5f);
        }
        float last = MeanLoss();
        Check("seednet-train-epochs", last < first, $"mean loss {first} -> {last}");
        Check("attributes-not-kept", !typeof(SeedNet).IsDefined(typeof(NetworkAttribute), false), "[Network] is [Conditional]");

        // Classifier: double precision, softmax + cross-entropy, internal sealed in a namespace.
        var net = new Classifier();
        Span<double> parameters = net.Parameters;
        Check("classifier-sizes", Classifier.InputCount == 4 && Classifier.OutputCount == 3 && Classifier.ParameterCount == 43 && parameters.Length == 43,
            $"{Classifier.InputCount} {Classifier.OutputCount} {Classifier.ParameterCount}");
        double[] input = { 0.5, -1.0, 0.25, 2.0 };
        double[] target = { 0, 1, 0 };
        double[] y = new double[3];
        net.Forward(input, y);
        double loss = net.ComputeLoss(input, target);
        Check("classifier-softmax", Math.Abs(y[0] + y[1] + y[2] - 1) < 1e-12 && y[0] > 0 && y[1] > 0 && y[2] > 0, $"y = {y[0]}, {y[1]}, {y[2]}");
        Check("classifier-cross-entropy", Math.Abs(loss + Math.Log(y[1])) < 1e-12, $"loss {loss}, -ln y1 {-Math.Log(y[1])}");

        double[] gradient = new double[Classifier.ParameterCount];
        double gradientLoss = net.Gradient(input, target, gradient);
        double maxError = 0;
        for (int i = 0; i < Classifier.ParameterCount; i++)
        {
            double saved = parameters[i];
            const double h = 1e-6;
            parameters[i] = saved + h;
            double plus = net.ComputeLoss(input, target);
            parameters[i] = saved - h;
            double minus = net.ComputeLoss(input, target);
            parameters[i] = saved;
            maxError = Math.Max(maxError, Math.Abs((plus - minus) / (2 * h) - gradient[i]));
        }
        Check("classifier-gradient", Math.Abs(gradientLoss - loss) < 1e-12 && maxError < 1e-7, $"max |finite difference - Gradient| = {maxError:E2}");

        double[] inputs =
        {
            1, 0, 0, 0,   0, 1, 0, 0,   0, 0, 1, 0,
            1, 0.5, 0, 0,   0, 1, 0.5, 0,   0.5, 0, 1, 0,
        };
        double[] targets =
        {
            1, 0, 0,   0, 1, 0,   0, 0, 1,
            1, 0, 0,   0, 1, 0,   0, 0, 1,
        };
        double firstBatch = net.TrainBatch(inputs, targets, 0.5);
        double lastBatch = firstBatch;
        for (int step = 0; step < 50; step++) lastBatch = net.TrainBatch(inputs, targets, 0.5);
        Check("classifier-train-batch", lastBatch < 0.5 * firstBatch, $"mean loss {firstBatch} -> {lastBatch}");

        bool threw = false;
        try { net.Forward(new double[3], y); } catch (ArgumentException) { threw = true; }
        Check("classifier-span-length", threw, "Forward with 3 inputs throws ArgumentException");

        // Parameter files: a round trip through SaveParameters/LoadParameters, and a network baked at build
        // time from model.safetensors (through the package's build targets) that computes what a trainable
        // network computes after loading the same file.
        using (var file = new MemoryStream())
        {
            net.SaveParameters(file);
            var copy = new Classifier();
            copy.LoadParameters(file.ToArray());
            Check("parameter-file-round-trip", copy.Parameters.SequenceEqual(net.Parameters), $"{file.Length} bytes");
        }

        var twin = new Classifier();
        twin.LoadParameters(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "model.safetensors")));
        double[] baked = new double[3], loaded = new double[3];
        BakedClassifier.Forward(input, baked);
        twin.Forward(input, loaded);
        Check("baked-equals-loaded", baked.SequenceEqual(loaded) && BakedClassifier.Parameters.SequenceEqual(twin.Parameters), $"y = {baked[0]}, {baked[1]}, {baked[2]}");

        // A convolutional network: 1x6x6 image -> 2 filters 3x3 with padding 1 -> 2x2 max pool -> 2 softmax outputs.
        var cnn = new TinyCnn();
        Check("conv-sizes", TinyCnn.InputCount == 36 && TinyCnn.OutputCount == 2 && TinyCnn.ParameterCount == (2 * 9 + 2) + (2 * 8 + 2),
            $"{TinyCnn.InputCount} {TinyCnn.OutputCount} {TinyCnn.ParameterCount}");
        float[] image = new float[36];
        for (int i = 0; i < 36; i++) image[i] = (i % 6 < 3) ? 1f : 0f;
        // Filter 0 all ones, everything else zero but the Dense weight of output 0 on filter 0's first pooled value:
        // conv out[0, 1, 1] = the sum of the image's 3x3 block around (1, 1) = 9 (its columns 0..2 are ones), the largest
        // of the first 3x3 pooling window, so y0 = e^9 / (e^9 + e^0).
        Span<float> cp = cnn.Parameters;
        cp.Clear();
        for (int i = 0; i < 9; i++) cp[i] = 1f;
        cp[20] = 1f;
        float[] pooled = new float[2];
        cnn.Forward(image, pooled);
        double expected0 = Math.Exp(9) / (Math.Exp(9) + 1);
        Check("conv-forward", Math.Abs(pooled[0] - expected0) < 1e-5, $"softmax y0 = {pooled[0]}, expected {expected0}");
        cnn.InitializeParameters(3);
        float[] images = new float[4 * 36], labels = new float[4 * 2];
        for (int r = 0; r < 4; r++)
        {
            for (int i = 0; i < 36; i++) images[r * 36 + i] = ((i % 6 < 3) == (r % 2 == 0)) ? 1f : 0f;
            labels[r * 2 + (r % 2)] = 1f;
        }
        float firstCnn = cnn.TrainBatch(images, labels, 0.1f);
        float lastCnn = firstCnn;
        for (int step = 0; step < 100; step++) lastCnn = cnn.TrainBatch(images, labels, 0.1f);
        Check("conv-train-batch", lastCnn < 0.5f * firstCnn, $"mean loss {firstCnn} -> {lastCnn}");
        using (var file = new MemoryStream())
        {
            cnn.SaveParameters(file);
            var copy = new TinyCnn();
            copy.LoadParameters(file.ToArray());
            Check("conv-file-round-trip", copy.Parameters.SequenceEqual(cnn.Parameters), $"{file.Length} bytes");
        }

        Console.WriteLine(failures == 0 ? "ALL CHECKS PASSED" : $"{failures} CHECK(S) FAILED");
        return failures == 0 ? 0 : 1;

        /// <summary>A small convolutional network.</summary>
        [Network(1, 6, 6, Loss = Loss.CrossEntropy)]
        [Conv2D(2, 3, Activation.ReLU, Padding = 1)]
        [MaxPool2D(3)]
        [Dense(2, Activation.Softmax)]
        public partial class TinyCnn { }

        /// <summary>The textbook network: 2 inputs, 3 sigmoid hidden units, 1 sigmoid output, no biases.</summary>
        [Network(2, Loss = Loss.HalfSquaredError)]
        [Dense(3, Activation.Sigmoid, Bias = false)]
        [Dense(1, Activation.Sigmoid, Bias = false)]
        public partial class SeedNet { }

        namespace Consumer.Models
        {
            /// <summary>4 inputs, 5 tanh hidden units, 3 softmax outputs; cross-entropy; double precision.</summary>
            [Network(4, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
            [Dense(5, Activation.Tanh)]
            [Dense(3, Activation.Softmax)]
            internal sealed partial class Classifier { }

            /// <summary>The same shape, inference only, its parameters compiled in from model.safetensors.</summary>
            [Network(4, Loss = Loss.CrossEntropy, Precision = Precision.Double, BakedParameters = "model.safetensors")]
            [Dense(5, Activation.Tanh)]
            [Dense(3, Activation.Softmax)]
            internal static partial class BakedClassifier { }
        }
        """;
}
