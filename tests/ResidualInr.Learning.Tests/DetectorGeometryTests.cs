using ResidualInr.Imaging;
using ResidualInr.Learning.Detector;
using ResidualInr.Learning.Experiments;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Tests;

public class DetectorGeometryTests
{
    [Fact]
    public void The_cell_holding_the_box_centre_is_responsible_for_it()
    {
        // 80x45 frame: cells of 16 px, 5 columns x 3 rows. Centre (40, 30) lies in column 2, row 1.
        var (cells, targets) = DetectorLoss.Targets([new Box(30, 20, 20, 20), null], 80, 45, rows: 3, cols: 5);
        Assert.Equal(1 * 5 + 2, cells[0]);
        Assert.Equal(-1, cells[1]);
        Assert.Equal([40 / 16.0f - 2, 30 / 16.0f - 1, 20 / 80f, 20 / 45f], targets.Take(4).ToArray());
    }

    [Fact]
    public void Decoding_picks_the_best_cell_and_inverts_the_targets()
    {
        var truth = new Box(30, 20, 20, 20);
        var (cells, targets) = DetectorLoss.Targets([truth], 80, 45, rows: 3, cols: 5);
        var head = zeros(1, 5, 3, 5);
        long row = cells[0] / 5, col = cells[0] % 5;
        head[0, 0, row, col] = tensor(8f);
        for (int c = 0; c < 4; c++) head[0, c + 1, row, col] = tensor(Logit(targets[c]));
        var (box, confidence) = SingleObjectDetector.Decode(head, 80, 45).Single();
        Assert.Equal(1.0, truth.Iou(box), 4);
        Assert.Equal(Math.Exp(8) / (Math.Exp(8) + 14), confidence, 4);
    }

    [Fact]
    public void Generalised_iou_matches_hand_computed_values()
    {
        var a = tensor(new float[] { 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 1, 1 }, [3, 4]);
        var b = tensor(new float[] { 0, 0, 2, 2, 1, 1, 3, 3, 2, 0, 3, 1 }, [3, 4]);
        var giou = DetectorLoss.GeneralisedIou(a, b).data<float>().ToArray();
        Assert.Equal(1f, giou[0], 5);                        // identical
        Assert.Equal(1f / 7 - (9f - 7) / 9, giou[1], 5);     // overlap 1, union 7, hull 9
        Assert.Equal(0f - (3f - 2) / 3, giou[2], 5);         // disjoint: union 2, hull 3
    }

    [Fact]
    public void A_fresh_detector_has_unit_norm_scales_and_finite_outputs()
    {
        using var model = new SingleObjectDetector();
        var output = model.forward(rand(2, 3, 45, 80));
        Assert.Equal([2L, 5, 3, 5], output.shape);
        Assert.True(output.isfinite().all().item<bool>());
        Assert.True(model.ParameterCount is > 50_000 and < 500_000, $"{model.ParameterCount} parameters");
    }

    [Fact]
    public void The_summary_is_mean_and_sample_deviation_over_seeds()
    {
        var rows = new[] { 0.2, 0.4, 0.6 }.Select((m, i) => new AccuracyRow("x", i, 10, 5, m, 2 * m, 0.5, 1 + i, 0.1)).ToList();
        var s = AccuracySummary.Of(rows).Single();
        Assert.Equal(0.4, s.Map50To95Mean, 12);
        Assert.Equal(0.2, s.Map50To95Std, 12);
        Assert.Equal(0.4, s.Map50Std, 12);
        Assert.Equal(0, s.MeanIouStd, 12);
        Assert.Equal(2, s.TrainSecondsPerEpoch, 12);
    }

    private static float Logit(float p) => MathF.Log(p / (1 - p));
}
