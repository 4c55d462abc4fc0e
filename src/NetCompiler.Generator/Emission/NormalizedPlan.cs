using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Layers.BatchNorm;
using NetCompiler.Generator.Layers.Conv;
using NetCompiler.Generator.Layers.Dense;
using NetCompiler.Generator.Layers.Dropout;
using NetCompiler.Generator.Layers.GlobalAvgPool;
using NetCompiler.Generator.Layers.Pool;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Validation;

namespace NetCompiler.Generator.Emission;

/// <summary>One layer of a <see cref="NormalizedPlan"/>: a row layer (Dense, convolution, pooling: one call per row), a BatchNorm or a Dropout.</summary>
internal sealed class NormalizedStep
{
    public NormalizedStep(int index, TensorShape input, TensorShape output, SpatialLayer? row, BatchNormEmitter? norm, DropoutEmitter? drop)
    {
        Index = index;
        Input = input;
        Output = output;
        Row = row;
        Norm = norm;
        Drop = drop;
    }

    public int Index { get; }

    public TensorShape Input { get; }

    public TensorShape Output { get; }

    public SpatialLayer? Row { get; }

    public BatchNormEmitter? Norm { get; }

    public DropoutEmitter? Drop { get; }

    /// <summary>Values between one row's values and the next's in the training workspace.</summary>
    public int Stride => SpatialLayer.RoundUp(Output.Size);

    public int ParameterCount => Row?.ParameterCount ?? Norm?.ParameterCount ?? 0;

    public string Describe() => Row?.Describe() ?? Norm?.Describe() ?? $"Dropout(p = {Drop!.P.ToString("R", System.Globalization.CultureInfo.InvariantCulture)})";
}

/// <summary>
/// The plan of a network with BatchNorm or Dropout layers, emitted batch-first: in training every layer runs over all
/// rows of the batch before the next one (batch statistics couple the rows), keeping each layer's values, staged inputs,
/// z_hat and masks for the backward pass in a per-thread workspace that grows with the batch; in inference each row goes
/// through the layers on the stack, BatchNorm in place with the running statistics and Dropout as the identity.
/// A layer right before a BatchNorm computes only its sums: the BatchNorm applies its activation after normalizing.
/// </summary>
internal sealed class NormalizedPlan
{
    public NormalizedPlan(NetworkSpec spec)
        : this(spec.InputShape, spec.Layers.ToList(), spec.Precision, spec.Loss)
    {
        Spec = spec;
    }

