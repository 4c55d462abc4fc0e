using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Conv;

/// <summary>
/// How a <c>[Conv1D]</c>/<c>[Conv2D]</c> layer is emitted: forward pass, weight and bias gradient, input gradient.
/// </summary>
/// <remarks>
/// <para>
/// The input is first staged: copied into a zero-padded image (<c>in_pad</c>) and, for a stride s above 1, split into its
/// s x s phases (the rows and columns of each remainder mod s, side by side). Every tap (c, i, j) of the kernel then reads
/// a contiguous run of the stage: out[f, y, x] reads in_pad[c, y*s + i*d, x*s + j*d], which is
/// <c>stage[q + taps[k]]</c> on the output grid q = y * gridWidth + x, with one constant offset <c>taps[k]</c> per tap
/// k = (c, i, j). The grid is as wide as a row of the (phase) image, so the columns past the output's width are computed
/// and dropped: that costs (gridWidth - width) / gridWidth of the work and buys loads without masks or gathers.
/// </para>
/// <para>
/// The forward pass is then out[f, q] = b[f] + sum_k w[f, k] * stage[taps[k] + q] over the grid: a small matrix product
/// whose second factor is read through the taps ("implicit im2col"), register-blocked over 4 filters x 2 vectors of q
/// (one filter x 8 vectors for depthwise layers), so each weight is broadcast once per block and each value loaded once
/// for all the block's filters. The backward pass uses the same grid: the deltas are laid out on it (zeros in the
/// dropped columns), dE/dw[f, k] = sum_q delta[f, q] * stage[taps[k] + q], and the input's gradient is scattered back
/// through the same taps, dstage[taps[k] + q] += sum_f w[f, k] * delta[f, q], then unstaged.
/// </para>
/// </remarks>
internal sealed class ConvEmitter : SpatialLayer
{
    private readonly ConvSpec _spec;

    public ConvEmitter(ConvSpec spec, int index, TensorShape input, int weightOffset)
        : base(index, input, spec.OutputShape(input), weightOffset)
    {
        _spec = spec;
        Groups = spec.Groups;
        GroupChannels = input.Channels / spec.Groups;
        GroupFilters = spec.Filters / spec.Groups;
        Taps = GroupChannels * spec.KernelHeight * spec.KernelWidth;
        PaddedHeight = input.Height + spec.PadTop + spec.PadBottom;
        PaddedWidth = input.Width + spec.PadLeft + spec.PadRight;
        PhaseHeight = (PaddedHeight + spec.StrideHeight - 1) / spec.StrideHeight;
        PhaseWidth = (PaddedWidth + spec.StrideWidth - 1) / spec.StrideWidth;
        ChannelStride = spec.StrideHeight * spec.StrideWidth * PhaseHeight * PhaseWidth;
        GridRows = Output.Height;
        GridValues = RoundUp((long)GridRows * PhaseWidth);

        var taps = new List<int>();
        for (int c = 0; c < GroupChannels; c++)
        {
            for (int i = 0; i < spec.KernelHeight; i++)
            {
                for (int j = 0; j < spec.KernelWidth; j++)
                {
                    taps.Add(StageIndex(c, i * spec.DilationHeight, j * spec.DilationWidth));
                }
            }
        }

        TapOffsets = taps;
        int lastRead = taps.Max() + GridValues;
        StageValues = RoundUp(System.Math.Max((long)input.Channels * ChannelStride, lastRead));
    }

    public override LayerSpec Spec => _spec;

    private int Groups { get; }

    /// <summary>Input channels per group (the weight's second dimension).</summary>
    private int GroupChannels { get; }

    /// <summary>Filters per group.</summary>
    private int GroupFilters { get; }

    /// <summary>Weights per filter: the taps k = (c, i, j).</summary>
    private int Taps { get; }

    private int PaddedHeight { get; }

    private int PaddedWidth { get; }

    /// <summary>Rows of one phase of the padded input (all of it for stride 1).</summary>
    private int PhaseHeight { get; }

    /// <summary>Columns of one phase: the grid's width.</summary>
    private int PhaseWidth { get; }

    /// <summary>Values of one channel in the stage (all its phases).</summary>
    private int ChannelStride { get; }

    private int GridRows { get; }

    /// <summary>Values of one filter's output grid, rounded up to whole vectors at every width.</summary>
    private int GridValues { get; }

    private int StageValues { get; }

    /// <summary>taps[k] for k = (c, i, j) of group 0.</summary>
    private IReadOnlyList<int> TapOffsets { get; }

    public override int ParameterCount => (_spec.Filters * Taps) + (_spec.Bias ? _spec.Filters : 0);

    private int BiasOffset => WeightOffset + (_spec.Filters * Taps);

    public override int StageLength => StageValues;

    public override int GridLength => System.Math.Max(_spec.Filters * GridValues, TransposedWeightGradient ? (Output.Positions * PaddedFilters) + (8 * CodeContext.WidestVector) : 0);

    /// <summary>
    /// Whether the weight gradient goes through the transposed deltas, vectorized over the filters (one group: every filter
    /// reads the same stage). The other way (grouped layers) sums over the grid per weight and adds each sum across lanes,
    /// which costs a horizontal add per weight: little for depthwise layers (9 weights per filter), most of the time for a
    /// layer of many filters and taps on a small grid (the digits network's second layer: 1152 weights, 32 grid values).
    /// </summary>
    private bool TransposedWeightGradient => Groups == 1;

    /// <summary>Filters rounded up to whole vectors at every width: the row length of the transposed deltas.</summary>
    private int PaddedFilters => RoundUp(_spec.Filters);

    public override long ForwardMacs => (long)Output.Size * Taps;

