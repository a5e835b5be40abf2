using ResidualInr.Imaging;
using ResidualInr.Learning.Metrics;

namespace ResidualInr.Learning.Tests;

public class DetectionMetricsTests
{
    private static readonly Box Truth = new(10, 10, 20, 20);

    [Fact]
    public void Perfect_predictions_score_one_everywhere()
    {
        var scores = DetectionMetrics.Score(Enumerable.Range(0, 5).Select(i => new Detection(Truth, Truth, 0.5 + i * 0.1)).ToList());
        Assert.Equal(new DetectionScores(1, 1, 1), scores);
    }

    [Fact]
    public void A_box_shifted_to_iou_0_6_counts_at_thresholds_up_to_0_6_only()
    {
        // Shift right by w/4: intersection 15x20 = 300, union 500, IoU 0.6.
        var shifted = Truth with { X = 15 };
        Assert.Equal(0.6, Truth.Iou(shifted), 12);
        var scores = DetectionMetrics.Score([new Detection(Truth, shifted, 0.9)]);
        Assert.Equal(1.0, scores.Map50);
        // Thresholds 0.50, 0.55, 0.60 hit (3 of 10).
        Assert.Equal(0.3, scores.Map50To95, 12);
        Assert.Equal(0.6, scores.MeanIou, 12);
    }

    [Fact]
    public void Ranking_matters_a_confident_miss_costs_more_than_a_timid_one()
    {
        var miss = new Box(100, 100, 5, 5);
        var confidentMiss = DetectionMetrics.AveragePrecision([new Detection(Truth, miss, 0.9), new Detection(Truth, Truth, 0.1)], 0.5);
        var timidMiss = DetectionMetrics.AveragePrecision([new Detection(Truth, miss, 0.1), new Detection(Truth, Truth, 0.9)], 0.5);
        // Timid miss: precision 1 up to recall 0.5, then nothing new: 51 of 101 points at 1.0.
        Assert.Equal(51.0 / 101, timidMiss, 12);
        // Confident miss: the hit comes second (precision 0.5 at recall 0.5): 51 points at 0.5.
        Assert.Equal(0.5 * 51 / 101, confidentMiss, 12);
    }

    [Fact]
    public void Predictions_on_target_absent_frames_are_false_positives()
    {
        var ap = DetectionMetrics.AveragePrecision([new Detection(null, Truth, 0.9), new Detection(Truth, Truth, 0.5)], 0.5);
        Assert.Equal(0.5, ap, 12);
        Assert.True(double.IsNaN(DetectionMetrics.AveragePrecision([new Detection(null, Truth, 0.9)], 0.5)));
    }

    [Fact]
    public void Non_finite_predictions_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DetectionMetrics.Score([new Detection(Truth, new Box(double.NaN, 0, 1, 1), 0.5)]));
        Assert.Throws<ArgumentException>(() => DetectionMetrics.Score([]));
    }
}
