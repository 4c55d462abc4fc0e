using System;
using System.Linq;
using System.Reflection;
using NetCompiler.Tests.Reference;
using NetCompiler.Tests.Special;

namespace NetCompiler.Tests
{
    /// <summary>Tests of particular declarations (and of the test harness's own assumptions).</summary>
    public sealed class SpecialNetworkTests
    {
        // 56 grid + 14 loop + 14 mixed + 24 special + 1 global-namespace + 5 parameter-file networks
        // + 2 trainable twins of baked networks (baked networks themselves are not in the catalog) + 22 convolutional networks
        // + 4 PyTorch fixture networks + the max-pool tie network.
        private const int DeclaredNetworks = 143;

        [Fact]
        public void Every_declared_network_is_in_the_catalog()
        {
            Assert.Equal(DeclaredNetworks, NetworkCatalog.All.Count);
            Assert.Equal(DeclaredNetworks, NetworkCatalog.Of<float>().Count() + NetworkCatalog.Of<double>().Count());
            foreach (Type t in NetworkCatalog.All)
            {
                Precision precision = t.GetCustomAttribute<NetworkAttribute>()!.Precision;
                Type expected = precision == Precision.Single ? typeof(INet<float>) : typeof(INet<double>);
                Assert.True(expected.IsAssignableFrom(t), $"{t} ({precision}) does not implement {expected}");
            }
        }

        [Fact]
        public void Reference_reads_the_layers_in_source_order()
        {
            ReferenceNetwork seed = ReferenceNetwork.For(typeof(SeedNet));
            Assert.Equal(new[] { 3, 1 }, seed.Layers.Select(l => l.Units));
            Assert.All(seed.Layers, l => Assert.False(l.HasBias));
            Assert.Equal(9, seed.ParameterCount);

            ReferenceNetwork deep = ReferenceNetwork.For(typeof(DeepF64));
            Assert.Equal(new[] { 3, 3, 4, 3, 3, 3 }, deep.Layers.Select(l => l.Units));
            Assert.Equal(
                new[] { Activation.Tanh, Activation.ReLU, Activation.Sigmoid, Activation.LeakyReLU, Activation.Identity, Activation.Softmax },
                deep.Layers.Select(l => l.Activation));
            Assert.Equal(new[] { true, false, true, true, false, true }, deep.Layers.Select(l => l.HasBias));

            ReferenceNetwork list = ReferenceNetwork.For(typeof(AttributeListSoftmaxMseF32));
            Assert.Equal(new[] { 4, 2 }, list.Layers.Select(l => l.Units));
        }

        [Fact]
        public void Size_constants_are_compile_time_constants()
        {
            const int inputs = SeedNet.InputCount;
            const int outputs = SeedNet.OutputCount;
            const int parameters = SeedNet.ParameterCount;
            Assert.Equal(2, inputs);
            Assert.Equal(1, outputs);
            Assert.Equal(9, parameters);

            Assert.Equal(3, DefaultsNet.InputCount);
            Assert.Equal(2, DefaultsNet.OutputCount);
            Assert.Equal(8, DefaultsNet.ParameterCount);
            Assert.Equal(16, WideSoftmaxCeF32.InputCount);
            Assert.Equal((16 * 32) + 32 + (32 * 10) + 10, WideSoftmaxCeF32.ParameterCount);
            Assert.Equal(2, GlobalNamespaceNet.OutputCount);
            Assert.Equal((3 * 4) + 4 + (4 * 2) + 2, Outer.NestedNet.ParameterCount);
        }

