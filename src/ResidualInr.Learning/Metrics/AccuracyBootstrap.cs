using ResidualInr.Imaging;
using ResidualInr.Learning.Experiments;

namespace ResidualInr.Learning.Metrics;

/// <summary>A 95% interval: the 2.5th and 97.5th percentiles of the bootstrap replicates.</summary>
public readonly record struct Interval(double Low, double High)
{
    public static readonly Interval None = new(double.NaN, double.NaN);
    public bool Contains(double x) => Low <= x && x <= High;
}

/// <summary>A codec's bootstrap intervals, and its paired difference to the detector trained on originals.</summary>
public sealed record AccuracyIntervals(string Codec, Interval Map50To95, Interval Map50, Interval MeanIou, double Map50To95DiffVsOriginal, Interval Map50To95Diff);

/// <summary>
/// Percentile bootstrap over test frames and seeds, the two sources of noise in an accuracy figure: which frames
/// happened to be held out, and which initialisation and batch order training got. A replicate draws the test frames
/// with replacement and the seeds with replacement, the SAME draw for every codec (the detectors saw the same frames;
/// seed k of two codecs shares its initialisation), and scores every codec on it as <see cref="DetectionMetrics"/>
/// does (the mean over the drawn seeds of each seed's score on the drawn frames). The difference to "original" is
/// taken within each replicate, so what the codecs share cancels: a paired interval, narrower than two separate ones.
/// </summary>
public static class AccuracyBootstrap
{
    public const int DefaultReplicates = 2000;

    /// <param name="original">The codec differences are taken against (the detector trained on original frames).</param>
    /// <param name="seed">Seeds the resampling: the same detections and seed give the same intervals.</param>
    public static IReadOnlyList<AccuracyIntervals> Of(IReadOnlyList<TestDetection> detections, string original, int seed, int replicates = DefaultReplicates)
    {
        if (replicates < 2) throw new ArgumentOutOfRangeException(nameof(replicates), "at least 2 replicates");
        var codecs = detections.Select(d => d.Codec).Distinct().ToList();
        var seeds = detections.Select(d => d.Seed).Distinct().Order().ToArray();
        int frames = detections.Count == 0 ? 0 : detections.Max(d => d.Frame) + 1;
        var table = new Ranked[codecs.Count, seeds.Length];
        for (int c = 0; c < codecs.Count; c++)
        for (int s = 0; s < seeds.Length; s++)
        {
            var one = detections.Where(d => d.Codec == codecs[c] && d.Seed == seeds[s]).ToList();
            // Every detector answers on every test frame once: anything else is not one experiment.
            if (one.Count != frames || one.Select(d => d.Frame).Distinct().Count() != frames)
                throw new ArgumentException($"codec '{codecs[c]}' seed {seeds[s]} has {one.Count} detections for {frames} test frames");
            table[c, s] = new Ranked(one);
        }
        int reference = codecs.IndexOf(original);
        if (reference < 0) throw new ArgumentException($"no detections of '{original}' to take differences against (have: {string.Join(", ", codecs)})");

        var rng = new Random(StableSeed.Derive(seed, 0x5eed));
        var counts = new int[frames];
        var seedCounts = new int[seeds.Length];
        var perSeed = new Scores[codecs.Count, seeds.Length];
        var samples = new double[codecs.Count, 4, replicates]; // map50-95, map50, mean IoU, map50-95 minus original's
        for (int b = 0; b < replicates; b++)
        {
            Array.Clear(counts);
            Array.Clear(seedCounts);
            for (int i = 0; i < frames; i++) counts[rng.Next(frames)]++;
            for (int i = 0; i < seeds.Length; i++) seedCounts[rng.Next(seeds.Length)]++;
            for (int c = 0; c < codecs.Count; c++)
            for (int s = 0; s < seeds.Length; s++)
                if (seedCounts[s] > 0) perSeed[c, s] = table[c, s].Score(counts);
            for (int c = 0; c < codecs.Count; c++)
            {
                double map = 0, map50 = 0, iou = 0;
                for (int s = 0; s < seeds.Length; s++)
                {
                    if (seedCounts[s] == 0) continue;
                    map += seedCounts[s] * perSeed[c, s].Map50To95;
                    map50 += seedCounts[s] * perSeed[c, s].Map50;
                    iou += seedCounts[s] * perSeed[c, s].MeanIou;
                }
                samples[c, 0, b] = map / seeds.Length;
                samples[c, 1, b] = map50 / seeds.Length;
                samples[c, 2, b] = iou / seeds.Length;
            }
            for (int c = 0; c < codecs.Count; c++) samples[c, 3, b] = samples[c, 0, b] - samples[reference, 0, b];
        }

        var all = Enumerable.Range(0, frames).Select(_ => 1).ToArray();
        double Point(int c) => Enumerable.Range(0, seeds.Length).Average(s => table[c, s].Score(all).Map50To95);
        return codecs.Select((codec, c) => new AccuracyIntervals(codec,
            Percentiles(samples, c, 0), Percentiles(samples, c, 1), Percentiles(samples, c, 2),
            Point(c) - Point(reference), Percentiles(samples, c, 3))).ToList();
    }

