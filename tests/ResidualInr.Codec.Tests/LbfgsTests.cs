using ResidualInr.Codec.Siren;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>The batched L-BFGS: it finds minima where they are known, and a network's path does not depend on its batch.</summary>
public class LbfgsTests
{
    /// <summary>f(x) = ½ xᵀAx − bᵀx per row (A symmetric positive definite), its gradient Ax − b.</summary>
    private sealed record Quadratics(Tensor A, Tensor B)
    {
        public static Quadratics Random(int rows, int n, int seed, double condition)
        {
            var gen = new Generator((ulong)seed, CPU);
            var q = linalg.qr(randn([rows, n, n], generator: gen)).Q;
            var eigen = exp(linspace(0, Math.Log(condition), n)).unsqueeze(0).expand(rows, n);
            var a = q.matmul(diag_embed(eigen)).matmul(q.transpose(1, 2));
            return new(a, randn([rows, n], generator: gen));
        }

        public (Tensor Loss, Tensor Gradient) At(Tensor x)
        {
            var ax = A.matmul(x.unsqueeze(2)).squeeze(2);
            return (0.5 * (x * ax).sum(1) - (B * x).sum(1), ax - B);
        }

        public Tensor Minimum => linalg.solve(A, B.unsqueeze(2)).squeeze(2);

        public Quadratics Row(int i) => new(A[i..(i + 1)], B[i..(i + 1)]);
    }

    /// <summary>The last point proposed and, per row, the point of lowest loss among those evaluated (as the trainer keeps its
    /// best weights). At the float32 floor the points proposed are rejected trials as often as not: the last point of the
    /// ill-conditioned quadratics below strays to a relative error of 5e-4 to 2e-3 (the two-loop recursion's with halving:
    /// about 1e-4), the best point stays under 1e-3.</summary>
    private static (Tensor Last, Tensor Best) Run(Func<Tensor, (Tensor Loss, Tensor Gradient)> f, Tensor start, int calls, int history)
    {
        using var lbfgs = new BatchedLbfgs((int)start.shape[0], (int)start.shape[1], history, CPU);
        var x = start;
        var best = start;
        var bestLoss = full([start.shape[0]], float.PositiveInfinity);
        for (int i = 0; i < calls; i++)
        {
            var (loss, gradient) = f(x);
            var better = loss < bestLoss;
            best = where(better.unsqueeze(1), x, best);
            bestLoss = where(better, loss, bestLoss);
            x = lbfgs.Next(x, loss, gradient);
        }
        return (x, best);
    }

    [Fact]
    public void It_finds_the_minimum_of_ill_conditioned_quadratics()
    {
        using var scope = NewDisposeScope();
        var problems = Quadratics.Random(rows: 3, n: 12, seed: 1, condition: 100);
        var x = Run(problems.At, zeros([3, 12]), calls: 150, history: 10).Best;
        var error = (x - problems.Minimum).norm().item<float>() / problems.Minimum.norm().item<float>();
        Assert.True(error < 1e-3, $"relative error {error}");
    }

    [Fact]
    public void It_finds_the_minimum_of_the_Rosenbrock_valley_from_several_starts()
    {
        // f(u, v) = (1 − u)² + 100 (v − u²)², minimum 0 at (1, 1): curved, badly scaled, not convex.
        using var scope = NewDisposeScope();
        (Tensor, Tensor) Rosenbrock(Tensor x)
        {
            var u = x[.., 0];
            var v = x[.., 1];
            var loss = (1 - u).square() + 100 * (v - u.square()).square();
            var du = -2 * (1 - u) - 400 * u * (v - u.square());
            var dv = 200 * (v - u.square());
            return (loss, stack([du, dv], 1));
        }
        var starts = tensor(new float[] { -1.2f, 1f, 0f, 0f, 2f, -1f, -0.5f, 2.5f }, [4, 2]);
        var x = Run(Rosenbrock, starts, calls: 600, history: 5).Best;
        var error = (x - 1).abs().max().item<float>();
        Assert.True(error < 1e-2, $"furthest coordinate from (1, 1): {error}; x = {string.Join(", ", x.data<float>().ToArray())}");
    }

    [Fact]
    public void After_a_rejected_step_it_tries_the_minimum_of_the_parabola_kept_within_a_tenth_and_a_half_of_the_step()
    {
        // f(x) = 1000 x² in one dimension: the first trial steps by one (min(1, 1/|g|₁)·g) and overshoots. The parabola
        // through f(x0), f'(x0) and the rejected loss is f itself, so the next trial is its minimum, x = 0, where that
        // lies within [0.1, 0.5] of the step (x0 = 0.2), and a tenth of the step where it lies closer (x0 = 0.01).
        using var scope = NewDisposeScope();
        static (Tensor, Tensor) Steep(Tensor x) => (1000 * x.square().sum(1), 2000 * x);
        using var lbfgs = new BatchedLbfgs(2, 1, 5, CPU);
        var x = tensor(new float[] { 0.2f, 0.01f }, [2, 1]);
        for (int call = 0; call < 2; call++)
        {
            var (loss, gradient) = Steep(x);
            x = lbfgs.Next(x, loss, gradient);
        }
        Assert.Equal(0f, x[0, 0].item<float>(), 1e-6f);
        Assert.Equal(0.01f - 0.1f, x[1, 0].item<float>(), 1e-6f);
    }

