using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
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

        [Network(2, 8, 8, Loss = Loss.CrossEntropy)]
        [Conv2D(4, 3, Activation.ReLU, Padding = 1)]
        [MaxPool2D(2)]
        [Conv2D(2, 2)]
        [Dense(3, Activation.Softmax)]
        public partial class Third { }
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

    /// <summary>The generator's own tracked steps (TrackingNames), not Roslyn's internal ones.</summary>
    private static readonly string[] Steps = { "Parse", "Diagnostics", "Networks", "OrphanLayers", "AnyNetwork", "AnyCode" };

    private static void AssertNothingReemitted(GeneratorDriver driver)
    {
        IReadOnlyDictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> tracked = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (string step in Steps.Where(tracked.ContainsKey))
        {
            Assert.All(Reasons(driver, step), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }

        Assert.All(OutputReasons(driver), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void StepOutputsHoldNoSymbolsSyntaxOrCompilations()
    {
        // Models must be plain values: a symbol, a syntax node or a compilation in a step output roots
        // a whole compilation in memory and defeats caching.
        GeneratorDriver driver = GeneratorHarness.Run(Networks + """

            namespace Bad
            {
                [NetCompiler.Network(0)]
                [NetCompiler.Dense(2)]
                public partial class Broken { }

                [NetCompiler.Dense(2)]
                public partial class Orphan { }
            }
            """);
        IReadOnlyDictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> tracked = driver.GetRunResult().Results.Single().TrackedSteps;
        int values = 0;
        foreach (string step in Steps)
        {
            Assert.True(tracked.ContainsKey(step), $"step {step} was not tracked");
            foreach (IncrementalGeneratorRunStep run in tracked[step])
            {
                foreach ((object value, IncrementalStepRunReason _) in run.Outputs)
                {
                    AssertPlainValue(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
                    values++;
                }
            }
        }

        Assert.True(values >= 5, $"only {values} step outputs inspected");
    }

    private static void AssertPlainValue(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !seen.Add(value))
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or SyntaxTree or Compilation or SemanticModel or Location,
            $"{path} holds a {value.GetType().Name}");
        if (value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(ImmutableArray<>)
            && (bool)value.GetType().GetProperty("IsDefault")!.GetValue(value)!)
        {
            return;
        }

        if (value is DiagnosticDescriptor || value is Microsoft.CodeAnalysis.Text.TextSpan || value is Microsoft.CodeAnalysis.Text.LinePositionSpan)
        {
            return;
        }

        if (value is System.Collections.IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items)
            {
                AssertPlainValue(item, $"{path}[{i++}]", seen);
            }
        }

        for (Type? type = value.GetType(); type is not null; type = type.BaseType)
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertPlainValue(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
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

    private static string Second(GeneratorDriver driver) =>
        GeneratorHarness.GeneratedSources(driver).Single(s => s.Key.StartsWith("App.Second.", StringComparison.Ordinal)).Value;

    [Fact]
    public void ChangingOneLayerReemitsOnlyThatNetwork()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun();
        string before = Second(driver);
        compilation = Replace(compilation, Networks.Replace("[Dense(8, Activation.ReLU)]", "[Dense(9, Activation.ReLU)]"));
        driver = GeneratorHarness.Run(compilation, out _, driver);

        IncrementalStepRunReason[] networks = Reasons(driver, "Networks");
        Assert.Equal(1, networks.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, networks.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.NotEqual(before, Second(driver));
        Assert.Contains("Dense 4 -> 9", Second(driver));
    }

    private static string Third(GeneratorDriver driver) =>
        GeneratorHarness.GeneratedSources(driver).Single(s => s.Key.StartsWith("App.Third.", StringComparison.Ordinal)).Value;

    [Fact]
    public void ChangingAConvolutionReemitsOnlyThatNetwork()
    {
        (GeneratorDriver driver, Compilation compilation) = FirstRun();
        string before = Third(driver);
        compilation = Replace(compilation, Networks.Replace("[Conv2D(4, 3, Activation.ReLU, Padding = 1)]", "[Conv2D(4, 3, Activation.ReLU, Padding = 1, Stride = 2)]"));
        driver = GeneratorHarness.Run(compilation, out _, driver);

        IncrementalStepRunReason[] networks = Reasons(driver, "Networks");
        Assert.Equal(1, networks.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(2, networks.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.NotEqual(before, Third(driver));
        Assert.Contains("kernel 3x3, stride 2x2, padding 1", Third(driver));
    }
}
