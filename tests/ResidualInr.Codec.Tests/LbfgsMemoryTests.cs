using ResidualInr.Codec.Siren;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>The compact L-BFGS memory: the same inverse-Hessian approximation as the two-loop recursion, and the secant equation.</summary>
public class LbfgsMemoryTests
{
    private const int Networks = 3, Parameters = 20, Pairs = 4;

    /// <summary>Textbook −H·g for one network (Nocedal and Wright, algorithm 7.4) in double, its pairs oldest first, H0 = h0·I.</summary>
    private static double[] TwoLoop(IReadOnlyList<(double[] S, double[] Y)> pairs, double[] g, double h0)
    {
        static double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();
        var q = (double[])g.Clone();
        var alpha = new double[pairs.Count];
        for (int i = pairs.Count - 1; i >= 0; i--)
        {
            alpha[i] = Dot(pairs[i].S, q) / Dot(pairs[i].Y, pairs[i].S);
            for (int j = 0; j < q.Length; j++) q[j] -= alpha[i] * pairs[i].Y[j];
        }
        var r = q.Select(v => h0 * v).ToArray();
        for (int i = 0; i < pairs.Count; i++)
        {
            double beta = Dot(pairs[i].Y, r) / Dot(pairs[i].Y, pairs[i].S);
            for (int j = 0; j < r.Length; j++) r[j] += (alpha[i] - beta) * pairs[i].S[j];
        }
        return r.Select(v => -v).ToArray();
    }

    /// <summary>Random pairs with positive curvature: y = A·s for a symmetric positive definite A per network, plus a little noise.</summary>
    private sealed class PairSource(int seed)
    {
        private readonly Generator _gen = new((ulong)seed, CPU);
        private readonly Tensor _a = MakeA(seed);

        private static Tensor MakeA(int seed)
        {
            var m = randn([Networks, Parameters, Parameters], generator: new Generator((ulong)seed + 1, CPU));
            return m.matmul(m.transpose(1, 2)) / Parameters + eye(Parameters) * 0.5;
        }

        public (Tensor S, Tensor Y) Next()
        {
            var s = randn([Networks, Parameters], generator: _gen);
            var y = _a.matmul(s.unsqueeze(2)).squeeze(2) + 0.01 * randn([Networks, Parameters], generator: _gen);
            return (s, y);
        }
    }

    private static double[] Row(Tensor t, int i) => t[i].to(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void Its_direction_is_the_two_loop_recursion_over_the_pairs_each_network_holds()
    {
        using var scope = NewDisposeScope();
        using var memory = new LbfgsMemory(Networks, Parameters, Pairs, CPU);
        var source = new PairSource(seed: 7);
        var h0 = tensor(new float[] { 0.3f, 1f, 2.5f });
        // Seven calls, so the ring of four wraps; each network skips a different call (no pair stored: an empty slot).
        var added = new List<(Tensor S, Tensor Y, bool[] Stored)>();
        Tensor? direction = null;
        var g = randn([Networks, Parameters], generator: new Generator(9, CPU));
        for (int call = 0; call < 7; call++)
        {
            var (s, y) = source.Next();
            var stored = new[] { call != 5, call != 4, call % 2 == 0 || call == 6 };
            added.Add((s, y, stored));
            direction = memory.Add(s, y, tensor(stored), call == 6 ? g : null, h0);
            if (call < 6) Assert.Null(direction);
        }
        for (int b = 0; b < Networks; b++)
        {
            var held = added.TakeLast(Pairs).Where(p => p.Stored[b]).Select(p => (Row(p.S, b), Row(p.Y, b))).ToList();
            var expected = TwoLoop(held, Row(g, b), h0[b].item<float>());
            var actual = Row(direction!, b);
            double scale = expected.Max(Math.Abs);
            Assert.True(expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1e-4 * scale),
                $"network {b} ({held.Count} pairs): largest difference {expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)):E2} of {scale:E2}");
        }

        // A network whose pairs are forgotten descends along −h0·g; the others keep theirs.
        memory.Forget(tensor(new[] { true, false, false }));
        var none = zeros([Networks, Parameters]);
        var afterForget = memory.Add(none, none, tensor(new[] { false, false, false }), g, h0)!;
        Assert.True(allclose(afterForget[0], -h0[0] * g[0], rtol: 1e-6, atol: 1e-7), "a forgetful network's direction is not −h0·g");
        var kept = added.TakeLast(Pairs - 1).Where(p => p.Stored[1]).Select(p => (Row(p.S, 1), Row(p.Y, 1))).ToList();
        var expected1 = TwoLoop(kept, Row(g, 1), h0[1].item<float>());
        Assert.True(allclose(afterForget[1].to(ScalarType.Float64), tensor(expected1), rtol: 1e-4, atol: 1e-5), "network 1 lost pairs it held");
    }

