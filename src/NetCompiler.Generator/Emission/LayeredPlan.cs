using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Layers.Conv;
using NetCompiler.Generator.Layers.Dense;
using NetCompiler.Generator.Layers.GlobalAvgPool;
using NetCompiler.Generator.Layers.Pool;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Validation;

namespace NetCompiler.Generator.Emission;

/// <summary>
/// The plan of a network with convolution or pooling layers: its spatial layers (each a <see cref="SpatialLayer"/> of
/// its kind), the Dense layers after them as one Dense stack (<see cref="Tail"/>, emitted by the Dense emitter and
/// reading the last spatial layer's values flattened), and where every value lives in the two buffer layouts:
/// <list type="bullet">
/// <item><b>Forward</b> (Forward, ForwardBatch, ComputeLoss, a baked network's Forward): one stack buffer, sized at build
/// time; the layers' values alternate between two slots, and the layers share one stage and one output grid.</item>
/// <item><b>Training</b> (Gradient, Train, TrainBatch): every layer's values, staged input and gradient kept for the
/// backward pass, in a per-thread workspace on the heap (allocated by a thread's first training call, then reused).</item>
/// </list>
/// </summary>
internal sealed class LayeredPlan
{
    public LayeredPlan(NetworkSpec spec)
        : this(spec.InputShape, spec.Layers.ToList(), spec.Precision)
    {
        Spec = spec;
        int firstDense = Spatial.Count;
        Tail = firstDense < spec.Layers.Count
            ? new NetworkPlan(spec, firstDense, FeatureShape.Size, SpatialParameterCount, Values(Spatial.Count - 1))
            : null;
        ParameterCount = Tail?.ParameterCount ?? SpatialParameterCount;
    }

    private LayeredPlan(TensorShape input, IReadOnlyList<LayerSpec> layers, Precision precision)
    {
        Context = new CodeContext(precision);
        var spatial = new List<SpatialLayer>();
        TensorShape shape = input;
        int offset = 0;
        for (int l = 0; l < layers.Count && layers[l] is not DenseSpec; l++)
        {
            SpatialLayer layer = layers[l] switch
            {
                ConvSpec conv => new ConvEmitter(conv, l, shape, offset),
                PoolSpec pool => new PoolEmitter(pool, l, shape),
                GlobalAvgPoolSpec gap => new GlobalAvgPoolEmitter(gap, l, shape),
                _ => throw new System.InvalidOperationException($"No emitter for {layers[l].KindName}."),
            };
            spatial.Add(layer);
            offset += layer.ParameterCount;
            shape = layer.Output;
        }

        Spatial = spatial;
        FeatureShape = shape;
        SpatialParameterCount = offset;
        ParameterCount = offset;
        InputCount = input.Size;

        // Forward: two slots for the layers' values (layer i writes slot i mod 2), one stage, one grid.
        int slot = SpatialLayer.RoundUp(spatial.Max(s => s.Output.Size));
        int slots = spatial.Count == 1 ? 1 : 2;
        StageOffset = slot * slots;
        int stage = SpatialLayer.RoundUp(spatial.Max(s => s.StageLength));
        GridOffset = StageOffset + stage;
        ForwardLength = GridOffset + SpatialLayer.RoundUp(spatial.Max(s => s.GridLength));
        _slot = slot;

        // Training: per layer its values, its stage and its gradient; one grid and one stage gradient for all.
        int at = 0;
        foreach (SpatialLayer layer in spatial)
        {
            int values = at;
            at += SpatialLayer.RoundUp(layer.Output.Size);
            int stageAt = at;
            at += SpatialLayer.RoundUp(layer.StageLength);
            int gradientAt = at;
            at += SpatialLayer.RoundUp(layer.Output.Size);
            _kept.Add((values, stageAt, gradientAt));
        }

        TrainingGridOffset = at;
        at += SpatialLayer.RoundUp(spatial.Max(s => s.GridLength));
        StageGradientOffset = at;
        at += stage;
        WorkspaceLength = at;
    }

    /// <summary>Why the working memory of a network with these layers is too large to generate, or null (and null for Dense-only networks).</summary>
    public static string? CheckMemory(TensorShape input, IReadOnlyList<LayerSpec> layers, int scalarBytes)
    {
        if (layers.Count == 0 || layers[0] is DenseSpec)
        {
            return null;
        }

        var plan = new LayeredPlan(input, layers, scalarBytes == 8 ? Precision.Double : Precision.Single);
        long forward = (long)plan.ForwardLength * scalarBytes;
        if (forward > GeneratorLimits.MaxForwardStackBytes)
        {
            return $"Forward would need {forward} bytes of stack for its working values (the largest layers' values, padded input and output grid), more than the {GeneratorLimits.MaxForwardStackBytes} NetCompiler allows; use fewer filters or smaller inputs, or pool earlier";
        }

        long workspace = (long)plan.WorkspaceLength * scalarBytes;
        return workspace > GeneratorLimits.MaxWorkspaceBytes
            ? $"training would keep {workspace} bytes of working values, more than the {GeneratorLimits.MaxWorkspaceBytes} NetCompiler allows; use fewer filters or smaller inputs"
            : null;
    }

