using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetCompiler.Generator.Helpers;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Baking;

/// <summary>
/// Reads a safetensors parameter file at build time, for a baked network: the same rules as the runtime
/// loader (<c>Runtime/Safetensors.cs</c>), with failures as messages for a diagnostic instead of exceptions.
/// Accepts NetCompiler's tensor names (<c>layers.{i}.weight</c>, <c>layers.{i}.bias</c>) and PyTorch
/// <c>nn.Sequential</c> names (<c>{n}.weight</c>, <c>{n}.bias</c>, the k-th index in numeric order being layer k).
/// </summary>
internal static class SafetensorsFile
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>The tensors of a layer by role: weight, bias, and a BatchNorm's running_mean, running_var, num_batches_tracked.</summary>
    private static readonly string[] Roles = { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" };

    /// <summary>
    /// Decodes <paramref name="file"/> into the network's parameter layout, followed by the running statistics of its
    /// BatchNorm layers (each one's mean, then its variance); returns null and a reason on failure.
    /// </summary>
    public static double[]? TryRead(byte[] file, IReadOnlyList<ParameterTensors> layers, out string error)
    {
        error = string.Empty;
        try
        {
            return Read(file, layers);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            error = e is OverflowException ? "a tensor shape is too large" : e.Message;
            return null;
        }
    }

    private static double[] Read(byte[] file, IReadOnlyList<ParameterTensors> layers)
    {
        if (file.Length < 8)
        {
            throw new FormatException($"the file has {file.Length} bytes, fewer than the 8-byte header length");
        }

        ulong headerLength = BitConverter.ToUInt64(LittleEndian(file, 0, 8), 0);
        if (headerLength == 0 || headerLength > MaxHeaderBytes)
        {
            throw new FormatException($"the header length {headerLength} is outside 1..{MaxHeaderBytes}");
        }

        if (headerLength > (ulong)(file.Length - 8))
        {
            throw new FormatException($"the header length {headerLength} runs past the end of the file ({file.Length} bytes)");
        }

        string json;
        try
        {
            json = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file, 8, (int)headerLength);
        }
        catch (ArgumentException)
        {
            throw new FormatException("the header is not valid UTF-8");
        }

        if (MiniJson.Parse(json) is not List<KeyValuePair<string, object?>> header)
        {
            throw new FormatException("the header is not a JSON object");
        }

        var tensors = new Dictionary<string, (string DType, long[] Shape, long Begin, long End)>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> entry in header)
        {
            if (entry.Key == "__metadata__")
            {
                if (entry.Value is not List<KeyValuePair<string, object?>> metadata || metadata.Any(m => m.Value is not string))
                {
                    throw new FormatException("__metadata__ must be an object of string values");
                }

                continue;
            }

            tensors.Add(entry.Key, ReadTensorInfo(entry.Key, entry.Value));
        }

        long dataLength = file.Length - 8 - (long)headerLength;
        long position = 0;
        foreach (var tensor in tensors.OrderBy(t => t.Value.Begin).ThenBy(t => t.Value.End))
        {
            if (tensor.Value.Begin != position)
            {
                throw new FormatException($"tensor '{tensor.Key}' starts at offset {tensor.Value.Begin}, but the data must be contiguous from 0 (expected {position})");
            }

            position = tensor.Value.End;
        }

        if (position != dataLength)
        {
            throw new FormatException($"the tensors cover {position} bytes of data, but the file has {dataLength}");
        }

        // Map tensor names to layers: NetCompiler's names, or PyTorch nn.Sequential indices.
        var byLayer = new List<string?[]>();
        bool ours = tensors.Keys.Any(k => k.StartsWith("layers.", StringComparison.Ordinal));
        if (ours)
        {
            foreach (ParameterTensors layer in layers)
            {
                string prefix = $"layers.{layer.LayerIndex.ToString(CultureInfo.InvariantCulture)}.";
                byLayer.Add(Roles.Select(role => tensors.ContainsKey(prefix + role) ? prefix + role : null).ToArray());
            }
        }
        else
        {
            var groups = new SortedDictionary<long, string?[]>();
            foreach (string key in tensors.Keys)
            {
                int dot = key.IndexOf('.');
                string suffix = dot < 0 ? string.Empty : key.Substring(dot + 1);
                string number = dot <= 0 ? string.Empty : key.Substring(0, dot);
                int role = Array.IndexOf(Roles, suffix);
                if (number.Length == 0 || (number.Length > 1 && number[0] == '0') || !long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long index) || role < 0)
                {
                    throw new FormatException($"unexpected tensor '{key}': expected layers.{{i}}.weight/bias or PyTorch nn.Sequential names {{n}}.weight/bias (and a BatchNorm's running_mean, running_var, num_batches_tracked)");
                }

                if (!groups.TryGetValue(index, out string?[]? group))
                {
                    group = new string?[Roles.Length];
                    groups[index] = group;
                }

                group[role] = key;
            }

            if (groups.Count != layers.Count)
            {
                throw new FormatException($"the file has {groups.Count} PyTorch layers ({string.Join(", ", groups.Keys)}), but the network has {layers.Count}");
            }

            byLayer.AddRange(groups.Values);
        }

        var values = new List<double>();
        var statistics = new List<double>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < layers.Count; k++)
        {
            ParameterTensors layer = layers[k];
            int l = layer.LayerIndex;
            string? weight = byLayer[k][0], bias = byLayer[k][1];
            string expectedWeight = ours ? $"layers.{l}.weight" : $"the weight of PyTorch layer {k}";
            if (weight is null)
            {
                throw new FormatException($"missing tensor {expectedWeight} of shape {layer.DescribeWeightShape()}");
            }

            long[] shape = Array.ConvertAll(layer.WeightShape, d => (long)d);
            ReadTensor(file, headerLength, weight, tensors[weight], shape, values);
            used.Add(weight);
            if (layer.HasBias)
            {
                if (bias is null)
                {
                    throw new FormatException($"missing bias tensor for layer {l} (shape [{layer.WeightShape[0]}]): the layer is declared with Bias = true");
                }

                ReadTensor(file, headerLength, bias, tensors[bias], new long[] { layer.WeightShape[0] }, values);
                used.Add(bias);
            }
            else if (bias is not null)
            {
                throw new FormatException($"tensor '{bias}' is a bias, but layer {l} is declared with Bias = false");
            }

            for (int role = 2; role < Roles.Length; role++)
            {
                string? name = byLayer[k][role];
                if (!layer.IsNormalization)
                {
                    if (name is not null)
                    {
                        throw new FormatException($"tensor '{name}' is a BatchNorm statistic, but layer {l} is not a BatchNorm layer");
                    }

                    continue;
                }

                if (role == 4)
                {
                    // num_batches_tracked: counts training batches, no part of the computation.
                    if (name is not null)
                    {
                        if (tensors[name].DType != "I64")
                        {
                            throw new FormatException($"tensor '{name}' must be an I64 counter, as PyTorch writes it");
                        }

                        used.Add(name);
                    }

                    continue;
                }

                if (name is null)
                {
                    throw new FormatException($"missing tensor {(ours ? $"layers.{l}." : $"the {Roles[role]} of PyTorch layer {k}: ")}{Roles[role]} of shape [{layer.WeightShape[0]}] (BatchNorm layer {l})");
                }

                ReadTensor(file, headerLength, name, tensors[name], new long[] { layer.WeightShape[0] }, statistics);
                used.Add(name);
            }
        }

        values.AddRange(statistics);

        string? extra = tensors.Keys.FirstOrDefault(k => !used.Contains(k));
        if (extra is not null)
        {
            throw new FormatException($"unexpected tensor '{extra}': the network has {layers.Count} layers with parameters");
        }

        return values.ToArray();
    }

    private static (string DType, long[] Shape, long Begin, long End) ReadTensorInfo(string name, object? value)
    {
        if (value is not List<KeyValuePair<string, object?>> info)
        {
            throw new FormatException($"tensor '{name}' is not a JSON object");
        }

        string? dtype = null;
        long[]? shape = null, offsets = null;
        foreach (KeyValuePair<string, object?> field in info)
        {
            switch (field.Key)
            {
                case "dtype" when field.Value is string s:
                    dtype = s;
                    break;
                case "shape":
                    shape = ReadIntegers(name, field.Key, field.Value);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(name, field.Key, field.Value);
                    break;
                default:
                    throw new FormatException($"tensor '{name}' has an unexpected field '{field.Key}'");
            }
        }

        if (dtype is null || shape is null || offsets is null || offsets.Length != 2)
        {
            throw new FormatException($"tensor '{name}' needs dtype, shape and data_offsets [begin, end]");
        }

        if (dtype != "F32" && dtype != "F64" && dtype != "I64")
        {
            throw new FormatException($"tensor '{name}' has dtype {dtype}; only F32 and F64 are supported (and I64 for num_batches_tracked)");
        }

        long count = 1;
        foreach (long dimension in shape)
        {
            count = checked(count * dimension);
        }

        long size = dtype == "F32" ? 4 : 8;
        if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != count * size)
        {
            throw new FormatException($"tensor '{name}' has data_offsets [{offsets[0]}, {offsets[1]}], which do not hold {count} {dtype} values");
        }

        return (dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(string name, string field, object? value)
    {
        if (value is not List<object?> items || items.Any(i => i is not long n || n < 0))
        {
            throw new FormatException($"tensor '{name}': {field} must be an array of non-negative integers");
        }

        return items.Select(i => (long)i!).ToArray();
    }

    private static void ReadTensor(byte[] file, ulong headerLength, string name, (string DType, long[] Shape, long Begin, long End) tensor, long[] expectedShape, List<double> values)
    {
        if (tensor.DType == "I64")
        {
            throw new FormatException($"tensor '{name}' has dtype I64; only F32 and F64 are supported for parameters");
        }

        if (!tensor.Shape.SequenceEqual(expectedShape))
        {
            throw new FormatException($"tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], but the network needs [{string.Join(", ", expectedShape)}]");
        }

        long start = 8 + (long)headerLength + tensor.Begin;
        int size = tensor.DType == "F32" ? 4 : 8;
        for (long offset = start; offset < 8 + (long)headerLength + tensor.End; offset += size)
        {
            byte[] bytes = LittleEndian(file, (int)offset, size);
            values.Add(size == 4 ? BitConverter.ToSingle(bytes, 0) : BitConverter.ToDouble(bytes, 0));
        }
    }

    /// <summary>A little-endian field as the machine's byte order for BitConverter.</summary>
    private static byte[] LittleEndian(byte[] file, int offset, int count)
    {
        var bytes = new byte[count];
        Array.Copy(file, offset, bytes, 0, count);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        return bytes;
    }
}
