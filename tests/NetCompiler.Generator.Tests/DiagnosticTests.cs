extern alias generator;

using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generator.Tests.Infrastructure;
using NetworkGenerator = generator::NetCompiler.Generator.NetworkGenerator;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// One test per diagnostic: the id, the severity, the exact text the squiggle covers, the message, and
/// that the generator emits nothing for the type, so the user sees that one diagnostic and no follow-on
/// errors from generated code.
/// </summary>
public class DiagnosticTests
{
    private const string Usings = "using System;\nusing NetCompiler;\n";

    /// <summary>
    /// Runs the generator and asserts exactly one NetCompiler diagnostic: <paramref name="id"/> with
    /// <paramref name="severity"/>, located on <paramref name="span"/>, whose message contains each of
    /// <paramref name="message"/>; and no generated source, and no compiler error.
    /// </summary>
    private static void AssertDiagnostic(string source, string id, DiagnosticSeverity severity, string span, params string[] message) =>
        AssertDiagnostic(GeneratorHarness.CreateCompilation(Usings + source), id, severity, span, message);

    private static void AssertDiagnostic(Compilation compilation, string id, DiagnosticSeverity severity, string span, params string[] message) =>
        AssertDiagnostic(compilation, GeneratorHarness.CreateDriver(), id, severity, span, message);

    private static void AssertDiagnostic(Compilation compilation, GeneratorDriver driver, string id, DiagnosticSeverity severity, string span, params string[] message)
    {
        driver = GeneratorHarness.Run(compilation, out Compilation output, driver);
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal("NetCompiler", diagnostic.Descriptor.Category);
        Assert.EndsWith("#" + id.ToLowerInvariant(), diagnostic.Descriptor.HelpLinkUri);
        Assert.Equal(span, LocatedText(compilation, diagnostic.Location));
        string text = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string part in message)
        {
            Assert.Contains(part, text);
        }

        Assert.Empty(GeneratorHarness.GeneratedSources(driver));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// The source text a location covers. Diagnostics travel through the pipeline as plain values, so they
    /// come back as file locations (path, span, line span), which the IDE places exactly like tree locations.
    /// </summary>
    private static string LocatedText(Compilation compilation, Location location)
    {
        Assert.NotEqual(Location.None, location);
        FileLinePositionSpan lines = location.GetLineSpan();
        SyntaxTree tree = Assert.Single(compilation.SyntaxTrees, t => t.FilePath == lines.Path);
        Assert.Equal(tree.GetLineSpan(location.SourceSpan).Span, lines.Span);
        return tree.ToString().Substring(location.SourceSpan.Start, location.SourceSpan.Length);
    }

    [Fact]
    public void NC0001_TypeNotPartial() => AssertDiagnostic("""
        [Network(2)]
        [Dense(1)]
        public class Plain { }
        """, "NC0001", DiagnosticSeverity.Error, "Plain", "'Plain'", "partial");

    [Fact]
    public void NC0002_NoLayers() => AssertDiagnostic("""
        [Network(2)]
        public partial class Empty { }
        """, "NC0002", DiagnosticSeverity.Error, "Network(2)", "'Empty'", "[Dense(units, activation)]");

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void NC0003_InputCountNotPositive(string inputs) => AssertDiagnostic($$"""
        [Network({{inputs}})]
        [Dense(1)]
        public partial class Net { }
        """, "NC0003", DiagnosticSeverity.Error, inputs, $"declares {inputs} inputs", "at least 1");

    [Fact]
    public void NC0004_UnitCountNotPositive() => AssertDiagnostic("""
        [Network(2)]
        [Dense(4, Activation.ReLU)]
        [Dense(0, Activation.Sigmoid)]
        public partial class Net { }
        """, "NC0004", DiagnosticSeverity.Error, "0", "Layer 1", "0 units");

    [Fact]
    public void NC0004_NamedUnitsArgument() => AssertDiagnostic("""
        [Network(2)]
        [Dense(activation: Activation.ReLU, units: -1)]
        public partial class Net { }
        """, "NC0004", DiagnosticSeverity.Error, "units: -1", "Layer 0", "-1 units");