        [Theory]
        [MemberData(nameof(NetworkCatalog.DenseNames), MemberType = typeof(NetworkCatalog))]
        public void Memory_constants_match_the_declaration(string network)
        {
            // What embedded users size memory by: parameter bytes, the batch gradient buffer, and the
            // stack each pass takes for the layers that are not fully unrolled (values o, deltas, and the
            // last layer's sums when Softmax or cross-entropy needs them).
            Type type = NetworkCatalog.Resolve(network);
            ReferenceNetwork r = NetworkCatalog.Reference(network);
            int size = r.Precision == Precision.Single ? 4 : 8;
            Assert.Equal(r.ParameterCount * size, NetworkCatalog.Constant(type, "ParameterBytes"));

            // Which layers are unrolled: weights <= UnrollLimit when it is given; by default (README, "Unrolled
            // or looped") at most 64 weights, at most 12 inputs unless the layer has one unit, and at most 256
            // unrolled weights in the whole network, counted from the first layer.
            var unrolledLayers = new bool[r.Layers.Count];
            int unrolledWeights = 0;
            for (int l = 0; l < r.Layers.Count; l++)
            {
                ReferenceLayer layer = r.Layers[l];
                unrolledLayers[l] = r.UnrollLimit >= 0
                    ? layer.WeightCount <= r.UnrollLimit
                    : layer.WeightCount <= 64 && (layer.Inputs <= 12 || layer.Units == 1) && unrolledWeights + layer.WeightCount <= 256;
                unrolledWeights += unrolledLayers[l] ? layer.WeightCount : 0;
            }

            // The batch buffer: the summed gradient, then for up to 32 rows at a time what each row keeps for the looped
            // layers' chunked gradient (their deltas, and the values of the layer before as their inputs); a looped
            // first layer's weighted sums are kept too (computed for the whole chunk), and are layer 1's inputs.
            int kept = unrolledLayers[0] ? 0 : r.Layers[0].Units;
            for (int l = 0; l < r.Layers.Count; l++)
            {
                bool inputsKept = l > 0 && !(l == 1 && !unrolledLayers[0]);
                kept += unrolledLayers[l] ? 0 : r.Layers[l].Units + (inputsKept ? r.Layers[l].Inputs : 0);
            }

            // TrainBatch's lane-per-sample pass (float, at most 256 parameters) keeps its per-lane gradient sums, 16 lanes
            // per parameter, at the end of that buffer.
            bool lanes = size == 4 && r.ParameterCount <= 256;
            int laneSums = lanes ? 16 * r.ParameterCount : 0;
            // The buffer is an AlignedBuffer: 64 bytes more, so that it can start on a 64-byte boundary.
            Assert.Equal(((r.ParameterCount + (32 * kept) + laneSums) * size) + 64, NetworkCatalog.Constant(type, "BatchGradientBytes"));

            int forward = 0, training = 0;
            for (int l = 0; l < r.Layers.Count; l++)
            {
                ReferenceLayer layer = r.Layers[l];
                bool unrolled = unrolledLayers[l];
                bool nextUnrolled = l == r.Layers.Count - 1 || unrolledLayers[l + 1];
                if (!(unrolled && nextUnrolled))
                {
                    forward += layer.Units;
                    training += 2 * layer.Units;
                }

                if (!unrolled && l == r.Layers.Count - 1 && (layer.Activation == Activation.Softmax || r.Loss == Loss.CrossEntropy))
                {
                    forward += layer.Units;
                    training += layer.Units;
                }
            }

            // The lane pass's stack: 16 lanes, per lane group, of the inputs and targets and of the widest layer's values;
            // two lane groups when no layer has more than 8 units, else one.
            if (lanes)
            {
                int widest = 0;
                foreach (ReferenceLayer layer in r.Layers)
                {
                    widest = Math.Max(widest, layer.Units);
                }

                int groups = widest <= 8 ? 2 : 1;
                training += 16 * groups * (r.Inputs + r.Layers[^1].Units + widest);
            }

            Assert.Equal(forward * size, NetworkCatalog.Constant(type, "ForwardScratchBytes"));
            Assert.Equal(training * size, NetworkCatalog.Constant(type, "TrainingScratchBytes"));
        }

        [Fact]
        public void Softmax_cross_entropy_gradient_is_right_for_targets_that_do_not_sum_to_one()
        {
            // dE/dnet_k = y_k * sum_j d_j - d_k: y - d only for one-hot or probability targets. An all-zero
            // target (a masked sample) must give loss 0 and gradient 0; any other must match ComputeLoss.
            Check(new Grid.SoftmaxCeBiasF64(), Grid.SoftmaxCeBiasF64.ParameterCount);
            Check(new Loop.LoopSoftmaxCeF64(), Loop.LoopSoftmaxCeF64.ParameterCount);
        }

        private static void Check(INet<double> net, int parameterCount)
        {
            net.InitializeParameters(3);
            double[] x = { 0.3, -0.7, 1.1 };
            foreach (double[] target in new[] { new double[] { 0, 0 }, new double[] { 0.5, 1.5 }, new double[] { 2, 0 } })
            {
                var gradient = new double[parameterCount];
                double loss = net.Gradient(x, target, gradient);
                Assert.Equal(net.ComputeLoss(x, target), loss, 12);
                Span<double> p = net.Parameters;
                for (int i = 0; i < p.Length; i++)
                {
                    double saved = p[i];
                    p[i] = saved + 1e-6;
                    double plus = net.ComputeLoss(x, target);
                    p[i] = saved - 1e-6;
                    double minus = net.ComputeLoss(x, target);
                    p[i] = saved;
                    Assert.True(Math.Abs(((plus - minus) / 2e-6) - gradient[i]) < 1e-7, $"target [{string.Join(", ", target)}], parameter {i}: {gradient[i]} vs {(plus - minus) / 2e-6}");
                }
            }
        }

        [Fact]
        public void SeedNet_computes_the_textbook_forward_pass_and_step()
        {
            var net = new SeedNet();
            Span<float> p = net.Parameters;
            float[] w = { 0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f, 0.9f };
            w.CopyTo(p);
            float[] x = { 0.5f, -1.0f };
            double Sig(double v) => 1 / (1 + Math.Exp(-v));
            var h = new double[3];
            for (int j = 0; j < 3; j++)
            {
                h[j] = Sig((w[2 * j] * (double)x[0]) + (w[(2 * j) + 1] * (double)x[1]));
            }

            double y = Sig((w[6] * h[0]) + (w[7] * h[1]) + (w[8] * h[2]));
            var output = new float[1];
            net.Forward(x, output);
            Assert.Equal(y, output[0], 5);

            float[] d = { 1f };
            double e = 0.5 * (1 - y) * (1 - y);
            Assert.Equal(e, net.ComputeLoss(x, d), 5);

            // Output delta and the last layer's weight gradient by hand (textbook backpropagation).
            double delta = (y - 1) * y * (1 - y);
            var g = new float[SeedNet.ParameterCount];
            net.Gradient(x, d, g);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(delta * h[j], g[6 + j], 5);
            }

