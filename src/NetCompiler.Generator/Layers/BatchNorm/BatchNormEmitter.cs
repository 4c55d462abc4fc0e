using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.BatchNorm;

/// <summary>
/// How <c>[BatchNorm]</c> is emitted: an inference method over one row (the running statistics), a training method over
/// all rows of a batch (the batch statistics, the running update) and its backward pass through the batch statistics.
/// Values are (row, channel, position): row r of a layer at r * <see cref="Stride"/>, channel c at c * positions.
/// </summary>
internal sealed class BatchNormEmitter
{
    private readonly BatchNormSpec _spec;

    public BatchNormEmitter(BatchNormSpec spec, int index, TensorShape shape, int parameterOffset, int bufferOffset, int ordinal)
    {
        _spec = spec;
        Index = index;
        Shape = shape;
        ParameterOffset = parameterOffset;
        BufferOffset = bufferOffset;
        Ordinal = ordinal;
    }

    public int Index { get; }

    public TensorShape Shape { get; }

    /// <summary>Where gamma starts in the parameters (beta follows it).</summary>
    public int ParameterOffset { get; }

    /// <summary>Where the running mean starts in the buffers (the running variance follows it).</summary>
    public int BufferOffset { get; }

    /// <summary>Its place among the network's BatchNorm layers (its num_batches_tracked counter).</summary>
    public int Ordinal { get; }

    public Activation Activation => _spec.Activation;

    public double Epsilon => _spec.Epsilon;

    public double Momentum => _spec.Momentum;

    private int C => Shape.Channels;

    private int P => Shape.Positions;

    public int ParameterCount => 2 * C;

    /// <summary>Values between one row's values and the next's (a whole number of the widest vectors).</summary>
    public int Stride => SpatialLayer.RoundUp(Shape.Size);

    /// <summary>Values per batch statistic: the rows times the positions per channel.</summary>
    public string Describe() => P == 1 ? $"BatchNorm over {C} features" : $"BatchNorm over {C} channels of {P} positions";

    private string Gamma(string c) => $"p[{ParameterOffset} + {c}]";

    private string Beta(string c) => $"p[{ParameterOffset + C} + {c}]";

    private string Mean(string c) => $"buffers[{BufferOffset} + {c}]";

    private string Variance(string c) => $"buffers[{BufferOffset + C} + {c}]";

    private const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"NetCompiler\", null)]";

    private const string Optimize = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    private static string Int(long value) => Literals.Int(value);

    private string Element(string r, string c, string q) =>
        P == 1 ? $"{r} * {Int(Stride)} + {c}" : $"{r} * {Int(Stride)} + {c} * {Int(P)} + {q}";

    /// <summary>Opens "for each row, for each position of channel c" and calls <paramref name="body"/> with the element index.</summary>
    private void ForEachValue(SourceWriter w, System.Action<string> body)
    {
        w.Open("for (int r = 0; r < rows; r++)");
        if (P == 1)
        {
            body(Element("r", "c", "0"));
        }
        else
        {
            w.Line($"int start = {Element("r", "c", "0")};");
            w.Open($"for (int at = start; at < start + {Int(P)}; at++)");
            body("at");
            w.Close();
        }

        w.Close();
    }

