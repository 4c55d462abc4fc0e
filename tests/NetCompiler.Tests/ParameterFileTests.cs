using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NetCompiler.Tests.Files;
using NetCompiler.Tests.Reference;

namespace NetCompiler.Tests
{
    /// <summary>
    /// SaveParameters / LoadParameters (API.md, "Parameter files and baked networks"): safetensors files with
    /// NetCompiler's tensor names or a PyTorch nn.Sequential's. The files the tests feed in are laid out by hand
    /// here, from the format's definition (8-byte little-endian header length, UTF-8 JSON header, raw
    /// little-endian data), independently of the generated writer; the files the writer produces are taken apart
    /// the same way.
    /// </summary>
    public sealed class ParameterFileTests
    {
        // ================================================================== harness

        /// <summary>LoadParameters(ReadOnlySpan&lt;byte&gt;) bound to one instance.</summary>
        internal delegate void SpanLoader(ReadOnlySpan<byte> file);

        /// <summary>A network instance of either precision, with its file members bound by reflection.</summary>
        internal sealed class FileNet
        {
            public FileNet(Type type)
            {
                Type = type;
                Reference = ReferenceNetwork.For(type);
                IsDouble = Reference.Precision == Precision.Double;
                Instance = Activator.CreateInstance(type)!;
                Save = Bind<Action<Stream>>("SaveParameters", typeof(Stream));
                LoadStream = Bind<Action<Stream>>("LoadParameters", typeof(Stream));
                LoadSpan = Bind<SpanLoader>("LoadParameters", typeof(ReadOnlySpan<byte>));
            }

            public Type Type { get; }

            public ReferenceNetwork Reference { get; }

            public bool IsDouble { get; }

            public object Instance { get; }

            public Action<Stream> Save { get; }

            public Action<Stream> LoadStream { get; }

            public SpanLoader LoadSpan { get; }

            public int ElementSize => IsDouble ? 8 : 4;

            public int Count => Reference.ParameterCount;

            /// <summary>The live parameters, as bytes (bit patterns, for exact comparisons).</summary>
            public byte[] Bytes => IsDouble
                ? MemoryMarshal.AsBytes(((INet<double>)Instance).Parameters).ToArray()
                : MemoryMarshal.AsBytes(((INet<float>)Instance).Parameters).ToArray();

            /// <summary>The live parameters, widened to double.</summary>
            public double[] Values
            {
                get
                {
                    if (IsDouble)
                    {
                        return ((INet<double>)Instance).Parameters.ToArray();
                    }

                    float[] f = ((INet<float>)Instance).Parameters.ToArray();
                    return f.Select(x => (double)x).ToArray();
                }
            }

            public void SetBytes(byte[] bytes)
            {
                Span<byte> target = IsDouble
                    ? MemoryMarshal.AsBytes(((INet<double>)Instance).Parameters)
                    : MemoryMarshal.AsBytes(((INet<float>)Instance).Parameters);
                Assert.Equal(target.Length, bytes.Length);
                bytes.CopyTo(target);
            }

            public void SetValues(IReadOnlyList<double> values)
            {
                Assert.Equal(Count, values.Count);
                if (IsDouble)
                {
                    Span<double> p = ((INet<double>)Instance).Parameters;
                    for (int i = 0; i < p.Length; i++)
                    {
                        p[i] = values[i];
                    }
                }
                else
                {
                    Span<float> p = ((INet<float>)Instance).Parameters;
                    for (int i = 0; i < p.Length; i++)
                    {
                        p[i] = (float)values[i];
                    }
                }
            }

            public void Initialize(int seed)
            {
                if (IsDouble)
                {
                    ((INet<double>)Instance).InitializeParameters(seed);
                }
                else
                {
                    ((INet<float>)Instance).InitializeParameters(seed);
                }
            }

            public byte[] SaveToArray()
            {
                var stream = new TrackingMemoryStream();
                Save(stream);
                Assert.False(stream.Disposed, "SaveParameters closed the stream.");
                return stream.ToArray();
            }

