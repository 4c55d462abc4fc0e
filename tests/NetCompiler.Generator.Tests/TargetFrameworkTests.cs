using System.Collections.Generic;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generator.Tests.Infrastructure;
using Xunit;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The generated code against .NET 8, the oldest runtime NetCompiler supports: its reference assemblies, C# 12 and the
/// preprocessor symbols the SDK defines for net8.0, so that the paths for older runtimes (no
/// <c>NET9_0_OR_GREATER</c>: multiply and add instead of <c>Vector.FusedMultiplyAdd</c>) compile, and no API newer than
/// .NET 8 slips into the generated code or VectorMath.
/// </summary>
public sealed class TargetFrameworkTests
{
    [Fact]
    public void GeneratedCodeCompilesForNet8WithCSharp12()
    {
        // Every kind of emitted code: lane-per-sample TrainBatch (float, small; squared error and cross-entropy),
        // unrolled and looped layers, softmax, every activation, double precision, convolutions and pooling of every kind.
        const string source = """
            using NetCompiler;

            namespace Net8;

            [Network(2)]
            [Dense(3, Activation.Sigmoid, Bias = false)]
            [Dense(1, Activation.Sigmoid, Bias = false)]
            public partial class Xor { }

            [Network(4, Loss = Loss.CrossEntropy)]
            [Dense(16, Activation.Tanh)]
            [Dense(3, Activation.Softmax)]
            public partial class Iris { }

            [Network(3, Loss = Loss.CrossEntropy)]
            [Dense(5, Activation.LeakyReLU)]
            [Dense(2, Activation.Sigmoid)]
            public partial class Binary { }

            [Network(64, Loss = Loss.CrossEntropy)]
            [Dense(32, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public partial class Digits { }

            [Network(20, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
            [Dense(24, Activation.Tanh)]
            [Dense(3, Activation.Identity)]
            public partial class Precise { }

            [Network(1, 8, 8, Loss = Loss.CrossEntropy)]
            [Conv2D(8, 3, Activation.ReLU, Padding = 1)]
            [MaxPool2D(2, Padding = 1)]
            [Conv2D(8, 3, Activation.Tanh, Groups = 8, Stride = 2, Same = true)]
            [AvgPool2D(2)]
            [Dense(10, Activation.Softmax)]
            public partial class Cnn { }

            [Network(3, 32, Precision = Precision.Double)]
            [Conv1D(4, 5, Activation.Sigmoid, Dilation = 2)]
            [MaxPool1D(3, Stride = 2)]
            [GlobalAvgPool]
            public partial class Sequence { }
            """;

        string[] symbols = { "NET", "NET8_0", "NETCOREAPP", "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER", "RELEASE" };
        CSharpParseOptions options = GeneratorHarness.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp12).WithPreprocessorSymbols(symbols);
        IEnumerable<MetadataReference> references = Net80.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NetCompiler.NetworkAttribute).Assembly.Location));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { source }, options, references);

        GeneratorDriver driver = GeneratorHarness.Run(compilation, out Compilation output, GeneratorHarness.CreateDriver(options));

        Assert.Empty(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Contains(GeneratorHarness.GeneratedSources(driver).Values, text => text.Contains("__LaneGroup(ref float lanes"));
        GeneratorHarness.AssertNoDiagnostics(output);
    }

    [Fact]
    public void NC0016_WithoutTheVectorApisOfNet7()
    {
        // .NET 8 without the assemblies that define System.Numerics.Vector: what a .NET 6 project looks like to the
        // generator (no Vector.ShiftLeft). NetCompiler says so instead of emitting code that does not compile.
        IEnumerable<MetadataReference> references = Net80.References.All
            .Where(r => r.FilePath is not { } path || !(path.Contains("System.Numerics.Vectors") || path.Contains("System.Runtime.Intrinsics")))
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(NetCompiler.NetworkAttribute).Assembly.Location));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { """
            using NetCompiler;

            [Network(2)]
            [Dense(1)]
            public partial class OldFramework { }
            """ }, GeneratorHarness.ParseOptions, references);
        Assert.Null(compilation.GetTypeByMetadataName("System.Numerics.Vector"));

        GeneratorDriver driver = GeneratorHarness.Run(compilation, out _);

        Diagnostic diagnostic = Assert.Single(GeneratorHarness.GeneratorDiagnostics(driver));
        Assert.Equal("NC0016", diagnostic.Id);
        Assert.Contains(".NET 8 or later", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(GeneratorHarness.GeneratedSources(driver));
    }
}
