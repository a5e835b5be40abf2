using ResidualInr.Learning.Metrics;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Learning.Experiments;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Tests;

/// <summary>The Pareto front is the set no point dominates; the recommendation's winner is the objective's best within the accuracy loss, and on the front.</summary>
public class RecommendationTests
{
    [Fact]
    public void The_front_by_hand()
    {
        IReadOnlyList<double>[] costs =
        [
            [1, 5], // on the front: least of the first cost
            [2, 2], // on the front
            [3, 2], // dominated by [2, 2]
            [5, 1], // on the front: least of the second
            [2, 2], // equal to the second: equal points do not dominate each other
            [double.NaN, 0.5], // NaN is the worst first cost, but nothing beats 0.5 in the second
        ];
        Assert.Equal([0, 1, 3, 4, 5], Pareto.Front(costs));
        Assert.Throws<ArgumentException>(() => Pareto.Front([[1, 2], [1]]));
    }

    [Fact]
    public void The_front_is_exactly_the_points_nothing_dominates_and_every_other_point_is_dominated_by_one_on_it()
    {
        var rng = new Random(4);
        for (int trial = 0; trial < 200; trial++)
        {
            int dims = rng.Next(1, 5);
            // Few distinct values, so ties and equal points are common.
            var costs = Enumerable.Range(0, rng.Next(0, 25)).Select(_ => (IReadOnlyList<double>)Enumerable.Range(0, dims).Select(_ => (double)rng.Next(0, 5)).ToArray()).ToList();
            var front = Pareto.Front(costs).ToHashSet();
            for (int i = 0; i < costs.Count; i++)
            {
                bool dominated = costs.Any(c => Pareto.Dominates(c, costs[i]));
                Assert.Equal(!dominated, front.Contains(i));
                if (dominated) Assert.Contains(front, f => Pareto.Dominates(costs[f], costs[i]));
            }
            Assert.Equal(costs.Count > 0, front.Count > 0);
        }
    }

    private static SweepResult Point(SharingStrategy s, string codec, int n, long bytes, double seconds, double joules, TrainSite site = TrainSite.Edge,
        long inrFrames = 0, long jpegFrames = 0)
    {
        var summary = new RunSummary(s, default, default, n, 1, bytes, bytes, bytes, 0, 1, 0, seconds, 0, 0, 0, n, n, n, 0, 0, 0, 0, 0, 0,
            CriticalPath.None, joules, 0, 0, inrFrames, jpegFrames, site);
        return new SweepResult(new SweepPoint(codec, null, new SimulationConfig(n, 1, s, FrameSizes.Fixed(1, 1))), new SimulationResult(summary, [], []));
    }

    private static AccuracySummary Accuracy(string codec, double mean, double std = 0.01) => new(codec, 3, mean, std, 0, 0, 0, 0, 0, 0,
        Interval.None, Interval.None, Interval.None, double.NaN, Interval.None);

    [Fact]
    public void The_winner_is_the_least_of_the_objective_among_the_strategies_within_the_accuracy_loss()
    {
        var p2p = Point(SharingStrategy.JpegP2p, "jpeg-q90", 8, 400_000, 0.4, 13);
        var inr = Point(SharingStrategy.InrTrainEdge, "residual-inr", 8, 300_000, 150, 900);
        var fog = Point(SharingStrategy.TrainFog, "jpeg-q90", 8, 6_000_000, 3, 5);
        var hybrid = Point(SharingStrategy.Hybrid, "residual-inr", 8, 250_000, 20, 300, inrFrames: 3, jpegFrames: 5);
        var lost = Point(SharingStrategy.JpegFog, "jpeg-q90", 8, 1, double.NaN, 0); // no device completed: left out
        SweepResult[] results = [p2p, inr, fog, hybrid, lost];
        AccuracySummary[] accuracy = [Accuracy("jpeg-q90", 0.12), Accuracy("residual-inr", 0.15)];

        // Within 0.02 of the best (0.15, inr-train-edge): only inr-train-edge itself; hybrid counts the lower of its two codecs (0.12).
        var strict = Recommendation.For(results, "jpeg-q90", accuracy, new ObjectiveSpec(Minimise.Bytes, 0.02)).Single();
        Assert.Same(inr, strict.Winner!.Result);
        Assert.Equal(1, strict.Incomplete);
        // Every point that completed is on the front here: each is best at something (hybrid bytes, p2p time, train-fog energy, inr accuracy).
        Assert.Equal([p2p, inr, fog, hybrid], strict.Front.Select(f => f.Result));
        Assert.Equal((0.12, 0.01), (strict.Front[3].AccuracyMean!.Value, strict.Front[3].AccuracyStd!.Value));

        // Allowing 0.03: every strategy is admissible, and each objective picks its own.
        ObjectiveSpec Loose(Minimise m) => new(m, 0.03);
        Assert.Same(hybrid, Recommendation.For(results, "jpeg-q90", accuracy, Loose(Minimise.Bytes)).Single().Winner!.Result);
        Assert.Same(p2p, Recommendation.For(results, "jpeg-q90", accuracy, Loose(Minimise.Time)).Single().Winner!.Result);
        Assert.Same(fog, Recommendation.For(results, "jpeg-q90", accuracy, Loose(Minimise.Energy)).Single().Winner!.Result);
        // Without a learning stage accuracy is not compared.
        Assert.Same(hybrid, Recommendation.For(results, "jpeg-q90", null, new ObjectiveSpec()).Single().Winner!.Result);
    }

