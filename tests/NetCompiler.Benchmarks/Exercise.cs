using System;
using System.Reflection;
using System.Threading;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>Calls every benchmark method often enough, with pauses, for tiered compilation to finish.</summary>
internal static class Exercise
{
    public static int Run()
    {
        var benchmarks = new UnrollThresholdBenchmarks();
        foreach (MethodInfo method in typeof(UnrollThresholdBenchmarks).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<BenchmarkAttribute>() is null)
            {
                continue;
            }

            Action call;
            if (method.ReturnType == typeof(float))
            {
                var train = (Func<float>)Delegate.CreateDelegate(typeof(Func<float>), benchmarks, method);
                call = () => train();
            }
            else
            {
                call = (Action)Delegate.CreateDelegate(typeof(Action), benchmarks, method);
            }

            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 2000; i++)
                {
                    call();
                }

                Thread.Sleep(150);
            }
        }

        Console.WriteLine("done");
        return 0;
    }
}
