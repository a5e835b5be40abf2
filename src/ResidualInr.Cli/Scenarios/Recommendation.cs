using ResidualInr.Learning.Metrics;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Learning.Experiments;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>The Pareto front of points whose costs are all minimised.</summary>
public static class Pareto
{
    /// <summary>
    /// The indices, in order, of the points no other point dominates: another dominates a point when it costs no more
    /// in every dimension and less in one. Equal points do not dominate each other, so both stay. NaN costs count as
    /// +infinity (worst). Every point must have the same number of costs.
    /// </summary>
    public static IReadOnlyList<int> Front(IReadOnlyList<IReadOnlyList<double>> costs)
    {
        if (costs.Count > 0 && costs.Any(c => c.Count != costs[0].Count))
            throw new ArgumentException("every point needs the same number of costs");
        var front = new List<int>();
        for (int i = 0; i < costs.Count; i++)
        {
            bool dominated = false;
            for (int j = 0; j < costs.Count && !dominated; j++)
                dominated = j != i && Dominates(costs[j], costs[i]);
            if (!dominated) front.Add(i);
        }
        return front;
    }

    /// <summary>Whether <paramref name="a"/> costs no more than <paramref name="b"/> everywhere and less somewhere.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        bool better = false;
        for (int k = 0; k < a.Count; k++)
        {
            double x = Worst(a[k]), y = Worst(b[k]);
            if (x > y) return false;
            if (x < y) better = true;
        }
        return better;
    }

    private static double Worst(double v) => double.IsNaN(v) ? double.PositiveInfinity : v;
}

/// <summary>
/// One sweep point as the designer weighs it: bytes on air, completion time, energy, and the accuracy of a detector
/// trained on the frames it delivers (mean and sample std of mAP50-95 over seeds; null without a learning stage).
/// </summary>
public sealed record TradeOff(SweepResult Result, double? AccuracyMean, double? AccuracyStd, Interval? AccuracyCi = null)
{
    public double Bytes => Result.Summary.BytesOnAir;
    public double Seconds => Result.Summary.MakespanSeconds;
    public double Joules => Result.Summary.EnergyJoules;

    public double Cost(Minimise objective) => objective switch
    {
        Minimise.Bytes => Bytes,
        Minimise.Time => Seconds,
        Minimise.Energy => Joules,
        _ => throw new ArgumentOutOfRangeException(nameof(objective)),
    };
}

/// <summary>The recommendation for one N: the Pareto front and the winner under the objective (null when no point completed).</summary>
public sealed record RecommendationAtN(int Devices, IReadOnlyList<TradeOff> Front, TradeOff? Winner, int Incomplete);

/// <summary>
/// report.md's recommendation: per N, the strategies on the Pareto front of bytes on air, completion time, energy and
/// accuracy, and the one that wins under the scenario's objective: the lowest <see cref="ObjectiveSpec.Minimise"/>
/// among the points whose mean mAP50-95 is at most <see cref="ObjectiveSpec.AccuracyLossMax"/> below the most accurate
/// point's at that N (ties broken by bytes, time, energy, then name). Points where no device completed are left out.
/// </summary>
public static class Recommendation
{
    /// <param name="jpegCodec">The JPEG codec's key: what devices (and the fog in train-fog) train on when they train on JPEGs.</param>
    /// <param name="accuracy">The learning stage's summary per codec; null without one (accuracy then is not compared).</param>
    public static IReadOnlyList<RecommendationAtN> For(IReadOnlyList<SweepResult> results, string? jpegCodec, IReadOnlyList<AccuracySummary>? accuracy,
        ObjectiveSpec objective)
    {
        var byCodec = accuracy?.ToDictionary(a => a.Codec);
        var list = new List<RecommendationAtN>();
        foreach (var group in results.GroupBy(r => r.Summary.Devices).OrderBy(g => g.Key))
        {
            var points = group.Where(r => double.IsFinite(r.Summary.MakespanSeconds))
                .Select(r => byCodec is null ? new TradeOff(r, null, null) : WithAccuracy(r, jpegCodec, byCodec)).ToList();
            var costs = points.Select(p => (IReadOnlyList<double>)(byCodec is null
                ? [p.Bytes, p.Seconds, p.Joules]
                : [p.Bytes, p.Seconds, p.Joules, -p.AccuracyMean!.Value])).ToList();
            var front = Pareto.Front(costs).Select(i => points[i]).ToList();
            list.Add(new RecommendationAtN(group.Key, front, Winner(points, objective), group.Count() - points.Count));
        }
        return list;
    }

    /// <summary>The lowest objective among the points within the accuracy loss of the most accurate; null when there are none.</summary>
    public static TradeOff? Winner(IReadOnlyList<TradeOff> points, ObjectiveSpec objective)
    {
        if (points.Count == 0) return null;
        var known = points.Where(p => p.AccuracyMean is not null).ToList();
        double best = known.Count > 0 ? known.Max(p => p.AccuracyMean!.Value) : double.NaN;
        // A tiny slack keeps a point at exactly the allowed loss admissible despite rounding in the means.
        var admissible = known.Count == 0 ? points : points.Where(p => p.AccuracyMean is { } a && a >= best - objective.AccuracyLossMax - 1e-12).ToList();
        // The tie-breaks end with accuracy, so a winner is never dominated: it is on the front (or equal to a point there).
        return admissible.OrderBy(p => Finite(p.Cost(objective.Minimise))).ThenBy(p => Finite(p.Bytes)).ThenBy(p => Finite(p.Seconds)).ThenBy(p => Finite(p.Joules))
            .ThenByDescending(p => p.AccuracyMean ?? 0).ThenBy(p => p.Result.Label, StringComparer.Ordinal).First();
    }

    private static double Finite(double v) => double.IsNaN(v) ? double.PositiveInfinity : v;

    /// <summary>
    /// The accuracy of the frames a point's detector trains on: the JPEGs (jpeg-p2p, jpeg-fog, train-fog, and
    /// train-auto when it trained at the fog), the INR codec's payloads (inr-train-edge, train-auto at the edge), or for
    /// hybrid, which mixes the two, the lower of the two codecs' means with that codec's std: the detector was not trained
    /// on the mix, and the lower is the cautious figure (a hybrid that sent only one kind takes that kind's).
    /// </summary>
    public static TradeOff WithAccuracy(SweepResult r, string? jpegCodec, IReadOnlyDictionary<string, AccuracySummary> byCodec)
    {
        AccuracySummary Of(string? codec) => codec is not null && byCodec.TryGetValue(codec, out var a) ? a
            : throw new KeyNotFoundException($"no accuracy for codec '{codec}' (the learning stage trains on every codec of the scenario)");
        var s = r.Summary;
        var used = s.Strategy switch
        {
            SharingStrategy.InrTrainEdge => Of(r.Codec),
            SharingStrategy.TrainAuto => s.TrainedAt == TrainSite.Fog ? Of(jpegCodec) : Of(r.Codec),
            SharingStrategy.Hybrid when s.FogInrFrames == 0 => Of(jpegCodec),
            SharingStrategy.Hybrid when s.FogJpegFrames == 0 => Of(r.Codec),
            SharingStrategy.Hybrid => new[] { Of(jpegCodec), Of(r.Codec) }.MinBy(a => a.Map50To95Mean)!,
            _ => Of(r.Codec),
        };
        return new TradeOff(r, used.Map50To95Mean, used.Map50To95Std, used.Map50To95Ci);
    }
}
