using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Baked networks: [Network(..., BakedParameters = "file")] with the file as an AdditionalFiles item
/// (as NetCompiler's build targets hand it to the generator). The end-to-end path through MSBuild is in
/// tests/NetCompiler.Tests (BakedNetworkTests).
/// </summary>
public class BakedTests
{
    private static readonly (int Units, int Inputs, bool Bias)[] Shape = { (3, 2, true), (2, 3, false) };

    private const string Declarations = """
        using System;
        using NetCompiler;

        namespace Baking;

        [Network(2, BakedParameters = "model.safetensors")]
        [Dense(3, Activation.Tanh)]
        [Dense(2, Activation.Softmax, Bias = false)]
        public static partial class Baked { }

        [Network(2, BakedParameters = "Models/model.safetensors", UnrollLimit = 0)]
        [Dense(3, Activation.Tanh)]
        [Dense(2, Activation.Softmax, Bias = false)]
        public partial class BakedLooped { }

        [Network(2)]
        [Dense(3, Activation.Tanh)]
        [Dense(2, Activation.Softmax, Bias = false)]
        public partial class Trainable { }

        #pragma warning disable CS1591 // test driver
        public static class Check
        {
            public static float[] Baked(float[] x) { var y = new float[2]; Baking.Baked.Forward(x, y); return y; }
            public static float[] BakedLooped(float[] x) { var y = new float[2]; Baking.BakedLooped.ForwardBatch(x, y); return y; }
            public static float[] Trainable(float[] parameters, float[] x) { var net = new Trainable(); parameters.AsSpan().CopyTo(net.Parameters); var y = new float[2]; net.Forward(x, y); return y; }
            public static float[] Parameters() => Baking.Baked.Parameters.ToArray();
        }
        """;

    private static GeneratorDriver Run(string source, out Compilation output, params AdditionalText[] files) =>
        GeneratorHarness.Run(GeneratorHarness.CreateCompilation(source), out output, GeneratorHarness.CreateDriver(additionalTexts: files));

    [Fact]
    public void TheFileBytesAreNotValidUtf8()
    {
        // The point of the encoding step: such bytes do not survive being read as text.
        byte[] file = SafetensorsBuilder.ForNetwork(Shape);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(file));
    }

    [Fact]
    public void BakedNetworksComputeWhatTheTrainableNetworkComputesWithTheSameParameters()
    {
        byte[] file = SafetensorsBuilder.ForNetwork(Shape);
        GeneratorDriver driver = Run(Declarations, out Compilation output,
            InMemoryAdditionalText.Encoded("model.safetensors", file),
            InMemoryAdditionalText.Encoded("Models/model.safetensors", file));
        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        GeneratorHarness.AssertNoDiagnostics(output);

        using var stream = new MemoryStream();
        Assert.True(output.Emit(stream).Success);
        Type check = Assembly.Load(stream.ToArray()).GetType("Baking.Check")!;
        float[] Call(string method, params object[] arguments) => (float[])check.GetMethod(method)!.Invoke(null, arguments)!;

        float[] expected = SafetensorsBuilder.ValuesFor(Shape).Select(v => (float)v).ToArray();
        Assert.Equal(expected, Call("Parameters"));
        foreach (float[] x in new[] { new[] { 0.5f, -1f }, new[] { 2f, 0.25f }, new[] { 0f, 0f } })
        {
            float[] trained = Call("Trainable", expected, x);
            Assert.Equal(trained, Call("Baked", x));
            Assert.Equal(trained, Call("BakedLooped", x));
        }
    }

    [Fact]
    public void BakedNetworkSource() =>
        Snapshot.Verify(
            Run(Declarations, out _, InMemoryAdditionalText.Encoded("model.safetensors", SafetensorsBuilder.ForNetwork(Shape)), InMemoryAdditionalText.Encoded("Models/model.safetensors", SafetensorsBuilder.ForNetwork(Shape))),
            new SnapshotSettings().UseDirectory("Snapshots").IgnoreGeneratedResult(r => !r.HintName.StartsWith("Baking.Baked", StringComparison.Ordinal)));

    [Fact]
    public void PyTorchSequentialFileAndDoublePrecisionBake()
    {
        // nn.Sequential(Linear(2, 3), Tanh(), Linear(3, 2, bias=False)): keys 0.weight, 0.bias, 2.weight, stored as F64.
        byte[] file = SafetensorsBuilder.ForNetwork(Shape, dtype: "F64", prefix: string.Empty, indexStep: 2);
        GeneratorDriver driver = Run("""
            using NetCompiler;
            [Network(2, BakedParameters = "torch.safetensors", Precision = Precision.Double)]
            [Dense(3, Activation.Tanh)]
            [Dense(2, Activation.Softmax, Bias = false)]
            public partial class FromTorch { }
            """, out Compilation output, InMemoryAdditionalText.Encoded("weights/torch.safetensors", file));
        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        GeneratorHarness.AssertNoDiagnostics(output);
        string source = GeneratorHarness.GeneratedSources(driver).Values.Single();
        Assert.Contains("public static global::System.ReadOnlySpan<double> Parameters", source);
        Assert.Contains("0.01d, -0.02d, 0.03d", source);
    }

    [Fact]
    public void EditingAnUnrelatedFileOrMovingTheDeclarationDoesNotRereadTheFile()
    {
        byte[] file = SafetensorsBuilder.ForNetwork(Shape);
        AdditionalText[] files = { InMemoryAdditionalText.Encoded("model.safetensors", file), InMemoryAdditionalText.Encoded("Models/model.safetensors", file) };
        Compilation compilation = GeneratorHarness.CreateCompilation(Declarations);
        GeneratorDriver driver = GeneratorHarness.Run(compilation, out _, GeneratorHarness.CreateDriver(additionalTexts: files));
        compilation = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions));
        driver = GeneratorHarness.Run(compilation, out _, driver);
        AssertNotReread(driver);

        // Lines added above the declarations move them (and the attribute's location), but the file is not read again.
        SyntaxTree tree = compilation.SyntaxTrees.First();
        compilation = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// A comment.\n// Another.\n" + tree)));
        driver = GeneratorHarness.Run(compilation, out _, driver);
        AssertNotReread(driver);

        // Cached, not merely Unchanged: the step did not run at all, so the file was not decoded again.
        static void AssertNotReread(GeneratorDriver driver) => Assert.All(
            driver.GetRunResult().Results.Single().TrackedSteps["Baked"].SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }
}