    [Fact]
    public void A_strategy_is_credited_with_the_accuracy_of_the_frames_its_detector_trains_on()
    {
        var byCodec = new[] { Accuracy("jpeg-q90", 0.12, 0.02), Accuracy("residual-inr", 0.15, 0.03) }.ToDictionary(a => a.Codec);
        double Of(SweepResult r) => Recommendation.WithAccuracy(r, "jpeg-q90", byCodec).AccuracyMean!.Value;
        Assert.Equal(0.15, Of(Point(SharingStrategy.InrTrainEdge, "residual-inr", 4, 1, 1, 1)));
        Assert.Equal(0.12, Of(Point(SharingStrategy.TrainFog, "jpeg-q90", 4, 1, 1, 1, TrainSite.Fog)));
        Assert.Equal(0.12, Of(Point(SharingStrategy.TrainAuto, "residual-inr", 4, 1, 1, 1, TrainSite.Fog)));
        Assert.Equal(0.15, Of(Point(SharingStrategy.TrainAuto, "residual-inr", 4, 1, 1, 1, TrainSite.Edge)));
        Assert.Equal(0.12, Of(Point(SharingStrategy.Hybrid, "residual-inr", 4, 1, 1, 1, inrFrames: 2, jpegFrames: 2)));
        Assert.Equal(0.15, Of(Point(SharingStrategy.Hybrid, "residual-inr", 4, 1, 1, 1, inrFrames: 4)));
        var missing = Assert.Throws<KeyNotFoundException>(() => Recommendation.WithAccuracy(Point(SharingStrategy.InrTrainEdge, "nerv", 4, 1, 1, 1), "jpeg-q90", byCodec));
        Assert.Contains("'nerv'", missing.Message);
    }

    [Fact]
    public void The_winner_is_always_on_the_front()
    {
        var rng = new Random(21);
        var strategies = new[] { SharingStrategy.JpegP2p, SharingStrategy.JpegFog, SharingStrategy.InrTrainEdge, SharingStrategy.TrainFog };
        for (int trial = 0; trial < 100; trial++)
        {
            var results = Enumerable.Range(0, rng.Next(1, 8)).Select(i => Point(strategies[rng.Next(strategies.Length)], i % 2 == 0 ? "jpeg-q90" : "residual-inr",
                4, rng.Next(1, 4), rng.Next(1, 4), rng.Next(1, 4))).ToList();
            AccuracySummary[] accuracy = [Accuracy("jpeg-q90", rng.Next(0, 4) / 100.0), Accuracy("residual-inr", rng.Next(0, 4) / 100.0)];
            var objective = new ObjectiveSpec((Minimise)rng.Next(3), rng.Next(0, 3) / 100.0);
            var r = Recommendation.For(results, "jpeg-q90", accuracy, objective).Single();
            Assert.Contains(r.Front, f => f.Bytes == r.Winner!.Bytes && f.Seconds == r.Winner.Seconds && f.Joules == r.Winner.Joules && f.AccuracyMean == r.Winner.AccuracyMean);
        }
    }
}
