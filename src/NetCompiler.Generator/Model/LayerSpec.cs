namespace NetCompiler.Generator.Model;

/// <summary>
/// One validated layer of a network: a small value-equatable record per layer kind (<c>Layers/*/*Spec.cs</c>), so that
/// equal declarations compare equal and the incremental pipeline can cache them.
/// </summary>
internal abstract record LayerSpec
{
    /// <summary>The kind's attribute name without "Attribute" (Dense, Conv2D, MaxPool1D, ...), for messages and comments.</summary>
    public abstract string KindName { get; }

    /// <summary>The activation applied to the layer's outputs, or null for a layer that has none (pooling).</summary>
    public virtual Activation? OutputActivation => null;

    /// <summary>Whether the layer works on positions (convolution, pooling) rather than a flat vector (Dense).</summary>
    public virtual bool IsSpatial => true;

    /// <summary>The layer's output shape for its input shape.</summary>
    public abstract TensorShape OutputShape(TensorShape input);

    /// <summary>Values in the output for the input shape, in 64 bits (checked before <see cref="OutputShape"/> is taken).</summary>
    public virtual long OutputValues(TensorShape input) => OutputShape(input).Size;

    /// <summary>The weight tensor's shape (PyTorch's layout) for the input shape, or null for a layer without parameters.</summary>
    public abstract int[]? WeightShape(TensorShape input);

    /// <summary>Whether the layer has a bias vector after its weights (its length is the first weight dimension).</summary>
    public virtual bool HasBias => false;

    /// <summary>
    /// Whether the layer behaves differently in training and in inference (BatchNorm, Dropout): a network with one is
    /// emitted batch-first (every layer over all rows before the next), since batch statistics couple the rows.
    /// </summary>
    public virtual bool IsNormalization => false;

    /// <summary>Values the layer keeps in the network's <c>Buffers</c> (state that is not trained: running statistics).</summary>
    public virtual int BufferCount(TensorShape input) => 0;
}
