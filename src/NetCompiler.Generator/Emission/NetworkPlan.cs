using System.Collections.Generic;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Validation;

namespace NetCompiler.Generator.Emission;

/// <summary>
/// How one network is laid out in generated code: where each layer's parameters sit in the flat
/// <c>Parameters</c> block, which layers are unrolled, and whether each layer's values live in locals
/// (<c>o1_0</c>, <c>o1_1</c>, ...) or in a stack-allocated span (<c>o1[j]</c>). Derived from the
/// <see cref="NetworkSpec"/> during emission only; never cached.
/// </summary>
internal sealed class NetworkPlan : CodeContext
{
    /// <summary>The plan of a network of Dense layers only.</summary>
    public NetworkPlan(NetworkSpec spec)
        : this(spec, 0, spec.Inputs, 0, "input")
    {
    }

    /// <summary>
    /// The plan of the Dense layers from layer <paramref name="firstLayer"/> on (all the rest of the network), whose
    /// <paramref name="inputs"/> values are in the span <paramref name="inputSpan"/> and whose parameters start at
    /// <paramref name="parameterBase"/>: the Dense tail of a network with convolution or pooling layers.
    /// </summary>
    public NetworkPlan(NetworkSpec spec, int firstLayer, int inputs, int parameterBase, string inputSpan)
        : base(spec.Precision)
    {
        Spec = spec;
        Baked = spec.IsBaked ? spec.BakedValues.ToArray() : null;
        InputCount = inputs;
        InputSpan = inputSpan;

        var layers = new List<LayerPlan>();
        int offset = parameterBase;
        int unrolledWeights = 0;
        for (int l = firstLayer; l < spec.Layers.Count; l++)
        {
            var layer = (Layers.Dense.DenseSpec)spec.Layers[l];
            int weights = layer.Units * inputs;
            int biasOffset = offset + weights;
            string? loopReason = LoopReason(spec.UnrollLimit, inputs, layer.Units, unrolledWeights);
            unrolledWeights += loopReason is null ? weights : 0;
            layers.Add(new LayerPlan(l - firstLayer, inputs, layer.Units, layer.Activation, layer.Bias, offset, biasOffset, loopReason) { Number = l });
            offset = biasOffset + (layer.Bias ? layer.Units : 0);
            inputs = layer.Units;
        }

        Layers = layers;
        ParameterCount = offset;

        // A layer's values (o, delta) are read by the layer after it and the layer itself; they can live
        // in locals only when both are unrolled (a loop needs a span to index).
        for (int l = 0; l < layers.Count; l++)
        {
            layers[l].InLocals = layers[l].Unrolled && (l == layers.Count - 1 || layers[l + 1].Unrolled);
        }
    }

    /// <summary>Why a layer is looped rather than unrolled, or null to unroll it.</summary>
    private static string? LoopReason(int unrollLimit, int inputs, int units, int unrolledSoFar)
    {
        int weights = inputs * units;
        if (unrollLimit >= 0)
        {
            return weights > unrollLimit ? $"{weights} weights > UnrollLimit {unrollLimit}"
                : unrolledSoFar + weights > GeneratorLimits.MaxUnrolledWeights ? $"over {GeneratorLimits.MaxUnrolledWeights} unrolled weights in the network"
                : null;
        }

        if (weights > GeneratorLimits.DefaultUnrollWeights)
        {
            return $"{weights} weights > {GeneratorLimits.DefaultUnrollWeights}";
        }

        if (inputs > GeneratorLimits.DefaultUnrollInputs && units > 1)
        {
            return $"{inputs} inputs > {GeneratorLimits.DefaultUnrollInputs}: the running sums would not stay in registers";
        }

        if (unrolledSoFar + weights > GeneratorLimits.DefaultUnrollTotal)
        {
            return $"over {GeneratorLimits.DefaultUnrollTotal} unrolled weights in the network";
        }

        return null;
    }

    public NetworkSpec Spec { get; }

    /// <summary>A baked network's parameters (compiled in), or null for a trainable network.</summary>
    public double[]? Baked { get; }

