using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Pool;

/// <summary>
/// How a max or average pooling layer is emitted: each output is the maximum or the mean of its window, windows read
/// straight from the input (a window without padding is written out tap by tap with constant offsets; with padding,
/// positions outside the input are skipped). The backward pass sends each output's gradient to its window's first
/// maximum in scan order (row by row, left to right), or spreads it evenly over the window (padded positions count in
/// the mean and take their share, which is dropped).
/// </summary>
internal sealed class PoolEmitter : SpatialLayer
{
    /// <summary>Windows of at most this many positions are written out tap by tap; larger ones are loops.</summary>
    private const int UnrolledWindow = 16;

    private readonly PoolSpec _spec;

    public PoolEmitter(PoolSpec spec, int index, TensorShape input)
        : base(index, input, spec.OutputShape(input), 0)
    {
        _spec = spec;
    }

    public override LayerSpec Spec => _spec;

    private bool Max => _spec.Operation == PoolOperation.Max;

    private bool Is1D => _spec.Rank == 1;

    private bool Padded => _spec.PadHeight > 0 || _spec.PadWidth > 0;

    private int Window => _spec.KernelHeight * _spec.KernelWidth;

    public override string Describe()
    {
        string size = Is1D ? $"{_spec.KernelWidth}" : $"{_spec.KernelHeight}x{_spec.KernelWidth}";
        var parts = new List<string> { $"{_spec.KindName} {size}" };
        if (_spec.StrideHeight != _spec.KernelHeight || _spec.StrideWidth != _spec.KernelWidth)
        {
            parts.Add(Is1D ? $"stride {_spec.StrideWidth}" : $"stride {_spec.StrideHeight}x{_spec.StrideWidth}");
        }

        if (Padded)
        {
            parts.Add(Is1D ? $"padding {_spec.PadWidth}" : $"padding {_spec.PadHeight}x{_spec.PadWidth}");
        }

        return string.Join(", ", parts);
    }

    private string Formula
    {
        get
        {
            string window = Is1D
                ? $"in[c, {Start("x", _spec.StrideWidth, _spec.PadWidth)} + j], j < {_spec.KernelWidth}"
                : $"in[c, {Start("y", _spec.StrideHeight, _spec.PadHeight)} + i, {Start("x", _spec.StrideWidth, _spec.PadWidth)} + j], i < {_spec.KernelHeight}, j < {_spec.KernelWidth}";
            return (Is1D ? "out[c, x]" : "out[c, y, x]") + (Max ? $" = max of {window}" : $" = (1/{Window}) * sum of {window}")
                + (Padded ? (Max ? " (positions outside the input skipped)" : " (positions outside the input are zeros)") : string.Empty);
        }
    }

    private static string Start(string output, int stride, int pad)
    {
        string s = stride == 1 ? output : $"{output}*{stride}";
        return pad == 0 ? s : $"{s} - {pad}";
    }

    public override string ForwardCall(LayerBuffers b) => $"{Method}({b.Input}, {b.Output});";

    public override string BackwardCall(LayerBuffers b, bool inputGradient) => $"{Method}Backward({b.Input}, {b.OutputGradient}, {b.InputGradient});";

    public override void WriteForward(SourceWriter w, CodeContext c)
    {
        w.Line($"/// <summary>Layer {Index}, {_spec.KindName} {Input.Describe()} -> {Output.Describe()}: {XmlText(Formula)}.</summary>");
        w.Line($"/// <param name=\"input\">The layer's input, {Input.Describe()} values (CHW).</param>");
        w.Line($"/// <param name=\"output\">Receives the layer's output, {Output.Describe()} values.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}({ReadOnlySpan(c)} input, {Span(c)} output)");
        w.Line($"// {Formula}.");
        w.Line($"ref {c.T} source = ref {c.Reference("input")};");
        w.Line($"ref {c.T} target = ref {c.Reference("output")};");
        ForEachOutput(w, () =>
        {
            if (!Padded && Window <= UnrolledWindow)
            {
                WriteUnrolledWindow(w, c, backward: false);
            }
            else
            {
                WriteWindowLoops(w, c, backward: false);
            }
        });
        w.Close();
        w.Line();
    }