    [Fact]
    public void A_loss_that_is_not_a_number_gets_a_tenth_of_the_step()
    {
        using var scope = NewDisposeScope();
        using var lbfgs = new BatchedLbfgs(1, 1, 5, CPU);
        var x = tensor(new float[] { 0.2f }, [1, 1]);
        var gradient = 2000 * x;
        var trial = lbfgs.Next(x, 1000 * x.square().sum(1), gradient); // x − 1·sign(g): −0.8
        var next = lbfgs.Next(trial, tensor(new[] { float.NaN }), 2000 * trial);
        Assert.Equal(0.2f - 0.1f, next[0, 0].item<float>(), 1e-6f);
    }

    [Fact]
    public void A_direction_whose_trials_keep_failing_is_abandoned_for_a_gradient_step_from_the_last_accepted_point()
    {
        // A few ordinary calls on a quadratic build a history; then every trial "costs" +∞, so the step shrinks by tenths
        // until it is under 1/1024 and the network steps along −min(1, 1/|g|₁)·g from its last accepted point instead.
        using var scope = NewDisposeScope();
        var problem = Quadratics.Random(rows: 1, n: 3, seed: 4, condition: 10);
        using var lbfgs = new BatchedLbfgs(1, 3, 5, CPU);
        var x = ones([1, 3]);
        for (int i = 0; i < 4; i++)
        {
            var (loss, gradient) = problem.At(x);
            x = lbfgs.Next(x, loss, gradient);
        }
        var trials = new List<Tensor> { x };
        var infinite = tensor(new[] { float.PositiveInfinity });
        for (int i = 0; i < 4; i++) trials.Add(lbfgs.Next(trials[^1], infinite, problem.At(trials[^1]).Gradient));
        // Trials at t = 1, 0.1, 0.01, 0.001 along one direction d from the accepted point x0, then t = 1e-4 < 1/1024: abandoned.
        var d = (trials[1] - trials[2]) / 0.09f;
        var x0 = trials[2] - 0.01f * d;
        var g0 = problem.At(x0).Gradient;
        var expected = x0 - (1 / g0.abs().sum()).clamp_max(1) * g0;
        Assert.True(allclose(trials[4], expected, rtol: 1e-3, atol: 1e-5), $"proposed {string.Join(", ", trials[4].data<float>().ToArray())}, expected {string.Join(", ", expected.data<float>().ToArray())}");
    }

    [Fact]
    public void A_network_takes_the_same_path_alone_and_in_a_batch()
    {
        // More calls than the history holds, so the shared ring wraps; rows accept and reject at different calls.
        using var scope = NewDisposeScope();
        var problems = Quadratics.Random(rows: 3, n: 10, seed: 2, condition: 1000);
        var start = randn([3, 10], generator: new Generator(3, CPU));
        var together = Run(problems.At, start, calls: 40, history: 4).Last;
        for (int i = 0; i < 3; i++)
        {
            var alone = Run(problems.Row(i).At, start[i..(i + 1)], calls: 40, history: 4).Last;
            Assert.True(allclose(alone, together[i..(i + 1)], rtol: 1e-5, atol: 1e-6), $"network {i} moved differently in the batch");
        }
    }

    [Fact]
    public void A_fit_that_switches_to_lbfgs_ends_below_adam_and_each_network_ends_where_it_would_alone()
    {
        using var scope = NewDisposeScope();
        var shape = new SirenShape(16, 3);
        var coords = CoordinateGrid.For(12, 8, CPU);
        // Smooth targets a small SIREN can fit well: low-frequency patterns, one per network.
        var u = coords[.., 0..1];
        var v = coords[.., 1..2];
        var targets = stack([cat([sin(3 * u), cos(2 * v), u * v], 1), cat([cos(4 * u * v), sin(2 * u + v), v], 1)]) * 0.8;
        var options = new TrainingOptions(Steps: 300, LearningRate: 1e-3, KeepBestOfSecondHalf: false, LbfgsHistory: 20);
        BatchedSiren Pair()
        {
            var net = new BatchedSiren(shape, 2, CPU);
            net.Initialise(new Generator(5, CPU));
            return net;
        }
        using var adamNet = Pair();
        using var lbfgsNet = Pair();
        var adam = SirenTrainer.Fit(adamNet, coords, targets, null, options);
        var lbfgs = SirenTrainer.Fit(lbfgsNet, coords, targets, null, options with { LbfgsAfter = 50 });
        for (int i = 0; i < 2; i++)
            Assert.True(lbfgs[i] < adam[i] / 2, $"network {i}: L-BFGS {lbfgs[i]:E3} against Adam {adam[i]:E3}");

        // Network 1 fitted alone from the same start ends where it ended in the pair.
        using var start = Pair();
        using var alone = new BatchedSiren(shape, 1, CPU);
        alone.Import(0, start.Export(1));
        var aloneMse = SirenTrainer.Fit(alone, coords, targets[1..2], null, options with { LbfgsAfter = 50 });
        Assert.Equal(lbfgs[1], aloneMse[0], lbfgs[1] * 1e-3f);
        var inPair = lbfgsNet.Export(1).SelectMany(t => t).ToArray();
        var byItself = alone.Export(0).SelectMany(t => t).ToArray();
        Assert.True(inPair.Zip(byItself).Max(p => Math.Abs(p.First - p.Second)) < 1e-3, "the weights differ");
    }
}