    public IReadOnlyList<LayerPlan> Layers { get; }

    public LayerPlan Last => Layers[Layers.Count - 1];

    /// <summary>Inputs of the first layer: the network's, or those of a Dense tail (the flattened values before it).</summary>
    public int InputCount { get; }

    /// <summary>The span the first layer reads its inputs from: <c>input</c>, or in a Dense tail the values of the layer before.</summary>
    public string InputSpan { get; }

    public int OutputCount => Last.Units;

    public int ParameterCount { get; }

    /// <summary>Whether the inputs are copied into locals <c>x0</c>, <c>x1</c>, ... (when the first layer is unrolled).</summary>
    public bool InputInLocals => Layers[0].Unrolled;

    /// <summary>Whether the loss needs the last layer's weighted sums (for a numerically safe cross-entropy).</summary>
    public bool LossNeedsNet => Spec.Loss == Loss.CrossEntropy;

    public bool AllUnrolled
    {
        get
        {
            foreach (LayerPlan layer in Layers)
            {
                if (!layer.Unrolled)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Most lanes TrainBatch's lane-per-sample pass is emitted for (a 512-bit Vector&lt;float&gt;); wider vectors take the per-row path.</summary>
    public const int MaxLanes = 16;

    /// <summary>
    /// Most parameters for the lane-per-sample TrainBatch: it keeps one Vector&lt;T&gt; of gradient sums and one of the
    /// broadcast parameter per parameter, and writes every unit out; 256 keeps TrainBatch far below the JIT's limits for
    /// optimizing a method (locals, IL instructions).
    /// </summary>
    public const int LaneBatchMaxParameters = 256;

    /// <summary>
    /// Whether TrainBatch takes Vector&lt;T&gt;.Count rows at a time, one per lane: a small trainable float network (the
    /// activations have vector kernels). Each layer is written out unit by unit there, whether or not it is unrolled
    /// elsewhere.
    /// </summary>
    public bool LaneBatch => Baked is null && VectorKernels && ParameterCount <= LaneBatchMaxParameters;

    /// <summary>Values of the lane-per-sample gradient sums, at the end of TrainBatch's heap buffer: one vector of <see cref="MaxLanes"/> per parameter.</summary>
    public int LaneSumsLength => ParameterCount * MaxLanes;

    /// <summary>Values of the lane-per-sample buffer for a layer's kernel loop: a vector of <see cref="MaxLanes"/> per unit of the widest layer and lane group.</summary>
    public int LaneValuesLength
    {
        get => WidestLayer * MaxLanes * LaneGroups;
    }

    /// <summary>
    /// Lane groups that TrainBatch's lane-per-sample pass puts through one call, interleaved statement by statement: two
    /// where no layer is wider than <see cref="LaneInterleaveMaxUnits"/> units, so that the processor overlaps their
    /// chains of dependent kernels (xor, 2-3-1: TrainBatch 22% faster per row), else one (iris, 4-16-3: the second group's
    /// 16 hidden vectors no longer fit in registers, and two groups were 9% slower).
    /// </summary>
    public int LaneGroups => WidestLayer <= LaneInterleaveMaxUnits ? 2 : 1;

    /// <summary>Widest layer for which the lane-per-sample pass interleaves two groups.</summary>
    public const int LaneInterleaveMaxUnits = 8;

    private int WidestLayer
    {
        get
        {
            int units = 1;
            foreach (LayerPlan layer in Layers)
            {
                units = System.Math.Max(units, layer.Units);
            }

            return units;
        }
    }

    /// <summary>Values in the lane-per-sample transposition buffer: inputs and targets of <see cref="LaneGroups"/> times <see cref="MaxLanes"/> rows.</summary>
    public int LaneScratchLength => (InputCount + OutputCount) * MaxLanes * LaneGroups;


    /// <summary>The i-th input to layer <paramref name="l"/>: o_i of the previous layer, or x_i.</summary>
    public string In(int l, int i) => l == 0
        ? (InputInLocals ? $"x{i}" : $"{InputSpan}[{i}]")
        : Out(l - 1, i);

    /// <summary>The span holding the inputs of a looped layer.</summary>
    public string InSpan(int l) => l == 0 ? InputSpan : $"o{l - 1}";

    /// <summary>o_j of layer l.</summary>
    public string Out(int l, int j) => Layers[l].InLocals ? $"o{l}_{j}" : $"o{l}[{j}]";

    /// <summary>net_j of layer l: a local in unrolled layers; in looped layers only kept (in a span) for the last layer when the loss or softmax needs it.</summary>
    public string Net(int l, int j) => Layers[l].Unrolled ? $"net{l}_{j}" : $"net{l}[{j}]";

    /// <summary>delta_j of layer l.</summary>
    public string Delta(int l, int j) => Layers[l].InLocals ? $"delta{l}_{j}" : $"delta{l}[{j}]";

    /// <summary>The span a looped layer's weighted sums go into: <c>net{l}</c> where it keeps them, else <c>o{l}</c> (the activation then works in place).</summary>
    public string SumsTarget(int l) => KeepsNetSpan(l) ? $"net{l}" : $"o{l}";

    /// <summary>Whether TrainBatch computes the first layer's weighted sums for a whole chunk of samples (<c>__ChunkSums</c>): when it is looped.</summary>
    public bool ChunkSums => !Layers[0].Unrolled;

    /// <summary>Whether a looped layer keeps its weighted sums in a span <c>net{l}</c>.</summary>
    public bool KeepsNetSpan(int l) =>
        !Layers[l].Unrolled && l == Layers.Count - 1 && (Layers[l].Activation == Activation.Softmax || LossNeedsNet);

    /// <summary>
    /// Most samples whose looped-layer gradients TrainBatch adds in one pass (<c>__ChunkGradient</c>); a batch of at most
    /// this many rows takes its step in that pass, with no summed gradient for the looped layers.
    /// </summary>
    public const int BatchChunk = 32;

    /// <summary>
    /// The spans that a sample's backpropagation keeps for <c>__ChunkGradient</c>, with their offsets in its slice of
    /// the batch buffer: delta of every looped layer, and its input o of the layer before (layer 0 reads the sample itself);
    /// with <see cref="ChunkSums"/>, also the first layer's weighted sums, which <c>__ChunkSums</c> writes there.
    /// </summary>
    public IReadOnlyDictionary<string, int> KeptSpans
    {
        get
        {
            if (_kept is null)
            {
                var kept = new Dictionary<string, int>();
                int offset = 0;
                if (ChunkSums)
                {
                    kept[SumsTarget(0)] = offset;
                    offset += Layers[0].Units;
                }

                foreach (LayerPlan layer in Layers)
                {
                    if (layer.Unrolled)
                    {
                        continue;
                    }

                    kept[$"delta{layer.Index}"] = offset;
                    offset += layer.Units;
                    if (layer.Index > 0 && !kept.ContainsKey($"o{layer.Index - 1}"))
                    {
                        kept[$"o{layer.Index - 1}"] = offset;
                        offset += layer.Inputs;
                    }
                }

                _kept = kept;
                _keepLength = offset;
            }

            return _kept;
        }
    }

    private Dictionary<string, int>? _kept;
    private int _keepLength;

    /// <summary>Values one sample keeps for <c>__ChunkGradient</c> (0 when every layer is unrolled).</summary>
    public int KeepLength
    {
        get
        {
            _ = KeptSpans;
            return _keepLength;
        }
    }

    public int KeptDeltaOffset(int l) => KeptSpans[$"delta{l}"];

    public int KeptInputOffset(int l) => KeptSpans[$"o{l - 1}"];

    /// <summary>
    /// Length of the heap buffer TrainBatch allocates once: the summed gradient, then the kept values of
    /// <see cref="BatchChunk"/> samples, then the lane pass's per-lane gradient sums (<see cref="LaneSumsLength"/>).
    /// </summary>
    public long BatchBufferLength => (long)ParameterCount + ((long)BatchChunk * KeepLength) + (LaneBatch ? LaneSumsLength : 0);

    /// <summary>Where the lane pass's gradient sums start in the TrainBatch buffer.</summary>
    public long LaneSumsOffset => (long)ParameterCount + ((long)BatchChunk * KeepLength);

    /// <summary>The stack-allocated spans a pass needs: values of layers that do not live in locals.</summary>
    public IEnumerable<(string Name, int Length)> ScratchSpans(bool backward)
    {
        foreach (LayerPlan layer in Layers)
        {
            int l = layer.Index;
            if (KeepsNetSpan(l))
            {
                yield return ($"net{l}", layer.Units);
            }

            if (!layer.InLocals)
            {
                yield return ($"o{l}", layer.Units);
                if (backward)
                {
                    yield return ($"delta{l}", layer.Units);
                }
            }
        }
    }

    /// <summary>Values of <see cref="ScratchSpans"/> that live on the stack (with <paramref name="keep"/>, those not in the kept-values buffer).</summary>
    public int StackLength(bool backward, bool keep)
    {
        int values = 0;
        foreach ((string name, int length) in ScratchSpans(backward))
        {
            if (!(keep && KeptSpans.ContainsKey(name)))
            {
                values += length;
            }
        }

        return values;
    }

    /// <summary>Stack bytes of TrainBatch's lane-per-sample pass (transposed rows, one kernel loop's values), 0 without one; its gradient sums are on the heap.</summary>
    public long LaneScratchBytes => LaneBatch ? (long)(LaneScratchLength + LaneValuesLength) * ScalarBytes : 0;

    /// <summary>Bytes of <see cref="ScratchSpans"/>.</summary>
    public long ScratchBytes(bool backward)
    {
        long values = 0;
        foreach ((string _, int length) in ScratchSpans(backward))
        {
            values += length;
        }

        return values * ScalarBytes;
    }

    /// <summary>w_ji of layer l: <c>p[index]</c>, or in an unrolled layer of a baked network the value itself.</summary>
    public string W(int l, int j, int i) => Parameter(l, Layers[l].WeightOffset + (Layers[l].Inputs * j) + i);

    /// <summary>b_j of layer l, as <see cref="W"/>.</summary>
    public string B(int l, int j) => Parameter(l, Layers[l].BiasOffset + j);

    private string Parameter(int l, int index) =>
        Baked is not null && Layers[l].Unrolled ? ParenthesizedLiteral(Baked[index]) : $"p[{index}]";

    /// <summary>A literal that can stand as an operand anywhere (negative values in parentheses).</summary>
    private string ParenthesizedLiteral(double value)
    {
        string literal = Lit(value);
        return literal.StartsWith("-", System.StringComparison.Ordinal) ? $"({literal})" : literal;
    }
}

/// <summary>One layer's place in the plan.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(int index, int inputs, int units, Activation activation, bool bias, int weightOffset, int biasOffset, string? loopReason)
    {
        Index = index;
        Number = index;
        Inputs = inputs;
        Units = units;
        Activation = activation;
        Bias = bias;
        WeightOffset = weightOffset;
        BiasOffset = biasOffset;
        LoopReason = loopReason;
    }

    public int Index { get; }

    /// <summary>The layer's index among all the network's layers, for comments (<see cref="Index"/> counts the Dense stack's layers).</summary>
    public int Number { get; init; }

    public int Inputs { get; }
    public int Units { get; }
    public Activation Activation { get; }
    public bool Bias { get; }
    public int WeightOffset { get; }
    public int BiasOffset { get; }
    public int Weights => Inputs * Units;
    public int ParameterCount => Weights + (Bias ? Units : 0);
    public bool Unrolled => LoopReason is null;

    /// <summary>Why the layer is looped (for the generated comment), or null when it is unrolled.</summary>
    public string? LoopReason { get; }

    /// <summary>Whether o_j and delta_j of this layer are locals (else span elements).</summary>
    public bool InLocals { get; set; }
}
