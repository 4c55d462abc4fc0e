using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator.Layers.Pool;

/// <summary>
/// <c>[MaxPool1D(k)]</c>, <c>[MaxPool2D(k)]</c>, <c>[AvgPool1D(k)]</c>, <c>[AvgPool2D(k)]</c>: checks the window, its
/// stride (default: the window) and padding (at most half the window, as PyTorch requires), and applies PyTorch's
/// output-size rule.
/// </summary>
internal sealed class PoolKind : LayerKind
{
    private readonly PoolOperation _operation;
    private readonly int _rank;

    public PoolKind(PoolOperation operation, int rank)
        : base((operation == PoolOperation.Max ? "MaxPool" : "AvgPool") + (rank == 1 ? "1D" : "2D"))
    {
        _operation = operation;
        _rank = rank;
    }

    public override LayerSpec? Validate(LayerDeclaration layer, LayerContext context)
    {
        int before = context.Reported;
        bool placed = CheckPlace(layer, context, _rank);
        ArgumentValue kernel = layer.Get("kernelSize");
        CheckAtLeast(layer, context, "kernelSize", kernel, 1);
        foreach ((string name, int minimum) in new[] { ("KernelHeight", 1), ("KernelWidth", 1), ("Stride", 1), ("StrideHeight", 1), ("StrideWidth", 1), ("Padding", 0), ("PaddingHeight", 0), ("PaddingWidth", 0) })
        {
            if (layer.TryGet(name, out ArgumentValue value))
            {
                CheckAtLeast(layer, context, name, value, minimum);
            }
        }

        if (context.Reported > before || !placed || context.Input is not { } input)
        {
            return null;
        }

        Window height = _rank == 1 ? new Window(1, 1, 1, 0, Microsoft.CodeAnalysis.Location.None, Microsoft.CodeAnalysis.Location.None) : Resolve(layer, "Height", kernel, input.Height);
        Window width = Resolve(layer, "Width", kernel, input.Width);
        foreach ((Window d, string axis) in new[] { (height, "height"), (width, "width") })
        {
            if (_rank == 1 && axis == "height")
            {
                continue;
            }

            string dimension = _rank == 1 ? "length" : axis;
            // One message per layer: the first dimension with a problem.
            if (2L * d.Padding > d.Kernel)
            {
                context.Report(DiagnosticDescriptors.PoolPaddingTooLarge, d.PaddingLocation, context.Index, context.NetworkName, Name, d.Padding, d.Kernel);
                break;
            }

            if (PoolSpec.OutputSize(d.Input, d.Padding, d.Kernel, d.Stride) < 1)
            {
                context.Report(DiagnosticDescriptors.KernelLargerThanInput, d.KernelLocation, context.Index, context.NetworkName, Name, dimension, d.Kernel, d.Input + (2L * d.Padding));
                break;
            }
        }

        return context.Reported > before
            ? null
            : new PoolSpec(_rank, _operation, height.Kernel, width.Kernel, height.Stride, width.Stride, height.Padding, width.Padding);
    }

    private static Window Resolve(LayerDeclaration layer, string axis, ArgumentValue kernel, int input)
    {
        ArgumentValue k = layer.TryGet("Kernel" + axis, out ArgumentValue own) ? own : kernel;
        int stride = layer.TryGet("Stride" + axis, out ArgumentValue s) ? s.Value : layer.TryGet("Stride", out ArgumentValue shared) ? shared.Value : k.Value;
        ArgumentValue padding = layer.TryGet("Padding" + axis, out ArgumentValue p) ? p : layer.GetOrDefault("Padding", 0);
        return new Window(input, k.Value, stride, padding.Value, k.Location, padding.Location);
    }

    private readonly record struct Window(int Input, int Kernel, int Stride, int Padding, Microsoft.CodeAnalysis.Location KernelLocation, Microsoft.CodeAnalysis.Location PaddingLocation);
}