    private NormalizedPlan(TensorShape input, IReadOnlyList<LayerSpec> layers, Precision precision, Loss loss)
    {
        Context = new CodeContext(precision);
        Loss = loss;
        var steps = new List<NormalizedStep>();
        TensorShape shape = input;
        int offset = 0, buffers = 0, norms = 0;
        int last = layers.Count - 1;
        for (int l = 0; l < layers.Count; l++)
        {
            LayerSpec layer = layers[l];
            bool beforeNorm = l < last && layers[l + 1] is BatchNormSpec;
            bool logits = l == last && layer is DenseSpec { Activation: Activation.Softmax or Activation.Sigmoid } head
                && (head.Activation == Activation.Softmax || loss == Loss.CrossEntropy);
            TensorShape output = layer.OutputShape(shape);
            NormalizedStep step;
            switch (layer)
            {
                case BatchNormSpec norm:
                    step = new NormalizedStep(l, shape, output, null, new BatchNormEmitter(norm, l, shape, offset, buffers, norms++), null);
                    buffers += norm.BufferCount(shape);
                    break;
                case DropoutSpec drop:
                    step = new NormalizedStep(l, shape, output, null, null, new DropoutEmitter(drop, l, shape, l == 0 ? input.Size : SpatialLayer.RoundUp(shape.Size)));
                    break;
                default:
                    step = new NormalizedStep(l, shape, output, RowLayer(layer, l, shape, offset, beforeNorm || logits), null, null);
                    break;
            }

            if (logits)
            {
                FinalActivation = ((DenseSpec)layer).Activation;
            }

            steps.Add(step);
            offset += step.ParameterCount;
            shape = output;
        }

        Steps = steps;
        ParameterCount = offset;
        BufferCount = buffers;
        NormCount = norms;
        InputCount = input.Size;
        OutputCount = shape.Size;
        Declared = layers;

        // Forward (one row, on the stack): the row layers' values alternate between two slots; a BatchNorm works in place
        // on its input's slot and a Dropout passes it on; the convolutions share one stage and one grid.
        var rows = steps.Where(s => s.Row is not null).Select(s => s.Row!).ToList();
        _forwardSlot = SpatialLayer.RoundUp(steps.Max(s => s.Output.Size));
        int slot = -1, rowCount = 0;
        foreach (NormalizedStep s in steps)
        {
            if (s.Row is not null)
            {
                slot = rowCount++ % 2;
            }

            _slots.Add(slot);
        }

        int slots = rowCount == 1 ? 1 : 2;
        _forwardStage = slots * _forwardSlot;
        int stage = SpatialLayer.RoundUp(rows.Count == 0 ? 0 : rows.Max(r => r.StageLength));
        int grid = SpatialLayer.RoundUp(rows.Count == 0 ? 0 : rows.Max(r => r.GridLength));
        _forwardGrid = _forwardStage + stage;
        ForwardLength = _forwardGrid + grid;

        // Training (all rows): per row, each layer's values and gradient, the row layers' stages, BatchNorm's z_hat and
        // Dropout's masks; once, the grid, the stage gradient and each BatchNorm's 1 / sqrt(var + eps).
        int perRow = 0;
        foreach (NormalizedStep s in steps)
        {
            var regions = new Dictionary<string, int>();
            regions["values"] = perRow;
            perRow += s.Stride;
            regions["gradient"] = perRow;
            perRow += s.Stride;
            if (s.Row is { StageLength: > 0 } row)
            {
                regions["stage"] = perRow;
                perRow += SpatialLayer.RoundUp(row.StageLength);
            }

            if (s.Norm is not null || s.Drop is not null)
            {
                regions["kept"] = perRow;
                perRow += s.Stride;
            }

            _perRow.Add(regions);
        }

        PerRowLength = perRow;
        int fixedAt = 0;
        _gridAt = fixedAt;
        fixedAt += grid;
        _stageGradientAt = fixedAt;
        fixedAt += stage;
        foreach (NormalizedStep s in steps)
        {
            _deviationAt.Add(fixedAt);
            fixedAt += s.Norm is null ? 0 : SpatialLayer.RoundUp(s.Input.Channels);
        }

        FixedLength = fixedAt;
        _gridLength = grid;
        _stageLength = stage;
    }

    private static SpatialLayer RowLayer(LayerSpec layer, int index, TensorShape input, int offset, bool sumsOnly) => layer switch
    {
        DenseSpec dense => new DenseEmitter(sumsOnly ? dense with { Activation = Activation.Identity } : dense, index, input, offset),
        ConvSpec conv => new ConvEmitter(sumsOnly ? conv with { Activation = Activation.Identity } : conv, index, input, offset),
        PoolSpec pool => new PoolEmitter(pool, index, input),
        GlobalAvgPoolSpec gap => new GlobalAvgPoolEmitter(gap, index, input),
        _ => throw new System.InvalidOperationException($"No emitter for {layer.KindName}."),
    };

