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
        "The network '{0}' has no layer: add at least one [Dense(units, activation)] attribute to the same declaration");

    public static readonly DiagnosticDescriptor InvalidInputCount = Error(
        "NC0003",
        "Input count must be positive",
        "The network '{0}' declares {1} inputs: [Network(inputs)] needs at least 1 input");

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
        "[Dense] without [Network]",
        "'{0}' has [Dense] layers but no [Network(inputs)] attribute, so no network is generated: add [Network(inputs)] to the declaration");

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
}
