using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NetCompiler.Tests.Reference;

namespace NetCompiler.Tests
{
    /// <summary>Every network type declared in this assembly, found through its [Network] attribute.</summary>
    public static class NetworkCatalog
    {
        private const string Prefix = "NetCompiler.Tests.";

        private static readonly Lazy<Dictionary<string, Type>> ByName = new(() =>
            typeof(NetworkCatalog).Assembly.GetTypes()
                .Where(t => t.GetCustomAttribute<NetworkAttribute>(inherit: false) is { BakedParameters: null } && !IsNormalized(t))
                .ToDictionary(NameOf, t => t, StringComparer.Ordinal));

        private static readonly Lazy<Dictionary<string, Type>> NormalizedByName = new(() =>
            typeof(NetworkCatalog).Assembly.GetTypes()
                .Where(t => t.GetCustomAttribute<NetworkAttribute>(inherit: false) is { BakedParameters: null } && IsNormalized(t) && t.Namespace != "NetCompiler.Tests.MLPerf")
                .ToDictionary(NameOf, t => t, StringComparer.Ordinal));

        /// <summary>Whether a network has BatchNorm or Dropout layers (which behave differently in training: NormalizationTests drives them).</summary>
        public static bool IsNormalized(Type t) =>
            t.GetCustomAttributes<BatchNormAttribute>(inherit: false).Any() || t.GetCustomAttributes<DropoutAttribute>(inherit: false).Any();

        /// <summary>The theory data: short names of the networks with BatchNorm or Dropout whose precision is <typeparamref name="T"/> (not the MLPerf models: MLPerfTests compares those with PyTorch).</summary>
        public static IEnumerable<object[]> NormalizedOf<T>()
        {
            Precision wanted = typeof(T) == typeof(float) ? Precision.Single : Precision.Double;
            return NormalizedByName.Value
                .Where(kv => kv.Value.GetCustomAttribute<NetworkAttribute>()!.Precision == wanted)
                .Select(kv => kv.Key)
                .OrderBy(n => n, StringComparer.Ordinal)
                .Select(n => new object[] { n });
        }

        public static Type ResolveNormalized(string name) => NormalizedByName.Value[name];

        public static IReadOnlyCollection<Type> All => ByName.Value.Values;

        /// <summary>The theory data: short names of every network whose precision is <typeparamref name="T"/>.</summary>
        public static IEnumerable<object[]> Of<T>()
        {
            Precision wanted = typeof(T) == typeof(float) ? Precision.Single : Precision.Double;
            return ByName.Value
                .Where(kv => kv.Value.GetCustomAttribute<NetworkAttribute>()!.Precision == wanted)
                .Select(kv => kv.Key)
                .OrderBy(n => n, StringComparer.Ordinal)
                .Select(n => new object[] { n });
        }

        public static IEnumerable<object[]> AllNames() =>
            ByName.Value.Keys.OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n });

        /// <summary>The networks of Dense layers only (whose memory layout follows the Dense stack's rules).</summary>
        public static IEnumerable<object[]> DenseNames() =>
            ByName.Value.Where(kv => Reference(kv.Key).IsDense).Select(kv => kv.Key).OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n });

        /// <summary>The networks with convolution or pooling layers.</summary>
        public static IEnumerable<object[]> ConvolutionalNames() =>
            ByName.Value.Where(kv => !Reference(kv.Key).IsDense).Select(kv => kv.Key).OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n });

        public static Type Resolve(string name) => ByName.Value[name];

        public static string NameOf(Type t)
        {
            string full = t.FullName!;
            return full.StartsWith(Prefix, StringComparison.Ordinal) ? full.Substring(Prefix.Length) : full;
        }

        /// <summary>Reads a generated <c>public const int</c> by reflection (constants cannot be interface members).</summary>
        public static int Constant(Type t, string name)
        {
            FieldInfo field = t.GetField(name, BindingFlags.Public | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{t} has no public static field {name}.");
            if (!field.IsLiteral || field.FieldType != typeof(int))
            {
                throw new InvalidOperationException($"{t}.{name} is not a 'const int'.");
            }

            return (int)field.GetRawConstantValue()!;
        }

        /// <summary>A seed that depends only on the network's name and a per-test salt (string.GetHashCode is randomized).</summary>
        public static int Seed(string name, int salt)
        {
            uint h = 2166136261;
            foreach (char ch in name)
            {
                h = (h ^ ch) * 16777619;
            }

            return (int)((h ^ (uint)salt) * 16777619 & 0x7fffffff);
        }

        public static ReferenceNetwork Reference(string name) => ReferenceNetwork.For(Resolve(name));
    }
}