    [Fact]
    public void Pairs_added_after_forgetting_are_all_a_network_holds_though_the_ring_keeps_the_old_ones_data()
    {
        using var scope = NewDisposeScope();
        using var memory = new LbfgsMemory(Networks, Parameters, Pairs, CPU);
        var source = new PairSource(seed: 3);
        var h0 = tensor(new float[] { 0.7f, 1.3f, 1f });
        var all = ones([Networks], ScalarType.Bool);
        var added = new List<(Tensor S, Tensor Y)>();
        var g = randn([Networks, Parameters], generator: new Generator(5, CPU));
        Tensor? direction = null;
        for (int call = 0; call < 5; call++)
        {
            if (call == 3) memory.Forget(tensor(new[] { true, false, false }));
            var (s, y) = source.Next();
            added.Add((s, y));
            direction = memory.Add(s, y, all, call == 4 ? g : null, h0);
        }
        for (int b = 0; b < Networks; b++)
        {
            // Network 0 forgot the first three: it holds the last two. The others hold the last four (the ring's size).
            var held = added.Skip(b == 0 ? 3 : 5 - Pairs).Select(p => (Row(p.S, b), Row(p.Y, b))).ToList();
            var expected = TwoLoop(held, Row(g, b), h0[b].item<float>());
            Assert.True(allclose(direction![b].to(ScalarType.Float64), tensor(expected), rtol: 1e-4, atol: 1e-5), $"network {b} ({held.Count} pairs)");
        }
    }

    [Fact]
    public void Keeping_some_networks_leaves_each_its_own_memory()
    {
        using var scope = NewDisposeScope();
        var source = new PairSource(seed: 8);
        using var three = new LbfgsMemory(Networks, Parameters, Pairs, CPU);
        using var two = new LbfgsMemory(2, Parameters, Pairs, CPU);
        var rows = tensor(new long[] { 2, 0 });
        var h0 = tensor(new float[] { 0.5f, 2f, 1f });
        for (int call = 0; call < 6; call++)
        {
            var (s, y) = source.Next();
            var stored = tensor(new[] { call != 2, true, call != 3 });
            three.Add(s, y, stored, null, h0);
            two.Add(s.index_select(0, rows), y.index_select(0, rows), stored.index_select(0, rows), null, h0.index_select(0, rows));
        }
        three.Keep(rows);
        var (sLast, yLast) = source.Next();
        var g = randn([2, Parameters], generator: new Generator(6, CPU));
        var both = ones([2], ScalarType.Bool);
        var kept = three.Add(sLast.index_select(0, rows), yLast.index_select(0, rows), both, g, h0.index_select(0, rows))!;
        var fresh = two.Add(sLast.index_select(0, rows), yLast.index_select(0, rows), both, g, h0.index_select(0, rows))!;
        Assert.True(allclose(kept, fresh, rtol: 1e-5, atol: 1e-6), "a kept network's direction changed with the batch it was kept from");
    }

    [Fact]
    public void Its_inverse_Hessian_maps_the_newest_gradient_change_to_the_newest_step()
    {
        // The secant equation H·y = s that every BFGS update keeps for its newest pair, whatever the older pairs and H0.
        using var scope = NewDisposeScope();
        using var memory = new LbfgsMemory(Networks, Parameters, Pairs, CPU);
        var source = new PairSource(seed: 11);
        var h0 = tensor(new float[] { 0.1f, 1f, 10f });
        var all = ones([Networks], ScalarType.Bool);
        for (int call = 0; call < 5; call++)
        {
            var (s, y) = source.Next();
            memory.Add(s, y, all, null, h0);
        }
        var (sNew, yNew) = source.Next();
        var direction = memory.Add(sNew, yNew, all, yNew, h0)!;
        Assert.True(allclose(-direction, sNew, rtol: 1e-3, atol: 1e-4), $"largest |H·y − s|: {(-direction - sNew).abs().max().item<float>():E2}");
    }
}
