using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emission;

/// <summary>
/// One convolution or pooling layer of a <see cref="LayeredPlan"/>: its place (input and output shape, parameters) and
/// its code. Each kind writes two private static methods, <c>__Layer{i}</c> (the forward pass) and
/// <c>__Layer{i}Backward</c> (dE/d of its parameters and of its input), and says which working buffers they take; the
/// network emitter walks the layers and calls them. The buffers are named by role in <see cref="LayerBuffers"/>.
/// </summary>
internal abstract class SpatialLayer
{
    protected SpatialLayer(int index, TensorShape input, TensorShape output, int weightOffset)
    {
        Index = index;
        Input = input;
        Output = output;
        WeightOffset = weightOffset;
    }

    /// <summary>The layer's index among all declared layers.</summary>
    public int Index { get; }

    public TensorShape Input { get; }

    public TensorShape Output { get; }

    /// <summary>Where its weights start in the parameter block (and so where its parameters start); meaningless without parameters.</summary>
    public int WeightOffset { get; }

    public abstract LayerSpec Spec { get; }

    /// <summary>Weights and biases.</summary>
    public virtual int ParameterCount => 0;

    /// <summary>Values of the staged (padded) input that the forward pass writes and the backward pass reads again; 0 for none.</summary>
    public virtual int StageLength => 0;

    /// <summary>Values of the transient output grid of the forward pass (and of the deltas in the backward pass); 0 for none.</summary>
    public virtual int GridLength => 0;

    /// <summary>Multiply-adds of one forward pass.</summary>
    public virtual long ForwardMacs => 0;

    /// <summary>Multiply-adds of one backward pass (weight gradient, and input gradient unless it is the first layer).</summary>
    public virtual long BackwardMacs => 0;

    /// <summary>For the shapes table: "Conv2D 3x3, padding 1".</summary>
    public abstract string Describe();

    /// <summary>The activation's name for the shapes table ("-" for none).</summary>
    public virtual string ActivationName => "-";

    /// <summary>(fan_in, fan_out, uses He) of its weights for InitializeParameters, or null without parameters.</summary>
    public virtual (int FanIn, int FanOut, bool He)? Initialization => null;

    /// <summary>The forward method's name.</summary>
    public string Method => $"__Layer{Index}";

    /// <summary>Writes <c>__Layer{i}</c>.</summary>
    public abstract void WriteForward(SourceWriter w, CodeContext c);

    /// <summary>The call of the forward method with the given buffers.</summary>
    public abstract string ForwardCall(LayerBuffers b);

    /// <summary>Writes <c>__Layer{i}Backward</c>; <paramref name="inputGradient"/>: whether it also computes dE/d of its input (not for the first layer).</summary>
    public abstract void WriteBackward(SourceWriter w, CodeContext c, bool inputGradient);

    /// <summary>The call of the backward method with the given buffers.</summary>
    public abstract string BackwardCall(LayerBuffers b, bool inputGradient);

    // ------------------------------------------------------------------ shared code patterns

    protected const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"NetCompiler\", null)]";

    protected const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    protected const string U = CodeContext.Unsafe;

    protected const string VM = CodeContext.VectorMath;

    /// <summary>A number rounded up to a multiple of <see cref="CodeContext.WidestVector"/> (a whole number of vectors at every width, and 64-byte steps in float).</summary>
    public static int RoundUp(long values) => (int)((values + CodeContext.WidestVector - 1) / CodeContext.WidestVector * CodeContext.WidestVector);

    /// <summary>"ReadOnlySpan&lt;T&gt;" / "Span&lt;T&gt;".</summary>
    protected static string ReadOnlySpan(CodeContext c) => $"global::System.ReadOnlySpan<{c.T}>";

    protected static string Span(CodeContext c) => $"global::System.Span<{c.T}>";

    protected static string Int(long value) => Literals.Int(value);

