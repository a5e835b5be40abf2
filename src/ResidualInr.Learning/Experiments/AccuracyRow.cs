namespace ResidualInr.Learning.Experiments;

/// <summary>
/// One trained detector: which frames it learned from, its seed, its accuracy on the held-out
/// original frames, and the median epoch time with the part spent decoding frames.
/// </summary>
public sealed record AccuracyRow(string Codec, int Seed, int TrainFrames, int TestFrames, double Map50To95, double Map50, double MeanIou,
    double TrainSecondsPerEpoch, double DecodeSecondsPerEpoch);

/// <summary>Mean and sample standard deviation over seeds for one codec.</summary>
public sealed record AccuracySummary(string Codec, int Seeds, double Map50To95Mean, double Map50To95Std, double Map50Mean, double Map50Std,
    double MeanIouMean, double MeanIouStd, double TrainSecondsPerEpoch, double DecodeSecondsPerEpoch)
{
    public static IReadOnlyList<AccuracySummary> Of(IEnumerable<AccuracyRow> rows) => rows
        .GroupBy(r => r.Codec)
        .Select(g =>
        {
            var list = g.ToList();
            return new AccuracySummary(g.Key, list.Count,
                Mean(list, r => r.Map50To95), Std(list, r => r.Map50To95), Mean(list, r => r.Map50), Std(list, r => r.Map50),
                Mean(list, r => r.MeanIou), Std(list, r => r.MeanIou), Mean(list, r => r.TrainSecondsPerEpoch), Mean(list, r => r.DecodeSecondsPerEpoch));
        })
        .ToList();

    private static double Mean(List<AccuracyRow> rows, Func<AccuracyRow, double> value) => rows.Average(value);

    private static double Std(List<AccuracyRow> rows, Func<AccuracyRow, double> value)
    {
        if (rows.Count < 2) return 0;
        double mean = rows.Average(value);
        return Math.Sqrt(rows.Sum(r => Math.Pow(value(r) - mean, 2)) / (rows.Count - 1));
    }
}