    public override long BackwardMacs => (long)Output.Size * Taps * 2;

    public override string ActivationName => _spec.Activation.ToString();

    public override (int FanIn, int FanOut, bool He)? Initialization
    {
        get
        {
            int window = _spec.KernelHeight * _spec.KernelWidth;
            return (GroupChannels * window, GroupFilters * window, _spec.Activation is Activation.ReLU or Activation.LeakyReLU);
        }
    }

    public override string Describe()
    {
        var parts = new List<string>
        {
            _spec.Rank == 1 ? $"kernel {_spec.KernelWidth}" : $"kernel {_spec.KernelHeight}x{_spec.KernelWidth}",
        };
        if (_spec.StrideHeight != 1 || _spec.StrideWidth != 1)
        {
            parts.Add(_spec.Rank == 1 ? $"stride {_spec.StrideWidth}" : $"stride {_spec.StrideHeight}x{_spec.StrideWidth}");
        }

        if (_spec.Same)
        {
            parts.Add("same");
        }
        else if (_spec.PadTop + _spec.PadLeft > 0)
        {
            parts.Add(_spec.Rank == 1 || _spec.PadTop == _spec.PadLeft ? $"padding {_spec.PadLeft}" : $"padding {_spec.PadTop}x{_spec.PadLeft}");
        }

        if (_spec.DilationHeight != 1 || _spec.DilationWidth != 1)
        {
            parts.Add(_spec.Rank == 1 ? $"dilation {_spec.DilationWidth}" : $"dilation {_spec.DilationHeight}x{_spec.DilationWidth}");
        }

        if (Groups > 1)
        {
            parts.Add(Groups == Input.Channels ? "depthwise" : $"groups {Groups}");
        }

        if (!_spec.Bias)
        {
            parts.Add("no bias");
        }

        return $"{_spec.KindName} {string.Join(", ", parts)}";
    }

    /// <summary>Where in_pad[c, Y, X] sits in the stage: channel, then phase (Y mod sh, X mod sw), then row Y / sh and column X / sw.</summary>
    private int StageIndex(int c, int paddedRow, int paddedColumn)
    {
        int phase = ((paddedRow % _spec.StrideHeight) * _spec.StrideWidth) + (paddedColumn % _spec.StrideWidth);
        return (c * ChannelStride) + (phase * PhaseHeight * PhaseWidth) + ((paddedRow / _spec.StrideHeight) * PhaseWidth) + (paddedColumn / _spec.StrideWidth);
    }

    private bool Strided => _spec.StrideHeight > 1 || _spec.StrideWidth > 1;

    private bool Is1D => _spec.Rank == 1;

    /// <summary>The formula of the forward pass in PyTorch's terms, for comments.</summary>
    private string Formula
    {
        get
        {
            string b = _spec.Bias ? "b[f] + " : string.Empty;
            string g = Groups > 1 ? $" (c over the {GroupChannels} channels of f's group)" : string.Empty;
            return Is1D
                ? $"out[f, x] = {b}sum_c,j w[f, c, j] * in[c, {Position("x", _spec.StrideWidth, "j", _spec.DilationWidth, _spec.PadLeft)}]{g}"
                : $"out[f, y, x] = {b}sum_c,i,j w[f, c, i, j] * in[c, {Position("y", _spec.StrideHeight, "i", _spec.DilationHeight, _spec.PadTop)}, {Position("x", _spec.StrideWidth, "j", _spec.DilationWidth, _spec.PadLeft)}]{g}";
        }
    }

    private static string Position(string output, int stride, string tap, int dilation, int pad)
    {
        string s = (stride == 1 ? output : $"{output}*{stride}") + " + " + (dilation == 1 ? tap : $"{tap}*{dilation}");
        return pad == 0 ? s : $"{s} - {pad}";
    }

    /// <summary>"(c, i, j)", or "(c, j)" in 1D.</summary>
    private string TapName => Is1D ? "(c, j)" : "(c, i, j)";

    /// <summary>The taps table's name.</summary>
    private string TapsTable => $"__Taps{Index}";

    // ------------------------------------------------------------------ forward

    public override string ForwardCall(LayerBuffers b) => $"{Method}({b.Parameters}, {b.Input}, {b.Output}, {b.Stage}, {b.Grid});";

    public override void WriteForward(SourceWriter w, CodeContext c)
    {
        string t = c.T;
        w.Line($"/// <summary>taps[k] of layer {Index}: where tap k = {TapName} of a filter reads the stage, relative to the output's grid position q (channels of group 0).</summary>");
        w.Line(GeneratedCode);
        w.Line($"private static global::System.ReadOnlySpan<int> {TapsTable} => new int[] {{ {string.Join(", ", TapOffsets)} }};");
        w.Line();
        w.Line($"/// <summary>Layer {Index}, {_spec.KindName} {Input.Describe()} -> {Output.Describe()}: {XmlText(Formula)}, then {XmlText(ActivationFormulas.Describe(_spec.Activation).Replace("_j", string.Empty))}.</summary>");
        w.Line("/// <param name=\"p\">The parameters.</param>");
        w.Line($"/// <param name=\"input\">The layer's input, {Input.Describe()} values (CHW).</param>");
        w.Line($"/// <param name=\"output\">Receives the layer's output, {Output.Describe()} values.</param>");
        w.Line($"/// <param name=\"stage\">{StageValues} values: receives the staged input (read again by the backward pass).</param>");
        w.Line($"/// <param name=\"grid\">{GridLength} values of working memory: the output on its grid.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}({ReadOnlySpan(c)} p, {ReadOnlySpan(c)} input, {Span(c)} output, {Span(c)} stage, {Span(c)} grid)");
        WriteStaging(w, c);
        w.Line();
        WriteProduct(w, c);
        w.Line();
        WriteCompaction(w, c);
        w.Close();
        w.Line();
    }

