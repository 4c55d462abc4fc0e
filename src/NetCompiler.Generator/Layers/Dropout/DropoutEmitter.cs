using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Dropout;

/// <summary>
/// How <c>[Dropout(p)]</c> is emitted: nothing in inference (the next layer reads the values before it); in training a
/// method over all rows that draws each value's mask from the instance's SplitMix64 sequence (keep when u &gt;= p, u the
/// next uniform in [0, 1) from 53 bits), and a backward method that multiplies by the same mask.
/// </summary>
internal sealed class DropoutEmitter
{
    private readonly DropoutSpec _spec;

    public DropoutEmitter(DropoutSpec spec, int index, TensorShape shape, int inputStride)
    {
        _spec = spec;
        Index = index;
        Shape = shape;
        InputStride = inputStride;
    }

    /// <summary>Values between one row's inputs and the next's: the input rows for a first layer, else <see cref="Stride"/>.</summary>
    public int InputStride { get; }

    public int Index { get; }

    public TensorShape Shape { get; }

    public double P => _spec.P;

    /// <summary>Values between one row's values and the next's.</summary>
    public int Stride => SpatialLayer.RoundUp(Shape.Size);

    /// <summary>The smallest 53-bit draw that keeps a value: ceil(p * 2^53), so that keep = (draw &gt;&gt; 11) &gt;= it exactly when u = draw * 2^-53 &gt;= p.</summary>
    public ulong Threshold => (ulong)System.Math.Ceiling(P * 9007199254740992.0);

    private const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"NetCompiler\", null)]";

    private const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    public void WriteTraining(SourceWriter w, CodeContext c)
    {
        string t = c.T;
        int size = Shape.Size;
        string p = P.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        w.Line($"/// <summary>Layer {Index}, Dropout (training, p = {p}): o = x * m / (1 - p), m = 1 with probability 1 - p, else 0, for every value of every row.</summary>");
        w.Line("/// <param name=\"input\">The layer before's values, row after row.</param>");
        w.Line("/// <param name=\"output\">Receives o.</param>");
        w.Line("/// <param name=\"mask\">Receives m / (1 - p) per value (kept for the backward pass).</param>");
        w.Line("/// <param name=\"rows\">The rows of the batch.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private void __Layer{Index}Train(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output, global::System.Span<{t}> mask, int rows)");
        w.Line("// The masks come from this instance's SplitMix64 sequence (DropoutSeed), row after row and value after value:");
        w.Line($"// u = (next >> 11) * 2^-53 in [0, 1), and the value is kept when u >= p, that is when (next >> 11) >= ceil(p * 2^53) = {Threshold}.");
        w.Line("ulong state = __dropoutState;");
        w.Open("for (int r = 0; r < rows; r++)");
        w.Line($"int start = r * {Literals.Int(Stride)}, from = r * {Literals.Int(InputStride)};");
        w.Open($"for (int e = 0; e < {Literals.Int(size)}; e++)");
        w.Line("state = unchecked(state + 0x9E3779B97F4A7C15UL);");
        w.Line($"{t} m = (__DropoutMix(state) >> 11) >= {Threshold}UL ? {c.Lit(1.0 / (1.0 - P))} : {c.Lit(0)};");
        w.Line("mask[start + e] = m;");
        w.Line("output[start + e] = input[from + e] * m;");
        w.Close();
        w.Close();
        w.Line("__dropoutState = state;");
        w.Close();
        w.Line();
    }

    public void WriteBackward(SourceWriter w, CodeContext c)
    {
        string t = c.T;
        w.Line($"/// <summary>Layer {Index}, Dropout: dE/dx = dE/do * m / (1 - p), with the masks of the forward pass.</summary>");
        w.Line("/// <param name=\"delta\">dE/do.</param>");
        w.Line("/// <param name=\"mask\">m / (1 - p) of the forward pass.</param>");
        w.Line("/// <param name=\"inputGradient\">Receives dE/dx.</param>");
        w.Line("/// <param name=\"rows\">The rows of the batch.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void __Layer{Index}Backward(global::System.ReadOnlySpan<{t}> delta, global::System.ReadOnlySpan<{t}> mask, global::System.Span<{t}> inputGradient, int rows)");
        w.Open("for (int r = 0; r < rows; r++)");
        w.Line($"int start = r * {Literals.Int(Stride)};");
        w.Open($"for (int at = start; at < start + {Literals.Int(Shape.Size)}; at++)");
        w.Line("inputGradient[at] = delta[at] * mask[at];");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }
}
