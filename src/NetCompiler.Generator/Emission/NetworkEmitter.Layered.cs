using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emission;

/// <summary>
/// The members of a network with convolution or pooling layers (<see cref="LayeredPlan"/>): the public API as for a Dense
/// network, over a walk of the layers: each spatial layer's kind writes its own <c>__Layer{i}</c> and
/// <c>__Layer{i}Backward</c> methods (<c>Layers/{Kind}/*Emitter.cs</c>), which the network's methods call in order; the
/// Dense layers after them are one Dense stack, written inline by the Dense emitter as in a Dense network.
/// </summary>
internal static partial class NetworkEmitter
{
    private static void WriteLayeredMembers(SourceWriter w, LayeredPlan plan)
    {
        CodeContext c = plan.Context;
        string t = c.T;
        NetworkPlan? tail = plan.Tail;

        WriteSizeConstants(w, c, plan.InputCount, plan.OutputCount, plan.ParameterCount, baked: false, ForwardStackBytes(plan),
            "Stack memory that Forward, ForwardBatch and ComputeLoss use for their working values: two layers' values, a padded input and an output grid, and the Dense layers' values.");
        w.Line("/// <summary>Stack memory that Gradient, Train and TrainBatch use for the Dense layers' values and deltas (the convolution and pooling layers' values are in the workspace, see <see cref=\"WorkspaceBytes\"/>).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int TrainingScratchBytes = {Literals.Int(tail is null ? 0 : tail.ScratchBytes(backward: true))};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Heap memory of the training workspace that Gradient, Train and TrainBatch keep every layer's values, padded inputs and");
        w.Line($"/// gradients in for backpropagation: allocated once per thread, by the thread's first training call, with {AlignmentBytes} bytes that let it");
        w.Line($"/// start on a {AlignmentBytes}-byte boundary.");
        w.Line("/// </summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int WorkspaceBytes = {Literals.Int(((long)plan.WorkspaceLength * c.ScalarBytes) + AlignmentBytes)};");
        w.Line();
        w.Line($"/// <summary>Heap memory that the first <see cref=\"{TrainBatchCref(c)}\"/> (or Train) call allocates, once: the summed gradient, and {AlignmentBytes} bytes that let it start on a {AlignmentBytes}-byte boundary.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line($"public const int BatchGradientBytes = {Literals.Int(((long)plan.ParameterCount * c.ScalarBytes) + AlignmentBytes)};");
        w.Line();
        WriteStorage(w, c, plan.Spec, "The summed gradient of a batch (and of Train's one sample)");

        w.Line("/// <summary>The training workspace of this thread (see <see cref=\"WorkspaceBytes\"/>); allocated by the thread's first training call.</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line("[global::System.ThreadStatic]");
        w.Line($"private static {AlignedBuffer(t)} __workspace;");
        w.Line();

        WriteForwardMembers(w, c, isStatic: false);

        OpenComputeLoss(w, c, LayeredLossFormula(plan));
        w.Line($"global::System.ReadOnlySpan<{t}> p = __parameters;");
        WriteForwardBuffers(w, plan);
        WriteSpatialForward(w, plan, training: false);
        WriteTailForward(w, plan, backward: false);
        WriteLayeredLoss(w, plan);
        w.Line("return loss;");
        w.Close();
        w.Line();

        WriteGradientMember(w, c);

        OpenTrain(w, c);
        w.Line("// The gradient of the sample (into the batch buffer), then p <- p - eta * dE/dp.");
        WriteBatchBuffer(w, c, plan.ParameterCount);
        w.Line($"global::System.Span<{t}> g = buffer;");
        w.Line("g.Clear();");
        w.Line($"{t} loss = __Gradient(input, target, g);");
        w.Line($"{t} step = learningRate;");
        w.Line($"global::System.Span<{t}> p = __parameters;");
        WriteStep(w, c, 0, plan.ParameterCount);
        w.Line("return loss;");
        w.Close();
        w.Line();

        OpenTrainBatch(w, c, System.Array.Empty<string>());
        WriteBatchBuffer(w, c, plan.ParameterCount);
        w.Line($"global::System.Span<{t}> g = buffer;");
        w.Line("g.Clear();");
        w.Line($"{t} loss = {c.Lit(0)};");
        w.Open("for (int row = 0; row < count; row++)");
        w.Line("loss += __Gradient(inputs.Slice(row * InputCount, InputCount), targets.Slice(row * OutputCount, OutputCount), g);");
        w.Close();
        w.Line();
        w.Line("// p <- p - eta * (1/k) * sum_r dE_r/dp");
        w.Line($"{t} step = learningRate / count;");
        w.Line($"global::System.Span<{t}> p = __parameters;");
        WriteStep(w, c, 0, plan.ParameterCount);
        w.Line("return loss / count;");
        w.Close();
        w.Line();

        WriteParameterFileMembers(w, c, plan.Spec);

        // Private cores.
        WriteLayeredScratchTypes(w, plan, trainable: true);
        w.Line("/// <summary>The forward pass (lengths already checked).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private void __Forward(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        w.Line($"global::System.ReadOnlySpan<{t}> p = __parameters;");
        WriteLayeredForwardBody(w, plan);
        w.Close();
        w.Line();

        w.Line("/// <summary>Forward pass, loss and backpropagation for one sample, adding dE/dp into <paramref name=\"gradient\"/> (lengths already checked).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private {t} __Gradient(global::System.ReadOnlySpan<{t}> input, global::System.ReadOnlySpan<{t}> target, global::System.Span<{t}> gradient)");
        w.Line($"global::System.ReadOnlySpan<{t}> p = __parameters;");
        w.Line("// This thread's workspace: every layer's values, staged input and gradient, kept from the forward pass for backpropagation.");
        w.Open("if (!__workspace.IsAllocated)");
        w.Line($"__workspace = {AlignedBuffer(t)}.Allocate({Literals.Int(plan.WorkspaceLength)});");
        w.Close();
        w.Line($"global::System.Span<{t}> work = __workspace.Span;");
        plan.WriteTrainingSpans(w);
        WriteSpatialForward(w, plan, training: true);
        if (tail is not null)
        {
            WriteTailForward(w, plan, backward: true);
            WriteLoss(w, tail);
            WriteBackwardPass(w, tail, BackwardMode.Gradient);
            if (plan.NeedsGradientOf(plan.Last.Index))
            {
                WriteInputDelta(w, tail, LayeredPlan.Gradient(plan.Last.Index));
            }
        }
        else
        {
            WriteLayeredLoss(w, plan);
            WriteSpatialOutputGradient(w, plan);
        }

        for (int l = plan.Spatial.Count - 1; l >= 0; l--)
        {
            SpatialLayer layer = plan.Spatial[l];
            if (!plan.NeedsBackward(layer))
            {
                continue;
            }

            bool into = plan.NeedsInputGradient(layer);
            w.Line();
            w.Line($"// Layer {layer.Index} ({layer.Describe()}): backpropagation{(into ? $", into dE/d of layer {l - 1}'s values" : string.Empty)}.");
            w.Line(layer.BackwardCall(plan.Buffers(layer, training: true), inputGradient: into));
        }

        w.Line("return loss;");
        w.Close();
        w.Line();

        foreach (SpatialLayer layer in plan.Spatial)
        {
            layer.WriteForward(w, c);
            if (plan.NeedsBackward(layer))
            {
                layer.WriteBackward(w, c, inputGradient: plan.NeedsInputGradient(layer));
            }
        }

        w.Line("/// <summary>A new parameter block, initialized with seed 0 (runs before any constructor body).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"private static {AlignedBuffer(t)} __CreateParameters()");
        w.Line($"{AlignedBuffer(t)} parameters = {AlignedBuffer(t)}.Allocate(ParameterCount);");
        w.Line("__Initialize(parameters.Span, 0);");
        w.Line("return parameters;");
        w.Close();
        w.Line();

        WriteInitializeCore(w, c, LayeredInitialization(plan));
    }

    /// <summary>A baked network with convolution or pooling layers: static Forward over the compiled-in parameters, its working values on the stack.</summary>
    private static void WriteLayeredBakedMembers(SourceWriter w, LayeredPlan plan)
    {
        CodeContext c = plan.Context;
        string t = c.T;
        double[] values = plan.Spec.BakedValues.ToArray();
        WriteSizeConstants(w, c, plan.InputCount, plan.OutputCount, plan.ParameterCount, baked: true, ForwardStackBytes(plan),
            "Stack memory that Forward and ForwardBatch use for their working values: two layers' values, a padded input and an output grid, and the Dense layers' values.");

        w.Line("/// <summary>");
        w.Line($"/// The parameters baked in from <c>{Escape(plan.Spec.BakedParameters!)}</c> at build time, in the layout of a trainable network's");
        w.Line("/// Parameters (layer by layer, PyTorch's layouts). Read-only static data: no heap allocation on .NET 7 or later.");
        w.Line("/// </summary>");
        w.Line(GeneratedCodeAttribute);
        w.Open($"public static global::System.ReadOnlySpan<{t}> Parameters => new {t}[]");
        foreach (ParameterTensors tensors in ParameterLayout.Of(plan.Spec))
        {
            w.Line($"// Layer {tensors.LayerIndex}: weights {tensors.DescribeWeightShape()} at {tensors.WeightOffset}{(tensors.HasBias ? $", biases [{tensors.BiasCount}] at {tensors.BiasOffset}" : string.Empty)}");
            WriteValues(w, c, values, tensors.WeightOffset, tensors.End - tensors.WeightOffset);
        }

        w.Close(";");
        w.Line();

        WriteForwardMembers(w, c, isStatic: true);
        WriteLayeredScratchTypes(w, plan, trainable: false);
        w.Line("/// <summary>The forward pass (lengths already checked).</summary>");
        w.Line(GeneratedCodeAttribute);
        w.Line(OptimizeAttribute);
        w.Open($"private static void __Forward(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)");
        w.Line($"global::System.ReadOnlySpan<{t}> p = Parameters;");
        WriteLayeredForwardBody(w, plan);
        w.Close();
        w.Line();

        foreach (SpatialLayer layer in plan.Spatial)
        {
            layer.WriteForward(w, c);
        }
    }

    /// <summary>Stack bytes of Forward: its buffer of layer values, stage and grid, and the Dense tail's values.</summary>
    private static long ForwardStackBytes(LayeredPlan plan) =>
        ((long)plan.ForwardLength * plan.Context.ScalarBytes) + (plan.Tail?.ScratchBytes(backward: false) ?? 0);

    /// <summary>__Forward's body after <c>p</c>: the stack buffers, the layers, the outputs.</summary>
    private static void WriteLayeredForwardBody(SourceWriter w, LayeredPlan plan)
    {
        WriteForwardBuffers(w, plan);
        WriteSpatialForward(w, plan, training: false);
        WriteTailForward(w, plan, backward: false);
        if (plan.Tail is not null)
        {
            WriteOutputs(w, plan.Tail);
        }
        else
        {
            w.Line();
            w.Line($"// Outputs: y_k = the last layer's values.");
            w.Line($"{LayeredPlan.Values(plan.Last.Index)}.CopyTo(output);");
        }
    }

    /// <summary>Forward's stack buffer (a zeroed struct local, viewed as a span) and its spans.</summary>
    private static void WriteForwardBuffers(SourceWriter w, LayeredPlan plan)
    {
        string t = plan.Context.T;
        w.Line($"// Working values on the stack ({Literals.Int((long)plan.ForwardLength * plan.Context.ScalarBytes)} bytes): the layers' values take turns in two places, the convolutions share the padded input and the output grid.");
        w.Line($"{ScratchType(plan.ForwardLength)} buffers = default;");
        w.Line($"global::System.Span<{t}> values = global::System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref {CodeContext.Unsafe}.As<{ScratchType(plan.ForwardLength)}, {t}>(ref buffers), {plan.ForwardLength});");
        plan.WriteForwardSpans(w);
    }

    /// <summary>The calls of the spatial layers' forward methods, in order.</summary>
    private static void WriteSpatialForward(SourceWriter w, LayeredPlan plan, bool training)
    {
        foreach (SpatialLayer layer in plan.Spatial)
        {
            w.Line();
            w.Line($"// Layer {layer.Index}: {layer.Describe()}, {layer.Input.Describe()} -> {layer.Output.Describe()}{(layer.ActivationName == "-" ? string.Empty : $", {layer.ActivationName}")}.");
            w.Line(layer.ForwardCall(plan.Buffers(layer, training)));
        }
    }

    /// <summary>The Dense tail's forward pass, reading the last spatial layer's values flattened (nothing without a tail).</summary>
    private static void WriteTailForward(SourceWriter w, LayeredPlan plan, bool backward)
    {
        if (plan.Tail is not { } tail)
        {
            return;
        }

        w.Line();
        w.Line($"// Layers {tail.Layers[0].Number}..{tail.Last.Number}: Dense, reading layer {plan.Last.Index}'s {tail.InputCount} values flattened in (c, h, w) order.");
        WriteScratch(w, tail, backward);
        WriteForwardPass(w, tail);
    }

    /// <summary>Declares <c>loss</c>: the Dense tail's loss, or the loss over a last spatial layer's values.</summary>
    private static void WriteLayeredLoss(SourceWriter w, LayeredPlan plan)
    {
        if (plan.Tail is { } tail)
        {
            WriteLoss(w, tail);
            return;
        }

        string y = LayeredPlan.Values(plan.Last.Index);
        int n = plan.OutputCount;
        bool half = plan.Spec.Loss == Loss.HalfSquaredError;
        w.Line();
        w.Line(half
            ? $"// Loss: E = 1/2 * sum_k (d_k - y_k)^2, with d_k = target[k] and y_k = {y}[k] the last layer's values."
            : $"// Loss: E = (1/n) * sum_k (d_k - y_k)^2, with n = {n}, d_k = target[k] and y_k = {y}[k] the last layer's values.");
        w.Line($"{plan.Context.T} loss = {plan.Context.Lit(0)};");
        w.Open($"for (int k = 0; k < {n}; k++)");
        w.Line($"{plan.Context.T} error = target[k] - {y}[k];");
        w.Line("loss += error * error;");
        w.Close();
        w.Line(half ? $"loss = {plan.Context.Lit(0.5)} * loss;" : $"loss = loss / {plan.Context.Lit(n)};");
    }

    /// <summary>dE/dy_k of a last spatial layer into its gradient span (its kind applies f').</summary>
    private static void WriteSpatialOutputGradient(SourceWriter w, LayeredPlan plan)
    {
        string y = LayeredPlan.Values(plan.Last.Index);
        string g = LayeredPlan.Gradient(plan.Last.Index);
        int n = plan.OutputCount;
        bool half = plan.Spec.Loss == Loss.HalfSquaredError;
        w.Line();
        w.Line(half ? "// dE/dy_k = y_k - d_k." : $"// dE/dy_k = (2/n) * (y_k - d_k), n = {n}.");
        w.Open($"for (int k = 0; k < {n}; k++)");
        w.Line(half || n == 2 ? $"{g}[k] = {y}[k] - target[k];" : $"{g}[k] = ({y}[k] - target[k]) * {plan.Context.Lit(2.0 / n)};");
        w.Close();
    }

    private static string LayeredLossFormula(LayeredPlan plan) => plan.Tail is { } tail
        ? LossFormula(tail)
        : LossFormula(plan.Spec.Loss, plan.OutputCount, Activation.Identity);

    /// <summary>The scratch struct types of a layered network: Forward's buffer and the Dense tail's spans.</summary>
    private static void WriteLayeredScratchTypes(SourceWriter w, LayeredPlan plan, bool trainable)
    {
        var lengths = new SortedSet<int> { plan.ForwardLength };
        if (plan.Tail is { } tail)
        {
            lengths.Add(tail.StackLength(backward: false, keep: false));
            if (trainable)
            {
                lengths.Add(tail.StackLength(backward: true, keep: false));
            }
        }

        WriteScratchTypes(w, lengths, plan.Context.ScalarBytes);
    }

    /// <summary>The weights of every layer with parameters, in the parameter block's order, with their initialization.</summary>
    private static List<InitializationGroup> LayeredInitialization(LayeredPlan plan)
    {
        var groups = new List<InitializationGroup>();
        foreach (SpatialLayer layer in plan.Spatial)
        {
            if (layer.Initialization is { } init)
            {
                int bias = layer.Spec.HasBias ? layer.Output.Channels : 0;
                groups.Add(new InitializationGroup(layer.Index, layer.ActivationName, layer.WeightOffset, layer.ParameterCount - bias, init.FanIn, init.FanOut, init.He, bias));
            }
        }

        if (plan.Tail is { } tail)
        {
            groups.AddRange(DenseInitialization(tail));
        }

        return groups;
    }
}