    /// <summary>stage = in_pad (split into phases when strided): zeros, then each input row at its place.</summary>
    private void WriteStaging(SourceWriter w, CodeContext c)
    {
        bool padded = _spec.PadTop + _spec.PadBottom + _spec.PadLeft + _spec.PadRight > 0;
        string pad = !padded
            ? (Is1D ? $"in_pad = in (no padding), {PaddedWidth} values per channel" : $"in_pad = in (no padding), {PaddedHeight} x {PaddedWidth} values per channel")
            : Is1D
                ? $"in_pad[c, X] = in[c, X - {_spec.PadLeft}] (0 outside the input), {PaddedWidth} values per channel"
                : $"in_pad[c, Y, X] = in[c, Y - {_spec.PadTop}, X - {_spec.PadLeft}] (0 outside the input), {PaddedHeight} x {PaddedWidth} values per channel";
        w.Line($"// 1. Stage the input: {pad}.");
        if (Strided)
        {
            w.Line(Is1D
                ? $"// With stride {_spec.StrideWidth} it is split into its {_spec.StrideWidth} phases (the positions X of each remainder X mod {_spec.StrideWidth}, {PhaseWidth} per phase),"
                : $"// With stride {_spec.StrideHeight}x{_spec.StrideWidth} it is split into its {_spec.StrideHeight * _spec.StrideWidth} phases (the rows Y and columns X of each remainder mod the stride, {PhaseHeight} x {PhaseWidth} per phase),");
            w.Line(Is1D
                ? "// so that every tap of the kernel reads a contiguous run of the stage below: stage[c, phase, X / s] = in_pad[c, X]."
                : "// so that every tap of the kernel reads a contiguous run of the stage below: stage[c, phase, Y / s, X / s] = in_pad[c, Y, X].");
        }

        w.Line($"stage.Slice(0, {Int(StageValues)}).Clear();");
        w.Open();
        w.Line($"ref {c.T} source = ref {c.Reference("input")};");
        w.Line($"ref {c.T} target = ref {c.Reference("stage")};");
        WriteStageLoops(w, c, toStage: true);
        w.Close();
    }

    /// <summary>
    /// The loops between the input's layout and the stage's: row copies for stride 1 (rows stay contiguous), element by
    /// element for a strided layer (columns are dealt to their phases). <paramref name="toStage"/>: input to stage, else
    /// the stage's gradient back to the input's (the padding dropped).
    /// </summary>
    private void WriteStageLoops(SourceWriter w, CodeContext c, bool toStage)
    {
        int channels = Input.Channels, height = Input.Height, width = Input.Width;
        if (!Strided && PaddedWidth == width && PaddedHeight == height)
        {
            w.Line("// No padding: the stage's layout is the input's, one block copy.");
            w.Line($"{U}.CopyBlockUnaligned(ref {U}.As<{c.T}, byte>(ref target), ref {U}.As<{c.T}, byte>(ref source), {Int((long)Input.Size * c.ScalarBytes)}u);");
            return;
        }

        w.Open($"for (int c = 0; c < {Int(channels)}; c++)");
        if (!Is1D)
        {
            w.Open($"for (int y = 0; y < {Int(height)}; y++)");
        }

        string inputRow = Is1D ? Times(width, "c") : Sum(Times((long)height * width, "c"), Times(width, "y"));
        string paddedRow = _spec.PadTop == 0 ? "y" : $"(y + {_spec.PadTop})";
        if (!Strided)
        {
            string stageRow = Is1D
                ? Sum(Times(ChannelStride, "c"), Int(_spec.PadLeft))
                : Sum(Times(ChannelStride, "c"), Times(PaddedWidth, paddedRow), Int(_spec.PadLeft));
            w.Line($"ref {c.T} from = ref {U}.Add(ref source, {(toStage ? inputRow : stageRow)});");
            w.Line($"ref {c.T} to = ref {U}.Add(ref target, {(toStage ? stageRow : inputRow)});");
            WriteRowCopy(w, c, width);
        }
        else
        {
            string sh = Int(_spec.StrideHeight), sw = Int(_spec.StrideWidth);
            w.Open($"for (int x = 0; x < {Int(width)}; x++)");
            w.Line(_spec.PadLeft == 0 ? "int column = x;" : $"int column = x + {_spec.PadLeft};");
            string phase = Is1D ? $"column % {sw}" : $"{paddedRow} % {sh} * {sw} + column % {sw}";
            string at = Sum(
                Times(ChannelStride, "c"),
                Times((long)PhaseHeight * PhaseWidth, $"({phase})"),
                Is1D ? "0" : Times(PhaseWidth, $"({paddedRow} / {sh})"),
                $"column / {sw}");
            string element = Sum(inputRow, "x");
            w.Line(toStage
                ? $"{U}.Add(ref target, {at}) = {U}.Add(ref source, {element});"
                : $"{U}.Add(ref target, {element}) = {U}.Add(ref source, {at});");
            w.Close();
        }

        if (!Is1D)
        {
            w.Close();
        }

        w.Close();
    }

    /// <summary>Filters per block of the forward product, and vectors of q per block.</summary>
    private int FilterBlock => System.Math.Min(4, GroupFilters);

    private static int VectorBlock(int filters) => filters >= 3 ? 2 : filters == 2 ? 4 : 8;

