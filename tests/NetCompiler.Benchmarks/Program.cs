using System;
using BenchmarkDotNet.Running;

namespace NetCompiler.Benchmarks;

/// <summary>
/// From the repository root:
/// <list type="bullet">
/// <item><c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*Unroll*'</c> runs
/// <see cref="UnrollThresholdBenchmarks"/> (about 7 minutes);</item>
/// <item><c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --il-sizes</c> prints the IL body
/// size and local count of the generated methods of every benchmark network;</item>
/// <item><c>DOTNET_JitStdOutFile=jit.txt DOTNET_JitDisasmSummary=1 dotnet run -c Release --project
/// tests/NetCompiler.Benchmarks -- --exercise</c> calls every benchmark method until it has tiered up, and the
/// JIT lists how it compiled each one (Tier0, Tier1, or MinOpts for a method too large to optimize);</item>
/// <item><c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --interleaved [rounds]</c> times
/// looped and unrolled in alternating blocks in one process (a cross-check for a noisy machine);</item>
/// <item><c>... -- --shapes [rounds]</c> does the same for the single layers of different aspect ratios and the
/// Tanh/Sigmoid networks of <c>ShapeNetworks.cs</c>;</item>
/// <item><c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*Peer*'</c> runs
/// <see cref="PeerBenchmarks"/>, NetCompiler against a naive and a TensorPrimitives MLP (about 8 minutes);</item>
/// <item><c>... -- --peers-check</c> checks that those three peers compute the same outputs and training steps;</item>
/// <item><c>dotnet run -c Release --project tests/NetCompiler.Benchmarks -- --filter '*ConvBenchmarks*'</c> runs
/// <see cref="ConvBenchmarks"/>, NetCompiler against a naive and a TensorPrimitives im2col implementation of three
/// convolutional networks (27 cases, about 8 minutes);</item>
/// <item><c>... -- --conv-check</c> checks that those three implementations compute the same outputs and training
/// steps;</item>
/// <item><c>... -- --peers-exercise</c> calls every public method of the five peer networks a few times (for the JIT
/// summary that NetCompiler.Generator.Tests' JitTests read).</item>
/// </list>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--il-sizes")
        {
            return IlSizes.Print();
        }

        if (args.Length > 0 && args[0] == "--interleaved")
        {
            return Interleaved.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 101, shapes: false);
        }

        if (args.Length > 0 && args[0] == "--shapes")
        {
            return Interleaved.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 101, shapes: true);
        }

        if (args.Length > 0 && args[0] == "--peers-check")
        {
            return Peers.PeerCheck.Run();
        }

        if (args.Length > 0 && args[0] == "--conv-check")
        {
            return Peers.ConvCheck.Run();
        }

        if (args.Length > 0 && args[0] == "--peers-exercise")
        {
            return Peers.PeerExercise.Run();
        }

        if (args.Length > 0 && args[0] == "--exercise")
        {
            return Exercise.Run();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
