using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// Lays out safetensors files by hand, straight from the format's definition (8-byte little-endian header
/// length, JSON header with dtype/shape/data_offsets, space padding to a multiple of 8, little-endian data):
/// an independent writer to test NetCompiler's readers against.
/// </summary>
public static class SafetensorsBuilder
{
    public sealed record Tensor(string Name, string DType, long[] Shape, double[] Values);

    public static byte[] Build(IEnumerable<Tensor> tensors, string? metadataJson = null)
    {
        var header = new StringBuilder("{");
        var data = new List<byte>();
        if (metadataJson is not null)
        {
            header.Append("\"__metadata__\":").Append(metadataJson).Append(',');
        }

        foreach (Tensor tensor in tensors)
        {
            int begin = data.Count;
            foreach (double value in tensor.Values)
            {
                data.AddRange(tensor.DType switch
                {
                    "F32" => LittleEndian(BitConverter.GetBytes((float)value)),
                    "F64" => LittleEndian(BitConverter.GetBytes(value)),
                    "F16" => LittleEndian(BitConverter.GetBytes((Half)value)),
                    _ => throw new ArgumentException(tensor.DType),
                });
            }

            header.Append(CultureInfo.InvariantCulture, $"\"{tensor.Name}\":{{\"dtype\":\"{tensor.DType}\",\"shape\":[{string.Join(",", tensor.Shape)}],\"data_offsets\":[{begin},{data.Count}]}},");
        }

        header.Length--;
        header.Append('}');
        while (header.Length % 8 != 0)
        {
            header.Append(' ');
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToString());
        return LittleEndian(BitConverter.GetBytes((ulong)json.Length)).Concat(json).Concat(data).ToArray();
    }

    /// <summary>NetCompiler-named tensors for a network given as (units, inputs, bias) per layer, values 0.01 * k with alternating signs.</summary>
    public static byte[] ForNetwork((int Units, int Inputs, bool Bias)[] layers, string dtype = "F32", string prefix = "layers.", int indexStep = 1, double scale = 0.01)
    {
        var tensors = new List<Tensor>();
        int k = 1;
        for (int l = 0; l < layers.Length; l++)
        {
            (int units, int inputs, bool bias) = layers[l];
            string name = prefix + (l * indexStep).ToString(CultureInfo.InvariantCulture);
            tensors.Add(new Tensor(name + ".weight", dtype, new long[] { units, inputs }, Enumerable.Range(0, units * inputs).Select(_ => Value(k++, scale)).ToArray()));
            if (bias)
            {
                tensors.Add(new Tensor(name + ".bias", dtype, new long[] { units }, Enumerable.Range(0, units).Select(_ => Value(k++, scale)).ToArray()));
            }
        }

        return Build(tensors);
    }

    /// <summary>The parameter values <see cref="ForNetwork"/> writes, in Parameters layout.</summary>
    public static double[] ValuesFor((int Units, int Inputs, bool Bias)[] layers, double scale = 0.01) =>
        Enumerable.Range(1, layers.Sum(l => (l.Units * l.Inputs) + (l.Bias ? l.Units : 0))).Select(k => Value(k, scale)).ToArray();

    private static double Value(int k, double scale) => (k % 2 == 0 ? -1 : 1) * scale * k;

    private static byte[] LittleEndian(byte[] bytes)
    {
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        return bytes;
    }
}