    /// <summary>grid[f, q] = f(b[f] + sum_k w[f, k] * stage[taps[k] + q]).</summary>
    private void WriteProduct(SourceWriter w, CodeContext c)
    {
        string grid = Is1D
            ? $"the grid q = x ({PhaseWidth} columns, {GridValues} with the rounding to whole vectors"
            : $"the grid q = y * {PhaseWidth} + x ({GridRows} rows of {PhaseWidth}, {GridValues} values with the rounding to whole vectors";
        string dropped = PhaseWidth > Output.Width
            ? $"; the columns x >= {Output.Width} are computed and dropped)"
            : ")";
        w.Line($"// 2. {Formula}");
        w.Line($"//    over {grid}{dropped}: in_pad at tap k = {TapName} is stage[taps[k] + q], so");
        w.Line($"//    out[f, q] = {(_spec.Bias ? "b[f] + " : string.Empty)}sum_k w[f, k] * stage[taps[k] + q], with w[f, k] = p[{WeightOffset} + {Taps} * f + k]{(_spec.Bias ? $", b[f] = p[{BiasOffset} + f]" : string.Empty)}.");
        int fb = FilterBlock;
        int vb = VectorBlock(fb);
        w.Line($"//    {fb} filter{(fb == 1 ? string.Empty : "s")} x {vb} vectors of q at a time: per tap, each weight is broadcast once and each vector of the stage loaded once");
        w.Line($"//    for the block; the sums stay in registers over all {Taps} taps, then {(ActivationInRegisters(c) ? "go through f and " : string.Empty)}into the grid.");
        w.Line($"ref {c.T} pRef = ref {c.Reference("p")};");
        w.Line($"ref {c.T} src = ref {c.Reference("stage")};");
        w.Line($"ref {c.T} dst = ref {c.Reference("grid")};");
        w.Line($"ref int taps = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({TapsTable});");
        WriteBothWidths(w, c, flavor =>
        {
            ForEachGroup(w, c, stage: true, (groupStage, firstFilter) =>
            {
                WriteBlocks(w, "fl", 0, GroupFilters, fb, (filters, fl) => WriteProductBlock(w, c, flavor, groupStage, Sum(firstFilter, fl), filters));
            });

            if (flavor.Activate(_spec.Activation, "v") is null)
            {
                w.Line(c.VectorKernels
                    ? $"// f on the whole grid (VectorMath.{_spec.Activation}'s Vector<T> kernel: the same values as in registers)."
                    : $"// f on the whole grid (VectorMath.{_spec.Activation}: Math per element in double).");
                w.Line($"{VM}.{_spec.Activation}(grid.Slice(0, {Int(GridLength)}), grid);");
            }
        });
    }

    /// <summary>Whether the activation is applied to the sums in registers at Vector&lt;T&gt;'s width (every one but double Sigmoid/Tanh, which go through VectorMath's span functions).</summary>
    private bool ActivationInRegisters(CodeContext c) => VectorFlavor.Machine(c).Activate(_spec.Activation, "v") is not null;

    /// <summary>
    /// The groups loop (omitted for one group): <paramref name="body"/> gets the name of the group's stage reference and
    /// the expression of its first filter.
    /// </summary>
    private void ForEachGroup(SourceWriter w, CodeContext c, bool stage, System.Action<string, string> body)
    {
        if (Groups == 1)
        {
            body("src", "0");
            return;
        }

        w.Line($"// Group g: filters {GroupFilters} * g .. {GroupFilters} * g + {GroupFilters - 1} see channels {GroupChannels} * g .. {GroupChannels} * g + {GroupChannels - 1} (the stage from {ChannelStride * GroupChannels} * g).");
        w.Open($"for (int g = 0; g < {Int(Groups)}; g++)");
        if (stage)
        {
            w.Line($"ref {c.T} groupStage = ref {U}.Add(ref src, {Times((long)GroupChannels * ChannelStride, "g")});");
        }

        w.Line($"int f0 = {Times(GroupFilters, "g")};");
        body("groupStage", "f0");
        w.Close();
    }

    /// <summary>"(a + b)" for a sum, the name itself otherwise.</summary>
    private static string Paren(string expression) => expression.Contains(' ') ? $"({expression})" : expression;

    private void WriteProductBlock(SourceWriter w, CodeContext c, VectorFlavor flavor, string stage, string f, int filters)
    {
        string v = flavor.Type;
        int vb = VectorBlock(filters) * (flavor.IsWide ? 2 : 1);
        var rows = Enumerable.Range(0, filters).ToList();
        w.Line($"ref {c.T} w0 = ref {U}.Add(ref pRef, {Sum(Int(WeightOffset), Times(Taps, Paren(f)))});");
        foreach (int r in rows.Skip(1))
        {
            w.Line($"ref {c.T} w{r} = ref {U}.Add(ref w{r - 1}, {Int(Taps)});");
        }

        w.Line($"ref {c.T} o0 = ref {U}.Add(ref dst, {Times(GridValues, Paren(f))});");
        foreach (int r in rows.Skip(1))
        {
            w.Line($"ref {c.T} o{r} = ref {U}.Add(ref o{r - 1}, {Int(GridValues)});");
        }

        w.Line(_spec.Bias
            ? $"{v} {string.Join(", ", rows.Select(r => $"b{r} = {flavor.Broadcast($"p[{Sum(Int(BiasOffset), f)}{(r == 0 ? string.Empty : $" + {r}")}]")}"))};"
            : $"{v} {string.Join(", ", rows.Select(r => $"b{r} = {flavor.Zero}"))};");
        WriteVectorCascade(w, flavor, GridValues, vb, vectors =>
        {
            w.Line($"{v} {string.Join(", ", rows.SelectMany(r => Enumerable.Range(0, vectors).Select(u => $"a{r}_{u} = b{r}")))};");
            w.Open($"for (int k = 0; k < {Int(Taps)}; k++)");
            w.Line($"ref {c.T} x = ref {U}.Add(ref {stage}, {U}.Add(ref taps, k) + q);");
            w.Line($"{v} {string.Join(", ", rows.Select(r => $"w{r}k = {flavor.Broadcast($"{U}.Add(ref w{r}, k)")}"))};");
            for (int u = 0; u < vectors; u++)
            {
                w.Line($"{v} x{u} = {flavor.Load("x", flavor.Offset(u))};");
                foreach (int r in rows)
                {
                    w.Line($"a{r}_{u} = {flavor.MultiplyAdd($"w{r}k", $"x{u}", $"a{r}_{u}")};");
                }
            }

            w.Close();
            foreach (int r in rows)
            {
                for (int u = 0; u < vectors; u++)
                {
                    string sums = $"a{r}_{u}";
                    w.Line(flavor.Store($"o{r}", flavor.At("q", u), flavor.Activate(_spec.Activation, sums) ?? sums));
                }
            }
        });
    }

