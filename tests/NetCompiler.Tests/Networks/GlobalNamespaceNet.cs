using NetCompiler;
using NetCompiler.Tests;

// A network in the global namespace.
[Network(2, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(3, Activation.Sigmoid)]
[Dense(2, Activation.Softmax)]
public partial class GlobalNamespaceNet : INet<double> { }
