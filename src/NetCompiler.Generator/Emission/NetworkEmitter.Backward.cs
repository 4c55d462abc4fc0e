using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emission;

internal static partial class NetworkEmitter
{
    /// <summary>What the backward pass does with each dE/dp: add it into <c>gradient</c>, or take a gradient-descent step on <c>p</c>.</summary>
    private enum BackwardMode
    {
        Gradient,
        Train,

        /// <summary>As <see cref="Gradient"/> for unrolled layers; looped layers leave their deltas and inputs in <c>keep</c> for <c>__ChunkGradient</c>.</summary>
        Deferred,
    }

    /// <summary>
    /// Backpropagation from the output deltas to the first layer. Per layer, from the last: first the
    /// previous layer's deltas (they need this layer's weights before any update), then this layer's
    /// gradient or update.
    /// </summary>
    private static void WriteBackwardPass(SourceWriter w, NetworkPlan plan, BackwardMode mode)
    {
        WriteOutputDelta(w, plan);
        for (int l = plan.Layers.Count - 1; l >= 0; l--)
        {
            if (l > 0)
            {
                WriteHiddenDelta(w, plan, plan.Layers[l]);
            }

            WriteParameterStep(w, plan, plan.Layers[l], mode);
        }
    }

    /// <summary>delta_j of layer l - 1 from the deltas of layer l: delta_j = f'(net_j) * sum_k w_kj * delta_k.</summary>
    private static void WriteHiddenDelta(SourceWriter w, NetworkPlan plan, LayerPlan layer)
    {
        int l = layer.Index;
        LayerPlan previous = plan.Layers[l - 1];
        w.Line();
        w.Line($"// Hidden layer {previous.Number}: delta_j = f'(net_j) * sum_k w_kj * delta_k (k over the {layer.Units} units of layer {layer.Number}),");
        w.Line($"// where {ActivationFormulas.DescribeDerivative(previous.Activation)}.");
        if (layer.Unrolled)
        {
            for (int j = 0; j < layer.Inputs; j++)
            {
                List<string> terms = Enumerable.Range(0, layer.Units).Select(k => $"{plan.W(l, k, j)} * {plan.Delta(l, k)}").ToList();
                string? derivative = ActivationFormulas.Derivative(plan, previous.Activation, plan.Out(l - 1, j));
                string name = plan.Delta(l - 1, j);
                string target = Declare(plan, previous, name);
                if (terms.Count <= TermsPerStatement)
                {
                    string sum = string.Join(" + ", terms);
                    w.Line(derivative is null ? $"{target} = {sum};" : $"{target} = {derivative} * ({sum});");
                }
                else
                {
                    WriteSum(w, target, name, terms);
                    if (derivative is not null)
                    {
                        w.Line($"{name} *= {derivative};");
                    }
                }
            }

            return;
        }

        w.Line($"// Looped: W is walked row by row (contiguous memory), {RowBlock} rows k at a time, each adding w_kj * delta_k into every delta_j.");
        WriteTransposedProduct(w, plan, layer, $"delta{l - 1}");
        string? vectorDerivative = ActivationFormulas.VectorDerivative(plan, previous.Activation, "o");
        if (vectorDerivative is not null)
        {
            w.Line($"// times f'(net_j), Vector<T>.Count values at a time.");
            w.Open();
            w.Line($"ref {plan.T} deltas = ref {plan.Reference($"delta{l - 1}")};");
            w.Line($"ref {plan.T} outputs = ref {plan.Reference($"o{l - 1}")};");
            WriteVectorLoop(w, plan, "j", layer.Inputs,
                new[]
                {
                    $"{plan.Vector} o = {NetworkPlan.VectorMath}.Load(ref outputs, j);",
                    $"{NetworkPlan.VectorMath}.Store(ref deltas, j, {NetworkPlan.VectorMath}.Load(ref deltas, j) * {vectorDerivative});",
                },
                new[]
                {
                    $"{plan.T} oj = {NetworkPlan.Unsafe}.Add(ref outputs, j);",
                    $"{NetworkPlan.Unsafe}.Add(ref deltas, j) *= {ActivationFormulas.Derivative(plan, previous.Activation, "oj")};",
                });
            w.Close();
        }
    }