            float returned = net.Train(x, d, 0.5f);
            Assert.Equal(e, returned, 5);
            Assert.Equal(w[6] - (0.5 * delta * h[0]), net.Parameters[6], 5);
        }

        [Fact]
        public void Types_live_where_they_were_declared()
        {
            Assert.Null(typeof(GlobalNamespaceNet).Namespace);
            Assert.True(typeof(Outer.NestedNet).IsNested);
            Assert.Equal(typeof(Outer), typeof(Outer.NestedNet).DeclaringType);
            Assert.True(typeof(InternalSealedNet).IsNotPublic);
            Assert.True(typeof(InternalSealedNet).IsSealed);
            Assert.True(typeof(SealedNet).IsSealed);
            Assert.True(typeof(SealedNet).IsPublic);

            var nested = new Outer.NestedNet();
            var global = new GlobalNamespaceNet();
            var hidden = new InternalSealedNet();
            Assert.Equal(Outer.NestedNet.ParameterCount, nested.Parameters.Length);
            Assert.Equal(GlobalNamespaceNet.ParameterCount, global.Parameters.Length);
            Assert.Equal(InternalSealedNet.ParameterCount, hidden.Parameters.Length);
        }

        [Fact]
        public void A_user_written_constructor_still_gets_initialized_parameters()
        {
            var net = new UserConstructorNet();
            Assert.Equal(42, net.Tag);
            double[] fresh = net.Parameters.ToArray();
            Assert.Contains(fresh, v => v != 0);
            net.InitializeParameters(0);
            Assert.Equal(fresh, net.Parameters.ToArray());
        }

        [Fact]
        public void Chained_user_written_constructors_still_get_initialized_parameters()
        {
            var viaDefault = new UserConstructorChainNet();
            var direct = new UserConstructorChainNet(9);
            Assert.Equal(7, viaDefault.Tag);
            Assert.Equal(9, direct.Tag);
            float[] a = viaDefault.Parameters.ToArray();
            float[] b = direct.Parameters.ToArray();
            Assert.Contains(a, v => v != 0);
            Assert.Equal(a, b);
            direct.InitializeParameters(0);
            Assert.Equal(a, direct.Parameters.ToArray());
        }

        [Theory]
        [MemberData(nameof(NetworkCatalog.AllNames), MemberType = typeof(NetworkCatalog))]
        public void Generated_members_do_not_hide_the_attribute_names(string network)
        {
            Type type = NetworkCatalog.Resolve(network);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (string name in new[] { "Loss", "Activation", "Precision", "Dense", "Network" })
            {
                Assert.Empty(type.GetMember(name, all));
            }
        }

        [Theory]
        [MemberData(nameof(NetworkCatalog.AllNames), MemberType = typeof(NetworkCatalog))]
        public void Public_members_have_the_documented_signatures(string network)
        {
            Type type = NetworkCatalog.Resolve(network);
            Type t = type.GetCustomAttribute<NetworkAttribute>()!.Precision == Precision.Single ? typeof(float) : typeof(double);
            Type span = typeof(Span<>).MakeGenericType(t);
            Type ro = typeof(ReadOnlySpan<>).MakeGenericType(t);

            void Has(string name, Type returns, params Type[] parameters)
            {
                MethodInfo? m = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters);
                Assert.True(m is not null, $"{type}: no public instance {name}({string.Join(", ", parameters.Select(p => p.Name))})");
                Assert.Equal(returns, m!.ReturnType);
            }

            Has("Forward", typeof(void), ro, span);
            Has("ForwardBatch", typeof(void), ro, span);
            Has("ComputeLoss", t, ro, ro);
            Has("Gradient", t, ro, ro, span);
            Has("Train", t, ro, ro, t);
            Has("TrainBatch", t, ro, ro, t);
            Has("InitializeParameters", typeof(void), typeof(int));
            PropertyInfo? parameters = type.GetProperty("Parameters", BindingFlags.Public | BindingFlags.Instance);
            Assert.NotNull(parameters);
            Assert.Equal(span, parameters!.PropertyType);

            string[] names = type.GetMethod("Gradient", BindingFlags.Public | BindingFlags.Instance)!.GetParameters().Select(p => p.Name!).ToArray();
            Assert.Equal(new[] { "input", "target", "gradient" }, names);
            names = type.GetMethod("TrainBatch", BindingFlags.Public | BindingFlags.Instance)!.GetParameters().Select(p => p.Name!).ToArray();
            Assert.Equal(new[] { "inputs", "targets", "learningRate" }, names);
        }
    }
}