    private readonly int _slot;
    private readonly List<(int Values, int Stage, int Gradient)> _kept = new();

    public NetworkSpec Spec { get; } = null!;

    public CodeContext Context { get; }

    public IReadOnlyList<SpatialLayer> Spatial { get; }

    /// <summary>The Dense layers after the spatial ones, as a Dense stack reading the last spatial layer's values; null when the network ends with a spatial layer.</summary>
    public NetworkPlan? Tail { get; }

    /// <summary>The last spatial layer's output shape: what a Dense tail sees, flattened.</summary>
    public TensorShape FeatureShape { get; }

    public int SpatialParameterCount { get; }

    public int ParameterCount { get; }

    public int InputCount { get; }

    public int OutputCount => Tail?.OutputCount ?? FeatureShape.Size;

    public SpatialLayer Last => Spatial[Spatial.Count - 1];

    /// <summary>Values of Forward's stack buffer.</summary>
    public int ForwardLength { get; }

    private int StageOffset { get; }

    private int GridOffset { get; }

    /// <summary>Values of the per-thread training workspace.</summary>
    public int WorkspaceLength { get; }

    private int TrainingGridOffset { get; }

    private int StageGradientOffset { get; }

    /// <summary>Whether backpropagation needs dE/d of layer <paramref name="index"/>'s values: when it or a layer before it has parameters.</summary>
    public bool NeedsGradientOf(int index) => Spatial.Take(index + 1).Any(s => s.ParameterCount > 0);

    /// <summary>Whether a layer's backward pass runs at all: for its own parameters, or to pass the gradient on to layers with parameters before it.</summary>
    public bool NeedsBackward(SpatialLayer layer) => NeedsGradientOf(layer.Index);

    /// <summary>Whether a layer's backward pass computes dE/d of its input: when a layer before it has parameters.</summary>
    public bool NeedsInputGradient(SpatialLayer layer) => layer.Index > 0 && NeedsGradientOf(layer.Index - 1);

    /// <summary>The span name of layer i's values (the same in both layouts).</summary>
    public static string Values(int layer) => $"a{layer}";

    /// <summary>The span name of dE/d of layer i's values (training).</summary>
    public static string Gradient(int layer) => $"grad{layer}";

    /// <summary>Declares Forward's spans over <c>values</c> (a stack buffer of <see cref="ForwardLength"/>).</summary>
    public void WriteForwardSpans(SourceWriter w)
    {
        string span = $"global::System.Span<{Context.T}>";
        foreach (SpatialLayer layer in Spatial)
        {
            int slot = Spatial.Count == 1 ? 0 : layer.Index % 2;
            w.Line($"{span} {Values(layer.Index)} = values.Slice({slot * _slot}, {layer.Output.Size});{(layer.Index >= 2 ? $" // where layer {layer.Index - 2}'s values were" : string.Empty)}");
        }

        w.Line($"{span} stage = values.Slice({StageOffset}, {GridOffset - StageOffset});");
        w.Line($"{span} grid = values.Slice({GridOffset}, {ForwardLength - GridOffset});");
    }

    /// <summary>Declares the training spans over <c>work</c> (the workspace of <see cref="WorkspaceLength"/>).</summary>
    public void WriteTrainingSpans(SourceWriter w)
    {
        string span = $"global::System.Span<{Context.T}>";
        foreach (SpatialLayer layer in Spatial)
        {
            (int values, int stage, int gradient) = _kept[layer.Index];
            string stageSpan = layer.StageLength > 0 ? $", {StageName(layer, training: true)} = work.Slice({stage}, {layer.StageLength})" : string.Empty;
            w.Line($"{span} {Values(layer.Index)} = work.Slice({values}, {layer.Output.Size}){stageSpan}, {Gradient(layer.Index)} = work.Slice({gradient}, {layer.Output.Size});");
        }

        w.Line($"{span} grid = work.Slice({TrainingGridOffset}, {StageGradientOffset - TrainingGridOffset}), stageGradient = work.Slice({StageGradientOffset}, {WorkspaceLength - StageGradientOffset});");
    }

    private static string StageName(SpatialLayer layer, bool training) => training ? $"stage{layer.Index}" : "stage";

    /// <summary>The buffers of a layer's calls in Forward's layout or the training one.</summary>
    public LayerBuffers Buffers(SpatialLayer layer, bool training) => new()
    {
        Input = layer.Index == 0 ? "input" : Values(layer.Index - 1),
        Output = Values(layer.Index),
        Stage = StageName(layer, training),
        OutputGradient = Gradient(layer.Index),
        InputGradient = layer.Index == 0 ? null : Gradient(layer.Index - 1),
    };
}
