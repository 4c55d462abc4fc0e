using NetCompiler.Generator.Helpers;

namespace NetCompiler.Generator.Model;

/// <summary>
/// A validated network declaration: everything emission needs and nothing else (no symbols, syntax or
/// locations), so that equal declarations compare equal and the incremental pipeline can cache them.
/// </summary>
/// <param name="Namespace">The namespace of the type, or <c>null</c> for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="TypeName">The simple name of the network type.</param>
/// <param name="HintName">The generated file's name, unique in the compilation.</param>
/// <param name="Inputs">Inputs per sample (the input shape's size).</param>
/// <param name="InputShape">The input's shape: flat, a sequence or an image (channels first).</param>
/// <param name="Loss">The loss.</param>
/// <param name="Precision">The floating-point type.</param>
/// <param name="UnrollLimit">Layers with at most this many weights are fully unrolled; -1 for the default rule.</param>
/// <param name="Layers">The layers in order.</param>
/// <param name="EmitConstructor">Whether to emit the public parameterless constructor (the user wrote none).</param>
/// <param name="BakedParameters">The parameter file a baked network is built from, as declared; null for a trainable network.</param>
/// <param name="BakedValues">A baked network's parameters, read from that file (empty until read).</param>
internal sealed record NetworkSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string TypeName,
    string HintName,
    int Inputs,
    TensorShape InputShape,
    Loss Loss,
    Precision Precision,
    int UnrollLimit,
    EquatableArray<LayerSpec> Layers,
    bool EmitConstructor,
    string? BakedParameters = null,
    EquatableArray<double> BakedValues = default)
{
    public bool IsBaked => BakedParameters is not null;

    /// <summary>Whether any layer behaves differently in training (BatchNorm, Dropout): the network is then emitted batch-first.</summary>
    public bool HasNormalization
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.IsNormalization)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether any layer works on positions (convolution, pooling): the network is then emitted layer kind by layer kind.</summary>
    public bool HasSpatialLayers
    {
        get
        {
            foreach (LayerSpec layer in Layers)
            {
                if (layer.IsSpatial)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
