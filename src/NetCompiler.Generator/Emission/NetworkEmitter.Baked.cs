using System.Text;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>Values per line of the compiled-in parameter table.</summary>
    private const int ValuesPerLine = 8;

    /// <summary>
    /// A baked network: inference only, everything static. The parameters are read-only static data
    /// (<c>ReadOnlySpan&lt;T&gt;</c> over a constant array: no heap on .NET 7 or later), and unrolled layers
    /// use the values themselves as constants in the code.
    /// </summary>
    private static void WriteBakedMembers(SourceWriter w, NetworkPlan plan)
    {
        string t = plan.T;
        double[] values = plan.Baked!;

        w.Line($"/// <summary>Inputs per sample: the length of <c>input</c> in <see cref=\"{ForwardCref(plan)}\"/>.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int InputCount = {plan.InputCount};");
        w.Line();
        w.Line("/// <summary>Outputs per sample: the size of the last layer.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int OutputCount = {plan.OutputCount};");
        w.Line();
        w.Line("/// <summary>Weights and biases compiled in (see <see cref=\"Parameters\"/>).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int ParameterCount = {plan.ParameterCount};");
        w.Line();
        w.Line($"/// <summary>Bytes of <see cref=\"Parameters\"/>: ParameterCount * sizeof({t}), read-only data in the assembly.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int ParameterBytes = {Literals.Int((long)plan.ParameterCount * plan.ScalarBytes)};");
        w.Line();
        w.Line("/// <summary>Stack memory (<c>stackalloc</c>) that Forward and ForwardBatch use for the values of looped layers; 0 when every layer is unrolled.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int ForwardScratchBytes = {Literals.Int(plan.ScratchBytes(backward: false))};");
        w.Line();

        w.Line("/// <summary>");
        w.Line($"/// The parameters baked in from <c>{Escape(plan.Spec.BakedParameters!)}</c> at build time, in the layout of a trainable network's");
        w.Line("/// Parameters: layer by layer, the weight matrix [units, inputs] row-major, then the layer's biases. Read-only");
        w.Line("/// static data: no heap allocation on .NET 7 or later.");
        w.Line("/// </summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"public static global::System.ReadOnlySpan<{t}> Parameters => new {t}[]");
        foreach (LayerPlan layer in plan.Layers)
        {
            w.Line($"// Layer {layer.Index}: weights [{layer.Units}, {layer.Inputs}] at {layer.WeightOffset}{(layer.Bias ? $", biases [{layer.Units}] at {layer.BiasOffset}" : string.Empty)}");
            WriteValues(w, plan, values, layer.WeightOffset, layer.ParameterCount);
        }

        w.Close(";");
        w.Line();

        w.Line("/// <summary>Computes the outputs y = o of the last layer for one sample, with the compiled-in parameters. Writes only");
        w.Line("/// <paramref name=\"output\"/>; safe to call from several threads at once.</summary>");
        w.Line("/// <param name=\"input\">The sample: <see cref=\"InputCount\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives <see cref=\"OutputCount\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"public static void Forward(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        WriteLengthCheck(w, "input", "InputCount");
        WriteLengthCheck(w, "output", "OutputCount");
        w.Line("__Forward(input, output);");
        w.Close();
        w.Line();

        w.Line($"/// <summary>Computes the outputs of k samples, row after row: as <see cref=\"{ForwardCref(plan)}\"/> on each row.</summary>");
        w.Line("/// <param name=\"inputs\">k rows of <see cref=\"InputCount\"/> values (k at least 1).</param>");
        w.Line("/// <param name=\"outputs\">Receives k rows of <see cref=\"OutputCount\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"public static void ForwardBatch(global::System.ReadOnlySpan<{t}> inputs, global::System.Span<{t}> outputs)");
        WriteBatchCheck(w, "outputs");
        w.Open("for (int row = 0; row < count; row++)");
        w.Line("__Forward(inputs.Slice(row * InputCount, InputCount), outputs.Slice(row * OutputCount, OutputCount));");
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <summary>The forward pass (lengths already checked); unrolled layers have their weights as constants.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"private static void __Forward(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        if (!plan.AllUnrolled)
        {
            w.Line($"global::System.ReadOnlySpan<{t}> p = Parameters;");
        }

        WriteScratch(w, plan, backward: false);
        WriteForwardPass(w, plan);
        WriteOutputs(w, plan);
        w.Close();
    }

    private static void WriteValues(SourceWriter w, NetworkPlan plan, double[] values, int start, int count)
    {
        var line = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            line.Append(plan.Lit(values[start + i])).Append(',');
            if ((i + 1) % ValuesPerLine == 0 || i == count - 1)
            {
                w.Line(line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(' ');
            }
        }
    }

    /// <summary>Escapes a path for an XML doc comment.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\n", " ").Replace("\r", " ");
}