    /// <summary>output[f, y, x] = grid[f * GridValues + y * PhaseWidth + x] for x below the output's width.</summary>
    private void WriteCompaction(SourceWriter w, CodeContext c)
    {
        int width = Output.Width;
        w.Line(PhaseWidth == width || GridRows == 1
            ? $"// 3. The output: the grid's first {Output.Positions} values of each filter (out[f, q] = grid[f * {GridValues} + q])."
            : $"// 3. The output: the first {width} columns of each grid row (out[f, y, x] = grid[f * {GridValues} + y * {PhaseWidth} + x]).");
        WriteGridCopies(w, c, "output", "grid", toGrid: false);
    }

    /// <summary>
    /// Copies each filter's values between a compact span (<paramref name="compact"/>: [filters, height, width]) and the grid
    /// (<paramref name="grid"/>: [filters, GridValues], rows of the grid's width): whole filters where the rows are as wide,
    /// else row by row. <paramref name="toGrid"/>: compact to grid, else grid to compact.
    /// </summary>
    private void WriteGridCopies(SourceWriter w, CodeContext c, string compact, string grid, bool toGrid)
    {
        int width = Output.Width;
        w.Line($"ref {c.T} compactValues = ref {c.Reference(compact)};");
        w.Line($"ref {c.T} gridValues = ref {c.Reference(grid)};");
        string From(string compactAt, string gridAt) => toGrid ? $"ref {U}.Add(ref compactValues, {compactAt})" : $"ref {U}.Add(ref gridValues, {gridAt})";
        string To(string compactAt, string gridAt) => toGrid ? $"ref {U}.Add(ref gridValues, {gridAt})" : $"ref {U}.Add(ref compactValues, {compactAt})";
        w.Open($"for (int f = 0; f < {Int(_spec.Filters)}; f++)");
        if (PhaseWidth == width || GridRows == 1)
        {
            string compactAt = Times(Output.Positions, "f"), gridAt = Times(GridValues, "f");
            w.Line($"ref {c.T} from = {From(compactAt, gridAt)};");
            w.Line($"ref {c.T} to = {To(compactAt, gridAt)};");
            WriteRowCopy(w, c, Output.Positions);
        }
        else
        {
            w.Open($"for (int y = 0; y < {Int(Output.Height)}; y++)");
            string compactAt = Sum(Times(Output.Positions, "f"), Times(width, "y")), gridAt = Sum(Times(GridValues, "f"), Times(PhaseWidth, "y"));
            w.Line($"ref {c.T} from = {From(compactAt, gridAt)};");
            w.Line($"ref {c.T} to = {To(compactAt, gridAt)};");
            WriteRowCopy(w, c, width);
            w.Close();
        }

        w.Close();
    }

    // ------------------------------------------------------------------ backward

    public override string BackwardCall(LayerBuffers b, bool inputGradient) => inputGradient
        ? $"{Method}Backward({b.Parameters}, {b.Stage}, {b.Output}, {b.OutputGradient}, {b.Gradient}, {b.Grid}, {b.InputGradient}, {b.StageGradient});"
        : $"{Method}Backward({b.Parameters}, {b.Stage}, {b.Output}, {b.OutputGradient}, {b.Gradient}, {b.Grid});";

    public override void WriteBackward(SourceWriter w, CodeContext c, bool inputGradient)
    {
        string t = c.T;
        w.Line($"/// <summary>Layer {Index}, {_spec.KindName}: backpropagation. Turns dE/dout into the deltas, adds dE/dw{(_spec.Bias ? " and dE/db" : string.Empty)} into the gradient{(inputGradient ? " and writes dE/din" : string.Empty)}.</summary>");
        w.Line("/// <param name=\"p\">The parameters.</param>");
        w.Line("/// <param name=\"stage\">The staged input the forward pass left.</param>");
        w.Line("/// <param name=\"output\">The layer's output o (f' is computed from it).</param>");
        w.Line("/// <param name=\"delta\">dE/do of every output on entry; the deltas dE/dnet on return.</param>");
        w.Line("/// <param name=\"gradient\">The network's gradient, added into.</param>");
        w.Line($"/// <param name=\"grid\">{GridLength} values of working memory: the deltas on the output grid.</param>");
        if (inputGradient)
        {
            w.Line($"/// <param name=\"inputGradient\">Receives dE/din, {Input.Describe()} values.</param>");
            w.Line($"/// <param name=\"stageGradient\">{StageValues} values of working memory: dE/d of the stage.</param>");
        }

        w.Line(GeneratedCode);
        w.Line(Optimize);
        string extra = inputGradient ? $", {Span(c)} inputGradient, {Span(c)} stageGradient" : string.Empty;
        w.Open($"private static void {Method}Backward({ReadOnlySpan(c)} p, {ReadOnlySpan(c)} stage, {ReadOnlySpan(c)} output, {Span(c)} delta, {Span(c)} gradient, {Span(c)} grid{extra})");
        w.Line($"ref {t} pRef = ref {c.Reference("p")};");
        w.Line($"ref {t} src = ref {c.Reference("stage")};");
        w.Line($"ref {t} deltas = ref {c.Reference("grid")};");
        w.Line($"ref int taps = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference({TapsTable});");
        WriteDeltas(w, c);
        w.Line();
        if (TransposedWeightGradient)
        {
            WriteTransposedWeightGradient(w, c);
            if (inputGradient)
            {
                w.Line();
                WriteDeltaGrid(w, c);
                WriteInputGradient(w, c);
            }
        }
        else
        {
            WriteDeltaGrid(w, c);
            WriteBiasGradient(w, c);
            WriteWeightGradient(w, c);
            if (inputGradient)
            {
                w.Line();
                WriteInputGradient(w, c);
            }
        }

        w.Close();
        w.Line();
    }