    /// <summary>Text for an XML doc comment ("&lt;" and "&amp;" escaped).</summary>
    protected static string XmlText(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>"a + b * c" without the parts that are 0, for readable index expressions.</summary>
    protected static string Sum(params string[] terms)
    {
        var kept = terms.Where(t => t != "0" && t.Length > 0).ToList();
        return kept.Count == 0 ? "0" : string.Join(" + ", kept);
    }

    /// <summary>"k * name", "name" for k = 1, "0" for k = 0.</summary>
    protected static string Times(long factor, string name) => factor == 0 ? "0" : factor == 1 ? name : $"{Int(factor)} * {name}";

    /// <summary>
    /// Copies <paramref name="count"/> values from <c>ref from</c> to <c>ref to</c> (declared by the caller): whole vectors,
    /// the last one overlapping the one before where the count is not a multiple of the width; a row shorter than a
    /// Vector&lt;T&gt; in 128-bit vectors the same way, and one shorter than that value by value. No call and no loop over a
    /// tail: a row of a small image is only a few vectors long.
    /// </summary>
    protected static void WriteRowCopy(SourceWriter w, CodeContext c, int count)
    {
        string v = c.Vector;
        const string V128 = "global::System.Runtime.Intrinsics.Vector128";
        int lanes128 = 16 / c.ScalarBytes;
        w.Open($"if ({Int(count)} >= {v}.Count)");
        w.Open($"for (int x = 0; x <= {Int(count)} - {v}.Count; x += {v}.Count)");
        w.Line($"{VM}.Store(ref to, x, {VM}.Load(ref from, x));");
        w.Close();
        if (count % CodeContext.WidestVector != 0)
        {
            w.Line($"{VM}.Store(ref to, {Int(count)} - {v}.Count, {VM}.Load(ref from, {Int(count)} - {v}.Count));");
        }

        w.Close();
        if (count >= CodeContext.WidestVector)
        {
            return;
        }

        w.Open("else");
        if (count >= lanes128)
        {
            var starts = new List<int>();
            for (int x = 0; x <= count - lanes128; x += lanes128)
            {
                starts.Add(x);
            }

            if (count % lanes128 != 0)
            {
                starts.Add(count - lanes128);
            }

            foreach (int x in starts)
            {
                w.Line($"{V128}.StoreUnsafe({V128}.LoadUnsafe(ref from, {Int(x)}), ref to, {Int(x)});");
            }
        }
        else
        {
            for (int x = 0; x < count; x++)
            {
                w.Line($"{U}.Add(ref to, {Int(x)}) = {U}.Add(ref from, {Int(x)});");
            }
        }

        w.Close();
    }

    /// <summary>
    /// <c>ref target[j] op= vector(j)</c> for j &lt; <paramref name="count"/>: Vector&lt;T&gt;.Count values at a time, then the rest
    /// one by one through <paramref name="scalar"/> (each element gets the same operations, so the width does not matter).
    /// </summary>
    protected static void WriteElementLoop(SourceWriter w, CodeContext c, int count, IEnumerable<string> vectorStatements, IEnumerable<string> scalarStatements)
    {
        w.Line("int j = 0;");
        w.Open($"for (; j <= {Int(count)} - {c.Vector}.Count; j += {c.Vector}.Count)");
        foreach (string statement in vectorStatements)
        {
            w.Line(statement);
        }

        w.Close();
        if (count % CodeContext.WidestVector != 0)
        {
            w.Open($"for (; j < {Int(count)}; j++)");
            foreach (string statement in scalarStatements)
            {
                w.Line(statement);
            }

            w.Close();
        }
    }

    /// <summary>
    /// A loop over <paramref name="count"/> items in blocks of <paramref name="block"/>, then one block of those left over;
    /// <paramref name="body"/> gets the block's size and the name of its first item's index.
    /// </summary>
    protected static void WriteBlocks(SourceWriter w, string index, int from, int count, int block, System.Action<int, string> body)
    {
        int full = count / block * block;
        if (full == block)
        {
            w.Open();
            w.Line($"const int {index} = {Int(from)};");
            body(block, index);
            w.Close();
        }
        else if (full > 0)
        {
            w.Open($"for (int {index} = {Int(from)}; {index} < {Int(from + full)}; {index} += {Int(block)})");
            body(block, index);
            w.Close();
        }

        if (full < count)
        {
            w.Open();
            w.Line($"const int {index} = {Int(from + full)};");
            body(count - full, index);
            w.Close();
        }
    }

    /// <summary>
    /// <c>int q = 0;</c> and a loop over <paramref name="count"/> values (a multiple of <see cref="CodeContext.WidestVector"/>)
    /// <paramref name="largest"/> vectors at a time, then the vectors left over in halving blocks (each an <c>if</c> that runs at
    /// most once): the last few vectors keep several independent chains instead of one. <paramref name="body"/> writes a block
    /// of the given number of vectors at <c>q</c>; the loop or the <c>if</c> advances <c>q</c>.
    /// </summary>
    protected static void WriteVectorCascade(SourceWriter w, CodeContext c, int count, int largest, System.Action<int> body) =>
        WriteVectorCascade(w, VectorFlavor.Machine(c), count, largest, body);

    /// <summary>As the other overload, with vectors of <paramref name="flavor"/>.</summary>
    protected static void WriteVectorCascade(SourceWriter w, VectorFlavor flavor, int count, int largest, System.Action<int> body)
    {
        string v = flavor.Type;
        w.Line("int q = 0;");
        w.Open($"for (; q <= {Int(count)} - {largest} * {v}.Count; q += {largest} * {v}.Count)");
        body(largest);
        w.Close();
        for (int n = largest / 2; n >= 1; n /= 2)
        {
            w.Open($"if (q <= {Int(count)} - {n} * {v}.Count)");
            body(n);
            w.Line(n == 1 ? $"q += {v}.Count;" : $"q += {n} * {v}.Count;");
            w.Close();
        }
    }

    /// <summary>
    /// Writes <paramref name="body"/> for 512-bit vectors behind <c>Vector512.IsHardwareAccelerated</c> (a constant to the JIT:
    /// one of the two is compiled) and for Vector&lt;T&gt; otherwise. Every element gets the same operations in the same order
    /// in both, so the results do not depend on the width. Vector&lt;T&gt; stays 256-bit by default on processors with
    /// AVX-512, where 512-bit vectors double the multiply-adds per instruction (and per cycle where they run at full width).
    /// </summary>
    protected static void WriteBothWidths(SourceWriter w, CodeContext c, System.Action<VectorFlavor> body)
    {
        w.Line("// 512-bit vectors where the processor has them, else Vector<T> (the same operations on each element, so the same results).");
        w.Open("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)");
        body(VectorFlavor.Wide(c));
        w.Close();
        w.Open("else");
        body(VectorFlavor.Machine(c));
        w.Close();
    }

    /// <summary>A vector type for emitted loops: Vector&lt;T&gt; or Vector512&lt;T&gt;, with its loads, stores, broadcasts and in-register activations.</summary>
    protected sealed class VectorFlavor
    {
        private VectorFlavor(CodeContext c, string type, bool wide)
        {
            Context = c;
            Type = type;
            IsWide = wide;
        }

        public static VectorFlavor Machine(CodeContext c) => new(c, c.Vector, wide: false);

        public static VectorFlavor Wide(CodeContext c) => new(c, $"global::System.Runtime.Intrinsics.Vector512<{c.T}>", wide: true);

        private CodeContext Context { get; }

        public bool IsWide { get; }

        /// <summary>The vector type.</summary>
        public string Type { get; }

        /// <summary>Its element count.</summary>
        public string Count => $"{Type}.Count";

        public string Zero => $"{Type}.Zero";

        /// <summary>The <paramref name="u"/>-th vector from <paramref name="index"/>: "index + u * Count".</summary>
        public string At(string index, int u) => u == 0 ? index : $"{index} + {u} * {Count}";

        /// <summary>The <paramref name="u"/>-th vector's offset: "u * Count" ("0" for the first).</summary>
        public string Offset(int u) => u == 0 ? "0" : $"{u} * {Count}";

        public string Broadcast(string scalar) => IsWide ? $"global::System.Runtime.Intrinsics.Vector512.Create({scalar})" : $"new {Type}({scalar})";

        public string Load(string reference, string index) => IsWide ? $"{VM}.Load512(ref {reference}, {index})" : $"{VM}.Load(ref {reference}, {index})";

        public string Store(string reference, string index, string value) => $"{VM}.Store(ref {reference}, {index}, {value});";

        public string MultiplyAdd(string a, string b, string accumulator) => $"{VM}.MultiplyAdd({a}, {b}, {accumulator})";

        /// <summary>The element <paramref name="index"/> of <paramref name="vector"/>.</summary>
        public string Element(string vector, string index) => IsWide ? $"global::System.Runtime.Intrinsics.Vector512.GetElement({vector}, {index})" : $"{vector}[{index}]";

        /// <summary>Vector.Sum / Vector512.Sum.</summary>
        public string Sum(string vector) => IsWide ? $"global::System.Runtime.Intrinsics.Vector512.Sum({vector})" : $"global::System.Numerics.Vector.Sum({vector})";

        /// <summary>f(v) in registers, the same function in each lane as Vector&lt;T&gt;'s (<see cref="ActivationFormulas.ApplyToVector"/>), or null where this width has no kernel (512-bit Sigmoid and Tanh; double Sigmoid and Tanh).</summary>
        public string? Activate(Activation activation, string v)
        {
            if (!IsWide)
            {
                return Context.VectorKernels || activation is not (Activation.Sigmoid or Activation.Tanh)
                    ? ActivationFormulas.ApplyToVector(Context, activation, v)
                    : null;
            }

            const string V512 = "global::System.Runtime.Intrinsics.Vector512";
            return activation switch
            {
                Activation.Identity => v,
                Activation.ReLU => $"{V512}.ConditionalSelect({V512}.GreaterThan({v}, {Zero}), {v}, {Zero})",
                Activation.LeakyReLU => $"{V512}.ConditionalSelect({V512}.GreaterThan({v}, {Zero}), {v}, {v} * {Context.Lit(0.01)})",
                _ => null,
            };
        }
    }

    /// <summary>"index + r" for r &gt; 0.</summary>
    protected static string Plus(string index, int r) => r == 0 ? index : $"{index} + {Int(r)}";
}

/// <summary>The span names one layer's methods are called with, in one buffer layout (Forward's stack, or the training workspace).</summary>
internal sealed class LayerBuffers
{
    /// <summary>The parameters.</summary>
    public string Parameters { get; init; } = "p";

    /// <summary>The layer's input values.</summary>
    public string Input { get; init; } = "input";

    /// <summary>The layer's output values.</summary>
    public string Output { get; init; } = "";

    /// <summary>Its staged input (kept for the backward pass in training).</summary>
    public string Stage { get; init; } = "stage";

    /// <summary>The transient output grid.</summary>
    public string Grid { get; init; } = "grid";

    /// <summary>dE/d of its outputs (in the backward pass; it becomes the deltas).</summary>
    public string OutputGradient { get; init; } = "";

    /// <summary>dE/d of its inputs (in the backward pass), or null for the first layer.</summary>
    public string? InputGradient { get; init; }

    /// <summary>The transient buffer for dE/d of the staged input.</summary>
    public string StageGradient { get; init; } = "stageGradient";

    /// <summary>The network's parameter gradient (added into).</summary>
    public string Gradient { get; init; } = "gradient";
}
