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

        WriteSizeConstants(w, plan);

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

        WriteForwardMembers(w, plan, isStatic: true);

        WriteScratchTypes(w, plan, trainable: false);
        w.Line("/// <summary>The forward pass (lengths already checked); unrolled layers have their weights as constants.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
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

    private static void WriteValues(SourceWriter w, CodeContext plan, double[] values, int start, int count)
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