    /// <summary>Why the working memory of this network is too large to generate, or null.</summary>
    public static string? CheckMemory(TensorShape input, IReadOnlyList<LayerSpec> layers, int scalarBytes)
    {
        var plan = new NormalizedPlan(input, layers, scalarBytes == 8 ? Precision.Double : Precision.Single, Loss.HalfSquaredError);
        long forward = (long)plan.ForwardLength * scalarBytes;
        if (forward > GeneratorLimits.MaxForwardStackBytes)
        {
            return $"Forward would need {forward} bytes of stack for its working values (the largest layers' values, padded input and output grid), more than the {GeneratorLimits.MaxForwardStackBytes} NetCompiler allows; use fewer filters or smaller inputs, or pool earlier";
        }

        long perSample = (long)plan.PerRowLength * scalarBytes;
        return perSample > GeneratorLimits.MaxWorkspaceBytes
            ? $"training would keep {perSample} bytes of working values per sample, more than the {GeneratorLimits.MaxWorkspaceBytes} NetCompiler allows; use fewer filters or smaller inputs"
            : null;
    }

    private readonly int _forwardSlot;
    private readonly int _forwardStage;
    private readonly int _forwardGrid;
    private readonly List<int> _slots = new();
    private readonly List<Dictionary<string, int>> _perRow = new();
    private readonly List<int> _deviationAt = new();
    private readonly int _gridAt;
    private readonly int _stageGradientAt;
    private readonly int _gridLength;
    private readonly int _stageLength;

    public NetworkSpec Spec { get; } = null!;

    public CodeContext Context { get; }

    public Loss Loss { get; }

    public IReadOnlyList<LayerSpec> Declared { get; }

    public IReadOnlyList<NormalizedStep> Steps { get; }

    public NormalizedStep Last => Steps[Steps.Count - 1];

    public int ParameterCount { get; }

    /// <summary>Values in Buffers: per BatchNorm its running mean, then its running variance.</summary>
    public int BufferCount { get; }

    /// <summary>BatchNorm layers (each has a num_batches_tracked counter).</summary>
    public int NormCount { get; }

    public int InputCount { get; }

    public int OutputCount { get; }

    /// <summary>
    /// The last layer's activation when the last layer computes only its sums (logits) and the loss and the outputs apply
    /// it: Softmax (any loss), or Sigmoid with cross-entropy; null when the last layer applies its own activation.
    /// </summary>
    public Activation? FinalActivation { get; }

    /// <summary>Values of Forward's stack buffer.</summary>
    public int ForwardLength { get; }

    /// <summary>Workspace values per row of a batch.</summary>
    public int PerRowLength { get; }

    /// <summary>Workspace values independent of the batch size.</summary>
    public int FixedLength { get; }

    /// <summary>Whether backpropagation needs dE/d of layer <paramref name="index"/>'s values: when it or a layer before it has parameters.</summary>
    public bool NeedsGradientOf(int index) => Steps.Take(index + 1).Any(s => s.ParameterCount > 0);

    /// <summary>Whether a layer's backward pass computes dE/d of its input: when a layer before it has parameters.</summary>
    public bool NeedsInputGradient(NormalizedStep step) => step.Index > 0 && NeedsGradientOf(step.Index - 1);

    /// <summary>The BatchNorm layers whose statistics in training run over a single value with one row (after a Dense layer, or a 1x1 output): a batch of one is then refused.</summary>
    public IEnumerable<NormalizedStep> SingleValueNorms => Steps.Where(s => s.Norm is not null && s.Input.Positions == 1);

    // ------------------------------------------------------------------ forward layout (one row, stack)

    /// <summary>The name of layer l's values in Forward ("input" for a Dropout first layer).</summary>
    public string ForwardValues(int l) => _slots[l] < 0 ? "input" : $"a{_slots[l]}";

    /// <summary>Declares Forward's spans over <c>values</c>.</summary>
    public void WriteForwardSpans(SourceWriter w)
    {
        string span = $"global::System.Span<{Context.T}>";
        int slots = _forwardStage / _forwardSlot;
        for (int s = 0; s < slots; s++)
        {
            w.Line($"{span} a{s} = values.Slice({s * _forwardSlot}, {_forwardSlot});");
        }

        w.Line($"{span} stage = values.Slice({_forwardStage}, {_forwardGrid - _forwardStage});");
        w.Line($"{span} grid = values.Slice({_forwardGrid}, {ForwardLength - _forwardGrid});");
    }