    /// <summary>target_j = sum_k w_kj * delta_k for a looped layer (W^T delta), walking W row by row, <see cref="RowBlock"/> rows at a time.</summary>
    private static void WriteTransposedProduct(SourceWriter w, NetworkPlan plan, LayerPlan layer, string target)
    {
        int l = layer.Index;
        w.Line($"{target}.Clear();");
        w.Open();
        w.Line($"ref {plan.T} w = ref {NetworkPlan.Unsafe}.Add(ref pRef, {layer.WeightOffset});");
        w.Line($"ref {plan.T} sums = ref {plan.Reference(target)};");
        WriteRowBlocks(w, layer.Units, "k", (rows, k) =>
        {
            WriteRowRefs(w, plan, layer.Inputs, rows, k);
            w.Line($"{plan.T} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"d{r} = delta{l}[{Plus(k, r)}]"))};");
            w.Line($"{plan.Vector} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"v{r} = new {plan.Vector}(d{r})"))};");
            string vectorSum = MultiplyAddChain($"{NetworkPlan.VectorMath}.Load(ref sums, j)", Enumerable.Range(0, rows).Select(r => ($"{NetworkPlan.VectorMath}.Load(ref w{r}, j)", $"v{r}")));
            string scalarSum = string.Join(" + ", Enumerable.Range(0, rows).Select(r => $"{NetworkPlan.Unsafe}.Add(ref w{r}, j) * d{r}"));
            WriteVectorLoop(w, plan, "j", layer.Inputs,
                new[] { $"{NetworkPlan.VectorMath}.Store(ref sums, j, {vectorSum});" },
                new[] { $"{NetworkPlan.Unsafe}.Add(ref sums, j) += {scalarSum};" });
        });
        w.Close();
    }

    /// <summary>
    /// In a Dense tail: dE/do_i of the layer before it (its flattened outputs) = sum_k w_ki * delta_k of the tail's first
    /// layer, into <paramref name="target"/>; that layer's own activation derivative is applied by its kind.
    /// </summary>
    internal static void WriteInputDelta(SourceWriter w, NetworkPlan plan, string target)
    {
        LayerPlan layer = plan.Layers[0];
        w.Line();
        w.Line($"// Into layer {layer.Number - 1}'s values: dE/do_i = sum_k w_ki * delta_k (k over the {layer.Units} units of layer {layer.Number}).");
        if (!layer.Unrolled)
        {
            WriteTransposedProduct(w, plan, layer, target);
            return;
        }

        for (int i = 0; i < layer.Inputs; i++)
        {
            List<string> terms = Enumerable.Range(0, layer.Units).Select(k => $"{plan.W(0, k, i)} * {plan.Delta(0, k)}").ToList();
            WriteSum(w, $"{target}[{i}]", $"{target}[{i}]", terms);
        }
    }

    /// <summary>The scalar step (or gradient) of an unrolled layer's rows <paramref name="from"/> to <paramref name="to"/> - 1.</summary>
    private static void WriteUnrolledStepRows(SourceWriter w, NetworkPlan plan, LayerPlan layer, BackwardMode mode, int from, int to)
    {
        int l = layer.Index;
        for (int j = from; j < to; j++)
        {
            string delta = plan.Delta(l, j);
            for (int i = 0; i < layer.Inputs; i++)
            {
                int index = layer.WeightOffset + (layer.Inputs * j) + i;
                w.Line(mode == BackwardMode.Gradient
                    ? $"gradient[{index}] += {delta} * {plan.In(l, i)};"
                    : $"p[{index}] -= learningRate * ({delta} * {plan.In(l, i)});");
            }

            if (layer.Bias)
            {
                w.Line(mode == BackwardMode.Gradient
                    ? $"gradient[{layer.BiasOffset + j}] += {delta};"
                    : $"p[{layer.BiasOffset + j}] -= learningRate * {delta};");
            }
        }
    }

