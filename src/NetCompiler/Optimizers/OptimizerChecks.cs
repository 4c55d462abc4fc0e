using System;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace NetCompiler
{
    /// <summary>Argument checks and throw helpers shared by the optimizers (kept out of the hot loops).</summary>
    internal static class OptimizerChecks
    {
        /// <summary>Only <c>float</c> and <c>double</c> have a hardware <see cref="Vector{T}"/> and are supported.</summary>
        public static void ElementType<T>()
        {
            if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            {
                throw new NotSupportedException(
                    "The NetCompiler optimizers support float and double only, not " + typeof(T).Name + ".");
            }
        }

        public static int ParameterCount(int parameterCount, string name)
        {
            if (parameterCount <= 0)
            {
                throw new ArgumentOutOfRangeException(name, parameterCount, "The parameter count must be at least 1.");
            }

            return parameterCount;
        }

        /// <summary>The length of a state of <paramref name="copies"/> values per parameter, if it fits in one array.</summary>
        public static int StateLength(int parameterCount, int copies, string name)
        {
            long length = (long)parameterCount * copies;
            if (length > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(name, parameterCount, "Too many parameters: the optimizer's state would not fit in one array.");
            }

            return (int)length;
        }

        /// <summary><paramref name="value"/> finite and in [<paramref name="min"/>, <paramref name="max"/>] (or [min, max) with <paramref name="maxExclusive"/>).</summary>
        public static double Range(double value, double min, double max, bool maxExclusive, string name)
        {
            bool ok = double.IsFinite(value) && value >= min && (maxExclusive ? value < max : value <= max);
            if (!ok)
            {
                string upper = double.IsPositiveInfinity(max)
                    ? "finite"
                    : (maxExclusive ? "less than " : "at most ") + max.ToString("R", CultureInfo.InvariantCulture);
                throw new ArgumentOutOfRangeException(
                    name,
                    value,
                    "Must be a finite number, at least " + min.ToString("R", CultureInfo.InvariantCulture) + " and " + upper + ".");
            }

            return value;
        }

        /// <summary><paramref name="value"/> finite and greater than 0.</summary>
        public static double Positive(double value, string name)
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new ArgumentOutOfRangeException(name, value, "Must be a finite number greater than 0.");
            }

            return value;
        }

        public static long StepCount(long value, string name)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(name, value, "The step count cannot be negative.");
            }

            return value;
        }

        /// <summary>Both spans must hold exactly <paramref name="expected"/> values.</summary>
        public static void Lengths(int parametersLength, int gradientLength, int expected)
        {
            if (parametersLength != expected)
            {
                ThrowLength("parameters", parametersLength, expected);
            }

            if (gradientLength != expected)
            {
                ThrowLength("gradient", gradientLength, expected);
            }
        }

        [DoesNotReturn]
        private static void ThrowLength(string name, int actual, int expected)
        {
            throw new ArgumentException(
                "Expected a span of " + expected.ToString(CultureInfo.InvariantCulture) + " values (the optimizer's ParameterCount), got "
                    + actual.ToString(CultureInfo.InvariantCulture) + ".",
                name);
        }
    }
}