    [Fact]
    public void NC0005_UndefinedActivation() => AssertDiagnostic("""
        [Network(2)]
        [Dense(2, (Activation)99)]
        public partial class Net { }
        """, "NC0005", DiagnosticSeverity.Error, "(Activation)99", "value 99", "Identity, Sigmoid, Tanh, ReLU, LeakyReLU or Softmax");

    [Fact]
    public void NC0006_UndefinedLoss() => AssertDiagnostic("""
        [Network(2, Loss = (Loss)7)]
        [Dense(2)]
        public partial class Net { }
        """, "NC0006", DiagnosticSeverity.Error, "Loss = (Loss)7", "value 7", "HalfSquaredError");

    [Fact]
    public void NC0007_UndefinedPrecision() => AssertDiagnostic("""
        [Network(2, Precision = (Precision)2)]
        [Dense(2)]
        public partial class Net { }
        """, "NC0007", DiagnosticSeverity.Error, "Precision = (Precision)2", "value 2", "Single or Double");

    [Fact]
    public void NC0008_SoftmaxNotLast() => AssertDiagnostic("""
        [Network(2, Loss = Loss.CrossEntropy)]
        [Dense(3, Activation.Softmax)]
        [Dense(2, Activation.Softmax)]
        public partial class Net { }
        """, "NC0008", DiagnosticSeverity.Error, "Activation.Softmax", "Layer 0", "last layer");

    [Fact]
    public void NC0009_CrossEntropyWithoutProbabilities() => AssertDiagnostic("""
        [Network(2, Loss = Loss.CrossEntropy)]
        [Dense(3, Activation.ReLU)]
        [Dense(2, Activation.Tanh)]
        public partial class Net { }
        """, "NC0009", DiagnosticSeverity.Error, "Loss = Loss.CrossEntropy", "uses Tanh", "Softmax", "Sigmoid");

    [Theory]
    [InlineData("[Network(2)] [Dense(1)] public partial class Gen<T> { }", "Gen", "generic")]
    [InlineData("[Network(2)] [Dense(1)] public static partial class Stat { }", "Stat", "static")]
    [InlineData("[Network(2)] [Dense(1)] public partial record Rec { }", "Rec", "a record")]
    [InlineData("public partial class Outer<T> { [Network(2)] [Dense(1)] public partial class Inner { } }", "Inner", "nested in the generic type 'Outer'")]
    [InlineData("file partial class Holder { [Network(2)] [Dense(1)] public partial class Inner { } }", "Inner", "nested in the file-local type 'Holder'")]
    public void NC0010_UnsupportedType(string source, string name, string reason) =>
        AssertDiagnostic(source, "NC0010", DiagnosticSeverity.Error, name, $"'{name}'", reason);

    [Fact]
    public void NC0011_ContainingTypeNotPartial() => AssertDiagnostic("""
        public class Outer
        {
            [Network(2)]
            [Dense(1)]
            public partial class Inner { }
        }
        """, "NC0011", DiagnosticSeverity.Error, "Inner", "'Inner'", "'Outer'", "partial");

    [Fact]
    public void NC0012_LayersSplitAcrossDeclarations() => AssertDiagnostic("""
        [Network(2)]
        [Dense(3, Activation.Tanh)]
        public partial class Split { }

        [Dense(1)]
        public partial class Split { }
        """, "NC0012", DiagnosticSeverity.Error, "Dense(1)", "'Split'", "one declaration");

    [Theory]
    [InlineData("public void Forward(ReadOnlySpan<float> input, Span<float> output) { }", "Forward")]
    [InlineData("public int Parameters => 0;", "Parameters")]
    [InlineData("private readonly float[] __parameters = new float[1];", "__parameters")]
    [InlineData("public const int InputCount = 3;", "InputCount")]
    public void NC0013_MemberNameConflict(string member, string name) => AssertDiagnostic($$"""
        [Network(2)]
        [Dense(1)]
        public partial class Net
        {
            {{member}}
        }
        """, "NC0013", DiagnosticSeverity.Error, name, "'Net'", $"'{name}'", "rename");