    /// <summary>
    /// Whether Train's step of an unrolled layer can go 8 rows at a time as whole vectors of W
    /// (<see cref="WriteRowPackedStep"/>): a trainable float layer of at least 8 units with 1, 2 or 4 inputs whose deltas
    /// are in a span (the next layer is looped).
    /// </summary>
    private static bool RowPackedStep(NetworkPlan plan, LayerPlan layer) =>
        plan.Baked is null && plan.VectorKernels && !layer.InLocals && layer.Units >= PackedWidth && layer.Inputs is 1 or 2 or 4;

    /// <summary>
    /// Train's step of an unrolled layer's first <paramref name="rows"/> rows (a multiple of 8), where Vector&lt;float&gt;
    /// has 8 lanes and AVX2 is there: per 8 rows, e_j = -eta * delta_j is one vector; a permutation spreads it over the
    /// lanes of each vector of W (n lanes per row for n inputs), which then gets + e_j * o_i with the inputs repeated
    /// across the lanes; the biases get + e_j. The rows after the last whole 8 go one by one (overlapping vectors would
    /// step a row twice). iris <c>Train</c> went from 114-120 to 91-94 ns with it in a same-process A/B. Opens the
    /// <c>if</c>; the caller writes the <c>else</c>.
    /// </summary>
    private static void WriteRowPackedStep(SourceWriter w, NetworkPlan plan, LayerPlan layer, int rows)
    {
        int l = layer.Index;
        int n = layer.Inputs;
        string u = NetworkPlan.Unsafe;
        string v = $"{Vector256Class}<float>";
        const string Avx2 = "global::System.Runtime.Intrinsics.X86.Avx2";
        w.Line($"// With 8 lanes and AVX2, 8 rows j at a time: e_j = -eta * delta_j as one vector, spread by a permutation over the {n} lane{(n == 1 ? string.Empty : "s")}");
        w.Line($"// of each row in the {n} vector{(n == 1 ? string.Empty : "s")} of W, times the inputs repeated across the lanes: w_ji + e_j * o_i{(layer.Bias ? ", b_j + e_j" : string.Empty)}. Other widths: one by one.");
        w.Open($"if (global::System.Numerics.Vector<float>.Count == {PackedWidth} && {Avx2}.IsSupported)");
        w.Line($"{v} stepInputs{l} = {RepeatedInputs(plan, layer)};");
        w.Line($"{v} rate = {Vector256Class}.Create(-learningRate);");
        w.Line($"ref float deltas = ref {plan.Reference($"delta{l}")};");
        for (int start = 0; start < rows; start += PackedWidth)
        {
            w.Open();
            w.Line($"// Rows {start}..{start + PackedWidth - 1}.");
            w.Line($"{v} e = {Vector256Class}.LoadUnsafe(ref {u}.Add(ref deltas, {start})) * rate;");
            w.Line($"ref float rows = ref {u}.Add(ref pRef, {layer.WeightOffset + (n * start)});");
            for (int k = 0; k < n; k++)
            {
                string at = k == 0 ? "ref rows" : $"ref {u}.Add(ref rows, {k * PackedWidth})";
                string spread = n == 1
                    ? "e"
                    : $"{Avx2}.PermuteVar8x32(e, {Vector256Class}.Create({string.Join(", ", Enumerable.Range(0, PackedWidth).Select(m => ((k * PackedWidth) + m) / n))}))";
                w.Line($"{Vector256Class}.StoreUnsafe({Vector256Class}.LoadUnsafe({at}) + ({spread} * stepInputs{l}), {at});");
            }

            if (layer.Bias)
            {
                w.Line($"ref float biases = ref {u}.Add(ref pRef, {layer.BiasOffset + start});");
                w.Line($"{Vector256Class}.StoreUnsafe({Vector256Class}.LoadUnsafe(ref biases) + e, ref biases);");
            }

            w.Close();
        }

        w.Close();
    }

    /// <summary>Fewest inputs of a looped ReLU layer whose update or gradient pass skips rows with delta_j = 0.</summary>
    private const int SkipZeroRowsMinInputs = 128;

    /// <summary>"k" for r = 0, else "k + r".</summary>
    private static string Plus(string index, int r) => r == 0 ? index : $"{index} + {r}";