    /// <summary>The inference method over one row, in place: y = gamma * (z - running mean) / sqrt(running var + eps) + beta, o = f(y).</summary>
    public void WriteInference(SourceWriter w, CodeContext c)
    {
        string t = c.T;
        w.Line($"/// <summary>Layer {Index}, BatchNorm (inference), in place over one row: o = f(gamma_c * (z - mean_c) / sqrt(var_c + eps) + beta_c) with the running mean and variance, eps = {BatchNormKind.Format(Epsilon)}.</summary>");
        w.Line("/// <param name=\"p\">The parameters (gamma, beta).</param>");
        w.Line("/// <param name=\"buffers\">The running statistics.</param>");
        w.Line($"/// <param name=\"values\">The layer before's sums z on entry ({Shape.Describe()}), the outputs o on return.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void __Layer{Index}(global::System.ReadOnlySpan<{t}> p, global::System.ReadOnlySpan<{t}> buffers, global::System.Span<{t}> values)");
        w.Line($"// y = (z - mean_c) * (gamma_c / sqrt(var_c + eps)) + beta_c, then {ActivationFormulas.Describe(Activation).Replace("_j", string.Empty).Replace("net", "y")}.");
        w.Open($"for (int c = 0; c < {Int(C)}; c++)");
        w.Line($"{t} mean = {Mean("c")};");
        w.Line($"{t} scale = {Gamma("c")} / {c.Math}.Sqrt({Variance("c")} + {c.Lit(Epsilon)});");
        w.Line($"{t} beta = {Beta("c")};");
        if (P == 1)
        {
            w.Line($"{t} y = (values[c] - mean) * scale + beta;");
            w.Line($"values[c] = {ActivationFormulas.Apply(c, Activation, "y")};");
        }
        else
        {
            w.Open($"for (int at = c * {Int(P)}; at < (c + 1) * {Int(P)}; at++)");
            w.Line($"{t} y = (values[at] - mean) * scale + beta;");
            w.Line($"values[at] = {ActivationFormulas.Apply(c, Activation, "y")};");
            w.Close();
        }

        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>The training method over all rows: the batch statistics, z_hat, o, and the running update.</summary>
    public void WriteTraining(SourceWriter w, CodeContext c)
    {
        string t = c.T;
        double m = Momentum;
        w.Line($"/// <summary>Layer {Index}, BatchNorm (training) over a batch: per {(P == 1 ? "feature" : "channel")} c the mean and the population variance of its n = rows{(P == 1 ? string.Empty : $" * {P}")} values,");
        w.Line("/// z_hat = (z - mean_c) / sqrt(var_c + eps), o = f(gamma_c * z_hat + beta_c); then the running statistics move towards the batch's.</summary>");
        w.Line("/// <param name=\"p\">The parameters (gamma, beta).</param>");
        w.Line("/// <param name=\"buffers\">The running statistics, updated.</param>");
        w.Line("/// <param name=\"z\">The layer before's sums, row after row.</param>");
        w.Line("/// <param name=\"zHat\">Receives z_hat (kept for the backward pass).</param>");
        w.Line("/// <param name=\"output\">Receives o.</param>");
        w.Line("/// <param name=\"inverseDeviation\">Receives 1 / sqrt(var_c + eps) per channel (kept for the backward pass).</param>");
        w.Line("/// <param name=\"rows\">The rows of the batch.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void __Layer{Index}Train(global::System.ReadOnlySpan<{t}> p, global::System.Span<{t}> buffers, global::System.ReadOnlySpan<{t}> z, global::System.Span<{t}> zHat, global::System.Span<{t}> output, global::System.Span<{t}> inverseDeviation, int rows)");
        w.Line($"{t} n = rows{(P == 1 ? string.Empty : $" * {Int(P)}")};");
        w.Open($"for (int c = 0; c < {Int(C)}; c++)");
        w.Line("// mean_c = (1/n) * sum z; var_c = (1/n) * sum (z - mean_c)^2 (two passes, so no cancellation).");
        w.Line($"{t} sum = {c.Lit(0)};");
        ForEachValue(w, at => w.Line($"sum += z[{at}];"));
        w.Line($"{t} mean = sum / n;");
        w.Line($"{t} squares = {c.Lit(0)};");
        ForEachValue(w, at =>
        {
            w.Line($"{t} d = z[{at}] - mean;");
            w.Line("squares += d * d;");
        });
        w.Line($"{t} variance = squares / n;");
        w.Line($"{t} inverse = {c.Lit(1)} / {c.Math}.Sqrt(variance + {c.Lit(Epsilon)});");
        w.Line("inverseDeviation[c] = inverse;");
        w.Line($"{t} gamma = {Gamma("c")}, beta = {Beta("c")};");
        w.Line($"// z_hat = (z - mean_c) * inverse; y = gamma_c * z_hat + beta_c; {ActivationFormulas.Describe(Activation).Replace("_j", string.Empty).Replace("net", "y")}.");
        ForEachValue(w, at =>
        {
            w.Line($"{t} x = (z[{at}] - mean) * inverse;");
            w.Line($"zHat[{at}] = x;");
            w.Line($"{t} y = gamma * x + beta;");
            w.Line($"output[{at}] = {ActivationFormulas.Apply(c, Activation, "y")};");
        });
        w.Line($"// Running statistics (momentum {BatchNormKind.Format(m)}): mean <- (1 - m) * mean + m * mean_c; var <- (1 - m) * var + m * var_c * n / (n - 1) (the unbiased variance).");
        w.Line($"{Mean("c")} = {c.Lit(1 - m)} * {Mean("c")} + {c.Lit(m)} * mean;");
        w.Line($"{Variance("c")} = {c.Lit(1 - m)} * {Variance("c")} + {c.Lit(m)} * (squares / (n - {c.Lit(1)}));");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>The backward pass through the batch statistics (the full formula, every value's effect on mean and variance included).</summary>
    public void WriteBackward(SourceWriter w, CodeContext c, bool inputGradient)
    {
        string t = c.T;
        w.Line($"/// <summary>Layer {Index}, BatchNorm: backpropagation through the batch statistics. With dy = dE/do * f'(y): dE/dgamma_c += sum dy * z_hat,");
        w.Line("/// dE/dbeta_c += sum dy" + (inputGradient ? ", and dE/dz = gamma_c / (n * sqrt(var_c + eps)) * (n * dy - sum dy - z_hat * sum dy * z_hat)." : "."));
        w.Line("/// </summary>");
        w.Line("/// <param name=\"p\">The parameters (gamma, beta).</param>");
        w.Line("/// <param name=\"zHat\">z_hat of the forward pass.</param>");
        w.Line("/// <param name=\"output\">o of the forward pass (f' is computed from it).</param>");
        w.Line("/// <param name=\"delta\">dE/do on entry; dy = dE/dy on return.</param>");
        w.Line("/// <param name=\"inverseDeviation\">1 / sqrt(var_c + eps) of the forward pass.</param>");
        w.Line("/// <param name=\"gradient\">The parameter gradient, added into.</param>");
        if (inputGradient)
        {
            w.Line("/// <param name=\"inputGradient\">Receives dE/dz of the layer before's sums.</param>");
        }

        w.Line("/// <param name=\"rows\">The rows of the batch.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void __Layer{Index}Backward(global::System.ReadOnlySpan<{t}> p, global::System.ReadOnlySpan<{t}> zHat, global::System.ReadOnlySpan<{t}> output, global::System.Span<{t}> delta, global::System.ReadOnlySpan<{t}> inverseDeviation, global::System.Span<{t}> gradient, {(inputGradient ? $"global::System.Span<{t}> inputGradient, " : string.Empty)}int rows)");
        w.Line($"{t} n = rows{(P == 1 ? string.Empty : $" * {Int(P)}")};");
        w.Open($"for (int c = 0; c < {Int(C)}; c++)");
        string? derivative = ActivationFormulas.Derivative(c, Activation, "o");
        w.Line(derivative is null
            ? "// dy = dE/do (f' = 1); the sums of dy and dy * z_hat."
            : $"// dy = dE/do * f'(y), {ActivationFormulas.DescribeDerivative(Activation).Replace("_j", string.Empty).Replace("net", "y")}; the sums of dy and dy * z_hat.");
        w.Line($"{t} sumDy = {c.Lit(0)}, sumDyZ = {c.Lit(0)};");
        ForEachValue(w, at =>
        {
            if (derivative is not null)
            {
                w.Line($"{t} o = output[{at}];");
                w.Line($"delta[{at}] *= {derivative};");
            }

            w.Line($"sumDy += delta[{at}];");
            w.Line($"sumDyZ += delta[{at}] * zHat[{at}];");
        });
        w.Line($"// dE/dgamma_c = sum dy * z_hat, dE/dbeta_c = sum dy.");
        w.Line($"gradient[{ParameterOffset} + c] += sumDyZ;");
        w.Line($"gradient[{ParameterOffset + C} + c] += sumDy;");
        if (inputGradient)
        {
            w.Line("// dE/dz = (gamma_c * inverse / n) * (n * dy - sum dy - z_hat * sum dy * z_hat).");
            w.Line($"{t} k = {Gamma("c")} * inverseDeviation[c] / n;");
            ForEachValue(w, at => w.Line($"inputGradient[{at}] = k * (n * delta[{at}] - sumDy - zHat[{at}] * sumDyZ);"));
        }

        w.Close();
        w.Close();
        w.Line();
    }
}