            private TDelegate Bind<TDelegate>(string name, Type parameter)
                where TDelegate : Delegate
            {
                MethodInfo method = Type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, null, new[] { parameter }, null)
                    ?? throw new InvalidOperationException($"{Type} has no public {name}({parameter.Name}).");
                Assert.Equal(typeof(void), method.ReturnType);
                return (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), Instance, method);
            }
        }

        private static FileNet Net<TNetwork>() => new FileNet(typeof(TNetwork));

        private static FileNet Net(string catalogName) => new FileNet(NetworkCatalog.Resolve(catalogName));

        /// <summary>A MemoryStream that records whether it was disposed.</summary>
        private sealed class TrackingMemoryStream : MemoryStream
        {
            public TrackingMemoryStream()
            {
            }

            public TrackingMemoryStream(byte[] data)
                : base(data, writable: false)
            {
            }

            public bool Disposed { get; private set; }

            protected override void Dispose(bool disposing)
            {
                Disposed = true;
                base.Dispose(disposing);
            }
        }

        /// <summary>A read-only, non-seekable stream that hands out one byte per Read call.</summary>
        private sealed class TrickleStream : Stream
        {
            private readonly byte[] data;
            private int position;

            public TrickleStream(byte[] data) => this.data = data;

            public bool Disposed { get; private set; }

            public int Consumed => position;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                if (buffer.Length == 0 || position == data.Length)
                {
                    return 0;
                }

                buffer[0] = data[position++];
                return 1;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                Disposed = true;
                base.Dispose(disposing);
            }
        }

        /// <summary>A write-only, non-seekable stream that collects what is written and counts the Write calls.</summary>
        private sealed class SinkStream : Stream
        {
            private readonly MemoryStream written = new();

            public bool Disposed { get; private set; }

            public int Writes { get; private set; }

            public byte[] Written => written.ToArray();

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                Writes++;
                written.Write(buffer);
            }

            protected override void Dispose(bool disposing)
            {
                Disposed = true;
                base.Dispose(disposing);
            }
        }

        // ================================================================== an independent safetensors layout

        /// <summary>One header entry, written out as JSON text by hand.</summary>
        private static string Entry(string name, string dtype, string shape, ulong begin, ulong end) =>
            $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{shape}],\"data_offsets\":[{begin},{end}]}}";

        private static string Header(params string[] entries) => "{" + string.Join(",", entries) + "}";

        /// <summary>length prefix + header (+ optional space padding to a multiple of 8) + data.</summary>
        private static byte[] Build(string header, byte[] data, bool pad = true) => Build(Encoding.UTF8.GetBytes(header), data, pad);

        private static byte[] Build(byte[] header, byte[] data, bool pad = true)
        {
            int padding = pad ? (8 - header.Length % 8) % 8 : 0;
            var file = new byte[8 + header.Length + padding + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)(header.Length + padding));
            header.CopyTo(file, 8);
            file.AsSpan(8 + header.Length, padding).Fill((byte)' ');
            data.CopyTo(file, 8 + header.Length + padding);
            return file;
        }

        private static byte[] F32(IEnumerable<double> values)
        {
            var bytes = new List<byte>();
            foreach (double v in values)
            {
                var b = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(b, BitConverter.SingleToInt32Bits((float)v));
                bytes.AddRange(b);
            }

            return bytes.ToArray();
        }

        private static byte[] F64(IEnumerable<double> values)
        {
            var bytes = new List<byte>();
            foreach (double v in values)
            {
                var b = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(b, BitConverter.DoubleToInt64Bits(v));
                bytes.AddRange(b);
            }

            return bytes.ToArray();
        }

        private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

        /// <summary>Distinct, exactly representable values: 0.25, -0.5, 0.75, ... (a tensor's own values start at <paramref name="start"/>).</summary>
        private static double[] Ramp(int count, int start) =>
            Enumerable.Range(start, count).Select(i => (i + 1) * 0.25 * (i % 2 == 0 ? 1 : -1)).ToArray();

        // The 4-8-3 network (TorchMlpF32/F64): W0 [8, 4] at 0, b0 [8] at 32, W1 [3, 8] at 40, b1 [3] at 64.
        private static readonly double[] W0 = Ramp(32, 0);
        private static readonly double[] B0 = Ramp(8, 100);
        private static readonly double[] W1 = Ramp(24, 200);
        private static readonly double[] B1 = Ramp(3, 300);

        private static double[] MlpParameters => Concat(W0, B0, W1, B1);

        private static double[] Concat(params double[][] parts) => parts.SelectMany(p => p).ToArray();

        /// <summary>
        /// The worked example of prior-art.md §E: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)) saved by
        /// safetensors.torch.save_file: keys sorted by name, data in the same order, 268 bytes of F32.
        /// </summary>
        private static string TorchHeader => Header(
            Entry("0.bias", "F32", "8", 0, 32),
            Entry("0.weight", "F32", "8,4", 32, 160),
            Entry("2.bias", "F32", "3", 160, 172),
            Entry("2.weight", "F32", "3,8", 172, 268));

        /// <summary>The same tensors under NetCompiler's names, in the writer's order.</summary>
        private static string OurHeader => Header(
            Entry("layers.0.bias", "F32", "8", 0, 32),
            Entry("layers.0.weight", "F32", "8,4", 32, 160),
            Entry("layers.1.bias", "F32", "3", 160, 172),
            Entry("layers.1.weight", "F32", "3,8", 172, 268));

        /// <summary>The data of both headers above: b0, W0, b1, W1.</summary>
        private static byte[] MlpData => F32(Concat(B0, W0, B1, W1));

        // ================================================================== round trip, every network

        public static IEnumerable<object[]> AllNetworks => NetworkCatalog.AllNames();

        [Theory]
        [MemberData(nameof(AllNetworks))]
        public void Round_trip_is_bit_identical(string network)
        {
            FileNet net = Net(network);
            net.Initialize(NetworkCatalog.Seed(network, 71));
            byte[] saved = net.Bytes;
            byte[] file = net.SaveToArray();
            Assert.Equal(saved, net.Bytes);
            CheckWrittenFile(net, file);
            Assert.Equal(file, net.SaveToArray());

            // Another initialization, then each way of loading brings the saved parameters back exactly.
            net.Initialize(NetworkCatalog.Seed(network, 72));
            Assert.NotEqual(saved, net.Bytes);
            var stream = new TrackingMemoryStream(file);
            net.LoadStream(stream);
            Assert.Equal(saved, net.Bytes);
            Assert.False(stream.Disposed, "LoadParameters closed the stream.");
            Assert.Equal(file.Length, stream.Position);

            net.Initialize(NetworkCatalog.Seed(network, 72));
            net.LoadSpan(file);
            Assert.Equal(saved, net.Bytes);

            net.Initialize(NetworkCatalog.Seed(network, 72));
            var trickle = new TrickleStream(file);
            net.LoadStream(trickle);
            Assert.Equal(saved, net.Bytes);
            Assert.Equal(file.Length, trickle.Consumed);
            Assert.False(trickle.Disposed);
        }

        /// <summary>Takes a file of the generated writer apart by the format's definition and checks every byte.</summary>
        private static void CheckWrittenFile(FileNet net, byte[] file)
        {
            Assert.True(BitConverter.IsLittleEndian);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
            Assert.Equal(0UL, n % 8);
            int dataStart = checked(8 + (int)n);
            string header = new UTF8Encoding(false, true).GetString(file, 8, (int)n);
            string json = header.TrimEnd(' ');
            Assert.True(header.Length - json.Length < 8, "more padding than needed");
            Assert.EndsWith("}", json, StringComparison.Ordinal);

            var expected = new List<(string Name, int[] Shape, int Offset, int Count)>();
            foreach (ReferenceLayer layer in net.Reference.Layers)
            {
                expected.Add(($"layers.{layer.Index}.weight", layer.WeightShape, layer.WeightOffset, layer.Units * layer.Inputs));
                if (layer.HasBias)
                {
                    expected.Add(($"layers.{layer.Index}.bias", new[] { layer.Units }, layer.BiasOffset, layer.Units));
                }
            }

            expected.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));

            using JsonDocument doc = JsonDocument.Parse(json);
            List<JsonProperty> properties = doc.RootElement.EnumerateObject().ToList();
            Assert.Equal("__metadata__", properties[0].Name);
            Assert.Equal($"{{\"producer\":\"NetCompiler\",\"network\":\"{net.Type.Name}\"}}", properties[0].Value.GetRawText());
            Assert.Equal(expected.Select(e => e.Name), properties.Skip(1).Select(p => p.Name));

            byte[] parameters = net.Bytes;
            int size = net.ElementSize;
            long offset = 0;
            for (int t = 0; t < expected.Count; t++)
            {
                JsonElement info = properties[t + 1].Value;
                Assert.Equal(new[] { "dtype", "shape", "data_offsets" }, info.EnumerateObject().Select(p => p.Name));
                Assert.Equal(net.IsDouble ? "F64" : "F32", info.GetProperty("dtype").GetString());
                Assert.Equal(expected[t].Shape, info.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
                long length = (long)expected[t].Count * size;
                Assert.Equal(new[] { offset, offset + length }, info.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
                Assert.True(
                    file.AsSpan(dataStart + (int)offset, (int)length).SequenceEqual(parameters.AsSpan(expected[t].Offset * size, (int)length)),
                    $"the data of {expected[t].Name} differs from the parameters");
                offset += length;
            }

            Assert.Equal(file.Length, dataStart + offset);
        }

        [Fact]
        public void Special_values_round_trip_bit_identically()
        {
            float[] floats =
            {
                float.NaN, BitConverter.Int32BitsToSingle(0x7FC01234), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)),
                float.PositiveInfinity, float.NegativeInfinity, -0.0f, 0.0f, float.Epsilon, -float.Epsilon,
                float.MaxValue, float.MinValue, 1e-40f,
            };
            FileNet f = Net<TorchMlpF32>();
            Span<float> fp = ((INet<float>)f.Instance).Parameters;
            for (int i = 0; i < floats.Length; i++)
            {
                fp[i * 5] = floats[i];
            }

            byte[] saved = f.Bytes;
            byte[] file = f.SaveToArray();
            f.Initialize(5);
            f.LoadSpan(file);
            Assert.Equal(saved, f.Bytes);

            double[] doubles =
            {
                double.NaN, BitConverter.Int64BitsToDouble(0x7FF8000000001234), double.PositiveInfinity, double.NegativeInfinity,
                -0.0, double.Epsilon, double.MaxValue, double.MinValue, 1e-310,
            };
            FileNet d = Net<TorchMlpF64>();
            Span<double> p = ((INet<double>)d.Instance).Parameters;
            for (int i = 0; i < doubles.Length; i++)
            {
                p[i * 7] = doubles[i];
            }

            saved = d.Bytes;
            file = d.SaveToArray();
            d.Initialize(5);
            d.LoadStream(new TrickleStream(file));
            Assert.Equal(saved, d.Bytes);
        }

        // ================================================================== the writer's exact bytes

        [Fact]
        public void Writer_bytes_match_a_hand_computed_file()
        {
            FileNet net = Net<TinyFileF32>();
            net.SetValues(new double[] { 1, 2, 3, 4, 5, 6, 7 }); // W0 = [[1, 2], [3, 4]], W1 = [[5, 6]], b1 = [7]

            // 275 bytes of JSON, 5 spaces to reach 280 = 35 * 8.
            const string Json =
                "{\"__metadata__\":{\"producer\":\"NetCompiler\",\"network\":\"TinyFileF32\"}," +
                "\"layers.0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}," +
                "\"layers.1.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[16,20]}," +
                "\"layers.1.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[20,28]}}";
            Assert.Equal(275, Json.Length);
            byte[] expected = Concat(
                new byte[] { 0x18, 0x01, 0, 0, 0, 0, 0, 0 }, // 280
                Encoding.ASCII.GetBytes(Json),
                Encoding.ASCII.GetBytes("     "),
                new byte[]
                {
                    0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40, // layers.0.weight: 1, 2, 3, 4
                    0x00, 0x00, 0xE0, 0x40, // layers.1.bias: 7
                    0x00, 0x00, 0xA0, 0x40, 0x00, 0x00, 0xC0, 0x40, // layers.1.weight: 5, 6
                });
            Assert.Equal(316, expected.Length);

            Assert.Equal(expected, net.SaveToArray());

            // A non-seekable, write-only stream gets the same bytes, in few Write calls, and stays open.
            var sink = new SinkStream();
            net.Save(sink);
            Assert.Equal(expected, sink.Written);
            Assert.InRange(sink.Writes, 1, 2);
            Assert.False(sink.Disposed);
        }

        [Fact]
        public void Writer_bytes_of_a_double_network()
        {
            FileNet net = Net<TorchMlpF64>();
            net.SetValues(MlpParameters);

            // 347 bytes of JSON, 5 spaces to reach 352 = 44 * 8; then 67 doubles = 536 bytes.
            const string Json =
                "{\"__metadata__\":{\"producer\":\"NetCompiler\",\"network\":\"TorchMlpF64\"}," +
                "\"layers.0.bias\":{\"dtype\":\"F64\",\"shape\":[8],\"data_offsets\":[0,64]}," +
                "\"layers.0.weight\":{\"dtype\":\"F64\",\"shape\":[8,4],\"data_offsets\":[64,320]}," +
                "\"layers.1.bias\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[320,344]}," +
                "\"layers.1.weight\":{\"dtype\":\"F64\",\"shape\":[3,8],\"data_offsets\":[344,536]}}";
            Assert.Equal(347, Json.Length);
            byte[] expected = Concat(
                new byte[] { 0x60, 0x01, 0, 0, 0, 0, 0, 0 }, // 352
                Encoding.ASCII.GetBytes(Json + "     "),
                F64(Concat(B0, W0, B1, W1)));
            Assert.Equal(896, expected.Length);
            Assert.Equal(expected, net.SaveToArray());
        }

        [Fact]
        public void Writer_orders_tensors_by_name_so_layer_10_comes_before_layer_2()
        {
            FileNet net = Net<TwelveLayersF64>();
            byte[] file = net.SaveToArray();
            int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
            using JsonDocument doc = JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, n));
            string[] expected =
            {
                "__metadata__",
                "layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight",
                "layers.10.weight", "layers.11.bias", "layers.11.weight",
                "layers.2.bias", "layers.2.weight", "layers.3.weight", "layers.4.bias", "layers.4.weight",
                "layers.5.bias", "layers.5.weight", "layers.6.bias", "layers.6.weight", "layers.7.bias", "layers.7.weight",
                "layers.8.bias", "layers.8.weight", "layers.9.bias", "layers.9.weight",
            };
            Assert.Equal(expected, doc.RootElement.EnumerateObject().Select(p => p.Name));

            // Offsets follow the same order: layers.10.weight [3, 3] right after layers.1.weight [3, 3].
            ulong[] Offsets(string name) => doc.RootElement.GetProperty(name).GetProperty("data_offsets").EnumerateArray().Select(e => e.GetUInt64()).ToArray();
            Assert.Equal(new ulong[] { 0, 24 }, Offsets("layers.0.bias"));
            Assert.Equal(new ulong[] { 24, 72 }, Offsets("layers.0.weight"));
            Assert.Equal(new ulong[] { 72, 96 }, Offsets("layers.1.bias"));
            Assert.Equal(new ulong[] { 96, 168 }, Offsets("layers.1.weight"));
            Assert.Equal(new ulong[] { 168, 240 }, Offsets("layers.10.weight"));
            Assert.Equal(new ulong[] { 240, 256 }, Offsets("layers.11.bias"));
        }

        // ================================================================== files laid out by hand

        private static void AssertParameters(FileNet net, double[] expected)
        {
            double[] actual = net.Values;
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double e = net.IsDouble ? expected[i] : (float)expected[i];
                Assert.True(BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(actual[i]), $"parameter {i}: expected {e}, got {actual[i]}");
            }
        }

        /// <summary>Loads <paramref name="file"/> from a span, a MemoryStream and a trickling stream; each must give <paramref name="expected"/>.</summary>
        private static void AssertLoads(FileNet net, byte[] file, double[] expected)
        {
            net.Initialize(11);
            net.LoadSpan(file);
            AssertParameters(net, expected);

            net.Initialize(12);
            var stream = new TrackingMemoryStream(file);
            net.LoadStream(stream);
            AssertParameters(net, expected);
            Assert.Equal(file.Length, stream.Position);
            Assert.False(stream.Disposed);

            net.Initialize(13);
            var trickle = new TrickleStream(file);
            net.LoadStream(trickle);
            AssertParameters(net, expected);
            Assert.Equal(file.Length, trickle.Consumed);
        }

        [Fact]
        public void PyTorch_worked_example_loads()
        {
            byte[] data = MlpData;
            Assert.Equal(268, data.Length);
            byte[] file = Build(TorchHeader, data);

            // Weight element W[j, i] of 0.weight is float j * 4 + i of that tensor, and lands at parameter j * 4 + i.
            FileNet net = Net<TorchMlpF32>();
            AssertLoads(net, file, MlpParameters);
            Assert.Equal((float)W0[2 * 4 + 3], ((INet<float>)net.Instance).Parameters[2 * 4 + 3]);

            // The same file into the double network: F32 widened.
            AssertLoads(Net<TorchMlpF64>(), file, MlpParameters);
        }

        [Fact]
        public void PyTorch_file_with_metadata_and_unpadded_header_loads()
        {
            // save_file(..., metadata={"format": "pt"}); header left unpadded (7 + 8 * k bytes are fine to read).
            string header = "{\"__metadata__\":{\"format\":\"pt\"}," + TorchHeader.Substring(1);
            AssertLoads(Net<TorchMlpF32>(), Build(header, MlpData, pad: false), MlpParameters);
        }

        [Fact]
        public void Our_names_in_any_key_and_data_order_load()
        {
            // Keys shuffled, fields in another order, data in yet another order (W1, W0, b0, b1), one tensor F64,
            // metadata last, JSON whitespace everywhere, an escaped character in a key, no padding to 8.
            string header =
                "{\n" +
                "  \"layers.1.bias\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [288, 300]},\n" +
                "  \"layers.0.weight\": {\"data_offsets\": [96, 224], \"shape\": [ 8 , 4 ], \"dtype\": \"F32\"},\n" +
                "  \"layers.1.w\\u0065ight\": {\"shape\": [3, 8], \"dtype\": \"F32\", \"data_offsets\": [0, 96]},\n" +
                "  \"layers.0.bias\": {\"dtype\": \"F64\", \"shape\": [8], \"data_offsets\": [224, 288]},\n" +
                "  \"__metadata__\": {\"producer\": \"someone else\", \"note\": \"\\u00e9t\\u00e9\"}\n" +
                "}\t\r\n ";
            byte[] data = Concat(F32(W1), F32(W0), F64(B0), F32(B1));
            Assert.Equal(300, data.Length);

            AssertLoads(Net<TorchMlpF32>(), Build(header, data, pad: false), MlpParameters);
            AssertLoads(Net<TorchMlpF64>(), Build(header, data), MlpParameters);
        }

        [Fact]
        public void PyTorch_indices_are_taken_in_numeric_order()
        {
            // Linear modules at indices 3 and 10: as text "10" < "3", as numbers 3 < 10.
            string header = Header(
                Entry("10.bias", "F32", "3", 0, 12),
                Entry("10.weight", "F32", "3,8", 12, 108),
                Entry("3.bias", "F32", "8", 108, 140),
                Entry("3.weight", "F32", "8,4", 140, 268));
            byte[] data = F32(Concat(B1, W1, B0, W0));
            AssertLoads(Net<TorchMlpF32>(), Build(header, data), MlpParameters);

            // Any number of digits (compared as numbers, not parsed into a fixed-size integer).
            AssertLoads(Net<TorchMlpF32>(), Build(TorchHeader.Replace("\"2.", "\"99999999999999999999999."), MlpData), MlpParameters);

            // Twelve Linear layers at indices 0, 2, ..., 22 (ReLUs between them): 10 .. 22 sort after 8.
            FileNet deep = Net<TwelveLayersF64>();
            ReferenceNetwork r = deep.Reference;
            var entries = new List<string>();
            var chunks = new List<byte[]>();
            var expected = new double[r.ParameterCount];
            ulong offset = 0;
            for (int k = 0; k < r.Layers.Count; k++)
            {
                ReferenceLayer layer = r.Layers[k];
                double[] w = Ramp(layer.Units * layer.Inputs, 1000 * k);
                entries.Add(Entry($"{2 * k}.weight", "F64", $"{layer.Units},{layer.Inputs}", offset, offset + (ulong)(8 * w.Length)));
                offset += (ulong)(8 * w.Length);
                chunks.Add(F64(w));
                w.CopyTo(expected, layer.WeightOffset);
                if (layer.HasBias)
                {
                    double[] b = Ramp(layer.Units, 1000 * k + 500);
                    entries.Add(Entry($"{2 * k}.bias", "F64", $"{layer.Units}", offset, offset + (ulong)(8 * b.Length)));
                    offset += (ulong)(8 * b.Length);
                    chunks.Add(F64(b));
                    b.CopyTo(expected, layer.BiasOffset);
                }
            }

            entries.Reverse(); // JSON order is not significant
            AssertLoads(deep, Build(Header(entries.ToArray()), Concat(chunks.ToArray())), expected);
        }

        [Fact]
        public void PyTorch_file_with_a_bias_free_layer_loads()
        {
            // nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4, bias=False), nn.Sigmoid(), nn.Linear(4, 2)).
            double[] w0 = Ramp(15, 0), b0 = Ramp(5, 50), w2 = Ramp(20, 100), w4 = Ramp(8, 200), b4 = Ramp(2, 300);
            string header = Header(
                Entry("0.bias", "F32", "5", 0, 20),
                Entry("0.weight", "F32", "5,3", 20, 80),
                Entry("2.weight", "F32", "4,5", 80, 160),
                Entry("4.bias", "F32", "2", 160, 168),
                Entry("4.weight", "F32", "2,4", 168, 200));
            byte[] data = F32(Concat(b0, w0, w2, b4, w4));
            AssertLoads(Net<NoBiasMiddleF32>(), Build(header, data), Concat(w0, b0, w2, w4, b4));

            // And under NetCompiler's names.
            string ours = Header(
                Entry("layers.0.bias", "F32", "5", 0, 20),
                Entry("layers.0.weight", "F32", "5,3", 20, 80),
                Entry("layers.1.weight", "F32", "4,5", 80, 160),
                Entry("layers.2.bias", "F32", "2", 160, 168),
                Entry("layers.2.weight", "F32", "2,4", 168, 200));
            AssertLoads(Net<NoBiasMiddleF32>(), Build(ours, data), Concat(w0, b0, w2, w4, b4));
        }

        [Fact]
        public void Special_values_in_a_file_are_data()
        {
            double[] b0 = { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 1e-45, -3.4028234663852886E+38, 0, 1 };
            byte[] data = Concat(F32(b0), F32(W0), F32(B1), F32(W1));
            FileNet net = Net<TorchMlpF32>();
            net.LoadSpan(Build(OurHeader, data));
            Span<float> p = ((INet<float>)net.Instance).Parameters;
            Assert.True(float.IsNaN(p[32]));
            Assert.Equal(float.PositiveInfinity, p[33]);
            Assert.Equal(float.NegativeInfinity, p[34]);
            Assert.Equal(BitConverter.SingleToInt32Bits(-0.0f), BitConverter.SingleToInt32Bits(p[35]));
            Assert.Equal(float.Epsilon, p[36]);
            Assert.Equal(float.MinValue, p[37]);
        }

        // ================================================================== dtype conversion

        [Fact]
        public void F64_file_loads_into_a_float_network_rounded()
        {
            FileNet source = Net<TorchMlpF64>();
            double[] values = Enumerable.Range(0, 67).Select(i => Math.Sin(i + 0.1) / 3).ToArray();
            values[5] = 1e300; // beyond float: becomes infinity, as a cast does
            values[6] = 1e-300; // below float: becomes 0
            source.SetValues(values);
            byte[] file = source.SaveToArray();

            FileNet target = Net<TorchMlpF32>();
            target.LoadSpan(file);
            Span<float> p = ((INet<float>)target.Instance).Parameters;
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal((float)values[i], p[i]);
            }

            Assert.Equal(float.PositiveInfinity, p[5]);
            target.Initialize(3);
            target.LoadStream(new TrickleStream(file));
            Assert.Equal((float)values[7], ((INet<float>)target.Instance).Parameters[7]);
        }

        [Fact]
        public void F32_file_loads_into_a_double_network_widened()
        {
            FileNet source = Net<TorchMlpF32>();
            source.Initialize(9);
            float[] values = ((INet<float>)source.Instance).Parameters.ToArray();
            byte[] file = source.SaveToArray();

            FileNet target = Net<TorchMlpF64>();
            target.LoadStream(new MemoryStream(file));
            Assert.Equal(values.Select(v => (double)v), ((INet<double>)target.Instance).Parameters.ToArray());
        }

        [Fact]
        public void Tensors_of_both_dtypes_in_one_file()
        {
            string header = Header(
                Entry("0.bias", "F64", "8", 0, 64),
                Entry("0.weight", "F32", "8,4", 64, 192),
                Entry("2.bias", "F32", "3", 192, 204),
                Entry("2.weight", "F64", "3,8", 204, 396));
            byte[] data = Concat(F64(B0), F32(W0), F32(B1), F64(W1));
            AssertLoads(Net<TorchMlpF32>(), Build(header, data), MlpParameters);
            AssertLoads(Net<TorchMlpF64>(), Build(header, data), MlpParameters);
        }

        // ================================================================== streams and arguments

        [Fact]
        public void Load_reads_from_the_current_position_of_the_stream()
        {
            byte[] file = Build(TorchHeader, MlpData);
            byte[] withPrefix = Concat(new byte[] { 1, 2, 3, 4, 5 }, file);
            var stream = new MemoryStream(withPrefix) { Position = 5 };
            FileNet net = Net<TorchMlpF32>();
            net.LoadStream(stream);
            AssertParameters(net, MlpParameters);
            Assert.Equal(withPrefix.Length, stream.Position);
        }

        [Fact]
        public void Save_appends_at_the_current_position_and_leaves_the_stream_open()
        {
            FileNet net = Net<TorchMlpF32>();
            byte[] alone = net.SaveToArray();
            var stream = new TrackingMemoryStream();
            stream.Write(new byte[] { 9, 9, 9 });
            net.Save(stream);
            Assert.False(stream.Disposed);
            Assert.True(stream.CanWrite);
            Assert.Equal(Concat(new byte[] { 9, 9, 9 }, alone), stream.ToArray());

            // Two files back to back in one stream: each load consumes exactly its own file.
            var two = new MemoryStream(Concat(alone, alone));
            net.LoadStream(new LimitedStream(two, alone.Length));
            Assert.Equal(alone.Length, two.Position);
        }

        /// <summary>Exposes the first <c>limit</c> bytes of another stream (as a framing layer would).</summary>
        private sealed class LimitedStream : Stream
        {
            private readonly Stream inner;
            private long left;

            public LimitedStream(Stream inner, long limit)
            {
                this.inner = inner;
                left = limit;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = inner.Read(buffer, offset, (int)Math.Min(count, left));
                left -= n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }

        [Fact]
        public void Bad_arguments_throw_argument_exceptions_before_any_IO()
        {
            FileNet net = Net<TorchMlpF32>();
            byte[] before = net.Bytes;
            Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => net.Save(null!)).ParamName);
            Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => net.LoadStream(null!)).ParamName);

            var readOnly = new TrackingMemoryStream(new byte[16]);
            Assert.Equal("stream", Assert.Throws<ArgumentException>(() => net.Save(readOnly)).ParamName);
            Assert.Equal(0, readOnly.Position);

            var writeOnly = new SinkStream();
            Assert.Equal("stream", Assert.Throws<ArgumentException>(() => net.LoadStream(writeOnly)).ParamName);
            Assert.Equal(0, writeOnly.Writes);
            Assert.Equal(before, net.Bytes);
        }

        // ================================================================== rejected files

        /// <summary>
        /// Loads <paramref name="file"/> from a span, a MemoryStream and a trickling stream: each must throw
        /// InvalidDataException whose message contains every '|'-separated part of <paramref name="mentions"/>, and
        /// leave the parameters bit-identical.
        /// </summary>
        private static void AssertRejected(FileNet net, byte[] file, string mentions)
        {
            net.Initialize(21);
            byte[] before = net.Bytes;
            var messages = new List<string>
            {
                Assert.Throws<InvalidDataException>(() => net.LoadSpan(file)).Message,
            };
            Assert.Equal(before, net.Bytes);

            var stream = new TrackingMemoryStream(file);
            messages.Add(Assert.Throws<InvalidDataException>(() => net.LoadStream(stream)).Message);
            Assert.Equal(before, net.Bytes);
            Assert.False(stream.Disposed);

            messages.Add(Assert.Throws<InvalidDataException>(() => net.LoadStream(new TrickleStream(file))).Message);
            Assert.Equal(before, net.Bytes);

            foreach (string message in messages)
            {
                foreach (string part in mentions.Split('|', StringSplitOptions.RemoveEmptyEntries))
                {
                    Assert.Contains(part, message, StringComparison.Ordinal);
                }
            }
        }

        private static string L0B(string dtype = "F32", string shape = "8", ulong begin = 0, ulong end = 32) => Entry("layers.0.bias", dtype, shape, begin, end);

        private static string L0W(string dtype = "F32", string shape = "8,4", ulong begin = 32, ulong end = 160) => Entry("layers.0.weight", dtype, shape, begin, end);

        private static string L1B(string dtype = "F32", string shape = "3", ulong begin = 160, ulong end = 172) => Entry("layers.1.bias", dtype, shape, begin, end);

        private static string L1W(string dtype = "F32", string shape = "3,8", ulong begin = 172, ulong end = 268) => Entry("layers.1.weight", dtype, shape, begin, end);

        /// <summary>(case, header JSON, data length, message parts) for the 4-8-3 float network.</summary>
        public static IEnumerable<object[]> BadHeaders()
        {
            string rest = "," + L0W() + "," + L1B() + "," + L1W();
            object[] C(string name, string header, int dataLength, string mentions) => new object[] { name, header, dataLength, mentions };

            // dtype
            yield return C("I32", Header(L0B("I32"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|'I32'|F32 and F64");
            yield return C("F16", Header(L0B("F16", "8", 0, 16), L0W("F32", "8,4", 16, 144), L1B("F32", "3", 144, 156), L1W("F32", "3,8", 156, 252)), 252, "'layers.0.bias'|'F16'");
            yield return C("BF16", Header(L0B(), L0W(), L1B(), L1W("BF16", "3,8", 172, 220)), 220, "'layers.1.weight'|'BF16'");
            yield return C("lower-case f32", Header(L0B("f32"), L0W(), L1B(), L1W()), 268, "'f32'");
            yield return C("F8_E4M3", Header(L0B("F8_E4M3"), L0W(), L1B(), L1W()), 268, "'F8_E4M3'");
            yield return C("empty dtype", Header(L0B(""), L0W(), L1B(), L1W()), 268, "'layers.0.bias'");
            yield return C("numeric dtype", Header(L0B().Replace("\"F32\"", "32"), L0W(), L1B(), L1W()), 268, "dtype must be a string");
            yield return C("null dtype", Header(L0B().Replace("\"F32\"", "null"), L0W(), L1B(), L1W()), 268, "dtype");

            // shapes
            yield return C("transposed weight", Header(L0B(), L0W("F32", "4,8"), L1B(), L1W()), 268, "'layers.0.weight'|[4, 8]|expected [8, 4]");
            yield return C("rank-3 weight", Header(L0B(), L0W("F32", "8,4,1"), L1B(), L1W()), 268, "'layers.0.weight'|[8, 4, 1]|[8, 4]");
            yield return C("flat weight", Header(L0B(), L0W("F32", "32"), L1B(), L1W()), 268, "'layers.0.weight'|[32]|[8, 4]");
            yield return C("rank-2 bias", Header(L0B("F32", "8,1"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|[8, 1]|expected [8]");
            yield return C("scalar bias", Header(L0B("F32", "", 0, 4), L0W("F32", "8,4", 4, 132), L1B("F32", "3", 132, 144), L1W("F32", "3,8", 144, 240)), 240, "'layers.0.bias'|[]|[8]");
            yield return C("another network's layer", Header(L0B(), L0W(), L1B(), L1W("F32", "3,4", 172, 220)), 220, "'layers.1.weight'|[3, 4]|[3, 8]");
            yield return C("negative dimension", Header(L0B("F32", "-8"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|shape");
            yield return C("fractional dimension", Header(L0B("F32", "8.0"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|shape");
            yield return C("string dimension", Header(L0B("F32", "\"8\""), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|shape");
            yield return C("shape not an array", Header(L0B().Replace("[8]", "8"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|shape");
            yield return C("shape overflows", Header(L0B("F32", "4294967296,4294967296,4294967296"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|more bytes than");

            // the set of tensors
            yield return C("missing bias", Header(L0B(), L0W(), L1W("F32", "3,8", 160, 256)), 256, "missing tensor 'layers.1.bias'|[3]");
            yield return C("missing weight", Header(L0B(), L1B("F32", "3", 32, 44), L1W("F32", "3,8", 44, 140)), 140, "missing tensor 'layers.0.weight'|[8, 4]");
            yield return C("empty header", "{}", 0, "missing tensor 'layers.0.weight'");
            yield return C("only metadata", "{\"__metadata__\":{}}", 0, "missing tensor 'layers.0.weight'");
            yield return C("extra layer", Header(L0B(), L0W(), L1B(), L1W(), Entry("layers.2.weight", "F32", "3,3", 268, 304)), 304, "unexpected tensor 'layers.2.weight'|2 layers");
            yield return C("extra foreign tensor", Header(L0B(), L0W(), L1B(), L1W(), Entry("running_mean", "F32", "3", 268, 280)), 280, "unexpected tensor 'running_mean'");
            yield return C("extra odd name", Header(L0B(), L0W(), L1B(), L1W(), Entry("layers.0.gamma", "F32", "1", 268, 272)), 272, "unexpected tensor 'layers.0.gamma'");
            yield return C("leading-zero layer", Header(L0B(), L0W(), L1B(), L1W(), Entry("layers.01.bias", "F32", "3", 268, 280)), 280, "unexpected tensor 'layers.01.bias'");
            yield return C("duplicate tensor", Header(L0B(), L0W(), L1B(), L1W(), L0B()), 268, "'layers.0.bias' more than once");
            yield return C("duplicate escaped", Header(L0B(), L0W(), L1B(), L1W(), L0B().Replace("bias", "b\\u0069as")), 268, "'layers.0.bias' more than once");
            yield return C("duplicate metadata", "{\"__metadata__\":{},\"__metadata__\":{}" + "," + L0B() + rest + "}", 268, "'__metadata__' more than once");
            yield return C("duplicate metadata key", "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}," + L0B() + rest + "}", 268, "__metadata__|'a' more than once");

            // fields of a tensor
            yield return C("duplicate field", Header(L0B().Replace("{\"dtype\":\"F32\",", "{\"dtype\":\"F32\",\"dtype\":\"F32\","), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|'dtype' more than once");
            yield return C("unknown field", Header(L0B().Replace("{\"dtype\"", "{\"strides\":[1],\"dtype\""), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|unknown field 'strides'");
            yield return C("README's 'offsets'", Header(L0B().Replace("data_offsets", "offsets"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|'offsets'");
            yield return C("no dtype", Header(L0B().Replace("\"dtype\":\"F32\",", ""), L0W(), L1B(), L1W()), 268, "'layers.0.bias' has no dtype");
            yield return C("no shape", Header(L0B().Replace("\"shape\":[8],", ""), L0W(), L1B(), L1W()), 268, "'layers.0.bias' has no shape");
            yield return C("no data_offsets", Header(L0B().Replace(",\"data_offsets\":[0,32]", ""), L0W(), L1B(), L1W()), 268, "'layers.0.bias' has no data_offsets");
            yield return C("tensor not an object", "{\"layers.0.bias\":[0,32]" + rest + "}", 268, "'layers.0.bias'|must be a JSON object");
            yield return C("tensor is null", "{\"layers.0.bias\":null" + rest + "}", 268, "'layers.0.bias'|null");

            // offsets
            yield return C("overlap", Header(L0B(), L0W("F32", "8,4", 28, 156), L1B("F32", "3", 156, 168), L1W("F32", "3,8", 168, 264)), 264, "overlaps");
            yield return C("same range twice", Header(L0B(), L0W(), L1B("F32", "3", 160, 172), L1W("F32", "3,8", 160, 256)), 256, "overlaps");
            yield return C("gap", Header(L0B(), L0W("F32", "8,4", 36, 164), L1B("F32", "3", 164, 176), L1W("F32", "3,8", 176, 272)), 272, "gap|'layers.0.weight'");
            yield return C("not from 0", Header(L0B("F32", "8", 4, 36), L0W("F32", "8,4", 36, 164), L1B("F32", "3", 164, 176), L1W("F32", "3,8", 176, 272)), 272, "gap|bytes 0 to 4");
            yield return C("end before begin", Header(L0B("F32", "8", 32, 0), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|end before they begin");
            yield return C("offsets don't fit the shape", Header(L0B("F32", "8", 0, 28), L0W("F32", "8,4", 28, 156), L1B("F32", "3", 156, 168), L1W("F32", "3,8", 168, 264)), 264, "'layers.0.bias'|[0, 28]|need 32 bytes");
            yield return C("F64 size for F32", Header(L0B("F32", "8", 0, 64), L0W("F32", "8,4", 64, 192), L1B("F32", "3", 192, 204), L1W("F32", "3,8", 204, 300)), 300, "'layers.0.bias'|need 32 bytes");
            yield return C("beyond the data", Header(L0B(), L0W(), L1B(), L1W()), 200, "truncated");
            yield return C("far beyond the data", Header(L0B(), L0W(), L1B(), L1W("F32", "3,8", 18446744073709551519, 18446744073709551615)), 172, "gap");
            yield return C("offset beyond u64", Header(L0B(), L0W(), L1B(), L1W().Replace("268]", "18446744073709551616]")), 268, "'layers.1.weight'|data_offsets");
            yield return C("negative offset", Header(L0B().Replace("[0,32]", "[-0,32]"), L0W(), L1B(), L1W()).Replace("[172,268]", "[172,-268]"), 268, "data_offsets");
            yield return C("three offsets", Header(L0B().Replace("[0,32]", "[0,32,64]"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|[begin, end]");
            yield return C("one offset", Header(L0B().Replace("[0,32]", "[32]"), L0W(), L1B(), L1W()), 268, "'layers.0.bias'|[begin, end]");

            // data length
            yield return C("one byte short", OurHeader, 267, "truncated");
            yield return C("one trailing byte", OurHeader, 269, "trailing data");
            yield return C("eight trailing bytes", OurHeader, 276, "trailing data");

            // __metadata__
            yield return C("metadata number value", "{\"__metadata__\":{\"epoch\":3}," + L0B() + rest + "}", 268, "__metadata__|'epoch'|a number");
            yield return C("metadata null value", "{\"__metadata__\":{\"a\":null}," + L0B() + rest + "}", 268, "__metadata__|'a'|null");
            yield return C("metadata object value", "{\"__metadata__\":{\"a\":{}}," + L0B() + rest + "}", 268, "__metadata__|'a'|an object");
            yield return C("metadata array value", "{\"__metadata__\":{\"a\":[\"x\"]}," + L0B() + rest + "}", 268, "__metadata__|'a'|an array");
            yield return C("metadata bool value", "{\"__metadata__\":{\"a\":true}," + L0B() + rest + "}", 268, "__metadata__|'a'|true");
            yield return C("metadata a string", "{\"__metadata__\":\"pt\"," + L0B() + rest + "}", 268, "__metadata__|a string");
            yield return C("metadata null", "{\"__metadata__\":null," + L0B() + rest + "}", 268, "__metadata__|null");
            yield return C("metadata an array", "{\"__metadata__\":[]," + L0B() + rest + "}", 268, "__metadata__|an array");

            // naming schemes
            yield return C("mixed naming", Header(L0B(), L0W(), Entry("2.bias", "F32", "3", 160, 172), Entry("2.weight", "F32", "3,8", 172, 268)), 268, "mixes|'layers.0.bias'|'2.bias'");
            yield return C("PyTorch, three Linear layers", Header(
                Entry("0.bias", "F32", "8", 0, 32), Entry("0.weight", "F32", "8,4", 32, 160), Entry("2.bias", "F32", "3", 160, 172),
                Entry("2.weight", "F32", "3,8", 172, 268), Entry("4.bias", "F32", "3", 268, 280), Entry("4.weight", "F32", "3,3", 280, 316)), 316, "3 Linear layers|0, 2, 4|2 layers");
            yield return C("PyTorch, one Linear layer", Header(Entry("0.bias", "F32", "8", 0, 32), Entry("0.weight", "F32", "8,4", 32, 160)), 128, "1 Linear layer|2 layers");
            yield return C("PyTorch, missing bias", Header(
                Entry("0.bias", "F32", "8", 0, 32), Entry("0.weight", "F32", "8,4", 32, 160), Entry("2.weight", "F32", "3,8", 160, 256)), 256, "missing tensor '2.bias'|[3]");
            yield return C("PyTorch, bias without weight", Header(
                Entry("0.bias", "F32", "8", 0, 32), Entry("0.weight", "F32", "8,4", 32, 160), Entry("2.bias", "F32", "3", 160, 172),
                Entry("2.weight", "F32", "3,8", 172, 268), Entry("3.bias", "F32", "3", 268, 280)), 280, "'3.bias'|'3.weight'");
            yield return C("PyTorch, wrong shape", Header(
                Entry("0.bias", "F32", "8", 0, 32), Entry("0.weight", "F32", "8,4", 32, 160), Entry("2.bias", "F32", "3", 160, 172),
                Entry("2.weight", "F32", "8,3", 172, 268)), 268, "'2.weight'|[8, 3]|[3, 8]");
            yield return C("PyTorch, nested module names", TorchHeader.Replace("\"0.", "\"features.0."), 268, "unexpected tensor 'features.0.bias'");
            yield return C("PyTorch, leading zero", TorchHeader.Replace("\"2.", "\"02."), 268, "unexpected tensor '02.bias'");
            yield return C("PyTorch, negative index", TorchHeader.Replace("\"2.", "\"-2."), 268, "unexpected tensor '-2.bias'");

            // JSON
            yield return C("array", "[]", 0, "not a JSON object");
            yield return C("string", "\"layers\"", 0, "not a JSON object");
            yield return C("number", "42", 0, "not a JSON object");
            yield return C("null", "null", 0, "not a JSON object");
            yield return C("unterminated", "{\"layers.0.bias\":", 0, "not valid JSON");
            yield return C("unterminated object", OurHeader.TrimEnd('}'), 268, "not valid JSON");
            yield return C("trailing comma", OurHeader.TrimEnd('}') + "},}", 268, "not valid JSON");
            yield return C("comment", "/* weights */" + OurHeader, 268, "not valid JSON");
            yield return C("single quotes", OurHeader.Replace("\"layers.0.bias\"", "'layers.0.bias'"), 268, "not valid JSON");
            yield return C("unquoted key", OurHeader.Replace("\"layers.0.bias\"", "layers_0_bias"), 268, "not valid JSON");
            yield return C("two objects", OurHeader + "{}", 268, "JSON");
            yield return C("extra brace", OurHeader + "}", 268, "JSON");
            yield return C("NUL after the object", OurHeader + "\0", 268, "JSON");
            yield return C("only spaces", "        ", 0, "JSON");
            yield return C("deep nesting", "{\"__metadata__\":" + new string('[', 5000) + new string(']', 5000) + "}", 0, "__metadata__");
            yield return C("deep nesting, not an object", new string('[', 100000), 0, "not a JSON object");
            yield return C("escaped lone surrogate key", "{\"\\uD800\":{}}", 0, "header");
            yield return C("bad escape", "{\"\\x41\":{}}", 0, "not valid JSON");
            yield return C("control character in a string", "{\"a\tb\":{}}", 0, "not valid JSON");
        }

        [Theory]
        [MemberData(nameof(BadHeaders))]
        public void Bad_header_is_rejected(string name, string header, int dataLength, string mentions)
        {
            Assert.False(string.IsNullOrEmpty(name));
            byte[] data = F32(Ramp(dataLength / 4 + 1, 0)).AsSpan(0, dataLength).ToArray();
            AssertRejected(Net<TorchMlpF32>(), Build(header, data), mentions);
        }

        [Fact]
        public void Bias_for_a_bias_free_layer_is_rejected()
        {
            string ours = Header(
                Entry("layers.0.bias", "F32", "5", 0, 20),
                Entry("layers.0.weight", "F32", "5,3", 20, 80),
                Entry("layers.1.bias", "F32", "4", 80, 96),
                Entry("layers.1.weight", "F32", "4,5", 96, 176),
                Entry("layers.2.bias", "F32", "2", 176, 184),
                Entry("layers.2.weight", "F32", "2,4", 184, 216));
            AssertRejected(Net<NoBiasMiddleF32>(), Build(ours, new byte[216]), "'layers.1.bias'|layer 1|no bias");

            string torch = Header(
                Entry("0.bias", "F32", "5", 0, 20),
                Entry("0.weight", "F32", "5,3", 20, 80),
                Entry("2.bias", "F32", "4", 80, 96),
                Entry("2.weight", "F32", "4,5", 96, 176),
                Entry("4.bias", "F32", "2", 176, 184),
                Entry("4.weight", "F32", "2,4", 184, 216));
            AssertRejected(Net<NoBiasMiddleF32>(), Build(torch, new byte[216]), "'2.bias'|layer 1|no bias");

            // The 4-8-3 file into a network of another shape.
            AssertRejected(Net<NoBiasMiddleF32>(), Build(TorchHeader, MlpData), "2 Linear layers|3 layers");
            AssertRejected(Net<TinyFileF32>(), Build(OurHeader, MlpData), "'layers.0.weight'|[8, 4]|expected [2, 2]");
        }

        [Fact]
        public void Truncated_file_is_rejected_at_every_length()
        {
            FileNet net = Net<TorchMlpF32>();
            net.Initialize(4);
            byte[] ours = net.SaveToArray();
            byte[] torch = Build(TorchHeader, MlpData);
            foreach (byte[] file in new[] { ours, torch })
            {
                for (int length = 0; length < file.Length; length++)
                {
                    AssertRejected(net, file.AsSpan(0, length).ToArray(), "truncated");
                }
            }
        }

        [Fact]
        public void Bad_header_length_is_rejected()
        {
            FileNet net = Net<TorchMlpF32>();
            byte[] file = Build(TorchHeader, MlpData);
            byte[] With(ulong n)
            {
                byte[] copy = (byte[])file.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(copy, n);
                return copy;
            }

            ulong actual = BinaryPrimitives.ReadUInt64LittleEndian(file);
            AssertRejected(net, With(0), "header length is 0");
            AssertRejected(net, With(100_000_001), "100000001|exceeds");
            AssertRejected(net, With(ulong.MaxValue), "exceeds");
            AssertRejected(net, With(1UL << 63), "exceeds");
            AssertRejected(net, With(1UL << 32), "exceeds");
            AssertRejected(net, With((ulong)file.Length), "truncated");
            AssertRejected(net, With((ulong)file.Length - 7), "truncated");
            AssertRejected(net, With(actual - 1), "");
            AssertRejected(net, With(actual + 1), "");
            AssertRejected(net, With(actual + 8), "");

            // The largest allowed length on a 50-byte stream fails at once, without a 100 MB buffer.
            byte[] small = With(100_000_000).AsSpan(0, 50).ToArray();
            AssertRejected(net, small, "truncated");
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InvalidDataException>(() => net.LoadStream(new TrickleStream(small)));
            Assert.Throws<InvalidDataException>(() => net.LoadStream(new MemoryStream(small)));
            Assert.Throws<InvalidDataException>(() => net.LoadSpan(small));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocated, 0, 4_000_000);
        }

        [Fact]
        public void Header_that_is_not_UTF8_is_rejected()
        {
            FileNet net = Net<TorchMlpF32>();
            byte[] json = Encoding.UTF8.GetBytes(TorchHeader);
            int key = Array.IndexOf(json, (byte)'0'); // the '0' of "0.bias"
            byte[][] bad =
            {
                new byte[] { 0xFF },
                new byte[] { 0xC0, 0xB0 }, // overlong '0'
                new byte[] { 0xED, 0xA0, 0x80 }, // an encoded surrogate
                new byte[] { 0xE2, 0x82 }, // truncated sequence
                new byte[] { 0x80 }, // lone continuation byte
                new byte[] { 0xF4, 0x90, 0x80, 0x80 }, // above U+10FFFF
            };
            foreach (byte[] sequence in bad)
            {
                byte[] header = Concat(json.AsSpan(0, key).ToArray(), sequence, json.AsSpan(key + 1).ToArray());
                AssertRejected(net, Build(header, MlpData), "UTF-8");
            }

            // In the padding, too.
            byte[] padded = Concat(json, new byte[] { 0x20, 0xFF });
            AssertRejected(net, Build(padded, MlpData), "UTF-8");

            // A byte order mark: not JSON whitespace.
            AssertRejected(net, Build(Concat(new byte[] { 0xEF, 0xBB, 0xBF }, json), MlpData), "byte order mark");

            // Valid UTF-8 outside ASCII is fine in metadata.
            string header2 = "{\"__metadata__\":{\"auteur\":\"Zoë ✓ 𝄞\"}," + TorchHeader.Substring(1);
            AssertLoads(net, Build(header2, MlpData), MlpParameters);
        }

        // ================================================================== fuzzing

        private enum Outcome
        {
            Loaded,
            Rejected,
        }

        private static Outcome TryLoad(Action load, int iteration)
        {
            try
            {
                load();
                return Outcome.Loaded;
            }
            catch (InvalidDataException)
            {
                return Outcome.Rejected;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"iteration {iteration}: {e.GetType()} instead of InvalidDataException: {e}");
            }
        }

        /// <summary>Loads <paramref name="file"/> from a span and from a stream: the same outcome, all or nothing.</summary>
        private static Outcome Probe(FileNet net, byte[] file, int iteration, int seed)
        {
            net.Initialize(seed);
            byte[] before = net.Bytes;
            Outcome span = TryLoad(() => net.LoadSpan(file), iteration);
            byte[] afterSpan = net.Bytes;
            if (span == Outcome.Rejected)
            {
                Assert.True(before.AsSpan().SequenceEqual(afterSpan), $"iteration {iteration}: parameters changed by a rejected file");
            }

            net.SetBytes(before);
            Outcome stream = TryLoad(() => net.LoadStream(iteration % 2 == 0 ? new MemoryStream(file) : new TrickleStream(file)), iteration);
            Assert.True(span == stream, $"iteration {iteration}: span {span}, stream {stream}");
            Assert.True(net.Bytes.AsSpan().SequenceEqual(span == Outcome.Loaded ? afterSpan : before), $"iteration {iteration}: span and stream loads differ");
            return span;
        }

        [Fact]
        public void Fuzz_mutated_files_load_or_throw_InvalidDataException_only()
        {
            var rng = new Random(1234567);
            FileNet net = Net<TorchMlpF32>();
            net.Initialize(8);
            byte[] ours = net.SaveToArray();
            byte[] torch = Build(TorchHeader, MlpData);
            const string JsonBytes = "{}[]\":,0123456789-+.eE \\u\tabcdfFIl_n";
            int loaded = 0, rejected = 0;

            for (int iteration = 0; iteration < 6000; iteration++)
            {
                byte[] original = iteration % 3 == 0 ? torch : ours;
                int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
                byte[] file = (byte[])original.Clone();
                switch (rng.Next(9))
                {
                    case 0:
                        Flip(rng, file, rng.Next(file.Length));
                        break;
                    case 1:
                        for (int k = rng.Next(2, 9); k > 0; k--)
                        {
                            Flip(rng, file, rng.Next(file.Length));
                        }

                        break;
                    case 2:
                        file[rng.Next(file.Length)] = (byte)rng.Next(256);
                        break;
                    case 3:
                        file[rng.Next(8, dataStart)] = (byte)JsonBytes[rng.Next(JsonBytes.Length)];
                        break;
                    case 4:
                        Flip(rng, file, rng.Next(8));
                        break;
                    case 5:
                        int cut = rng.Next(file.Length);
                        file = Concat(file.AsSpan(0, cut).ToArray(), file.AsSpan(cut + 1).ToArray());
                        break;
                    case 6:
                        int at = rng.Next(file.Length + 1);
                        file = Concat(file.AsSpan(0, at).ToArray(), new[] { (byte)rng.Next(256) }, file.AsSpan(at).ToArray());
                        break;
                    case 7:
                        for (int k = rng.Next(1, 4); k > 0; k--)
                        {
                            Flip(rng, file, rng.Next(dataStart, file.Length));
                        }

                        break;
                    default:
                        file = file.AsSpan(0, rng.Next(file.Length)).ToArray();
                        if (file.Length > 0)
                        {
                            Flip(rng, file, rng.Next(file.Length));
                        }

                        break;
                }

                Outcome outcome = Probe(net, file, iteration, rng.Next());
                bool dataOnly = file.Length == original.Length && FirstDifference(file, original) >= dataStart;
                if (dataOnly)
                {
                    // Changed data bytes are just other values: the file still loads, with exactly those values.
                    Assert.True(outcome == Outcome.Loaded, $"iteration {iteration}: a data-only change was rejected");
                    Assert.Equal(ExpectedFromMlpData(file.AsSpan(dataStart)), net.Bytes);
                }

                if (outcome == Outcome.Loaded)
                {
                    loaded++;
                }
                else
                {
                    rejected++;
                }
            }

            Assert.InRange(loaded, 500, 5500);
            Assert.InRange(rejected, 500, 5500);
        }

        private static void Flip(Random rng, byte[] file, int index) => file[index] ^= (byte)(1 << rng.Next(8));

        private static int FirstDifference(byte[] a, byte[] b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i])
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        /// <summary>The parameter bytes of the 4-8-3 network from data laid out b0, W0, b1, W1 (both base files of the fuzz test).</summary>
        private static byte[] ExpectedFromMlpData(ReadOnlySpan<byte> data)
        {
            Assert.Equal(268, data.Length);
            return Concat(data.Slice(32, 128).ToArray(), data.Slice(0, 32).ToArray(), data.Slice(172, 96).ToArray(), data.Slice(160, 12).ToArray());
        }

        [Fact]
        public void Fuzz_random_bytes_and_random_headers_throw_InvalidDataException_only()
        {
            var rng = new Random(7654321);
            FileNet net = Net<TorchMlpF32>();
            string[] tokens =
            {
                "{", "}", "[", "]", ":", ",", ",", ":", "\"__metadata__\"", "\"layers.0.weight\"", "\"layers.0.bias\"", "\"layers.1.weight\"",
                "\"layers.1.bias\"", "\"0.weight\"", "\"2.bias\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"F64\"",
                "\"I32\"", "0", "3", "4", "8", "32", "160", "172", "268", "-1", "1e3", "null", "true", "\"x\"", " ", "\"\\u0041\"",
            };

            for (int iteration = 0; iteration < 4000; iteration++)
            {
                byte[] file;
                switch (iteration % 4)
                {
                    case 0:
                        // Random bytes.
                        file = new byte[rng.Next(0, 300)];
                        rng.NextBytes(file);
                        break;
                    case 1:
                        // A plausible length, then random bytes.
                        file = new byte[rng.Next(8, 300)];
                        rng.NextBytes(file);
                        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)rng.Next(0, file.Length));
                        break;
                    case 2:
                    {
                        // Token soup.
                        var header = new StringBuilder();
                        for (int k = rng.Next(1, 60); k > 0; k--)
                        {
                            header.Append(tokens[rng.Next(tokens.Length)]);
                        }

                        file = Build(header.ToString(), F32(Ramp(rng.Next(0, 80), 0)), pad: rng.Next(2) == 0);
                        break;
                    }

                    default:
                    {
                        // Well-formed headers with random names, dtypes, shapes and offsets.
                        string[] names = { "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "0.weight", "0.bias", "2.weight", "2.bias", "__metadata__", "x" };
                        string[] dtypes = { "F32", "F64", "F32", "F64", "F16", "I64" };
                        string[] shapes = { "8,4", "8", "3,8", "3", "4,8", "", "0", "1" };
                        var entries = new List<string>();
                        ulong offset = 0;
                        for (int k = rng.Next(0, 6); k > 0; k--)
                        {
                            string shape = shapes[rng.Next(shapes.Length)];
                            string dtype = dtypes[rng.Next(dtypes.Length)];
                            ulong size = (ulong)(shape.Length == 0 ? 1 : shape.Split(',').Aggregate(1, (p, d) => p * int.Parse(d, CultureInfo.InvariantCulture))) * (dtype == "F64" || dtype == "I64" ? 8UL : dtype == "F16" ? 2UL : 4UL);
                            ulong begin = rng.Next(4) == 0 ? (ulong)rng.Next(0, 300) : offset;
                            ulong end = rng.Next(4) == 0 ? (ulong)rng.Next(0, 300) : begin + size;
                            entries.Add(Entry(names[rng.Next(names.Length)], dtype, shape, begin, end));
                            offset = Math.Max(offset, end);
                        }

                        int dataLength = rng.Next(3) == 0 ? rng.Next(0, 400) : (int)Math.Min(offset, 1000);
                        file = Build(Header(entries.ToArray()), new byte[dataLength]);
                        break;
                    }
                }

                Probe(net, file, iteration, rng.Next());
            }
        }
    }
}