    /// <summary>
    /// A loop over <paramref name="units"/> rows in blocks of <see cref="RowBlock"/>, then one block of the rows left
    /// over; <paramref name="body"/> writes a block of the given row count starting at the row index it is given.
    /// </summary>
    private static void WriteRowBlocks(SourceWriter w, int units, string index, System.Action<int, string> body, int block = RowBlock)
    {
        int full = units / block * block;
        if (full > 0)
        {
            w.Open(block == 1 ? $"for (int {index} = 0; {index} < {full}; {index}++)" : $"for (int {index} = 0; {index} < {full}; {index} += {block})");
            body(block, index);
            w.Close();
        }

        if (full < units)
        {
            w.Open();
            w.Line($"const int {index} = {full};");
            body(units - full, index);
            w.Close();
        }
    }

    /// <summary><c>ref T w0</c> .. <c>w{rows-1}</c>: the starts of rows k .. k + rows - 1 of the weight matrix at <c>w</c>.</summary>
    private static void WriteRowRefs(SourceWriter w, NetworkPlan plan, int inputs, int rows, string k)
    {
        w.Line($"ref {plan.T} w0 = ref {NetworkPlan.Unsafe}.Add(ref w, {inputs} * {k});");
        for (int r = 1; r < rows; r++)
        {
            w.Line($"ref {plan.T} w{r} = ref {NetworkPlan.Unsafe}.Add(ref w{r - 1}, {inputs});");
        }
    }

    /// <summary>
    /// An element-wise loop over <paramref name="count"/> values: Vector&lt;T&gt;.Count at a time, then the rest one
    /// by one; with <paramref name="wide"/>, 512-bit vectors first where they are accelerated. All do the same
    /// operations on each element, so the result does not depend on the vector width.
    /// </summary>
    private static void WriteVectorLoop(SourceWriter w, CodeContext plan, string index, int count, IEnumerable<string> vectorStatements, IEnumerable<string> scalarStatements, WideLoop? wide = null)
    {
        w.Line($"int {index} = 0;");
        if (wide is not null && count >= WideLoopMinCount)
        {
            w.Line("// 512-bit vectors first where the processor has them (the same operations on each element, so the same results).");
            w.Open("if (global::System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)");
            foreach (string setup in wide.Setup)
            {
                w.Line(setup);
            }

            w.Open($"for (; {index} <= {count} - {Vector512(plan)}.Count; {index} += {Vector512(plan)}.Count)");
            foreach (string statement in wide.Statements)
            {
                w.Line(statement);
            }

            w.Close();
            w.Close();
        }

        w.Open($"for (; {index} <= {count} - {plan.Vector}.Count; {index} += {plan.Vector}.Count)");
        foreach (string statement in vectorStatements)
        {
            w.Line(statement);
        }

        w.Close();
        if (count % NetworkPlan.WidestVector != 0)
        {
            w.Open($"for (; {index} < {count}; {index}++)");
            foreach (string statement in scalarStatements)
            {
                w.Line(statement);
            }

            w.Close();
        }
    }

    /// <summary>Fewest values for which an element-wise loop over weights gets a 512-bit pass first (four vectors of 16 floats).</summary>
    private const int WideLoopMinCount = 64;

    /// <summary><c>Vector512&lt;T&gt;</c>, fully qualified.</summary>
    private static string Vector512(CodeContext plan) => $"global::System.Runtime.Intrinsics.Vector512<{plan.T}>";

    /// <summary>The 512-bit form of an element-wise loop: <see cref="Setup"/> before it (broadcasts), <see cref="Statements"/> per vector.</summary>
    private sealed class WideLoop
    {
        public WideLoop(IEnumerable<string> setup, IEnumerable<string> statements)
        {
            Setup = setup.ToList();
            Statements = statements.ToList();
        }

        public IReadOnlyList<string> Setup { get; }

        public IReadOnlyList<string> Statements { get; }
    }

