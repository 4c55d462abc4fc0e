using System;
using NetCompiler.Tests.Special;
namespace NetCompiler.Tests
{
    public class TmpSeedProbe
    {
        [Fact]
        public void Probe()
        {
            var n = new WideSoftmaxCeF32();
            n.InitializeParameters(0); float[] a = n.Parameters.ToArray();
            n.InitializeParameters(1); float[] b = n.Parameters.ToArray();
            int same = 0; for (int i = 0; i < 511; i++) if (b[i] == a[i + 1]) same++;
            Assert.Fail($"seed1[i] == seed0[i+1] for {same} of 511 first-layer weights; a0..3 = {a[0]} {a[1]} {a[2]} {a[3]}, b0..2 = {b[0]} {b[1]} {b[2]}");
        }
    }
}
