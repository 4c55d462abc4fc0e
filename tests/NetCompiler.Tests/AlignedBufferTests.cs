using System;
using System.Collections.Generic;
using System.Numerics;
using System.Reflection;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetCompiler.Generated;
using Xunit;

namespace NetCompiler.Tests
{
    /// <summary>
    /// The parameter and batch-gradient storage (Runtime/AlignedBuffer.cs, compiled into this assembly by the generator):
    /// it starts on a 64-byte boundary and stays there, values included, through a compacting garbage collection.
    /// </summary>
    public class AlignedBufferTests
    {
        private static long Address<T>(Span<T> span)
            where T : unmanaged =>
            (long)Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetReference(span));

        private static void CompactingCollection()
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        [Fact]
        public void Allocate_gives_zeros_from_a_64_byte_boundary()
        {
            var keep = new List<object>();
            for (int length = 0; length <= 70; length++)
            {
                keep.Add(new byte[length * 3]); // vary where the next array lands
                CheckBuffer(AlignedBuffer<float>.Allocate(length), length);
                CheckBuffer(AlignedBuffer<double>.Allocate(length), length);
            }

            CheckBuffer(AlignedBuffer<float>.Allocate(100_003), 100_003);
            Assert.False(default(AlignedBuffer<float>).IsAllocated);
            GC.KeepAlive(keep);

            static void CheckBuffer<T>(AlignedBuffer<T> buffer, int length)
                where T : unmanaged, INumberBase<T>
            {
                Assert.True(buffer.IsAllocated);
                Span<T> span = buffer.Span;
                Assert.Equal(length, span.Length);
                Assert.Equal(0, Address(span) % AlignedBuffer<T>.Alignment);
                Assert.True(span.IndexOfAnyExcept(T.Zero) < 0, "not all zeros");
            }
        }

        [Fact]
        public void Every_network_keeps_its_parameters_and_batch_gradient_on_a_64_byte_boundary_through_a_compacting_collection()
        {
            var failures = new List<string>();
            foreach (Type type in NetworkCatalog.All)
            {
                object network = Activator.CreateInstance(type)!;
                if (network is INet<float> f)
                {
                    CheckNetwork(type, f, failures);
                }
                else
                {
                    CheckNetwork(type, (INet<double>)network, failures);
                }
            }

            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        }

        private static void CheckNetwork<T>(Type type, INet<T> network, List<string> failures)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            string name = NetworkCatalog.NameOf(type);
            int inputs = NetworkCatalog.Constant(type, "InputCount"), outputs = NetworkCatalog.Constant(type, "OutputCount");
            network.InitializeParameters(NetworkCatalog.Seed(name, 77));
            network.TrainBatch(new T[3 * inputs], new T[3 * outputs], T.CreateTruncating(0.01));

            long parameters = Address(network.Parameters);
            long batch = Address(BatchBuffer(type, network));
            T[] before = network.Parameters.ToArray();
            _ = new byte[1000]; // garbage in front, for the compaction to close up
            CompactingCollection();

            if (parameters % 64 != 0 || batch % 64 != 0)
            {
                failures.Add($"{name}: parameters at {parameters % 64}, batch buffer at {batch % 64} bytes past a 64-byte boundary");
            }

            if (Address(network.Parameters) != parameters || Address(BatchBuffer(type, network)) != batch)
            {
                failures.Add($"{name}: the storage moved in a compacting collection");
            }

            if (!network.Parameters.SequenceEqual(before))
            {
                failures.Add($"{name}: the parameters changed in a compacting collection");
            }
        }

        private static Span<T> BatchBuffer<T>(Type type, INet<T> network)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            FieldInfo field = type.GetField("__batchGradient", BindingFlags.NonPublic | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{type} has no __batchGradient field.");
            var buffer = (AlignedBuffer<T>)field.GetValue(network)!;
            Assert.True(buffer.IsAllocated);
            return buffer.Span;
        }
    }
}