    /// <summary>Layer l's gradient dE/dw_ji = delta_j * o_i and dE/db_j = delta_j, added into <c>gradient</c> or applied to <c>p</c>.</summary>
    private static void WriteParameterStep(SourceWriter w, NetworkPlan plan, LayerPlan layer, BackwardMode mode)
    {
        int l = layer.Index;
        w.Line();
        if (mode == BackwardMode.Deferred && !layer.Unrolled)
        {
            w.Line($"// Layer {layer.Number} gradient: left to __ChunkGradient, which adds it for up to {NetworkPlan.BatchChunk} samples at once from the deltas and inputs kept in keep.");
            return;
        }

        if (mode == BackwardMode.Deferred)
        {
            mode = BackwardMode.Gradient;
        }

        if (mode == BackwardMode.Gradient)
        {
            w.Line($"// Layer {layer.Number} gradient, added into gradient: dE/dw_ji = delta_j * o_i{(layer.Bias ? ", dE/db_j = delta_j" : string.Empty)}.");
        }
        else
        {
            w.Line($"// Layer {layer.Number} update (gradient descent, eta = learningRate): w_ji <- w_ji - eta * delta_j * o_i{(layer.Bias ? ", b_j <- b_j - eta * delta_j" : string.Empty)}.");
        }

        if (layer.Unrolled)
        {
            int packed = mode == BackwardMode.Train && RowPackedStep(plan, layer) ? layer.Units / PackedWidth * PackedWidth : 0;
            if (packed > 0)
            {
                WriteRowPackedStep(w, plan, layer, packed);
                w.Open("else");
                WriteUnrolledStepRows(w, plan, layer, mode, 0, packed);
                w.Close();
            }

            WriteUnrolledStepRows(w, plan, layer, mode, packed, layer.Units);
            return;
        }

        // Looped: RowBlock rows j at a time, so that each Vector<T> of inputs o_i is loaded once for all of them.
        string target = mode == BackwardMode.Gradient ? "gradient" : "p";
        w.Open();
        w.Line($"ref {plan.T} x = ref {plan.Reference(plan.InSpan(l))};");
        w.Line($"ref {plan.T} w = ref {NetworkPlan.Unsafe}.Add(ref {plan.Reference(target)}, {layer.WeightOffset});");
        if (mode == BackwardMode.Train)
        {
            w.Line("// As w_ji <- w_ji + (-eta * delta_j) * o_i: one multiply-add per weight (fused where the hardware can), b_j <- b_j + (-eta * delta_j).");
        }

        // A ReLU layer's delta_j is exactly 0 wherever its unit is off (o_j = 0): such rows are skipped, one row at a
        // time, which halves the memory traffic for a typical layer (a skipped row also stays as it is when an input is
        // infinite or NaN, where adding 0 * x would have made it NaN). Only for wide rows: the branch is unpredictable,
        // and a mispredicted one costs about as much as the work it saves on a row of fewer than ~128 inputs.
        bool skipZeroRows = layer.Activation == Activation.ReLU && layer.Inputs >= SkipZeroRowsMinInputs;
        if (skipZeroRows)
        {
            w.Line("// Rows whose delta_j is 0 (ReLU units that are off) are skipped: their step is 0.");
        }

        WriteRowBlocks(w, layer.Units, "j", (rows, k) =>
        {
            WriteRowRefs(w, plan, layer.Inputs, rows, k);
            w.Line($"{plan.T} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"d{r} = delta{l}[{Plus(k, r)}]"))};");
            if (skipZeroRows)
            {
                w.Open($"if (d0 == {plan.Lit(0)})");
                w.Line("continue;");
                w.Close();
            }

            // The update's factor per row: -eta * delta_j, so that each weight takes one multiply-add.
            string factor = mode == BackwardMode.Gradient ? "d" : "e";
            if (mode == BackwardMode.Train)
            {
                w.Line($"{plan.T} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"e{r} = -learningRate * d{r}"))};");
            }

            w.Line($"{plan.Vector} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"v{r} = new {plan.Vector}({factor}{r})"))};");
            string vm = NetworkPlan.VectorMath;
            var vector = new List<string> { $"{plan.Vector} xi = {vm}.Load(ref x, i);" };
            var scalar = new List<string> { $"{plan.T} xi = {NetworkPlan.Unsafe}.Add(ref x, i);" };
            var wide = new List<string> { $"{Vector512(plan)} xi = {vm}.Load512(ref x, i);" };
            for (int r = 0; r < rows; r++)
            {
                vector.Add($"{vm}.Store(ref w{r}, i, {vm}.MultiplyAdd(v{r}, xi, {vm}.Load(ref w{r}, i)));");
                scalar.Add($"{NetworkPlan.Unsafe}.Add(ref w{r}, i) += {factor}{r} * xi;");
                wide.Add($"{vm}.Store(ref w{r}, i, {vm}.MultiplyAdd(u{r}, xi, {vm}.Load512(ref w{r}, i)));");
            }

            var setup = new[] { $"{Vector512(plan)} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"u{r} = global::System.Runtime.Intrinsics.Vector512.Create({factor}{r})"))};" };
            WriteVectorLoop(w, plan, "i", layer.Inputs, vector, scalar, new WideLoop(setup, wide));
            if (layer.Bias)
            {
                for (int r = 0; r < rows; r++)
                {
                    w.Line($"{target}[{layer.BiasOffset} + {Plus(k, r)}] += {factor}{r};");
                }
            }
        }, skipZeroRows ? 1 : RowBlock);
        w.Close();
    }