    public override void WriteBackward(SourceWriter w, CodeContext c, bool inputGradient)
    {
        w.Line($"/// <summary>Layer {Index}, {_spec.KindName}: dE/din from dE/dout ({(Max ? "each output's gradient to its window's first maximum in scan order" : $"each output's gradient spread over its window, 1/{Window} to each position")}).</summary>");
        w.Line("/// <param name=\"input\">The layer's input (the forward pass's).</param>");
        w.Line("/// <param name=\"outputGradient\">dE/dout.</param>");
        w.Line($"/// <param name=\"inputGradient\">Receives dE/din, {Input.Describe()} values.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}Backward({ReadOnlySpan(c)} input, {ReadOnlySpan(c)} outputGradient, {Span(c)} inputGradient)");
        w.Line(Max
            ? "// dE/din[c, y', x'] = sum of dE/dout[c, y, x] over the windows whose first maximum (in scan order, as the forward pass found it) is at (y', x')."
            : $"// dE/din[c, y', x'] = (1/{Window}) * sum of dE/dout[c, y, x] over the windows that hold (y', x').");
        w.Line("inputGradient.Clear();");
        w.Line($"ref {c.T} source = ref {c.Reference("input")};");
        w.Line($"ref {c.T} gradients = ref {c.Reference("outputGradient")};");
        w.Line($"ref {c.T} target = ref {c.Reference("inputGradient")};");
        ForEachOutput(w, () =>
        {
            if (!Padded && Window <= UnrolledWindow)
            {
                WriteUnrolledWindow(w, c, backward: true);
            }
            else
            {
                WriteWindowLoops(w, c, backward: true);
            }
        });
        w.Close();
        w.Line();
    }

    /// <summary>Loops over the outputs (c, y, x), with <c>at</c> = the output's index and, without padding, <c>start</c> = its window's first input.</summary>
    private void ForEachOutput(SourceWriter w, System.Action body)
    {
        int height = Input.Height, width = Input.Width;
        w.Open($"for (int c = 0; c < {Int(Output.Channels)}; c++)");
        if (!Is1D)
        {
            w.Open($"for (int y = 0; y < {Int(Output.Height)}; y++)");
        }

        w.Open($"for (int x = 0; x < {Int(Output.Width)}; x++)");
        w.Line($"int at = {Sum(Times(Output.Positions, "c"), Is1D ? "0" : Times(Output.Width, "y"), "x")};");
        if (!Padded)
        {
            w.Line($"int start = {Sum(Times((long)height * width, "c"), Is1D ? "0" : Times((long)_spec.StrideHeight * width, "y"), Times(_spec.StrideWidth, "x"))};");
        }

        body();
        w.Close();
        if (!Is1D)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>The window's positions relative to its first one.</summary>
    private IEnumerable<int> WindowOffsets()
    {
        for (int i = 0; i < _spec.KernelHeight; i++)
        {
            for (int j = 0; j < _spec.KernelWidth; j++)
            {
                yield return (i * Input.Width) + j;
            }
        }
    }

    /// <summary>A bool as 0 or 1 without a branch (a compare of floats feeding a select would be a jump, and a window's maximum is
    /// where the data puts it: a branch per tap, mispredicted half the time, made the sensor network's Forward take twice as long
    /// on changing inputs). The maximum itself goes through VectorMath.Max (maxss), which keeps the first of equal values.</summary>
    private static string Flag(string condition) => $"{U}.As<bool, byte>(ref {condition})";

    private void WriteUnrolledWindow(SourceWriter w, CodeContext c, bool backward)
    {
        string t = c.T;
        List<int> offsets = WindowOffsets().ToList();
        w.Line($"ref {t} window = ref {U}.Add(ref source, start);");
        if (Max)
        {
            w.Line($"{t} m = window;");
            if (backward)
            {
                w.Line("int best = 0;");
            }

            foreach (int offset in offsets.Skip(1))
            {
                w.Line($"{t} v{offset} = {U}.Add(ref window, {Int(offset)});");
                if (backward)
                {
                    w.Line($"bool later{offset} = v{offset} > m;");
                    w.Line($"best += {Flag($"later{offset}")} * ({Int(offset)} - best);");
                }

                w.Line($"m = {VM}.Max(v{offset}, m);");
            }

            w.Line(backward
                ? $"{U}.Add(ref target, start + best) += {U}.Add(ref gradients, at);"
                : $"{U}.Add(ref target, at) = m;");
            return;
        }

        if (backward)
        {
            w.Line($"{t} share = {U}.Add(ref gradients, at) / {c.Lit(Window)};");
            w.Line($"ref {t} into = ref {U}.Add(ref target, start);");
            foreach (int offset in offsets)
            {
                w.Line($"{U}.Add(ref into, {Int(offset)}) += share;");
            }

            return;
        }

        string sum = string.Join(" + ", offsets.Select(o => o == 0 ? "window" : $"{U}.Add(ref window, {Int(o)})"));
        w.Line($"{U}.Add(ref target, at) = ({sum}) / {c.Lit(Window)};");
    }

    private void WriteWindowLoops(SourceWriter w, CodeContext c, bool backward)
    {
        string t = c.T;
        int height = Input.Height, width = Input.Width;
        string channel = Times((long)height * width, "c");
        if (!Padded)
        {
            w.Line($"ref {t} window = ref {U}.Add(ref source, start);");
        }
        else
        {
            if (!Is1D)
            {
                w.Line($"int top = {Sum(Times(_spec.StrideHeight, "y"), Int(-_spec.PadHeight)).Replace("+ -", "- ")};");
            }

            w.Line($"int left = {Sum(Times(_spec.StrideWidth, "x"), Int(-_spec.PadWidth)).Replace("+ -", "- ")};");
        }

        if (Max)
        {
            w.Line($"{t} m = {t}.NegativeInfinity;");
            if (backward)
            {
                w.Line("int best = -1;");
            }
        }
        else if (backward)
        {
            w.Line($"{t} share = {U}.Add(ref gradients, at) / {c.Lit(Window)};");
        }
        else
        {
            w.Line($"{t} sum = {c.Lit(0)};");
        }

        if (!Is1D)
        {
            w.Open($"for (int i = 0; i < {Int(_spec.KernelHeight)}; i++)");
            if (Padded)
            {
                w.Line("int row = top + i;");
                w.Open($"if ((uint)row >= {Int(height)}u)");
                w.Line("continue;");
                w.Close();
            }
        }

        w.Open($"for (int j = 0; j < {Int(_spec.KernelWidth)}; j++)");
        string position;
        if (Padded)
        {
            w.Line("int column = left + j;");
            w.Open($"if ((uint)column >= {Int(width)}u)");
            w.Line("continue;");
            w.Close();
            position = Sum(channel, Is1D ? "0" : Times(width, "row"), "column");
        }
        else
        {
            position = Sum("start", Is1D ? "0" : Times(width, "i"), "j");
        }

        w.Line($"int from = {position};");
        if (Max)
        {
            w.Line($"{t} v = {U}.Add(ref source, from);");
            if (backward)
            {
                w.Line("bool first = (v > m) | (best < 0);");
                w.Line($"best += {Flag("first")} * (from - best);");
            }

            w.Line($"m = {VM}.Max(v, m);");
        }
        else if (backward)
        {
            w.Line($"{U}.Add(ref target, from) += share;");
        }
        else
        {
            w.Line($"sum += {U}.Add(ref source, from);");
        }

        w.Close();
        if (!Is1D)
        {
            w.Close();
        }

        if (Max)
        {
            w.Line(backward
                ? $"{U}.Add(ref target, best) += {U}.Add(ref gradients, at);"
                : $"{U}.Add(ref target, at) = m;");
        }
        else if (!backward)
        {
            w.Line($"{U}.Add(ref target, at) = sum / {c.Lit(Window)};");
        }
    }
}
