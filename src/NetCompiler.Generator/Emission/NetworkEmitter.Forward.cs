using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>Most terms in one generated statement; longer sums continue with <c>+=</c> (keeps expression trees shallow for the compiler).</summary>
    private const int TermsPerStatement = 16;

    /// <summary>
    /// Declares the spans for layers whose values do not live in locals: slices of one stack local of a
    /// <see cref="WriteScratchTypes">__Scratch</see> struct (rather than <c>stackalloc</c>, which costs a localloc and a
    /// stack cookie check on every call), or with <paramref name="keep"/> of the kept-values buffer.
    /// </summary>
    private static void WriteScratch(SourceWriter w, NetworkPlan plan, bool backward, bool keep = false)
    {
        int length = plan.StackLength(backward, keep);
        if (length > 0)
        {
            w.Line($"{ScratchType(length)} scratch = default;");
            w.Line($"global::System.Span<{plan.T}> stack = global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref {NetworkPlan.Unsafe}.As<{ScratchType(length)}, {plan.T}>(ref scratch), {length});");
        }

        int offset = 0;
        foreach ((string name, int size) in plan.ScratchSpans(backward))
        {
            if (keep && plan.KeptSpans.TryGetValue(name, out int kept))
            {
                w.Line($"global::System.Span<{plan.T}> {name} = keep.Slice({kept}, {size});");
            }
            else
            {
                w.Line($"global::System.Span<{plan.T}> {name} = stack.Slice({offset}, {size});");
                offset += size;
            }
        }

        if (!plan.AllUnrolled)
        {
            w.Line($"ref {plan.T} pRef = ref {plan.Reference("p")};");
        }
    }

    private static string ScratchType(int length) => $"__Scratch{length}";

    /// <summary>The stack buffers of <see cref="WriteScratch"/>: one struct of explicit size per length a method needs.</summary>
    private static void WriteScratchTypes(SourceWriter w, NetworkPlan plan, bool trainable)
    {
        var lengths = new SortedSet<int> { plan.StackLength(backward: false, keep: false) };
        if (trainable)
        {
            lengths.Add(plan.StackLength(backward: true, keep: false));
            if (!plan.AllUnrolled)
            {
                lengths.Add(plan.StackLength(backward: true, keep: true));
            }

            if (plan.LaneBatch)
            {
                lengths.Add(plan.LaneScratchLength);
                lengths.Add(plan.LaneValuesLength);
            }
        }

        WriteScratchTypes(w, lengths, plan.ScalarBytes);
    }

    /// <summary>One struct of explicit size per length (lengths of 0 have none).</summary>
    private static void WriteScratchTypes(SourceWriter w, SortedSet<int> lengths, int scalarBytes)
    {
        foreach (int length in lengths.Where(n => n > 0))
        {
            w.Line($"/// <summary>Stack memory for {length} values of looped layers: a local of this type, zeroed, is viewed as a span.</summary>");
            w.Line(GeneratedCodeAttribute);
            w.Line($"[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Sequential, Size = {Literals.Int((long)length * scalarBytes)})]");
            w.Line($"private struct {ScratchType(length)}");
            w.Line("{");
            w.Line("}");
            w.Line();
        }
    }

    /// <summary>The forward pass: every layer's net_j and o_j, from the inputs to the outputs y_k = o_k of the last layer.</summary>
    /// <param name="firstSumsDone">Layer 0 is looped and its weighted sums are already in its target span (written for a whole
    /// chunk of samples by <c>__ChunkSums</c>): only its activation is written.</param>
    private static void WriteForwardPass(SourceWriter w, NetworkPlan plan, bool firstSumsDone = false)
    {
        if (plan.InputInLocals)
        {
            w.Line("// Inputs: o_i = x_i.");
            for (int i = 0; i < plan.InputCount; i++)
            {
                w.Line($"{plan.T} x{i} = {plan.InputSpan}[{i}];");
            }
        }

        foreach (LayerPlan layer in plan.Layers)
        {
            w.Line();
            WriteLayerHeader(w, plan, layer);
            if (layer.Unrolled)
            {
                WriteUnrolledLayer(w, plan, layer);
            }
            else
            {
                WriteLoopedLayer(w, plan, layer, firstSumsDone && layer.Index == 0);
            }
        }
    }

    private static void WriteLayerHeader(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        string shape = $"Dense {layer.Inputs} -> {layer.Units}, {layer.Activation}, {(layer.Bias ? "bias" : "no bias")}";
        string code = layer.Unrolled
            ? "unrolled"
            : $"looped: {layer.LoopReason}";
        w.Line($"// Layer {layer.Number}: {shape} ({code}).");
        string where = plan.Baked is not null && layer.Unrolled ? " (compiled in below as constants)" : string.Empty;
        w.Line($"// Weights w_ji = p[{layer.WeightOffset} + {layer.Inputs} * j + i]{(layer.Bias ? $", biases b_j = p[{layer.BiasOffset} + j]" : string.Empty)}{where}.");
    }

    private static void WriteUnrolledLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        if (RowPackedSums(plan, layer))
        {
            WriteRowPackedLayer(w, plan, layer);
            w.Open("else");
            WriteUnrolledLayerCore(w, plan, layer, packed: false);
            w.Close();
            return;
        }

        WriteUnrolledLayerCore(w, plan, layer, packed: true);
    }

    /// <summary>
    /// Whether an unrolled layer's weighted sums can also be formed 8 rows at a time from whole vectors of W
    /// (<see cref="WriteRowPackedLayer"/>): a trainable float layer of at least 8 units with 1, 2 or 4 inputs (8 rows of
    /// W are then 1, 2 or 4 vectors of 8), whose values go to a span through the vector sigmoid or tanh: the layers
    /// of <see cref="RowPackedStep"/> with those activations.
    /// </summary>
    private static bool RowPackedSums(NetworkPlan plan, LayerPlan layer) =>
        RowPackedStep(plan, layer) && layer.Activation is Activation.Sigmoid or Activation.Tanh;

    /// <summary><c>Vector256.Create(o_0, .., o_{n-1}, o_0, ..)</c>: the layer's n inputs repeated across 8 lanes.</summary>
    private static string RepeatedInputs(NetworkPlan plan, LayerPlan layer) =>
        $"{Vector256Class}.Create({string.Join(", ", Enumerable.Range(0, PackedWidth).Select(k => plan.In(layer.Index, k % layer.Inputs)))})";

    /// <summary>
    /// The row-packed form of an unrolled layer, where Vector&lt;float&gt; has 8 lanes and AVX2 is there: 8 rows of W with
    /// n inputs are n vectors of 8 (8 / n rows side by side in each); each is multiplied by the inputs repeated across the
    /// lanes, neighbouring lanes are added with <c>vhaddps</c> until each row's sum is one lane, a permutation puts the
    /// rows in order, and the biases are added: 8 net_j in a vector, straight into the vector kernel. Against the scalar sums
    /// (which stay the path for other widths), iris <c>Forward</c> went from 79 to 60 ns in a same-process A/B. Opens the
    /// <c>if</c>; the caller writes the <c>else</c>.
    /// </summary>
    private static void WriteRowPackedLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        int n = layer.Inputs;
        string u = NetworkPlan.Unsafe;
        string vm = NetworkPlan.VectorMath;
        string v = $"{Vector256Class}<float>";
        const string Avx = "global::System.Runtime.Intrinsics.X86.Avx";
        const string Avx2 = "global::System.Runtime.Intrinsics.X86.Avx2";
        w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
        w.Line($"// With 8 lanes and AVX2, 8 rows j at a time: they are {n} vector{(n == 1 ? string.Empty : "s")} of W ({PackedWidth / n} rows side by side in each), each multiplied by the");
        w.Line(n == 1
            ? "// input in every lane, which gives the 8 net_j directly"
            : $"// {n} inputs repeated across the lanes; vhaddps adds neighbouring lanes until each row's sum is one lane, and a permutation puts the rows in order");
        w.Line($"// (then + b_j where there are biases); the 8 values go through VectorMath.{layer.Activation} into the span. Other widths: the sums one by one.");
        w.Open($"if (global::System.Numerics.Vector<float>.Count == {PackedWidth} && {Avx2}.IsSupported)");
        w.Line($"ref float oRef = ref {plan.Reference($"o{l}")};");
        w.Line($"{v} inputs{l} = {RepeatedInputs(plan, layer)};");
        if (n > 1)
        {
            string order = n == 2 ? "0, 1, 4, 5, 2, 3, 6, 7" : "0, 4, 1, 5, 2, 6, 3, 7";
            w.Line($"global::System.Runtime.Intrinsics.Vector256<int> order{l} = {Vector256Class}.Create({order});");
        }

        foreach (int start in PackedStarts(layer.Units))
        {
            w.Open();
            w.Line($"// Rows {start}..{start + PackedWidth - 1}.");
            w.Line($"ref float rows = ref {u}.Add(ref pRef, {layer.WeightOffset + (n * start)});");
            for (int k = 0; k < n; k++)
            {
                w.Line(k == 0
                    ? $"{v} q0 = {Vector256Class}.LoadUnsafe(ref rows) * inputs{l};"
                    : $"{v} q{k} = {Vector256Class}.LoadUnsafe(ref {u}.Add(ref rows, {k * PackedWidth})) * inputs{l};");
            }

            string sums = n switch
            {
                1 => "q0",
                2 => $"{Avx2}.PermuteVar8x32({Avx}.HorizontalAdd(q0, q1), order{l})",
                _ => $"{Avx2}.PermuteVar8x32({Avx}.HorizontalAdd({Avx}.HorizontalAdd(q0, q1), {Avx}.HorizontalAdd(q2, q3)), order{l})",
            };
            if (layer.Bias)
            {
                sums += $" + {Vector256Class}.LoadUnsafe(ref {u}.Add(ref pRef, {layer.BiasOffset + start}))";
            }

            w.Line($"{v} net = {sums};");
            w.Line($"{vm}.Store(ref oRef, {start}, {vm}.{layer.Activation}({Vector256Class}.AsVector(net)));");
            w.Close();
        }

        w.Close();
    }

    /// <summary>The unrolled layer as scalar sums; with <paramref name="packed"/>, the values of a span activation are packed into vectors from registers where they can be.</summary>
    private static void WriteUnrolledLayerCore(SourceWriter w, NetworkPlan plan, LayerPlan layer, bool packed)
    {
        int l = layer.Index;
        w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
        for (int j = 0; j < layer.Units; j++)
        {
            IEnumerable<string> terms = Enumerable.Range(0, layer.Inputs).Select(i => $"{plan.W(l, j, i)} * {plan.In(l, i)}");
            if (layer.Bias)
            {
                terms = terms.Append(plan.B(l, j));
            }

            WriteSum(w, $"{plan.T} net{l}_{j}", $"net{l}_{j}", terms.ToList());
        }

        w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
        if (layer.Activation == Activation.Softmax)
        {
            w.Line($"{plan.T} max{l} = net{l}_0;");
            for (int j = 1; j < layer.Units; j++)
            {
                w.Line($"max{l} = {NetworkPlan.VectorMath}.Max(max{l}, net{l}_{j});");
            }

            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{plan.T} exp{l}_{j} = {plan.Math}.Exp(net{l}_{j} - max{l});");
            }

            WriteSum(w, $"{plan.T} sum{l}", $"sum{l}", Enumerable.Range(0, layer.Units).Select(j => $"exp{l}_{j}").ToList());
            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{Declare(plan, layer, plan.Out(l, j))} = exp{l}_{j} / sum{l};");
            }

            return;
        }

        if (!layer.InLocals && layer.Activation is Activation.Sigmoid or Activation.Tanh)
        {
            // The values live in a span anyway: transform them with the vector kernels.
            packed = packed && plan.VectorKernels && layer.Units >= PackedWidth;
            if (packed)
            {
                WritePackedActivation(w, plan, layer);
                w.Open("else");
            }

            w.Line(packed ? "// Other widths: store net_j in the span and transform it there." : "// Store net_j in the span and transform it there.");
            for (int j = 0; j < layer.Units; j++)
            {
                w.Line($"{plan.Out(l, j)} = net{l}_{j};");
            }

            WriteSpanActivation(w, plan, layer, $"o{l}", $"o{l}");
            if (packed)
            {
                w.Close();
            }

            return;
        }

        for (int j = 0; j < layer.Units; j++)
        {
            w.Line($"{Declare(plan, layer, plan.Out(l, j))} = {ActivationFormulas.Apply(plan, layer.Activation, $"net{l}_{j}")};");
        }
    }

    /// <summary>Lanes of the 256-bit vectors that unrolled sums are packed into (<see cref="WritePackedActivation"/>).</summary>
    private const int PackedWidth = 8;

    /// <summary>
    /// The first unit of each vector of <see cref="PackedWidth"/> units (at least that many): 0, 8, 16, ..., and, when the
    /// count is not a multiple of 8, count - 8 for the last one (it overlaps the one before, which gets the same values).
    /// </summary>
    private static IEnumerable<int> PackedStarts(int units)
    {
        for (int j = 0; j + PackedWidth <= units; j += PackedWidth)
        {
            yield return j;
        }

        if (units % PackedWidth != 0)
        {
            yield return units - PackedWidth;
        }
    }

    /// <summary><c>global::System.Runtime.Intrinsics.Vector256</c>.</summary>
    private const string Vector256Class = "global::System.Runtime.Intrinsics.Vector256";

    /// <summary>
    /// Where Vector&lt;float&gt; has 8 lanes: the unrolled layer's net_j go from registers straight into vectors of 8
    /// (<c>Vector256.Create</c>) and through the vector kernel into the span. Storing them one by one and loading them
    /// back as vectors would stall the loads on store forwarding (iris <c>Forward</c>: 84 to 76 ns). A last partial
    /// vector takes the last 8 values again (the overlap gets the values it already has). Opens the <c>if</c>; the
    /// caller writes the <c>else</c>.
    /// </summary>
    private static void WritePackedActivation(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        string vm = NetworkPlan.VectorMath;
        w.Line($"// With {PackedWidth} lanes: net_j from registers into vectors of {PackedWidth} (no store and reload), through VectorMath.{layer.Activation}");
        w.Line(layer.Units % PackedWidth == 0
            ? "// (a few ulp, see that file), into the span."
            : $"// (a few ulp, see that file), into the span; the last vector takes the last {PackedWidth} values again (the overlap gets the same values).");
        w.Open($"if ({plan.Vector}.Count == {PackedWidth})");
        w.Line($"ref {plan.T} oRef = ref {plan.Reference($"o{l}")};");
        foreach (int start in PackedStarts(layer.Units))
        {
            string values = string.Join(", ", Enumerable.Range(start, PackedWidth).Select(j => $"net{l}_{j}"));
            w.Line($"{vm}.Store(ref oRef, {start}, {vm}.{layer.Activation}({Vector256Class}.AsVector({Vector256Class}.Create({values}))));");
        }

        w.Close();
    }

    /// <summary>Rows of W that a looped pass handles together: each vector of inputs is loaded once for all of them.</summary>
    internal const int RowBlock = 4;

    /// <summary>
    /// Rows of a float forward pass handled together: eight independent multiply-add chains (enough to cover the latency
    /// of a fused multiply-add at two per cycle), summed across lanes at once by VectorMath.StoreSums.
    /// </summary>
    internal const int SummedRowBlock = 8;

    /// <summary>Rows per block of a looped forward pass: <see cref="SummedRowBlock"/> for float, <see cref="RowBlock"/> for double.</summary>
    private static int DotRowBlock(NetworkPlan plan) => plan.VectorKernels ? SummedRowBlock : RowBlock;

    private static void WriteLoopedLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer, bool sumsDone = false)
    {
        int l = layer.Index;

        // Where net_j goes: straight into o_j for Identity and the ReLUs (applied on the way), into o_j and then
        // transformed in place for Sigmoid and Tanh, into net_j for softmax or when the loss needs it.
        string target = plan.SumsTarget(l);
        if (sumsDone)
        {
            w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
            w.Line($"// Already in {target}: __ChunkSums computed it for the whole chunk of samples, two at a time (each weight loaded once for both).");
        }
        else
        {
            WriteLoopedSums(w, plan, layer, target);
        }

        WriteLoopedActivation(w, plan, layer, target);
    }

    /// <summary>net_j of a looped layer into <paramref name="target"/>, row blocks by <see cref="WriteDotRows"/>.</summary>
    private static void WriteLoopedSums(SourceWriter w, NetworkPlan plan, LayerPlan layer, string target)
    {
        int l = layer.Index;
        int block = DotRowBlock(plan);
        int shown = System.Math.Min(block, layer.Units);
        w.Line(layer.Bias ? "// net_j = sum_i w_ji * o_i + b_j" : "// net_j = sum_i w_ji * o_i");
        w.Line(shown == 1
            ? "// One row of W at a time: each Vector<T> of inputs o_i is multiplied into a running sum,"
            : $"// {shown} rows of W at a time: each Vector<T> of inputs o_i is loaded once and multiplied into {shown} running sums,");
        if (block == SummedRowBlock && layer.Units >= block)
        {
            w.Line($"// independent chains that keep the multiply-adds busy; VectorMath.StoreSums then adds each across its lanes, all {block} at once");
            w.Line("// where it can. Inputs beyond the last whole vector are added one by one. VectorMath.MultiplyAdd");
        }
        else
        {
            w.Line("// which are then added across their lanes; inputs beyond the last whole vector are added one by one. VectorMath.MultiplyAdd");
        }

        w.Line("// fuses each multiply-add (one rounding) where the processor and runtime can (FMA, .NET 9 and later).");
        w.Open();
        w.Line($"ref {plan.T} x = ref {plan.Reference(plan.InSpan(l))};");
        w.Line($"ref {plan.T} w = ref {NetworkPlan.Unsafe}.Add(ref pRef, {layer.WeightOffset});");
        w.Line($"ref {plan.T} dst = ref {plan.Reference(target)};");
        WriteRowBlocks(w, layer.Units, "j", (rows, j) => WriteDotRows(w, plan, layer, rows, j), block);
        w.Close();
    }

    /// <summary>
    /// <c>__ChunkSums</c>: the first layer's weighted sums for a chunk of samples, two samples at a time so that each
    /// weight vector is loaded once for both (the first layer's weights are the largest block a sample reads); each
    /// sample's sums are formed exactly as <c>__Forward</c> forms them.
    /// </summary>
    private static void WriteChunkSums(SourceWriter w, NetworkPlan plan)
    {
        string t = plan.T;
        string u = NetworkPlan.Unsafe;
        LayerPlan layer = plan.Layers[0];
        int block = DotRowBlock(plan);
        int offset = plan.KeptSpans[plan.SumsTarget(0)];
        w.Line($"/// <summary>Layer 0's net_j = sum_i w_ji * x_i{(layer.Bias ? " + b_j" : string.Empty)} for the <paramref name=\"rows\"/> samples of <paramref name=\"inputs\"/>, into each sample's slice of <paramref name=\"keep\"/> ({plan.SumsTarget(0)}, at {offset}).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private void __ChunkSums(global::System.ReadOnlySpan<{t}> inputs, global::System.Span<{t}> keep, int rows)");
        w.Line($"global::System.ReadOnlySpan<{t}> p = __parameters;");
        w.Line($"ref {t} pRef = ref {plan.Reference("p")};");
        w.Line($"ref {t} w = ref {u}.Add(ref pRef, {layer.WeightOffset});");
        w.Line($"ref {t} inputRef = ref {plan.Reference("inputs")};");
        w.Line($"ref {t} keepRef = ref {plan.Reference("keep")};");
        w.Line("int s = 0;");
        w.Line($"// Two samples at a time: {System.Math.Min(block, layer.Units)} rows of W and both samples' running sums per pass over the inputs.");
        w.Open("for (; s <= rows - 2; s += 2)");
        w.Line($"ref {t} x = ref {u}.Add(ref inputRef, s * {plan.InputCount});");
        w.Line($"ref {t} x2 = ref {u}.Add(ref x, {plan.InputCount});");
        w.Line($"ref {t} dst = ref {u}.Add(ref keepRef, (s * {plan.KeepLength}) + {offset});");
        w.Line($"ref {t} dst2 = ref {u}.Add(ref dst, {plan.KeepLength});");
        WriteRowBlocks(w, layer.Units, "j", (rows, j) => WriteDotRows(w, plan, layer, rows, j, pair: true), block);
        w.Close();
        w.Line("// The last sample of an odd count alone.");
        w.Open("if (s < rows)");
        w.Line($"ref {t} x = ref {u}.Add(ref inputRef, s * {plan.InputCount});");
        w.Line($"ref {t} dst = ref {u}.Add(ref keepRef, (s * {plan.KeepLength}) + {offset});");
        WriteRowBlocks(w, layer.Units, "j", (rows, j) => WriteDotRows(w, plan, layer, rows, j), block);
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>o_j = f(net_j) of a looped layer whose weighted sums are in <paramref name="target"/>.</summary>
    private static void WriteLoopedActivation(SourceWriter w, NetworkPlan plan, LayerPlan layer, string target)
    {
        int l = layer.Index;
        if (layer.Activation == Activation.Softmax)
        {
            w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
            w.Line($"{plan.T} max{l};");
            w.Open();
            w.Line($"ref {plan.T} src = ref {plan.Reference($"net{l}")};");
            w.Line($"max{l} = src;");
            w.Open($"for (int j = 1; j < {layer.Units}; j++)");
            w.Line($"max{l} = {NetworkPlan.VectorMath}.Max(max{l}, {NetworkPlan.Unsafe}.Add(ref src, j));");
            w.Close();
            w.Close();
            WriteExpSum(w, plan, layer);
            w.Line($"// o_j = e^(net_j - m) / sum{l}, Vector<T>.Count values at a time (a division is exact to rounding in every lane).");
            WriteElementwise(w, plan, layer.Units, $"o{l}", $"o{l}", v => $"{v} / divisor", ("divisor", $"new {plan.Vector}(sum{l})"), (src, j) => $"{NetworkPlan.Unsafe}.Add(ref {src}, {j}) / sum{l}");
            return;
        }

        w.Line($"// {ActivationFormulas.Describe(layer.Activation)}");
        WriteSpanActivation(w, plan, layer, target, $"o{l}");
    }

    /// <summary>
    /// o = f(net) over a whole span through <see cref="WriteElementwise"/> (Sigmoid and Tanh through the vector kernels,
    /// the ReLUs as a compare and a blend); nothing to do for Identity when <paramref name="net"/>
    /// is <paramref name="o"/>. Double Sigmoid and Tanh go through VectorMath's span functions (Math per element).
    /// </summary>
    private static void WriteSpanActivation(SourceWriter w, NetworkPlan plan, LayerPlan layer, string net, string o)
    {
        switch (layer.Activation)
        {
            case Activation.Identity when net == o:
                return;
            case Activation.Sigmoid or Activation.Tanh when !plan.VectorKernels:
                w.Line($"{NetworkPlan.VectorMath}.{layer.Activation}({net}, {o});");
                return;
        }

        w.Line(layer.Activation is Activation.Sigmoid or Activation.Tanh
            ? $"// Vector<T>.Count values at a time through VectorMath.{layer.Activation} (a few ulp, see that file); a value's result does not"
            : "// Vector<T>.Count values at a time (a compare and a blend, no branches); a value's result does not");
        w.Line("// depend on where it sits, so the values after the last whole vector go through the last Vector<T>.Count values again");
        w.Line(layer.Activation is Activation.Sigmoid or Activation.Tanh
            ? "// (or, if there are fewer, one by one through the scalar twin, which does the same operations)."
            : "// (or, if there are fewer, one by one).");

        WriteElementwise(w, plan, layer.Units, net, o, v => ActivationFormulas.ApplyToVector(plan, layer.Activation, v), null,
            (src, j) => ActivationFormulas.ApplyInTail(plan, layer.Activation, $"{NetworkPlan.Unsafe}.Add(ref {src}, {j})"));
    }

    /// <summary>
    /// dst_j = f(src_j) for j &lt; <paramref name="count"/>, Vector&lt;T&gt;.Count values at a time. The values after the
    /// last whole vector go through the last Vector&lt;T&gt;.Count values again (loaded before the loop, so this also
    /// works in place): the overlap gets the same result twice, since each lane does the same operations. Only when
    /// there are fewer than Vector&lt;T&gt;.Count values do they go one by one through <paramref name="scalar"/>.
    /// </summary>
    /// <param name="vector">f as a vector expression of the vector it is given.</param>
    /// <param name="setup">A vector local that <paramref name="vector"/> refers to by name, declared before the loop, or null.</param>
    /// <param name="scalar">f of element j of span ref src, given their names.</param>
    private static void WriteElementwise(SourceWriter w, NetworkPlan plan, int count, string src, string dst, System.Func<string, string> vector, (string Name, string Value)? setup, System.Func<string, string, string> scalar)
    {
        string vm = NetworkPlan.VectorMath;
        string v = plan.Vector;
        bool tail = count % NetworkPlan.WidestVector != 0;
        w.Open();
        w.Line($"ref {plan.T} src = ref {plan.Reference(src)};");
        w.Line($"ref {plan.T} dst = ref {plan.Reference(dst)};");
        if (setup is { } local)
        {
            w.Line($"{v} {local.Name} = {local.Value};");
        }

        if (tail)
        {
            w.Line($"{v} last = {count} >= {v}.Count ? {vm}.Load(ref src, {count} - {v}.Count) : default;");
        }

        w.Line("int j = 0;");
        w.Open($"for (; j <= {count} - {v}.Count; j += {v}.Count)");
        w.Line($"{v} value = {vm}.Load(ref src, j);");
        w.Line($"{vm}.Store(ref dst, j, {vector("value")});");
        w.Close();
        if (tail)
        {
            w.Open($"if ({count} >= {v}.Count)");
            w.Open($"if (j < {count})");
            w.Line($"{vm}.Store(ref dst, {count} - {v}.Count, {vector("last")});");
            w.Close();
            w.Close();
            w.Open("else");
            w.Open($"for (; j < {count}; j++)");
            w.Line($"{NetworkPlan.Unsafe}.Add(ref dst, j) = {scalar("src", "j")};");
            w.Close();
            w.Close();
        }

        w.Close();
    }

    /// <summary>Softmax numerators o_j = e^(net_j - m) and their sum, declared as <c>sum{l}</c>.</summary>
    private static void WriteExpSum(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        string vm = NetworkPlan.VectorMath;
        if (!plan.VectorKernels)
        {
            w.Line($"{plan.T} sum{l} = {vm}.ExpSum(net{l}, max{l}, o{l});");
            return;
        }

        w.Line($"// e^(net_j - m): Vector<T>.Count values at a time through VectorMath.Exp, the rest (if any) through its scalar twin");
        w.Line($"// (the same operations); sum{l} = sum_j e^(net_j - m).");
        w.Line($"{plan.T} sum{l};");
        w.Open();
        w.Line($"ref {plan.T} src = ref {plan.Reference($"net{l}")};");
        w.Line($"ref {plan.T} dst = ref {plan.Reference($"o{l}")};");

        w.Line($"{plan.Vector} shift = new {plan.Vector}(max{l});");
        w.Line($"{plan.Vector} sums = {plan.Vector}.Zero;");
        w.Line("int j = 0;");
        w.Open($"for (; j <= {layer.Units} - {plan.Vector}.Count; j += {plan.Vector}.Count)");
        w.Line($"{plan.Vector} e = {vm}.Exp({vm}.Load(ref src, j) - shift);");
        w.Line($"{vm}.Store(ref dst, j, e);");
        w.Line("sums += e;");
        w.Close();
        w.Line($"sum{l} = global::System.Numerics.Vector.Sum(sums);");
        if (layer.Units % NetworkPlan.WidestVector != 0)
        {
            w.Line("// The values after the last whole vector: the last Vector<T>.Count values again where there are that many (the");
            w.Line("// overlap gets the values it already has: each lane does the same operations), else one by one.");
            w.Open($"if ({layer.Units} >= {plan.Vector}.Count)");
            w.Open($"if (j < {layer.Units})");
            w.Line($"{vm}.Store(ref dst, {layer.Units} - {plan.Vector}.Count, {vm}.Exp({vm}.Load(ref src, {layer.Units} - {plan.Vector}.Count) - shift));");
            w.Open($"for (; j < {layer.Units}; j++)");
            w.Line($"sum{l} += {NetworkPlan.Unsafe}.Add(ref dst, j);");
            w.Close();
            w.Close();
            w.Close();
            w.Open("else");
            w.Open($"for (; j < {layer.Units}; j++)");
            w.Line($"{plan.T} e = {plan.ExpInTail}({NetworkPlan.Unsafe}.Add(ref src, j) - max{l});");
            w.Line($"{NetworkPlan.Unsafe}.Add(ref dst, j) = e;");
            w.Line($"sum{l} += e;");
            w.Close();
            w.Close();
        }

        w.Close();
    }

    /// <summary>net[j + r] = sum_i w[inputs * (j + r) + i] * x[i] (+ b) for the rows r &lt; <paramref name="rows"/>.</summary>
    /// <param name="pair">Two samples at once: the second sample's inputs at <c>x2</c>, its sums into <c>dst2</c>; each
    /// weight vector is loaded once for both, and each sample's sums are formed exactly as for one.</param>
    private static void WriteDotRows(SourceWriter w, NetworkPlan plan, LayerPlan layer, int rows, string j, bool pair = false)
    {
        int n = layer.Inputs;
        string vm = NetworkPlan.VectorMath;
        string[] samples = pair ? new[] { string.Empty, "2" } : new[] { string.Empty };
        WriteRowRefs(w, plan, n, rows, j);

        w.Line($"{plan.Vector} {string.Join(", ", samples.SelectMany(x => Enumerable.Range(0, rows).Select(r => $"s{r}{Suffix(x)} = {plan.Vector}.Zero")))};");
        w.Line("int i = 0;");
        w.Open($"for (; i <= {n} - {plan.Vector}.Count; i += {plan.Vector}.Count)");
        foreach (string x in samples)
        {
            w.Line($"{plan.Vector} xi{x} = {vm}.Load(ref x{x}, i);");
        }

        for (int r = 0; r < rows; r++)
        {
            if (!pair)
            {
                w.Line($"s{r} = {vm}.MultiplyAdd({vm}.Load(ref w{r}, i), xi, s{r});");
                continue;
            }

            w.Line($"{plan.Vector} wi{r} = {vm}.Load(ref w{r}, i);");
            foreach (string x in samples)
            {
                w.Line($"s{r}{Suffix(x)} = {vm}.MultiplyAdd(wi{r}, xi{x}, s{r}{Suffix(x)});");
            }
        }

        w.Close();
        if (rows == SummedRowBlock && plan.VectorKernels)
        {
            foreach (string x in samples)
            {
                string sums = string.Join(", ", Enumerable.Range(0, rows).Select(r => $"s{r}{Suffix(x)}"));
                string bias = layer.Bias ? $"ref {NetworkPlan.Unsafe}.Add(ref pRef, {layer.BiasOffset} + {j}), " : "";
                w.Line($"{vm}.StoreSums(ref {NetworkPlan.Unsafe}.Add(ref dst{x}, {j}), {bias}{sums});");
            }

            WriteInputTail(w, plan, n, rows, samples, (x, r) => $"{NetworkPlan.Unsafe}.Add(ref dst{x}, {Plus(j, r)})");
            return;
        }

        foreach (string x in samples)
        {
            for (int r = 0; r < rows; r++)
            {
                w.Line($"{plan.T} dot{r}{Suffix(x)} = global::System.Numerics.Vector.Sum(s{r}{Suffix(x)});");
            }
        }

        WriteInputTail(w, plan, n, rows, samples, (x, r) => $"dot{r}{Suffix(x)}");

        foreach (string x in samples)
        {
            for (int r = 0; r < rows; r++)
            {
                string at = r == 0 ? j : $"{j} + {r}";
                string value = layer.Bias ? $"dot{r}{Suffix(x)} + p[{layer.BiasOffset} + {at}]" : $"dot{r}{Suffix(x)}";
                w.Line($"{NetworkPlan.Unsafe}.Add(ref dst{x}, {at}) = {value};");
            }
        }
    }

    /// <summary>The name suffix of the second sample's sums ("_2"), empty for the first.</summary>
    private static string Suffix(string sample) => sample.Length == 0 ? string.Empty : "_" + sample;

    /// <summary>The inputs after the last whole vector (if the width can leave any), added one by one into each row's <paramref name="target"/>.</summary>
    private static void WriteInputTail(SourceWriter w, NetworkPlan plan, int inputs, int rows, string[] samples, System.Func<string, int, string> target)
    {
        if (inputs % NetworkPlan.WidestVector == 0)
        {
            return;
        }

        w.Open($"for (; i < {inputs}; i++)");
        foreach (string x in samples)
        {
            w.Line($"{plan.T} xi{x} = {NetworkPlan.Unsafe}.Add(ref x{x}, i);");
        }

        for (int r = 0; r < rows; r++)
        {
            foreach (string x in samples)
            {
                w.Line($"{target(x, r)} += {NetworkPlan.Unsafe}.Add(ref w{r}, i) * xi{x};");
            }
        }

        w.Close();
    }

    /// <summary>acc + a0 * b0 + a1 * b1 + ..., as nested VectorMath.MultiplyAdd calls (fused where the hardware can), in that order.</summary>
    private static string MultiplyAddChain(string acc, IEnumerable<(string A, string B)> terms)
    {
        foreach ((string a, string b) in terms)
        {
            acc = $"{NetworkPlan.VectorMath}.MultiplyAdd({a}, {b}, {acc})";
        }

        return acc;
    }

    /// <summary>"float o1_0" for a local, "o1[0]" for a span element.</summary>
    private static string Declare(NetworkPlan plan, LayerPlan layer, string name) =>
        layer.InLocals ? $"{plan.T} {name}" : name;

    /// <summary>Writes <c>target = t0 + t1 + ...;</c>, continuing long sums with <c>name += ...;</c>.</summary>
    private static void WriteSum(SourceWriter w, string target, string name, IReadOnlyList<string> terms)
    {
        for (int start = 0; start < terms.Count; start += TermsPerStatement)
        {
            string sum = string.Join(" + ", terms.Skip(start).Take(TermsPerStatement));
            w.Line(start == 0 ? $"{target} = {sum};" : $"{name} += {sum};");
        }
    }
}