    /// <summary>Rows j of a weight matrix that <c>__ChunkGradient</c> handles together (each input vector loaded once for all).</summary>
    private const int ChunkRowBlock = 4;

    /// <summary>
    /// <c>__ChunkGradient</c>: the looped layers' gradients summed over up to <see cref="NetworkPlan.BatchChunk"/> samples,
    /// dE/dw_ji = sum_s delta_j^(s) * o_i^(s), scaled and added to a target (the summed gradient, or the parameters
    /// themselves for a fused step), so that each weight row is loaded and stored once per chunk rather than once per sample.
    /// </summary>
    private static void WriteChunkGradient(SourceWriter w, NetworkPlan plan)
    {
        string t = plan.T;
        w.Line($"/// <summary>For the looped layers: target += scale * (sum over the <paramref name=\"rows\"/> samples of dE/dp), from the deltas and inputs their backpropagation left in <paramref name=\"keep\"/> (a slice of {plan.KeepLength} values per sample); <paramref name=\"inputs\"/> holds the samples.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private static void __ChunkGradient(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> keep, int rows, global::System.Span<{t}> target, {t} scale)");
        w.Line($"ref {t} tRef = ref {plan.Reference("target")};");
        w.Line($"ref {t} keepRef = ref {plan.Reference("keep")};");
        w.Line($"{plan.Vector} scales = new {plan.Vector}(scale);");
        foreach (LayerPlan layer in plan.Layers)
        {
            if (layer.Unrolled)
            {
                continue;
            }

            int l = layer.Index;
            w.Line();
            w.Line($"// Layer {l}: dE/dw_ji = sum_s delta_j^(s) * o_i^(s) over the samples s{(layer.Bias ? ", dE/db_j = sum_s delta_j^(s)" : string.Empty)}; target += scale * dE/dp.");
            w.Line($"// {ChunkRowBlock} rows j and two vectors of inputs i at a time: per sample, two vectors o_i and {ChunkRowBlock} deltas go into {2 * ChunkRowBlock} running sums;");
            w.Line("// the target row is then loaded and stored once. The sums run over the samples in order, whatever the vector width.");
            w.Open();
            w.Line(l == 0
                ? $"ref {t} x = ref {plan.Reference("inputs")};"
                : $"ref {t} x = ref {NetworkPlan.Unsafe}.Add(ref keepRef, {plan.KeptInputOffset(l)});");
            w.Line($"ref {t} d = ref {NetworkPlan.Unsafe}.Add(ref keepRef, {plan.KeptDeltaOffset(l)});");
            WriteRowBlocks(w, layer.Units, "j", (block, j) => WriteChunkRows(w, plan, layer, block, j), ChunkRowBlock);
            w.Close();
        }

        w.Close();
        w.Line();
    }