    private static Interval Percentiles(double[,,] samples, int codec, int statistic)
    {
        int n = samples.GetLength(2);
        var values = new double[n];
        for (int b = 0; b < n; b++) values[b] = samples[codec, statistic, b];
        // A replicate without any frame that has a box scores NaN; it says nothing about the interval.
        var finite = values.Where(double.IsFinite).Order().ToArray();
        if (finite.Length < 2) return Interval.None;
        return new Interval(Quantile(finite, 0.025), Quantile(finite, 0.975));
    }

    /// <summary>Linear interpolation between order statistics (R's type 7, numpy's default).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        return lo + 1 < sorted.Length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
    }

    /// <summary>
    /// One detector's answers ranked by confidence once (ties in frame order, as <see cref="DetectionMetrics"/> ranks
    /// its input), so scoring a replicate is a walk down the ranking with each frame counted as often as it was drawn.
    /// The copies of a drawn frame have one confidence and one outcome, so where they sit among themselves does not
    /// change the precision-recall curve: this equals <see cref="DetectionMetrics.Score"/> on the expanded list.
    /// </summary>
    private sealed class Ranked
    {
        private readonly int[] _frame;
        private readonly double[] _iou; // NaN: no box on that frame (a false positive at every threshold)

        public Ranked(IReadOnlyList<TestDetection> detections)
        {
            var order = detections.OrderByDescending(d => d.Confidence).ThenBy(d => d.Frame).ToArray();
            _frame = order.Select(d => d.Frame).ToArray();
            _iou = order.Select(d => d.Truth is { } t ? t.Iou(d.Predicted) : double.NaN).ToArray();
        }

        public Scores Score(int[] counts)
        {
            int positives = 0;
            double iouSum = 0;
            for (int k = 0; k < _frame.Length; k++)
                if (!double.IsNaN(_iou[k])) { positives += counts[_frame[k]]; iouSum += counts[_frame[k]] * _iou[k]; }
            if (positives == 0) return new Scores(double.NaN, double.NaN, double.NaN);
            double ap50 = 0, apSum = 0;
            foreach (var t in DetectionMetrics.Thresholds)
            {
                double ap = AveragePrecision(counts, positives, t);
                apSum += ap;
                if (t == DetectionMetrics.Thresholds[0]) ap50 = ap;
            }
            return new Scores(apSum / DetectionMetrics.Thresholds.Length, ap50, iouSum / positives);
        }

        /// <summary>101-point interpolated AP over the expanded ranking, without expanding it.</summary>
        private double AveragePrecision(int[] counts, int positives, double threshold)
        {
            // Walk the ranking in runs of copies of one frame. Within a run precision moves one way only: up along a run of
            // hits (tp <= seen before it), down along a run of misses (recall flat). The interpolated precision at recall r
            // is the best precision at any recall >= r, so a run's first and last copies carry everything its middle does.
            var recall = new List<double>(_frame.Length * 2);
            var precision = new List<double>(_frame.Length * 2);
            int tp = 0, seen = 0;
            for (int k = 0; k < _frame.Length; k++)
            {
                int m = counts[_frame[k]];
                if (m == 0) continue;
                int gain = !double.IsNaN(_iou[k]) && _iou[k] >= threshold ? 1 : 0;
                recall.Add((double)(tp + gain) / positives);
                precision.Add((double)(tp + gain) / (seen + 1));
                tp += gain * m;
                seen += m;
                recall.Add((double)tp / positives);
                precision.Add((double)tp / seen);
            }
            for (int k = precision.Count - 2; k >= 0; k--) precision[k] = Math.Max(precision[k], precision[k + 1]);
            double sum = 0;
            int j = 0;
            for (int step = 0; step <= 100; step++)
            {
                double r = step / 100.0;
                while (j < recall.Count && recall[j] < r - 1e-12) j++;
                sum += j < recall.Count ? precision[j] : 0;
            }
            return sum / 101;
        }
    }

    private readonly record struct Scores(double Map50To95, double Map50, double MeanIou);

    /// <summary>What <see cref="Of"/> computes for a replicate, on the full sample: for the equivalence test against <see cref="DetectionMetrics"/>.</summary>
    internal static (double Map50To95, double Map50, double MeanIou) ScoreWithCounts(IReadOnlyList<TestDetection> oneDetector, int[] counts)
    {
        var s = new Ranked(oneDetector).Score(counts);
        return (s.Map50To95, s.Map50, s.MeanIou);
    }
}
