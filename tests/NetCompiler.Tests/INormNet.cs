using System;
using System.IO;
using System.Numerics;

namespace NetCompiler.Tests
{
    /// <summary>The members a network with BatchNorm or Dropout layers has beyond <see cref="INet{T}"/> (DropoutSeed, where it has Dropout, is read by reflection).</summary>
    public interface INormNet<T> : INet<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> Buffers { get; }

        Span<long> BatchesTracked { get; }

        void SaveParameters(Stream stream);

        void LoadParameters(Stream stream);

        void LoadParameters(ReadOnlySpan<byte> file);
    }
}