    /// <summary>Rows j .. j + <paramref name="rows"/> - 1 of <see cref="WriteChunkGradient"/> for one layer.</summary>
    private static void WriteChunkRows(SourceWriter w, NetworkPlan plan, LayerPlan layer, int rows, string j)
    {
        string t = plan.T;
        string vm = NetworkPlan.VectorMath;
        string u = NetworkPlan.Unsafe;
        string v = plan.Vector;
        int n = layer.Inputs;
        int stride = layer.Index == 0 ? plan.InputCount : plan.KeepLength;
        w.Line($"ref {t} t0 = ref {u}.Add(ref tRef, {layer.WeightOffset} + {n} * {j});");
        for (int r = 1; r < rows; r++)
        {
            w.Line($"ref {t} t{r} = ref {u}.Add(ref t{r - 1}, {n});");
        }

        w.Line("int i = 0;");
        void Pass(int vectors, string header)
        {
            w.Open(header);
            var sums = new List<string>();
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < vectors; c++)
                {
                    sums.Add($"a{r}_{c}");
                }
            }

            w.Line(vectors == 0
                ? $"{t} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"a{r} = {plan.Lit(0)}"))};"
                : $"{v} {string.Join(", ", sums.Select(a => $"{a} = {v}.Zero"))};");
            w.Line($"ref {t} xs = ref x;");
            w.Line($"ref {t} ds = ref {u}.Add(ref d, {j});");
            w.Open("for (int s = 0; s < rows; s++)");
            if (vectors == 0)
            {
                w.Line($"{t} xi = {u}.Add(ref xs, i);");
                for (int r = 0; r < rows; r++)
                {
                    w.Line($"a{r} += {u}.Add(ref ds, {r}) * xi;");
                }
            }
            else
            {
                for (int c = 0; c < vectors; c++)
                {
                    w.Line($"{v} x{c} = {vm}.Load(ref xs, {(c == 0 ? "i" : $"i + {v}.Count")});");
                }

                for (int r = 0; r < rows; r++)
                {
                    w.Line($"{v} v{r} = new {v}({u}.Add(ref ds, {r}));");
                    for (int c = 0; c < vectors; c++)
                    {
                        w.Line($"a{r}_{c} = {vm}.MultiplyAdd(v{r}, x{c}, a{r}_{c});");
                    }
                }
            }

            w.Line($"xs = ref {u}.Add(ref xs, {stride});");
            w.Line($"ds = ref {u}.Add(ref ds, {plan.KeepLength});");
            w.Close();
            for (int r = 0; r < rows; r++)
            {
                if (vectors == 0)
                {
                    w.Line($"{u}.Add(ref t{r}, i) += scale * a{r};");
                    continue;
                }

                for (int c = 0; c < vectors; c++)
                {
                    string at = c == 0 ? "i" : $"i + {v}.Count";
                    w.Line($"{vm}.Store(ref t{r}, {at}, {vm}.MultiplyAdd(scales, a{r}_{c}, {vm}.Load(ref t{r}, {at})));");
                }
            }

            w.Close();
        }

        Pass(2, $"for (; i <= {n} - 2 * {v}.Count; i += 2 * {v}.Count)");
        if (n % (2 * NetworkPlan.WidestVector) != 0)
        {
            Pass(1, $"for (; i <= {n} - {v}.Count; i += {v}.Count)");
        }

        if (n % NetworkPlan.WidestVector != 0)
        {
            Pass(0, $"for (; i < {n}; i++)");
        }

        if (layer.Bias)
        {
            w.Open();
            w.Line($"{t} {string.Join(", ", Enumerable.Range(0, rows).Select(r => $"b{r} = {plan.Lit(0)}"))};");
            w.Line($"ref {t} ds = ref {u}.Add(ref d, {j});");
            w.Open("for (int s = 0; s < rows; s++)");
            for (int r = 0; r < rows; r++)
            {
                w.Line($"b{r} += {u}.Add(ref ds, {r});");
            }

            w.Line($"ds = ref {u}.Add(ref ds, {plan.KeepLength});");
            w.Close();
            for (int r = 0; r < rows; r++)
            {
                w.Line($"{u}.Add(ref tRef, {layer.BiasOffset} + {Plus(j, r)}) += scale * b{r};");
            }

            w.Close();
        }
    }
}
