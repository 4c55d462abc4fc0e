using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.GlobalAvgPool;

/// <summary>How <c>[GlobalAvgPool]</c> is emitted: each channel's mean, a vector sum over its contiguous positions; the backward pass spreads each channel's gradient evenly.</summary>
internal sealed class GlobalAvgPoolEmitter : SpatialLayer
{
    private readonly GlobalAvgPoolSpec _spec;

    public GlobalAvgPoolEmitter(GlobalAvgPoolSpec spec, int index, TensorShape input)
        : base(index, input, spec.OutputShape(input), 0)
    {
        _spec = spec;
    }

    public override LayerSpec Spec => _spec;

    public override string Describe() => "GlobalAvgPool";

    public override string ForwardCall(LayerBuffers b) => $"{Method}({b.Input}, {b.Output});";

    public override string BackwardCall(LayerBuffers b, bool inputGradient) => $"{Method}Backward({b.OutputGradient}, {b.InputGradient});";

    public override void WriteForward(SourceWriter w, CodeContext c)
    {
        int n = Input.Positions;
        w.Line($"/// <summary>Layer {Index}, GlobalAvgPool {Input.Describe()} -> {Output.Describe()}: out[c] = (1/{n}) * sum of the channel's {n} values.</summary>");
        w.Line($"/// <param name=\"input\">The layer's input, {Input.Describe()} values (CHW).</param>");
        w.Line($"/// <param name=\"output\">Receives the {Output.Channels} means.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}({ReadOnlySpan(c)} input, {Span(c)} output)");
        w.Line($"// out[c] = (1/{n}) * sum_p in[c, p]: Vector<T>.Count values at a time, then the rest one by one.");
        w.Open($"for (int c = 0; c < {Int(Input.Channels)}; c++)");
        w.Line($"ref {c.T} values = ref {CodeContext.Unsafe}.Add(ref {c.Reference("input")}, {Times(n, "c")});");
        w.Line($"{c.Vector} sums = {c.Vector}.Zero;");
        w.Line($"{c.T} sum = {c.Lit(0)};");
        WriteElementLoop(w, c, n, new[] { $"sums += {VM}.Load(ref values, j);" }, new[] { $"sum += {U}.Add(ref values, j);" });
        w.Line($"output[c] = (sum + global::System.Numerics.Vector.Sum(sums)) / {c.Lit(n)};");
        w.Close();
        w.Close();
        w.Line();
    }

    public override void WriteBackward(SourceWriter w, CodeContext c, bool inputGradient)
    {
        int n = Input.Positions;
        w.Line($"/// <summary>Layer {Index}, GlobalAvgPool: dE/din[c, p] = dE/dout[c] / {n}.</summary>");
        w.Line("/// <param name=\"outputGradient\">dE/dout.</param>");
        w.Line($"/// <param name=\"inputGradient\">Receives dE/din, {Input.Describe()} values.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}Backward({ReadOnlySpan(c)} outputGradient, {Span(c)} inputGradient)");
        w.Line($"// dE/din[c, p] = (1/{n}) * dE/dout[c] for each of the channel's {n} positions.");
        w.Open($"for (int c = 0; c < {Int(Input.Channels)}; c++)");
        w.Line($"inputGradient.Slice({Times(n, "c")}, {Int(n)}).Fill(outputGradient[c] / {c.Lit(n)});");
        w.Close();
        w.Close();
        w.Line();
    }
}
