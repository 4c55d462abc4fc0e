using System.Globalization;

namespace NetCompiler.Generator.Emission;

/// <summary>
/// Numeric literals for generated code: culture-invariant (whatever the build machine's culture, e.g. a
/// minus sign of U+2212) and exact (parsing the literal gives back the same <c>float</c>/<c>double</c>).
/// </summary>
internal static class Literals
{
    public static string Format(double value, Precision precision) =>
        precision == Precision.Single ? Single((float)value) : Double(value);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Single(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        // "R" is the shortest round-trip form on .NET Core but not always on .NET Framework (where the
        // compiler may run inside Visual Studio): verify, and fall back to 9 significant digits.
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) != value)
        {
            text = value.ToString("G9", CultureInfo.InvariantCulture);
        }

        return text + "f";
    }

    private static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) != value)
        {
            text = value.ToString("G17", CultureInfo.InvariantCulture);
        }

        return text + "d";
    }
}
