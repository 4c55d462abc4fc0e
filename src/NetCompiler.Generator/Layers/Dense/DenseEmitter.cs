using NetCompiler.Generator.Emission;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Layers.Dense;

/// <summary>
/// A Dense layer as one method per pass over one row, for networks emitted batch-first (with BatchNorm or Dropout, see
/// <see cref="NormalizedPlan"/>): a dot product per unit for the forward pass, and row updates (axpy) for the weight
/// gradient and for dE/d of the inputs. A network of Dense layers only is emitted by the Dense stack emitter instead.
/// </summary>
internal sealed class DenseEmitter : SpatialLayer
{
    private readonly DenseSpec _spec;

    public DenseEmitter(DenseSpec spec, int index, TensorShape input, int weightOffset)
        : base(index, input, spec.OutputShape(input), weightOffset)
    {
        _spec = spec;
    }

    public override LayerSpec Spec => _spec;

    private int Inputs => Input.Size;

    private int Units => _spec.Units;

    private int BiasOffset => WeightOffset + (Units * Inputs);

    public override int ParameterCount => (Units * Inputs) + (_spec.Bias ? Units : 0);

    public override long ForwardMacs => (long)Units * Inputs;

    public override long BackwardMacs => 2L * Units * Inputs;

    public override string ActivationName => _spec.Activation.ToString();

    public override (int FanIn, int FanOut, bool He)? Initialization => (Inputs, Units, _spec.Activation is Activation.ReLU or Activation.LeakyReLU);

    public override string Describe() => $"Dense {Units}";

    public override string ForwardCall(LayerBuffers b) => $"{Method}({b.Parameters}, {b.Input}, {b.Output});";

    public override string BackwardCall(LayerBuffers b, bool inputGradient) => inputGradient
        ? $"{Method}Backward({b.Parameters}, {b.Input}, {b.Output}, {b.OutputGradient}, {b.Gradient}, {b.InputGradient});"
        : $"{Method}Backward({b.Parameters}, {b.Input}, {b.Output}, {b.OutputGradient}, {b.Gradient});";

    public override void WriteForward(SourceWriter w, CodeContext c)
    {
        string f = ActivationFormulas.Describe(_spec.Activation);
        w.Line($"/// <summary>Layer {Index}, Dense {Inputs} -> {Units}: net_j = sum_i w_ji * o_i{(_spec.Bias ? " + b_j" : string.Empty)}, then {XmlText(f)}.</summary>");
        w.Line("/// <param name=\"p\">The parameters.</param>");
        w.Line($"/// <param name=\"input\">The layer's {Inputs} inputs o_i.</param>");
        w.Line($"/// <param name=\"output\">Receives the {Units} outputs o_j.</param>");
        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}({ReadOnlySpan(c)} p, {ReadOnlySpan(c)} input, {Span(c)} output)");
        w.Line($"// net_j = sum_i w_ji * o_i{(_spec.Bias ? " + b_j" : string.Empty)}: w_ji at p[{WeightOffset} + {Inputs} * j + i]{(_spec.Bias ? $", b_j at p[{BiasOffset} + j]" : string.Empty)}; a dot product per unit, two vector sums at a time.");
        if (_spec.Activation != Activation.Identity)
        {
            w.Line($"// Then {f}.");
        }

        w.Line($"ref {c.T} x = ref {c.Reference("input")};");
        w.Line($"ref {c.T} weights = ref {U}.Add(ref {c.Reference("p")}, {Int(WeightOffset)});");
        w.Open($"for (int j = 0; j < {Int(Units)}; j++)");
        w.Line($"ref {c.T} row = ref {U}.Add(ref weights, {Times(Inputs, "j")});");
        w.Line($"{c.T} net;");
        WriteBothWidths(w, c, flavor =>
        {
            w.Line($"{flavor.Type} s0 = {flavor.Zero}, s1 = {flavor.Zero};");
            w.Line("int i = 0;");
            w.Open($"for (; i <= {Int(Inputs)} - 2 * {flavor.Count}; i += 2 * {flavor.Count})");
            w.Line($"s0 = {flavor.MultiplyAdd(flavor.Load("row", "i"), flavor.Load("x", "i"), "s0")};");
            w.Line($"s1 = {flavor.MultiplyAdd(flavor.Load("row", flavor.At("i", 1)), flavor.Load("x", flavor.At("i", 1)), "s1")};");
            w.Close();
            w.Open($"if (i <= {Int(Inputs)} - {flavor.Count})");
            w.Line($"s0 = {flavor.MultiplyAdd(flavor.Load("row", "i"), flavor.Load("x", "i"), "s0")};");
            w.Line($"i += {flavor.Count};");
            w.Close();
            w.Line($"net = {flavor.Sum("s0 + s1")};");
            w.Open($"for (; i < {Int(Inputs)}; i++)");
            w.Line($"net += {U}.Add(ref row, i) * {U}.Add(ref x, i);");
            w.Close();
        });
        if (_spec.Bias)
        {
            w.Line($"net += p[{Int(BiasOffset)} + j];");
        }

