using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Diagnostics;

/// <summary>
/// Every diagnostic NetCompiler reports, in one list. Each message says how to fix the declaration;
/// each id has an anchor in the README's diagnostics table. New ids go into AnalyzerReleases.Unshipped.md.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetCompiler";
    private const string HelpLinkBase = "https://github.com/netcompiler/netcompiler/blob/main/README.md#";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());

    public static readonly DiagnosticDescriptor TypeNotPartial = Error(
        "NC0001",
        "Network type must be partial",
        "The network type '{0}' must be declared 'partial' so that NetCompiler can add the generated members to it");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NC0002",
        "Network has no layers",
        "The network '{0}' has no layer: add at least one layer attribute, such as [Dense(units, activation)] or [Conv2D(filters, kernelSize, activation)], to the same declaration");

    public static readonly DiagnosticDescriptor InvalidInputCount = Error(
        "NC0003",
        "Input size must be positive",
        "The network '{0}' declares {1} {2}: [Network] needs at least 1 in every dimension (inputs; or channels and length; or channels, height and width)");

    public static readonly DiagnosticDescriptor InvalidUnitCount = Error(
        "NC0004",
        "Layer size must be positive",
        "Layer {0} of '{1}' declares {2} units: [Dense(units)] needs at least 1 unit");

    public static readonly DiagnosticDescriptor UndefinedActivation = Error(
        "NC0005",
        "Unknown activation",
        "Layer {0} of '{1}' uses activation value {2}, which is not a member of NetCompiler.Activation: use Identity, Sigmoid, Tanh, ReLU, LeakyReLU or Softmax");

    public static readonly DiagnosticDescriptor UndefinedLoss = Error(
        "NC0006",
        "Unknown loss",
        "The network '{0}' uses loss value {1}, which is not a member of NetCompiler.Loss: use HalfSquaredError, MeanSquaredError or CrossEntropy");

    public static readonly DiagnosticDescriptor UndefinedPrecision = Error(
        "NC0007",
        "Unknown precision",
        "The network '{0}' uses precision value {1}, which is not a member of NetCompiler.Precision: use Single or Double");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error(
        "NC0008",
        "Softmax is only allowed on the last layer",
        "Layer {0} of '{1}' uses Softmax, which normalizes the network's outputs and is only allowed on the last layer: use another activation here, for example ReLU or Tanh");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsProbabilities = Error(
        "NC0009",
        "CrossEntropy needs a Softmax or Sigmoid output layer",
        "The network '{0}' uses Loss.CrossEntropy but its last layer uses {1}: cross-entropy needs probabilities, so make the last layer Softmax (one class per sample) or Sigmoid (independent yes/no outputs), or use another loss");

    public static readonly DiagnosticDescriptor UnsupportedType = Error(
        "NC0010",
        "Unsupported network type",
        "'{0}' cannot be a network because it is {1}: declare the network on a non-generic, non-static partial class");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "NC0011",
        "Containing type must be partial",
        "The network '{0}' is nested in '{1}', which must be declared 'partial' too so that NetCompiler can add members to the nested type");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Error(
        "NC0012",
        "Layers are split across partial declarations",
        "The [Network] and [Dense] attributes of '{0}' are spread over several partial declarations, so the layer order is ambiguous: put all of them on one declaration");

    public static readonly DiagnosticDescriptor MemberNameConflict = Error(
        "NC0013",
        "Member name conflicts with a generated member",
        "'{0}' already declares '{1}', which NetCompiler generates for the network: rename or remove the user-declared member");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        "NC0014",
        "Network too large",
        "The network '{0}' is too large to generate: {1}");

    public static readonly DiagnosticDescriptor DenseWithoutNetwork = Warning(
        "NC0015",
        "Layers without [Network]",
        "'{0}' has layer attributes ([{1}], ...) but no [Network(inputs)] attribute, so no network is generated: add [Network(inputs)] (or [Network(channels, length)], [Network(channels, height, width)]) to the declaration");

    public static readonly DiagnosticDescriptor UnsupportedTarget = Error(
        "NC0016",
        "Target framework or language version not supported",
        "The network '{0}' cannot be generated for this project: {1}");

    public static readonly DiagnosticDescriptor BakedParametersNotFound = Error(
        "NC0018",
        "Baked parameter file not found",
        "The network '{0}' bakes '{1}', but {2}");

    public static readonly DiagnosticDescriptor BakedParametersInvalid = Error(
        "NC0019",
        "Baked parameter file does not fit",
        "The network '{0}' cannot bake '{1}': {2}; write the file with SaveParameters from the same declaration, or with safetensors.torch.save_file from a matching nn.Sequential");

    public static readonly DiagnosticDescriptor InvalidUnrollLimit = Error(
        "NC0017",
        "UnrollLimit too large",
        "The network '{0}' sets UnrollLimit = {1}, but fully unrolled layers are limited to {2} weights (larger unrolled methods compile slowly and run slower than loops): use a value up to {2}, or a negative value for the default");

    public static readonly DiagnosticDescriptor ArgumentOutOfRange = Error(
        "NC0020",
        "Layer argument out of range",
        "Layer {0} of '{1}' sets {2} = {3}, but {4}");

    public static readonly DiagnosticDescriptor KernelLargerThanInput = Error(
        "NC0021",
        "Kernel larger than its padded input",
        "Layer {0} of '{1}' ({2}) has no output along its {3}: its kernel spans {4} positions, but its input has {5} there with padding; use a smaller kernel or dilation, more padding, or Same = true");

    public static readonly DiagnosticDescriptor GroupsDoNotDivide = Error(
        "NC0022",
        "Groups must divide the channels",
        "Layer {0} of '{1}' sets Groups = {2}, which does not divide its {3} ({4}): both the input channels and the filters must be multiples of the groups");

    public static readonly DiagnosticDescriptor SpatialAfterDense = Error(
        "NC0023",
        "Convolution or pooling after a Dense layer",
        "Layer {0} of '{1}' is a {2} layer after a Dense layer, whose output has no positions: put the convolution and pooling layers first and the Dense layers last");

    public static readonly DiagnosticDescriptor RankMismatch = Error(
        "NC0024",
        "Layer does not fit the input's dimensions",
        "Layer {0} of '{1}' is a {2} layer, which needs {3}, but its input is {4}: use the layer of the input's dimensions (Conv1D/MaxPool1D/AvgPool1D on sequences, Conv2D/MaxPool2D/AvgPool2D on images) or declare the input's shape in [Network]");

    public static readonly DiagnosticDescriptor SameWithPadding = Error(
        "NC0025",
        "Same together with Padding",
        "Layer {0} of '{1}' sets both Same = true and {2}: Same computes the padding itself, so remove one of them");

    public static readonly DiagnosticDescriptor SoftmaxOnSpatialLayer = Error(
        "NC0026",
        "Softmax on a convolution",
        "Layer {0} of '{1}' ({2}) uses Softmax, which normalizes over a whole layer and is only allowed on a last Dense layer: use another activation here and end the network with [Dense(classes, Activation.Softmax)]");

    public static readonly DiagnosticDescriptor PoolPaddingTooLarge = Error(
        "NC0027",
        "Pooling padding larger than half the window",
        "Layer {0} of '{1}' ({2}) pads {3} positions on each side of a window of {4}: the padding may be at most half the window (as in PyTorch), so that every window holds an input value");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsDenseOutput = Error(
        "NC0028",
        "CrossEntropy needs a Dense output layer",
        "The network '{0}' uses Loss.CrossEntropy but ends with a {1} layer: cross-entropy is computed from a last Dense layer's weighted sums, so end the network with [Dense(n, Activation.Softmax)] or [Dense(n, Activation.Sigmoid)], or use HalfSquaredError or MeanSquaredError");

    public static readonly DiagnosticDescriptor BatchNormMisplaced = Error(
        "NC0029",
        "BatchNorm must follow a Dense or convolution layer",
        "Layer {0} of '{1}' is a BatchNorm layer {2}: it normalizes the weighted sums of the layer right before it, so put it directly after a [Dense] or [Conv1D]/[Conv2D] layer (whose activation is then applied after the normalization)");

    public static readonly DiagnosticDescriptor DropoutLast = Error(
        "NC0030",
        "Dropout cannot be the last layer",
        "Layer {0} of '{1}' is a Dropout layer at the end of the network, where it would drop outputs that the loss compares with the targets: put it before the last layer");
}
