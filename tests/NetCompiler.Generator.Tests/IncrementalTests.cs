using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The generator runs on every keystroke: an edit that does not change a declaration must not re-emit
/// anything, and changing one network must re-emit only that network.
/// </summary>
public class IncrementalTests
{
    private const string Networks = """
        using NetCompiler;

        namespace App;

        [Network(2)]
        [Dense(3, Activation.Sigmoid)]
        [Dense(1, Activation.Sigmoid)]
        public partial class First
        {
            public int Helper() => 1;
        }

        [Network(4, Loss = Loss.CrossEntropy)]
        [Dense(8, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class Second { }
        """;

    private static (GeneratorDriver Driver, Compilation Compilation) FirstRun()
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(Networks);
        GeneratorDriver driver = GeneratorHarness.Run(compilation, out _);
        return (driver, compilation);
    }

    private static Compilation Replace(Compilation compilation, string newText)
    {
        SyntaxTree old = compilation.SyntaxTrees.First();
        return compilation.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newText)));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step]
            .SelectMany(s => s.Outputs)
            .Select(o => o.Reason)
            .ToArray();

    private static IncrementalStepRunReason[] OutputReasons(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedOutputSteps
            .SelectMany(s => s.Value)
            .SelectMany(s => s.Outputs)
            .Select(o => o.Reason)
            .ToArray();

    private static void AssertNothingReemitted(GeneratorDriver driver)
    {
        Assert.All(Reasons(driver, "Networks"), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void AddingAnUnrelatedFileReemitsNothing()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun();
        compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; public class Unrelated { }", GeneratorHarness.ParseOptions));
        driver = GeneratorHarness.Run(compilation, out _, driver);
        AssertNothingReemitted(driver);
    }

    [Fact]
    public void EditingAMethodBodyOrACommentInTheNetworkClassReemitsNothing()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun();
        compilation = Replace(compilation, Networks
            .Replace("public int Helper() => 1;", "public int Helper() => 2 + 3; // edited")
            .Replace("namespace App;", "// A comment above everything.\nnamespace App;"));
        driver = GeneratorHarness.Run(compilation, out _, driver);
        AssertNothingReemitted(driver);
    }

    [Fact]
    public void ChangingOneLayerReemitsOnlyThatNetwork()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun();
        string before = GeneratorHarness.GeneratedSources(driver)["App.Second.g.cs"];
        compilation = Replace(compilation, Networks.Replace("[Dense(8, Activation.ReLU)]", "[Dense(9, Activation.ReLU)]"));
        driver = GeneratorHarness.Run(compilation, out _, driver);

        IncrementalStepRunReason[] networks = Reasons(driver, "Networks");
        Assert.Equal(1, networks.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, networks.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.NotEqual(before, GeneratorHarness.GeneratedSources(driver)["App.Second.g.cs"]);
        Assert.Contains("Dense 4 -> 9", GeneratorHarness.GeneratedSources(driver)["App.Second.g.cs"]);
    }
}