    [Fact]
    public void NC0013_InheritedMemberConflict() => AssertDiagnostic("""
        public class Base
        {
            public void Forward(ReadOnlySpan<float> input, Span<float> output) { }
        }

        [Network(2)]
        [Dense(1)]
        public partial class Derived : Base { }
        """, "NC0013", DiagnosticSeverity.Error, "Derived", "'Derived'", "'Forward' (inherited from 'Base'");

    [Fact]
    public void NC0013_OtherOverloadsAreFine()
    {
        GeneratorDriver driver = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Usings + """
            [Network(2)]
            [Dense(1)]
            public partial class Net
            {
                /// <summary>A convenience overload.</summary>
                public float[] Forward(float[] input) { var output = new float[OutputCount]; Forward(input, output); return output; }
            }
            """), out Compilation output);
        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Single(GeneratorHarness.GeneratedSources(driver));
        GeneratorHarness.AssertNoDiagnostics(output);
    }

    [Fact]
    public void NC0014_NetworkTooLarge() => AssertDiagnostic("""
        [Network(100000)]
        [Dense(200, Activation.ReLU)]
        [Dense(1)]
        public partial class Huge { }
        """, "NC0014", DiagnosticSeverity.Error, "200", "'Huge'", "16777216 parameters");

    [Fact]
    public void NC0014_TooManyUnits() => AssertDiagnostic(
        "[Network(4)]\n" + string.Concat(Enumerable.Repeat("[Dense(500)]\n", 32)) + "[Dense(501)]\npublic partial class Wide { }",
        "NC0014", DiagnosticSeverity.Error, "501", "'Wide'", "16384 units");

    [Fact]
    public void NC0014_BakedNetworkTooLarge() => AssertDiagnostic("""
        [Network(784, BakedParameters = "mnist.safetensors")]
        [Dense(1024, Activation.ReLU)]
        [Dense(10, Activation.Softmax)]
        public partial class Mnist { }
        """, "NC0014", DiagnosticSeverity.Error, "BakedParameters = \"mnist.safetensors\"", "'Mnist'", "814090 parameters", "524288", "LoadParameters");

    [Fact]
    public void NC0015_DenseWithoutNetwork() => AssertDiagnostic("""
        [Dense(3)]
        [Dense(1)]
        public partial class Orphan { }
        """, "NC0015", DiagnosticSeverity.Warning, "Dense(3)", "'Orphan'", "[Network(inputs)]");

    [Fact]
    public void NC0016_LanguageVersionTooOld()
    {
        var options = GeneratorHarness.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp7_3);
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { Usings + """
            [Network(2)]
            [Dense(1)]
            public partial class Old { }
            """ }, options);
        GeneratorDriver driver = GeneratorHarness.Run(compilation, out _, GeneratorHarness.CreateDriver(options));
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Equal("NC0016", diagnostic.Id);
        Assert.Contains("C# 8", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(GeneratorHarness.GeneratedSources(driver));
    }

    [Fact]
    public void NC0017_UnrollLimitTooLarge() => AssertDiagnostic("""
        [Network(2, UnrollLimit = 2000)]
        [Dense(1)]
        public partial class Net { }
        """, "NC0017", DiagnosticSeverity.Error, "UnrollLimit = 2000", "2000", "1024");

    private const string BakedNet = """
        [Network(2, BakedParameters = "model.safetensors")]
        [Dense(3, Activation.Tanh)]
        [Dense(1)]
        public partial class Baked { }
        """;

    private static readonly (int, int, bool)[] BakedShape = { (3, 2, true), (1, 3, true) };

    private static void AssertBakedDiagnostic(string id, AdditionalText[] files, params string[] message) =>
        AssertDiagnostic(
            GeneratorHarness.CreateCompilation(Usings + BakedNet),
            GeneratorHarness.CreateDriver(additionalTexts: files),
            id,
            DiagnosticSeverity.Error,
            "BakedParameters = \"model.safetensors\"",
            message);

    [Fact]
    public void NC0018_BakedFileNotAnAdditionalFile() =>
        AssertBakedDiagnostic("NC0018", new AdditionalText[] { InMemoryAdditionalText.Encoded("other.safetensors", SafetensorsBuilder.ForNetwork(BakedShape)) },
            "'Baked' bakes 'model.safetensors'", "<AdditionalFiles Include=\"model.safetensors\" />");

    [Fact]
    public void NC0018_BakedFileNotThroughTheBuildTargets() =>
        AssertBakedDiagnostic("NC0018", new AdditionalText[] { new InMemoryAdditionalText("/project/model.safetensors", "\u0008\u0000garbage") },
            "reached the compiler as text", "NetCompiler.targets");

    [Fact]
    public void NC0018_BakedFileNameIsAmbiguous() =>
        AssertBakedDiagnostic("NC0018", new AdditionalText[]
        {
            InMemoryAdditionalText.Encoded("a/model.safetensors", SafetensorsBuilder.ForNetwork(BakedShape)),
            InMemoryAdditionalText.Encoded("b/model.safetensors", SafetensorsBuilder.ForNetwork(BakedShape)),
        }, "several AdditionalFiles items", "a/model.safetensors, b/model.safetensors");

    [Theory]
    [InlineData("shape", "has shape [3, 3], but the network needs [3, 2]")]
    [InlineData("dtype", "has dtype F16; only F32 and F64 are supported")]
    [InlineData("truncated", "the tensors cover")]
    [InlineData("layers", "unexpected tensor 'layers.2.weight'")]
    [InlineData("torch", "the file has 1 PyTorch layers")]
    [InlineData("json", "invalid JSON header")]
    public void NC0019_BakedFileDoesNotFit(string problem, string message)
    {
        byte[] file = problem switch
        {
            "shape" => SafetensorsBuilder.ForNetwork(new[] { (3, 3, true), (1, 3, true) }),
            "dtype" => SafetensorsBuilder.ForNetwork(BakedShape, dtype: "F16"),
            "truncated" => SafetensorsBuilder.ForNetwork(BakedShape)[..^4],
            "layers" => SafetensorsBuilder.ForNetwork(new[] { (3, 2, true), (1, 3, true), (1, 1, false) }),
            "torch" => SafetensorsBuilder.ForNetwork(new[] { (3, 2, true) }, prefix: string.Empty),
            _ => Corrupt(SafetensorsBuilder.ForNetwork(BakedShape)),
        };
        AssertBakedDiagnostic("NC0019", new AdditionalText[] { InMemoryAdditionalText.Encoded("model.safetensors", file) }, "'Baked' cannot bake 'model.safetensors'", message);

        static byte[] Corrupt(byte[] bytes)
        {
            bytes[8] = (byte)'[';
            return bytes;
        }
    }

    [Fact]
    public void SeveralMistakesAreAllReported()
    {
        GeneratorDriver driver = GeneratorHarness.Run(Usings + """
            [Network(0, Loss = Loss.CrossEntropy)]
            [Dense(0, Activation.Softmax)]
            [Dense(2, Activation.ReLU)]
            public class Net { }
            """);
        IEnumerable<string> ids = GeneratorHarness.GeneratorDiagnostics(driver).Select(d => d.Id).OrderBy(id => id);
        Assert.Equal(new[] { "NC0001", "NC0003", "NC0004", "NC0008", "NC0009" }, ids);
        Assert.Empty(GeneratorHarness.GeneratedSources(driver));
    }

    [Theory]
    [InlineData("[Network]\n[Dense(2)]")]                                   // CS7036: missing argument
    [InlineData("[Network(2, UnrollLimit = 44L)]\n[Dense(2)]")]             // CS0266: long to int
    [InlineData("[Network(2)]\n[Dense(2, Bias = 1)]")]                      // CS0029: int to bool
    [InlineData("[Network(2)]\n[Dense(2, Activation.Tanh,)]")]              // syntax error
    [InlineData("[Network(2, Loss = Loss.Nope)]\n[Dense(2)]")]              // CS0117: no such member
    public void AttributeTheCompilerRejectsIsLeftToTheCompiler(string attributes)
    {
        // The compiler reports these; NetCompiler adds nothing, emits nothing and does not throw.
        GeneratorDriver driver = GeneratorHarness.Run(Usings + attributes + "\npublic partial class Net { }\n");
        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Empty(GeneratorHarness.GeneratedSources(driver));
    }

    [Fact]
    public void NC0003_InputDimensionNotPositive() => AssertDiagnostic("""
        [Network(3, 0, 8)]
        [Conv2D(4, 3)]
        public partial class Net { }
        """, "NC0003", DiagnosticSeverity.Error, "0", "declares 0 height", "at least 1");

    [Fact]
    public void NC0015_ConvolutionWithoutNetwork() => AssertDiagnostic("""
        [Conv2D(4, 3)]
        [MaxPool2D(2)]
        [Dense(1)]
        public partial class Orphan { }
        """, "NC0015", DiagnosticSeverity.Warning, "Conv2D(4, 3)", "'Orphan'", "[Conv2D]", "[Network(channels, height, width)]");

    [Theory]
    [InlineData("[Conv2D(0, 3)]", "0", "filters = 0", "at least 1")]
    [InlineData("[Conv2D(4, -1)]", "-1", "kernelSize = -1", "at least 1")]
    [InlineData("[Conv2D(4, 3, Stride = 0)]", "Stride = 0", "Stride = 0", "at least 1")]
    [InlineData("[Conv2D(4, 3, StrideWidth = -2)]", "StrideWidth = -2", "StrideWidth = -2", "at least 1")]
    [InlineData("[Conv2D(4, 3, Dilation = 0)]", "Dilation = 0", "Dilation = 0", "at least 1")]
    [InlineData("[Conv2D(4, 3, Groups = 0)]", "Groups = 0", "Groups = 0", "at least 1")]
    [InlineData("[Conv2D(4, 3, Padding = -1)]", "Padding = -1", "Padding = -1", "cannot be negative")]
    [InlineData("[Conv2D(4, 3, KernelHeight = 0)]", "KernelHeight = 0", "KernelHeight = 0", "at least 1")]
    [InlineData("[MaxPool2D(0)]", "0", "kernelSize = 0", "at least 1")]
    [InlineData("[AvgPool2D(2, Stride = 0)]", "Stride = 0", "Stride = 0", "at least 1")]
    public void NC0020_LayerArgumentOutOfRange(string layer, string span, string setting, string rule) => AssertDiagnostic($$"""
        [Network(2, 8, 8)]
        {{layer}}
        [Dense(1)]
        public partial class Net { }
        """, "NC0020", DiagnosticSeverity.Error, span, "Layer 0", setting, rule);

    [Theory]
    [InlineData("[Network(1, 4, 4)]\n[Conv2D(2, 5)]", "5", "height", "spans 5", "has 4")]
    [InlineData("[Network(1, 4, 4)]\n[Conv2D(2, 3, Dilation = 2)]", "3", "height", "spans 5", "has 4")]
    [InlineData("[Network(1, 8, 3)]\n[Conv2D(2, 3, KernelWidth = 4, Padding = 0)]", "KernelWidth = 4", "width", "spans 4", "has 3")]
    [InlineData("[Network(2, 3)]\n[Conv1D(2, 4)]", "4", "length", "spans 4", "has 3")]
    [InlineData("[Network(1, 3, 3)]\n[MaxPool2D(4)]", "4", "height", "spans 4", "has 3")]
    public void NC0021_KernelLargerThanInput(string declaration, string span, string axis, string spans, string has) => AssertDiagnostic($$"""
        {{declaration}}
        [Dense(1)]
        public partial class Net { }
        """, "NC0021", DiagnosticSeverity.Error, span, "Layer 0", axis, spans, has);

    [Theory]
    [InlineData("[Conv2D(4, 3, Groups = 4)]", "Groups = 4", "input channels (6)")]
    [InlineData("[Conv2D(5, 3, Groups = 2)]", "Groups = 2", "filters (5)")]
    public void NC0022_GroupsDoNotDivide(string layer, string span, string what) => AssertDiagnostic($$"""
        [Network(6, 8, 8)]
        {{layer}}
        [Dense(1)]
        public partial class Net { }
        """, "NC0022", DiagnosticSeverity.Error, span, "Layer 0", what);

    [Fact]
    public void NC0023_SpatialLayerAfterDense() => AssertDiagnostic("""
        [Network(1, 8, 8)]
        [Dense(16)]
        [Conv2D(4, 3)]
        public partial class Net { }
        """, "NC0023", DiagnosticSeverity.Error, "Conv2D(4, 3)", "Layer 1", "after a Dense layer");

    [Theory]
    [InlineData("[Network(1, 8, 8)]", "[Conv1D(4, 3)]", "Conv1D(4, 3)", "a sequence input", "an image of 1 x 8 x 8")]
    [InlineData("[Network(3, 16)]", "[MaxPool2D(2)]", "MaxPool2D(2)", "an image input", "a sequence of 3 x 16")]
    [InlineData("[Network(64)]", "[Conv2D(4, 3)]", "Conv2D(4, 3)", "an image input", "a flat vector of 64 values")]
    [InlineData("[Network(64)]", "[GlobalAvgPool]", "GlobalAvgPool", "a sequence or an image input", "a flat vector of 64 values")]
    public void NC0024_LayerDoesNotFitTheInput(string network, string layer, string span, string needs, string input) => AssertDiagnostic($$"""
        {{network}}
        {{layer}}
        [Dense(1)]
        public partial class Net { }
        """, "NC0024", DiagnosticSeverity.Error, span, "Layer 0", needs, input);

    [Theory]
    [InlineData("Padding = 1")]
    [InlineData("PaddingHeight = 0")]
    public void NC0025_SameWithPadding(string padding) => AssertDiagnostic($$"""
        [Network(1, 8, 8)]
        [Conv2D(4, 3, Same = true, {{padding}})]
        [Dense(1)]
        public partial class Net { }
        """, "NC0025", DiagnosticSeverity.Error, padding, "Layer 0", "Same = true and " + padding.Split(' ')[0]);

    [Fact]
    public void NC0026_SoftmaxOnConvolution() => AssertDiagnostic("""
        [Network(1, 8)]
        [Conv1D(4, 3, Activation.Softmax)]
        [Dense(1)]
        public partial class Net { }
        """, "NC0026", DiagnosticSeverity.Error, "Activation.Softmax", "Layer 0", "Conv1D", "last Dense layer");

    [Fact]
    public void NC0027_PoolPaddingTooLarge() => AssertDiagnostic("""
        [Network(1, 8, 8)]
        [MaxPool2D(2, Padding = 2)]
        [Dense(1)]
        public partial class Net { }
        """, "NC0027", DiagnosticSeverity.Error, "Padding = 2", "Layer 0", "pads 2", "window of 2", "at most half");

    [Theory]
    [InlineData("[Conv2D(2, 3, Activation.Sigmoid)]", "Conv2D")]
    [InlineData("[Conv2D(2, 3, Activation.Sigmoid)] [MaxPool2D(2)]", "MaxPool2D")]
    public void NC0028_CrossEntropyWithoutDenseOutput(string layers, string last) => AssertDiagnostic($$"""
        [Network(1, 8, 8, Loss = Loss.CrossEntropy)]
        {{layers}}
        public partial class Net { }
        """, "NC0028", DiagnosticSeverity.Error, "Loss = Loss.CrossEntropy", "ends with a " + last + " layer", "Dense(n, Activation.Softmax)");

    [Theory]
    [InlineData("[Network(4)]\n[BatchNorm]\n[Dense(2)]", "BatchNorm", "Layer 0", "at the start of the network")]
    [InlineData("[Network(4)]\n[Dense(3)]\n[BatchNorm]\n[BatchNorm]\n[Dense(2)]", "BatchNorm", "Layer 2", "right after another BatchNorm layer")]
    [InlineData("[Network(4)]\n[Dense(3)]\n[Dropout(0.5)]\n[BatchNorm]\n[Dense(2)]", "BatchNorm", "Layer 2", "after a Dropout layer")]
    [InlineData("[Network(1, 8, 8)]\n[MaxPool2D(2)]\n[BatchNorm]\n[Dense(2)]", "BatchNorm", "Layer 1", "after a MaxPool2D layer")]
    [InlineData("[Network(1, 8, 8)]\n[Conv2D(2, 3)]\n[GlobalAvgPool]\n[BatchNorm]\n[Dense(2)]", "BatchNorm", "Layer 2", "after a GlobalAvgPool layer")]
    public void NC0029_BatchNormMisplaced(string declaration, string span, string layer, string where) => AssertDiagnostic($$"""
        {{declaration}}
        public partial class Net { }
        """, "NC0029", DiagnosticSeverity.Error, span, layer, where, "directly after a [Dense]");

    [Fact]
    public void NC0030_DropoutLast() => AssertDiagnostic("""
        [Network(4)]
        [Dense(3)]
        [Dropout(0.5)]
        public partial class Net { }
        """, "NC0030", DiagnosticSeverity.Error, "Dropout(0.5)", "Layer 1", "at the end of the network");

    [Theory]
    [InlineData("[Dropout(1.0)]", "1.0", "p = 1", "[0, 1)")]
    [InlineData("[Dropout(-0.1)]", "-0.1", "p = -0.1", "[0, 1)")]
    [InlineData("[BatchNorm(Epsilon = 0)]", "Epsilon = 0", "Epsilon = 0", "positive and finite")]
    [InlineData("[BatchNorm(Epsilon = double.PositiveInfinity)]", "Epsilon = double.PositiveInfinity", "Epsilon = Infinity", "positive and finite")]
    [InlineData("[BatchNorm(Momentum = 1.5)]", "Momentum = 1.5", "Momentum = 1.5", "[0, 1]")]
    [InlineData("[BatchNorm(Momentum = double.NaN)]", "Momentum = double.NaN", "Momentum = NaN", "[0, 1]")]
    public void NC0020_NormalizationArgumentOutOfRange(string layer, string span, string setting, string rule) => AssertDiagnostic($$"""
        [Network(4)]
        [Dense(3)]
        {{layer}}
        [Dense(2)]
        public partial class Net { }
        """, "NC0020", DiagnosticSeverity.Error, span, "Layer 1", setting, rule);

    [Fact]
    public void NC0014_ConvolutionWorkingMemoryTooLarge() => AssertDiagnostic("""
        [Network(16, 64, 64)]
        [Conv2D(64, 3, Activation.ReLU, Padding = 1)]
        [GlobalAvgPool]
        [Dense(2)]
        public partial class Net { }
        """, "NC0014", DiagnosticSeverity.Error, "Network(16, 64, 64)", "'Net'", "bytes of stack");

    [Fact]
    public void NC0014_SpatialLayerOutputTooLarge() => AssertDiagnostic("""
        [Network(1, 4096, 4096)]
        [MaxPool2D(1)]
        [Dense(1)]
        public partial class Net { }
        """, "NC0014", DiagnosticSeverity.Error, "Network(1, 4096, 4096)", "input has 16777216 values");

    [Fact]
    public void EveryDescriptorIsTestedAndTracked()
    {
        var ids = typeof(NetworkGenerator).Assembly
            .GetType("NetCompiler.Generator.Diagnostics.DiagnosticDescriptors")!
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .OrderBy(id => id)
            .ToList();
        Assert.Equal(ids.Distinct(), ids);

        var tested = typeof(DiagnosticTests).GetMethods().Select(m => m.Name.Split('_')[0]).Where(n => n.StartsWith("NC")).Distinct().OrderBy(n => n);
        Assert.Equal(ids, tested);

        string unshipped = System.IO.File.ReadAllText(System.IO.Path.Combine(ExternalProcess.RepositoryRoot(), "src", "NetCompiler.Generator", "AnalyzerReleases.Unshipped.md"));
        string readme = System.IO.File.ReadAllText(System.IO.Path.Combine(ExternalProcess.RepositoryRoot(), "README.md"));
        foreach (string id in ids)
        {
            Assert.Contains(id + " |", unshipped);
            Assert.Contains($"<a id=\"{id.ToLowerInvariant()}\"></a>", readme);
        }
    }
}