    /// <summary>delta = dE/do * f'(net) in place, then onto the grid (zeros elsewhere).</summary>
    private void WriteDeltas(SourceWriter w, CodeContext c)
    {
        string? derivative = ActivationFormulas.VectorDerivative(c, _spec.Activation, "o");
        if (derivative is not null)
        {
            w.Line(Is1D
                ? $"// 1. delta[f, x] = dE/do[f, x] * f'(net[f, x]), where {ActivationFormulas.DescribeDerivative(_spec.Activation).Replace("_j", string.Empty)}."
                : $"// 1. delta[f, y, x] = dE/do[f, y, x] * f'(net[f, y, x]), where {ActivationFormulas.DescribeDerivative(_spec.Activation).Replace("_j", string.Empty)}.");
            w.Open();
            w.Line($"ref {c.T} d = ref {c.Reference("delta")};");
            w.Line($"ref {c.T} outputs = ref {c.Reference("output")};");
            WriteElementLoop(w, c, Output.Size,
                new[]
                {
                    $"{c.Vector} o = {VM}.Load(ref outputs, j);",
                    $"{VM}.Store(ref d, j, {VM}.Load(ref d, j) * {derivative});",
                },
                new[]
                {
                    $"{c.T} oj = {U}.Add(ref outputs, j);",
                    $"{U}.Add(ref d, j) *= {ActivationFormulas.Derivative(c, _spec.Activation, "oj")};",
                });
            w.Close();
        }
        else
        {
            w.Line(Is1D ? "// 1. delta[f, x] = dE/do[f, x] (Identity: f' = 1)." : "// 1. delta[f, y, x] = dE/do[f, y, x] (Identity: f' = 1).");
        }
    }

    /// <summary>The deltas laid out on the output grid (zeros elsewhere), for the sums over the grid.</summary>
    private void WriteDeltaGrid(SourceWriter w, CodeContext c)
    {
        w.Line($"// The deltas on the output grid (q = {(Is1D ? "x" : $"y * {PhaseWidth} + x")}), 0 in the dropped columns and past the last row, so that sums over the grid");
        w.Line("// see only real outputs.");
        w.Line($"grid.Slice(0, {Int(GridLength)}).Clear();");
        w.Open();
        WriteGridCopies(w, c, "delta", "grid", toGrid: true);
        w.Close();
    }

    private void WriteBiasGradient(SourceWriter w, CodeContext c)
    {
        if (!_spec.Bias)
        {
            return;
        }

        string v = c.Vector;
        w.Line($"// 2. dE/db[f] = sum over the positions of delta[f, ...], added into gradient[{BiasOffset} + f] (the grid's zeros add nothing).");
        w.Open($"for (int f = 0; f < {Int(_spec.Filters)}; f++)");
        w.Line($"ref {c.T} d = ref {U}.Add(ref deltas, {Times(GridValues, "f")});");
        w.Line($"{v} sum = {v}.Zero;");
        w.Open($"for (int q = 0; q < {Int(GridValues)}; q += {v}.Count)");
        w.Line($"sum += {VM}.Load(ref d, q);");
        w.Close();
        w.Line($"gradient[{Sum(Int(BiasOffset), "f")}] += global::System.Numerics.Vector.Sum(sum);");
        w.Close();
        w.Line();
    }