    /// <summary>A row layer's buffers in Forward's layout.</summary>
    public LayerBuffers ForwardBuffers(NormalizedStep step) => new()
    {
        Input = step.Index == 0 || _slots[step.Index - 1] < 0 ? "input" : $"{ForwardValues(step.Index - 1)}.Slice(0, {Literals.Int(step.Input.Size)})",
        Output = $"{ForwardValues(step.Index)}.Slice(0, {Literals.Int(step.Output.Size)})",
    };

    // ------------------------------------------------------------------ training layout (all rows, workspace)

    /// <summary>Declares the training spans over <c>work</c> for <c>count</c> rows.</summary>
    public void WriteTrainingSpans(SourceWriter w)
    {
        string span = $"global::System.Span<{Context.T}>";
        foreach (NormalizedStep s in Steps)
        {
            Dictionary<string, int> at = _perRow[s.Index];
            var parts = new List<string>
            {
                $"{Values(s.Index)} = work.Slice({Literals.Int(at["values"])} * count, {Literals.Int(s.Stride)} * count)",
                $"{Gradient(s.Index)} = work.Slice({Literals.Int(at["gradient"])} * count, {Literals.Int(s.Stride)} * count)",
            };
            if (at.TryGetValue("stage", out int stage))
            {
                parts.Add($"{Stage(s.Index)} = work.Slice({Literals.Int(stage)} * count, {Literals.Int(StageStride(s))} * count)");
            }

            if (at.TryGetValue("kept", out int kept))
            {
                parts.Add($"{Kept(s.Index)} = work.Slice({Literals.Int(kept)} * count, {Literals.Int(s.Stride)} * count)");
            }

            w.Line($"{span} {string.Join(", ", parts)};");
        }

        string fixedStart = $"{Literals.Int(PerRowLength)} * count";
        w.Line($"{span} grid = work.Slice({fixedStart} + {_gridAt}, {_gridLength}), stageGradient = work.Slice({fixedStart} + {_stageGradientAt}, {_stageLength});");
        foreach (NormalizedStep s in Steps.Where(s => s.Norm is not null))
        {
            w.Line($"{span} {Deviation(s.Index)} = work.Slice({fixedStart} + {_deviationAt[s.Index]}, {s.Input.Channels});");
        }
    }

    public static string Values(int l) => $"a{l}";

    public static string Gradient(int l) => $"grad{l}";

    public static string Stage(int l) => $"stage{l}";

    /// <summary>BatchNorm's z_hat or Dropout's mask.</summary>
    public static string Kept(int l) => $"kept{l}";

    public static string Deviation(int l) => $"deviation{l}";

    public static int StageStride(NormalizedStep step) => SpatialLayer.RoundUp(step.Row!.StageLength);

    /// <summary>A slice of row r of a per-row region: "a3.Slice(r * 128, 100)".</summary>
    public static string RowOf(string region, int stride, int length) => $"{region}.Slice(r * {Literals.Int(stride)}, {Literals.Int(length)})";

    /// <summary>A row layer's buffers for row r in the training layout.</summary>
    public LayerBuffers TrainingBuffers(NormalizedStep step)
    {
        int l = step.Index;
        NormalizedStep? before = l == 0 ? null : Steps[l - 1];
        return new LayerBuffers
        {
            Input = before is null ? "inputs.Slice(r * InputCount, InputCount)" : RowOf(Values(l - 1), before.Stride, before.Output.Size),
            Output = RowOf(Values(l), step.Stride, step.Output.Size),
            Stage = step.Row!.StageLength > 0 ? RowOf(Stage(l), StageStride(step), step.Row.StageLength) : "stage",
            OutputGradient = RowOf(Gradient(l), step.Stride, step.Output.Size),
            InputGradient = before is null ? null : RowOf(Gradient(l - 1), before.Stride, before.Output.Size),
        };
    }
}
