using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers.Conv;

/// <summary>
/// <c>[Conv1D(filters, kernelSize, activation, ...)]</c> and <c>[Conv2D(...)]</c>: checks every argument, resolves
/// per-dimension settings (KernelHeight over kernelSize, StrideWidth over Stride, ...) and "same" padding, and applies
/// PyTorch's output-size rule.
/// </summary>
internal sealed class ConvKind : LayerKind
{
    private readonly int _rank;

    public ConvKind(int rank)
        : base(rank == 1 ? "Conv1D" : "Conv2D")
    {
        _rank = rank;
    }

    public override LayerSpec? Validate(LayerDeclaration layer, LayerContext context)
    {
        int before = context.Reported;
        bool placed = CheckPlace(layer, context, _rank);

        ArgumentValue filters = layer.Get("filters");
        ArgumentValue kernel = layer.Get("kernelSize");
        ArgumentValue activation = layer.Get("activation");
        CheckAtLeast(layer, context, "filters", filters, 1);
        CheckAtLeast(layer, context, "kernelSize", kernel, 1);
        foreach ((string name, int minimum) in Minimums)
        {
            if (layer.TryGet(name, out ArgumentValue value))
            {
                CheckAtLeast(layer, context, name, value, minimum);
            }
        }

        if (!System.Enum.IsDefined(typeof(Activation), activation.Value))
        {
            context.Report(DiagnosticDescriptors.UndefinedActivation, activation.Location, context.Index, context.NetworkName, activation.Value);
        }
        else if (activation.Value == (int)Activation.Softmax)
        {
            context.Report(DiagnosticDescriptors.SoftmaxOnSpatialLayer, activation.Location, context.Index, context.NetworkName, Name);
        }

        bool same = layer.GetOrDefault("Same", 0).Value != 0;
        if (same)
        {
            foreach (string name in new[] { "Padding", "PaddingHeight", "PaddingWidth" })
            {
                if (layer.TryGet(name, out ArgumentValue padding))
                {
                    context.Report(DiagnosticDescriptors.SameWithPadding, padding.Location, context.Index, context.NetworkName, name);
                }
            }
        }

        if (context.Reported > before || !placed || context.Input is not { } input)
        {
            return null;
        }

        ArgumentValue groups = layer.GetOrDefault("Groups", 1);
        if (input.Channels % groups.Value != 0)
        {
            context.Report(DiagnosticDescriptors.GroupsDoNotDivide, groups.Location, context.Index, context.NetworkName, groups.Value, "input channels", input.Channels);
        }

        if (filters.Value % groups.Value != 0)
        {
            context.Report(DiagnosticDescriptors.GroupsDoNotDivide, groups.Location, context.Index, context.NetworkName, groups.Value, "filters", filters.Value);
        }

        Dimension height = _rank == 1 ? Dimension.Unit : Resolve(layer, "Height", kernel, input.Height);
        Dimension width = Resolve(layer, "Width", kernel, input.Width);
        foreach ((Dimension d, string axis) in new[] { (height, "height"), (width, "width") })
        {
            if (_rank == 1 && axis == "height")
            {
                continue;
            }

            d.Pad(same, out long begin, out long end);
            long span = (d.Dilation * (d.Kernel - 1L)) + 1;
            if (ConvSpec.OutputSize(d.Input, begin + end, d.Kernel, d.Stride, d.Dilation) < 1)
            {
                // One message per layer: the first dimension without output.
                context.Report(DiagnosticDescriptors.KernelLargerThanInput, d.KernelLocation, context.Index, context.NetworkName, Name,
                    _rank == 1 ? "length" : axis, span, d.Input + begin + end);
                break;
            }
        }

        if (context.Reported > before)
        {
            return null;
        }

        height.Pad(same, out long top, out long bottom);
        width.Pad(same, out long left, out long right);
        return new ConvSpec(
            _rank, filters.Value, height.Kernel, width.Kernel, height.Stride, width.Stride,
            (int)top, (int)bottom, (int)left, (int)right, height.Dilation, width.Dilation,
            groups.Value, layer.GetOrDefault("Bias", 1).Value != 0, (Activation)activation.Value, same);
    }

    /// <summary>The named arguments and their least values.</summary>
    private static readonly (string Name, int Minimum)[] Minimums =
    {
        ("KernelHeight", 1), ("KernelWidth", 1), ("Stride", 1), ("StrideHeight", 1), ("StrideWidth", 1),
        ("Dilation", 1), ("DilationHeight", 1), ("DilationWidth", 1), ("Groups", 1),
        ("Padding", 0), ("PaddingHeight", 0), ("PaddingWidth", 0),
    };

    /// <summary>One dimension's settings: the per-dimension argument if written, else the shared one, else the default.</summary>
    private static Dimension Resolve(LayerDeclaration layer, string axis, ArgumentValue kernel, int input)
    {
        ArgumentValue k = layer.TryGet("Kernel" + axis, out ArgumentValue own) ? own : kernel;
        int Setting(string name, int fallback) =>
            layer.TryGet(name + axis, out ArgumentValue a) ? a.Value : layer.GetOrDefault(name, fallback).Value;
        return new Dimension(input, k.Value, k.Location, Setting("Stride", 1), Setting("Padding", 0), Setting("Dilation", 1));
    }

    private readonly record struct Dimension(int Input, int Kernel, Microsoft.CodeAnalysis.Location KernelLocation, int Stride, int Padding, int Dilation)
    {
        public static readonly Dimension Unit = new(1, 1, Microsoft.CodeAnalysis.Location.None, 1, 0, 1);

        /// <summary>Zeros before and after: the declared padding on both sides, or TensorFlow's "same" split (extra at the end).</summary>
        public void Pad(bool same, out long begin, out long end)
        {
            if (!same)
            {
                begin = end = Padding;
                return;
            }

            long output = (Input + Stride - 1L) / Stride;
            long total = System.Math.Max(((output - 1) * Stride) + (Dilation * (Kernel - 1L)) + 1 - Input, 0);
            begin = total / 2;
            end = total - begin;
        }
    }
}
