using System;
using NetCompiler;

namespace NetCompiler.Benchmarks.Peers;

// The five networks of the peer benchmarks (issue 6), float32, default UnrollLimit. The same shapes are described
// at run time for the two hand-written peers by PeerSpec.All.

/// <summary>xor: 2-3-1, sigmoid / sigmoid, half squared error, no biases.</summary>
[Network(2, Loss = Loss.HalfSquaredError)]
[Dense(3, Activation.Sigmoid, Bias = false)]
[Dense(1, Activation.Sigmoid, Bias = false)]
public sealed partial class PeerXor : IPeerNetwork { }

/// <summary>iris: 4-16-3, tanh / softmax, cross-entropy.</summary>
[Network(4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public sealed partial class PeerIris : IPeerNetwork { }

/// <summary>digits: 64-32-10, ReLU / softmax, cross-entropy.</summary>
[Network(64, Loss = Loss.CrossEntropy)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class PeerDigits : IPeerNetwork { }

/// <summary>mnist: 784-128-10, ReLU / softmax, cross-entropy.</summary>
[Network(784, Loss = Loss.CrossEntropy)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public sealed partial class PeerMnist : IPeerNetwork { }

/// <summary>deep: 32-64-64-64-8, ReLU / identity, half squared error.</summary>
[Network(32, Loss = Loss.HalfSquaredError)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(64, Activation.ReLU)]
[Dense(8, Activation.Identity)]
public sealed partial class PeerDeep : IPeerNetwork { }

/// <summary>One dense layer of a runtime-shaped peer.</summary>
public readonly record struct PeerLayer(int Units, Activation Activation, bool Bias);

/// <summary>A network shape described at run time, for <see cref="NaiveMlp"/> and <see cref="TensorPrimitivesMlp"/>.</summary>
public sealed class PeerSpec
{
    public PeerSpec(string name, int inputs, Loss loss, params PeerLayer[] layers)
    {
        Name = name;
        Inputs = inputs;
        Loss = loss;
        Layers = layers;
    }

    public string Name { get; }

    public int Inputs { get; }

    public Loss Loss { get; }

    public PeerLayer[] Layers { get; }

    public int Outputs => Layers[^1].Units;

    public int ParameterCount
    {
        get
        {
            int count = 0;
            int n = Inputs;
            foreach (PeerLayer layer in Layers)
            {
                count += (layer.Units * n) + (layer.Bias ? layer.Units : 0);
                n = layer.Units;
            }

            return count;
        }
    }

    public static readonly PeerSpec Xor = new("xor", 2, Loss.HalfSquaredError,
        new PeerLayer(3, Activation.Sigmoid, false), new PeerLayer(1, Activation.Sigmoid, false));

    public static readonly PeerSpec Iris = new("iris", 4, Loss.CrossEntropy,
        new PeerLayer(16, Activation.Tanh, true), new PeerLayer(3, Activation.Softmax, true));

    public static readonly PeerSpec Digits = new("digits", 64, Loss.CrossEntropy,
        new PeerLayer(32, Activation.ReLU, true), new PeerLayer(10, Activation.Softmax, true));

    public static readonly PeerSpec Mnist = new("mnist", 784, Loss.CrossEntropy,
        new PeerLayer(128, Activation.ReLU, true), new PeerLayer(10, Activation.Softmax, true));

    public static readonly PeerSpec Deep = new("deep", 32, Loss.HalfSquaredError,
        new PeerLayer(64, Activation.ReLU, true), new PeerLayer(64, Activation.ReLU, true),
        new PeerLayer(64, Activation.ReLU, true), new PeerLayer(8, Activation.Identity, true));

    /// <summary>In benchmark order; the index is the one <see cref="PeerBenchmarks"/> switches on.</summary>
    public static readonly PeerSpec[] All = { Xor, Iris, Digits, Mnist, Deep };

    public static PeerSpec ByName(string name) =>
        Array.Find(All, s => s.Name == name) ?? throw new ArgumentException($"unknown peer network '{name}'", nameof(name));

    internal void Validate()
    {
        for (int l = 0; l < Layers.Length; l++)
        {
            Activation a = Layers[l].Activation;
            if (a == Activation.Softmax && (l != Layers.Length - 1 || Loss != Loss.CrossEntropy))
            {
                throw new NotSupportedException("the peers support Softmax only as the last layer with CrossEntropy");
            }

            if (Loss == Loss.CrossEntropy && l == Layers.Length - 1 && a != Activation.Softmax)
            {
                throw new NotSupportedException("the peers support CrossEntropy only with a Softmax last layer");
            }
        }

        if (Loss == Loss.MeanSquaredError)
        {
            throw new NotSupportedException("the peers implement HalfSquaredError and CrossEntropy");
        }
    }
}
