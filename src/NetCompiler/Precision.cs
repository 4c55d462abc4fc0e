namespace NetCompiler
{
    /// <summary>The floating-point type T of parameters, inputs and outputs in the generated code.</summary>
    public enum Precision
    {
        /// <summary><c>float</c> (32-bit IEEE 754). The default.</summary>
        Single = 0,

        /// <summary><c>double</c> (64-bit IEEE 754).</summary>
        Double = 1,
    }
}