    /// <summary>dE/dw[f, k] = sum_q delta[f, q] * stage[taps[k] + q]: 2 filters x 4 taps per pass over the grid.</summary>
    private void WriteWeightGradient(SourceWriter w, CodeContext c)
    {
        w.Line($"// 3. dE/dw[f, k] = sum over the positions of delta[f, ...] * in_pad at tap k = sum_q delta[f, q] * stage[taps[k] + q], added into gradient[{WeightOffset} + {Taps} * f + k].");
        w.Line("//    2 filters x 4 taps per pass over the grid: each vector of deltas and of the stage is loaded once for the block, the sums");
        w.Line("//    run per lane and are added across the lanes at the end (so they round a little differently at each vector width).");
        WriteBothWidths(w, c, flavor => ForEachGroup(w, c, stage: true, (groupStage, firstFilter) =>
        {
            string v = flavor.Type;
            WriteBlocks(w, "fl", 0, GroupFilters, 2, (filters, fl) =>
            {
                string f = Sum(firstFilter, fl);
                string fp = Paren(f);
                var rows = Enumerable.Range(0, filters).ToList();
                w.Line($"ref {c.T} d0 = ref {U}.Add(ref deltas, {Times(GridValues, fp)});");
                foreach (int r in rows.Skip(1))
                {
                    w.Line($"ref {c.T} d{r} = ref {U}.Add(ref d{r - 1}, {Int(GridValues)});");
                }

                foreach (int r in rows)
                {
                    w.Line($"global::System.Span<{c.T}> g{r} = gradient.Slice({Sum(Int(WeightOffset + (r * Taps)), Times(Taps, fp))}, {Int(Taps)});");
                }

                // Depthwise layers (few filters per group) add each tap's terms over the whole grid before the next tap: neighbouring
            // taps' runs overlap by all but one value, and a load right after a store it overlaps waits for the store.
            int tapBlock = GroupFilters >= 4 ? 4 : 1;
            WriteBlocks(w, "k", 0, Taps, tapBlock, (tapCount, k) =>
                {
                    var tapsOfBlock = Enumerable.Range(0, tapCount).ToList();
                    foreach (int u in tapsOfBlock)
                    {
                        w.Line($"ref {c.T} x{u} = ref {U}.Add(ref {groupStage}, {U}.Add(ref taps, {Plus(k, u)}));");
                    }

                    w.Line($"{v} {string.Join(", ", rows.SelectMany(r => tapsOfBlock.Select(u => $"s{r}_{u} = {flavor.Zero}")))};");
                    w.Open($"for (int q = 0; q < {Int(GridValues)}; q += {flavor.Count})");
                    foreach (int r in rows)
                    {
                        w.Line($"{v} e{r} = {flavor.Load($"d{r}", "q")};");
                    }

                    foreach (int u in tapsOfBlock)
                    {
                        w.Line($"{v} v{u} = {flavor.Load($"x{u}", "q")};");
                        foreach (int r in rows)
                        {
                            w.Line($"s{r}_{u} = {flavor.MultiplyAdd($"e{r}", $"v{u}", $"s{r}_{u}")};");
                        }
                    }

                    w.Close();
                    foreach (int r in rows)
                    {
                        foreach (int u in tapsOfBlock)
                        {
                            w.Line($"g{r}[{Plus(k, u)}] += {flavor.Sum($"s{r}_{u}")};");
                        }
                    }
                });
            });
        }));
    }

    /// <summary>
    /// dE/dw[f, k] and dE/db[f] of a one-group layer from the transposed deltas deltaT[p, f] (p an output position, the
    /// filters padded to whole vectors): a vector of filters and 8 taps at a time, over every output position, the
    /// filters' deltas times the stage value of the tap broadcast. No sum across lanes: each lane is one filter's.
    /// </summary>
    private void WriteTransposedWeightGradient(SourceWriter w, CodeContext c)
    {
        int filters = _spec.Filters;
        int positions = Output.Positions;
        int fp = PaddedFilters;
        w.Line($"// 2. The deltas transposed: deltaT[p, f] = delta[f, p] for the {positions} output positions p (rows of {fp}: the filters");
        w.Line("//    padded with zeros to whole vectors), into grid (its forward values are no longer needed).");
        w.Line($"grid.Slice(0, {Int((long)positions * fp)}).Clear();");
        w.Open();
        w.Line($"ref {c.T} from = ref {c.Reference("delta")};");
        w.Open($"for (int f = 0; f < {Int(filters)}; f++)");
        w.Open($"for (int q = 0; q < {Int(positions)}; q++)");
        w.Line($"{U}.Add(ref deltas, {Sum(Times(fp, "q"), "f")}) = {U}.Add(ref from, {Sum(Times(positions, "f"), "q")});");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
        w.Line($"// 3. dE/db[f] = sum_p deltaT[p, f]; dE/dw[f, k] = sum_p deltaT[p, f] * in_pad at tap k = sum over y, x of deltaT[y * {Output.Width} + x, f] * stage[taps[k] + y * {PhaseWidth} + x],");
        w.Line($"//    added into gradient[{BiasOffset} + f] and gradient[{WeightOffset} + {Taps} * f + k]: a vector of filters at a time (one lane per filter), 8 taps");
        w.Line("//    per pass over the positions, the stage value broadcast to every lane.");
        w.Line($"ref {c.T} gradients = ref {c.Reference("gradient")};");
        w.Line($"ref {c.T} sums = ref {U}.Add(ref deltas, {Int((long)positions * fp)});");
        WriteBothWidths(w, c, flavor =>
        {
            string v = flavor.Type;
            w.Open($"for (int f = 0; f < {Int(filters)}; f += {flavor.Count})");
            w.Line($"ref {c.T} df = ref {U}.Add(ref deltas, f);");
            w.Line($"int lanes = global::System.Math.Min({flavor.Count}, {Int(filters)} - f);");
            if (_spec.Bias)
            {
                w.Open();
                w.Line($"{v} sum = {flavor.Zero};");
                w.Open($"for (int q = 0; q < {Int(positions)}; q++)");
                w.Line($"sum += {flavor.Load("df", Times(fp, "q"))};");
                w.Close();
                w.Line(flavor.Store("sums", "0", "sum"));
                w.Open("for (int lane = 0; lane < lanes; lane++)");
                w.Line($"gradient[{Sum(Int(BiasOffset), "f")} + lane] += {U}.Add(ref sums, lane);");
                w.Close();
                w.Close();
            }

            WriteBlocks(w, "k", 0, Taps, 8, (tapCount, k) =>
            {
                var us = Enumerable.Range(0, tapCount).ToList();
                foreach (int u in us)
                {
                    w.Line($"ref {c.T} x{u} = ref {U}.Add(ref src, {U}.Add(ref taps, {Plus(k, u)}));");
                }

                w.Line($"{v} {string.Join(", ", us.Select(u => $"s{u} = {flavor.Zero}"))};");
                w.Open($"for (int y = 0; y < {Int(Output.Height)}; y++)");
                w.Line($"ref {c.T} row = ref {U}.Add(ref df, {Times((long)Output.Width * fp, "y")});");
                w.Line($"int q0 = {Times(PhaseWidth, "y")};");
                w.Open($"for (int x = 0; x < {Int(Output.Width)}; x++)");
                w.Line($"{v} d = {flavor.Load("row", Times(fp, "x"))};");
                foreach (int u in us)
                {
                    w.Line($"s{u} = {flavor.MultiplyAdd("d", flavor.Broadcast($"{U}.Add(ref x{u}, q0 + x)"), $"s{u}")};");
                }

                w.Close();
                w.Close();
                w.Line("// Each filter's sums into its gradient row: the vectors stored side by side, then added lane by lane.");
                foreach (int u in us)
                {
                    w.Line(flavor.Store("sums", Int(u * CodeContext.WidestVector), $"s{u}"));
                }

                w.Open("for (int lane = 0; lane < lanes; lane++)");
                w.Line($"ref {c.T} g = ref {U}.Add(ref gradients, {Sum(Int(WeightOffset), Times(Taps, "(f + lane)"), k)});");
                foreach (int u in us)
                {
                    w.Line($"{U}.Add(ref g, {Int(u)}) += {U}.Add(ref sums, {Sum(Int(u * CodeContext.WidestVector), "lane")});");
                }

                w.Close();
            });
            w.Close();
        });
    }

