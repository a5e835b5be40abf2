using ResidualInr.Imaging;

namespace ResidualInr.Learning.Metrics;

/// <summary>One image's ground truth (null when the target is absent) and the detector's single box with its confidence.</summary>
public readonly record struct Detection(Box? Truth, Box Predicted, double Confidence);

/// <summary>COCO-style mAP50, mAP50-95 and mean IoU for one object per image.</summary>
public sealed record DetectionScores(double Map50, double Map50To95, double MeanIou);

/// <summary>
/// COCO-style average precision for single-object detection: every image yields one prediction;
/// predictions are ranked by confidence, a prediction is a true positive at threshold t when its
/// IoU with the image's box is at least t (an image without a box makes it a false positive), and
/// AP is the mean of the interpolated precision at 101 recall points. mAP50-95 averages AP over
/// t = 0.50, 0.55, ..., 0.95. With one class, mAP is AP.
/// </summary>
public static class DetectionMetrics
{
    public static readonly double[] Thresholds = Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i).ToArray();

    public static DetectionScores Score(IReadOnlyList<Detection> detections)
    {
        if (detections.Count == 0) throw new ArgumentException("no detections to score");
        foreach (var d in detections)
            if (!d.Predicted.IsFinite || !double.IsFinite(d.Confidence))
                throw new ArgumentException($"a prediction is not finite: {d.Predicted} at confidence {d.Confidence}");
        var aps = Thresholds.Select(t => AveragePrecision(detections, t)).ToArray();
        var withTruth = detections.Where(d => d.Truth is not null).ToList();
        double meanIou = withTruth.Count == 0 ? double.NaN : withTruth.Average(d => d.Truth!.Value.Iou(d.Predicted));
        return new DetectionScores(aps[0], aps.Average(), meanIou);
    }

    public static double AveragePrecision(IReadOnlyList<Detection> detections, double iouThreshold)
    {
        int positives = detections.Count(d => d.Truth is not null);
        if (positives == 0) return double.NaN;
        // Stable ranking: ties keep the input order, so a score is reproducible.
        var ranked = detections.Select((d, i) => (d, i)).OrderByDescending(p => p.d.Confidence).ThenBy(p => p.i).Select(p => p.d).ToList();
        var precision = new double[ranked.Count];
        var recall = new double[ranked.Count];
        int tp = 0;
        for (int k = 0; k < ranked.Count; k++)
        {
            var d = ranked[k];
            if (d.Truth is { } truth && truth.Iou(d.Predicted) >= iouThreshold) tp++;
            precision[k] = (double)tp / (k + 1);
            recall[k] = (double)tp / positives;
        }
        // Interpolate: precision at recall r is the best precision at any recall >= r.
        for (int k = ranked.Count - 2; k >= 0; k--) precision[k] = Math.Max(precision[k], precision[k + 1]);
        double sum = 0;
        int j = 0;
        for (int step = 0; step <= 100; step++)
        {
            double r = step / 100.0;
            while (j < recall.Length && recall[j] < r - 1e-12) j++;
            sum += j < recall.Length ? precision[j] : 0;
        }
        return sum / 101;
    }
}
