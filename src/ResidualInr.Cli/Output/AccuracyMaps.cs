using CsvHelper.Configuration;
using ResidualInr.Imaging;
using ResidualInr.Learning.Experiments;

namespace ResidualInr.Cli.Output;

/// <summary>accuracy.csv: one row per codec and seed.</summary>
public sealed class AccuracyRowMap : ClassMap<AccuracyRow>
{
    public AccuracyRowMap()
    {
        Map(m => m.Codec).Name("codec");
        Map(m => m.Seed).Name("seed");
        Map(m => m.TrainFrames).Name("train_frames");
        Map(m => m.TestFrames).Name("test_frames");
        Map(m => m.Map50To95).Name("map50_95");
        Map(m => m.Map50).Name("map50");
        Map(m => m.MeanIou).Name("mean_iou");
        Map(m => m.TrainSecondsPerEpoch).Name("train_s_per_epoch");
        Map(m => m.DecodeSecondsPerEpoch).Name("decode_s_per_epoch");
        this.ReadThroughConstructor();
    }
}

/// <summary>
/// A row of detections.csv: one detector's answer on one held-out test frame, in pixels of the codecs' frame size
/// (x, y the top-left corner, as everywhere: <see cref="Box"/>). The truth columns are empty when the frame has no object.
/// </summary>
public sealed record DetectionRow(string Codec, int Seed, int Frame, double? TruthX, double? TruthY, double? TruthW, double? TruthH,
    double PredX, double PredY, double PredW, double PredH, double Confidence)
{
    public static DetectionRow Of(TestDetection d) => new(d.Codec, d.Seed, d.Frame, d.Truth?.X, d.Truth?.Y, d.Truth?.W, d.Truth?.H,
        d.Predicted.X, d.Predicted.Y, d.Predicted.W, d.Predicted.H, d.Confidence);

    public TestDetection ToDetection() => new(Codec, Seed, Frame,
        TruthX is { } x && TruthY is { } y && TruthW is { } w && TruthH is { } h ? new Box(x, y, w, h) : null,
        new Box(PredX, PredY, PredW, PredH), Confidence);
}

/// <summary>detections.csv: every detector (codec x seed) on every test frame; the bootstrap intervals are computed from it.</summary>
public sealed class DetectionRowMap : ClassMap<DetectionRow>
{
    public DetectionRowMap()
    {
        Map(m => m.Codec).Name("codec");
        Map(m => m.Seed).Name("seed");
        Map(m => m.Frame).Name("test_frame");
        Map(m => m.TruthX).Name("truth_x");
        Map(m => m.TruthY).Name("truth_y");
        Map(m => m.TruthW).Name("truth_w");
        Map(m => m.TruthH).Name("truth_h");
        Map(m => m.PredX).Name("pred_x");
        Map(m => m.PredY).Name("pred_y");
        Map(m => m.PredW).Name("pred_w");
        Map(m => m.PredH).Name("pred_h");
        Map(m => m.Confidence).Name("confidence");
        this.ReadThroughConstructor();
    }
}

/// <summary>
/// accuracy_summary.csv: mean and sample standard deviation over seeds, per codec; the bootstrap 95% intervals over
/// test frames and seeds; the paired difference in mAP50-95 to the detector trained on originals, with its interval.
/// </summary>
public sealed class AccuracySummaryMap : ClassMap<AccuracySummary>
{
    // Explicit indices: CsvHelper would otherwise put the members of the Interval structs in an order of its own.
    public AccuracySummaryMap()
    {
        Map(m => m.Codec).Name("codec").Index(0);
        Map(m => m.Seeds).Name("seeds").Index(1);
        Map(m => m.Map50To95Mean).Name("map50_95_mean").Index(2);
        Map(m => m.Map50To95Std).Name("map50_95_std").Index(3);
        Map(m => m.Map50Mean).Name("map50_mean").Index(4);
        Map(m => m.Map50Std).Name("map50_std").Index(5);
        Map(m => m.MeanIouMean).Name("mean_iou_mean").Index(6);
        Map(m => m.MeanIouStd).Name("mean_iou_std").Index(7);
        Map(m => m.TrainSecondsPerEpoch).Name("train_s_per_epoch").Index(8);
        Map(m => m.DecodeSecondsPerEpoch).Name("decode_s_per_epoch").Index(9);
        Map(m => m.Map50To95Ci.Low).Name("map50_95_ci_low").Index(10);
        Map(m => m.Map50To95Ci.High).Name("map50_95_ci_high").Index(11);
        Map(m => m.Map50Ci.Low).Name("map50_ci_low").Index(12);
        Map(m => m.Map50Ci.High).Name("map50_ci_high").Index(13);
        Map(m => m.MeanIouCi.Low).Name("mean_iou_ci_low").Index(14);
        Map(m => m.MeanIouCi.High).Name("mean_iou_ci_high").Index(15);
        Map(m => m.Map50To95DiffVsOriginal).Name("map50_95_diff_vs_original").Index(16);
        Map(m => m.Map50To95DiffCi.Low).Name("map50_95_diff_vs_original_ci_low").Index(17);
        Map(m => m.Map50To95DiffCi.High).Name("map50_95_diff_vs_original_ci_high").Index(18);
    }
}