    /// <summary>dstage[taps[k] + q] += sum_f w[f, k] * delta[f, q] (tap by tap: taps overlap), then dE/din from the stage's layout.</summary>
    private void WriteInputGradient(SourceWriter w, CodeContext c)
    {
        string v = c.Vector;
        w.Line($"// 4. dE/din_pad at tap k = {TapName} gets w[f, k] * delta[f, q] from every filter f and grid position q: dstage[taps[k] + q] += sum_f w[f, k] * delta[f, q].");
        w.Line("//    4 taps x 2 vectors of q at a time: the filters' terms summed in registers (8 independent sums), then added into the");
        w.Line("//    stage gradient tap after tap (two taps' runs overlap).");
        w.Line($"stageGradient.Slice(0, {Int(StageValues)}).Clear();");
        w.Line($"ref {c.T} dsrc = ref {c.Reference("stageGradient")};");
        w.Line($"ref {c.T} wts = ref {U}.Add(ref pRef, {Int(WeightOffset)});");
        WriteBothWidths(w, c, flavor => ForEachGroup(w, c, stage: false, (_, firstFilter) =>
        {
            string v = flavor.Type;
            string groupTarget = Groups == 1 ? "dsrc" : "groupGradient";
            if (Groups > 1)
            {
                w.Line($"ref {c.T} groupGradient = ref {U}.Add(ref dsrc, {Times((long)GroupChannels * ChannelStride, "g")});");
            }

            // Depthwise layers (few filters per group) add each tap's terms over the whole grid before the next tap: neighbouring
            // taps' runs overlap by all but one value, and a load right after a store it overlaps waits for the store.
            int tapBlock = GroupFilters >= 4 ? 4 : 1;
            WriteBlocks(w, "k", 0, Taps, tapBlock, (tapCount, k) =>
            {
                var ts = Enumerable.Range(0, tapCount).ToList();
                foreach (int t in ts)
                {
                    w.Line($"ref {c.T} target{t} = ref {U}.Add(ref {groupTarget}, {U}.Add(ref taps, {Plus(k, t)}));");
                }

                WriteVectorCascade(w, flavor, GridValues, tapBlock == 1 ? 4 : 2, vectors =>
                {
                    var us = Enumerable.Range(0, vectors).ToList();
                    w.Line($"{v} {string.Join(", ", ts.SelectMany(t => us.Select(u => $"t{t}_{u} = {flavor.Zero}")))};");
                    w.Open($"for (int fl = 0; fl < {Int(GroupFilters)}; fl++)");
                    string f = firstFilter == "0" ? "fl" : $"{firstFilter} + fl";
                    w.Line($"ref {c.T} d = ref {U}.Add(ref deltas, {Times(GridValues, Paren(f))});");
                    w.Line($"ref {c.T} wf = ref {U}.Add(ref wts, {Times(Taps, Paren(f))});");
                    foreach (int u in us)
                    {
                        w.Line($"{v} d{u} = {flavor.Load("d", flavor.At("q", u))};");
                    }

                    foreach (int t in ts)
                    {
                        w.Line($"{v} w{t} = {flavor.Broadcast($"{U}.Add(ref wf, {Plus(k, t)})")};");
                        foreach (int u in us)
                        {
                            w.Line($"t{t}_{u} = {flavor.MultiplyAdd($"w{t}", $"d{u}", $"t{t}_{u}")};");
                        }
                    }

                    w.Close();
                    w.Line("// Into the stage gradient tap after tap (their runs overlap, so each adds to what the one before stored).");
                    foreach (int t in ts)
                    {
                        foreach (int u in us)
                        {
                            w.Line(flavor.Store($"target{t}", flavor.At("q", u), $"{flavor.Load($"target{t}", flavor.At("q", u))} + t{t}_{u}"));
                        }
                    }
                });
            });
        }));
        string at = Is1D ? $"dE/din[c, x] = dstage at in_pad[c, x + {_spec.PadLeft}]" : $"dE/din[c, y, x] = dstage at in_pad[c, y + {_spec.PadTop}, x + {_spec.PadLeft}]";
        w.Line(Strided ? $"// {at} (in its phase); the padding's gradient is dropped." : $"// {at}; the padding's gradient is dropped.");
        w.Open();
        w.Line($"ref {c.T} source = ref dsrc;");
        w.Line($"ref {c.T} target = ref {c.Reference("inputGradient")};");
        WriteStageLoops(w, c, toStage: false);
        w.Close();
    }
}