        w.Line($"output[j] = {ActivationFormulas.Apply(c, _spec.Activation, "net")};");
        w.Close();
        w.Close();
        w.Line();
    }

    public override void WriteBackward(SourceWriter w, CodeContext c, bool inputGradient)
    {
        w.Line($"/// <summary>Layer {Index}, Dense: backpropagation for one row. Turns dE/do into the deltas, adds dE/dw{(_spec.Bias ? " and dE/db" : string.Empty)} into the gradient{(inputGradient ? " and writes dE/d of the inputs" : string.Empty)}.</summary>");
        w.Line("/// <param name=\"p\">The parameters.</param>");
        w.Line("/// <param name=\"input\">The inputs o_i of the forward pass.</param>");
        w.Line("/// <param name=\"output\">The outputs o_j of the forward pass (f' is computed from them).</param>");
        w.Line("/// <param name=\"delta\">dE/do_j on entry; the deltas dE/dnet_j on return.</param>");
        w.Line("/// <param name=\"gradient\">The parameter gradient, added into.</param>");
        if (inputGradient)
        {
            w.Line("/// <param name=\"inputGradient\">Receives dE/do_i of the inputs.</param>");
        }

        w.Line(GeneratedCode);
        w.Line(Optimize);
        w.Open($"private static void {Method}Backward({ReadOnlySpan(c)} p, {ReadOnlySpan(c)} input, {ReadOnlySpan(c)} output, {Span(c)} delta, {Span(c)} gradient{(inputGradient ? $", {Span(c)} inputGradient" : string.Empty)})");
        if (ActivationFormulas.Derivative(c, _spec.Activation, "o") is { } derivative)
        {
            w.Line($"// 1. delta_j = dE/do_j * f'(net_j), where {ActivationFormulas.DescribeDerivative(_spec.Activation)}.");
            w.Open($"for (int j = 0; j < {Int(Units)}; j++)");
            w.Line($"{c.T} o = output[j];");
            w.Line($"delta[j] *= {derivative};");
            w.Close();
        }
        else
        {
            w.Line("// 1. delta_j = dE/do_j * f'(net_j) = dE/do_j (f = identity, f' = 1).");
        }

        w.Line($"// 2. dE/dw_ji += delta_j * o_i{(_spec.Bias ? ", dE/db_j += delta_j" : string.Empty)}: one row update per unit.");
        w.Line($"ref {c.T} x = ref {c.Reference("input")};");
        w.Line($"ref {c.T} weightGradient = ref {U}.Add(ref {c.Reference("gradient")}, {Int(WeightOffset)});");
        w.Open($"for (int j = 0; j < {Int(Units)}; j++)");
        w.Line($"{c.T} d = delta[j];");
        w.Line($"ref {c.T} row = ref {U}.Add(ref weightGradient, {Times(Inputs, "j")});");
        WriteAxpy(w, c, "row", "x");
        if (_spec.Bias)
        {
            w.Line($"gradient[{Int(BiasOffset)} + j] += d;");
        }

        w.Close();
        if (inputGradient)
        {
            w.Line($"// 3. dE/do_i = sum_j w_ji * delta_j: the weight rows scaled by their deltas, summed.");
            w.Line("inputGradient.Clear();");
            w.Line($"ref {c.T} back = ref {c.Reference("inputGradient")};");
            w.Line($"ref {c.T} weights = ref {U}.Add(ref {c.Reference("p")}, {Int(WeightOffset)});");
            w.Open($"for (int j = 0; j < {Int(Units)}; j++)");
            w.Line($"{c.T} d = delta[j];");
            w.Line($"ref {c.T} row = ref {U}.Add(ref weights, {Times(Inputs, "j")});");
            WriteAxpy(w, c, "back", "row");
            w.Close();
        }

        w.Close();
        w.Line();
    }

    /// <summary><c>target[i] += d * source[i]</c> for i &lt; inputs, in vectors of both widths, then the rest one by one.</summary>
    private void WriteAxpy(SourceWriter w, CodeContext c, string target, string source)
    {
        WriteBothWidths(w, c, flavor =>
        {
            w.Line($"{flavor.Type} dv = {flavor.Broadcast("d")};");
            w.Line("int i = 0;");
            w.Open($"for (; i <= {Int(Inputs)} - {flavor.Count}; i += {flavor.Count})");
            w.Line(flavor.Store(target, "i", flavor.MultiplyAdd("dv", flavor.Load(source, "i"), flavor.Load(target, "i"))));
            w.Close();
            w.Open($"for (; i < {Int(Inputs)}; i++)");
            w.Line($"{U}.Add(ref {target}, i) += d * {U}.Add(ref {source}, i);");
            w.Close();
        });
    }
}
