using ResidualInr.Learning.Metrics;

namespace ResidualInr.Learning.Experiments;

/// <summary>
/// One trained detector: which frames it learned from, its seed, its accuracy on the held-out
/// original frames, and the median epoch time with the part spent decoding frames.
/// </summary>
public sealed record AccuracyRow(string Codec, int Seed, int TrainFrames, int TestFrames, double Map50To95, double Map50, double MeanIou,
    double TrainSecondsPerEpoch, double DecodeSecondsPerEpoch);

/// <summary>
/// Mean and sample standard deviation over seeds for one codec, and, where the per-frame detections are known, the
/// bootstrap 95% intervals over test frames and seeds and the paired difference to training on originals
/// (<see cref="AccuracyBootstrap"/>; NaN without detections, e.g. a run re-made from an older accuracy.csv).
/// </summary>
public sealed record AccuracySummary(string Codec, int Seeds, double Map50To95Mean, double Map50To95Std, double Map50Mean, double Map50Std,
    double MeanIouMean, double MeanIouStd, double TrainSecondsPerEpoch, double DecodeSecondsPerEpoch,
    Interval Map50To95Ci, Interval Map50Ci, Interval MeanIouCi, double Map50To95DiffVsOriginal, Interval Map50To95DiffCi)
{
    /// <param name="detections">Every detector's answers per test frame; null or empty: no intervals.</param>
    /// <param name="seed">Seeds the bootstrap's resampling.</param>
    public static IReadOnlyList<AccuracySummary> Of(IEnumerable<AccuracyRow> rows, IReadOnlyList<TestDetection>? detections = null, int seed = 1)
    {
        var intervals = detections is { Count: > 0 } && detections.Any(d => d.Codec == AccuracyExperiment.Original)
            ? AccuracyBootstrap.Of(detections, AccuracyExperiment.Original, seed).ToDictionary(i => i.Codec)
            : null;
        return rows
            .GroupBy(r => r.Codec)
            .Select(g =>
            {
                var list = g.ToList();
                var ci = intervals is null ? null
                    : intervals.TryGetValue(g.Key, out var found) ? found
                    : throw new ArgumentException($"accuracy rows of codec '{g.Key}' have no detections (have: {string.Join(", ", intervals.Keys)})");
                return new AccuracySummary(g.Key, list.Count,
                    Mean(list, r => r.Map50To95), Std(list, r => r.Map50To95), Mean(list, r => r.Map50), Std(list, r => r.Map50),
                    Mean(list, r => r.MeanIou), Std(list, r => r.MeanIou), Mean(list, r => r.TrainSecondsPerEpoch), Mean(list, r => r.DecodeSecondsPerEpoch),
                    ci?.Map50To95 ?? Interval.None, ci?.Map50 ?? Interval.None, ci?.MeanIou ?? Interval.None,
                    ci?.Map50To95DiffVsOriginal ?? double.NaN, ci?.Map50To95Diff ?? Interval.None);
            })
            .ToList();
    }

    private static double Mean(List<AccuracyRow> rows, Func<AccuracyRow, double> value) => rows.Average(value);

    private static double Std(List<AccuracyRow> rows, Func<AccuracyRow, double> value)
    {
        if (rows.Count < 2) return 0;
        double mean = rows.Average(value);
        return Math.Sqrt(rows.Sum(r => Math.Pow(value(r) - mean, 2)) / (rows.Count - 1));
    }
}
