using CsvHelper.Configuration;
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

/// <summary>accuracy_summary.csv: mean and sample standard deviation over seeds, per codec.</summary>
public sealed class AccuracySummaryMap : ClassMap<AccuracySummary>
{
    public AccuracySummaryMap()
    {
        Map(m => m.Codec).Name("codec");
        Map(m => m.Seeds).Name("seeds");
        Map(m => m.Map50To95Mean).Name("map50_95_mean");
        Map(m => m.Map50To95Std).Name("map50_95_std");
        Map(m => m.Map50Mean).Name("map50_mean");
        Map(m => m.Map50Std).Name("map50_std");
        Map(m => m.MeanIouMean).Name("mean_iou_mean");
        Map(m => m.MeanIouStd).Name("mean_iou_std");
        Map(m => m.TrainSecondsPerEpoch).Name("train_s_per_epoch");
        Map(m => m.DecodeSecondsPerEpoch).Name("decode_s_per_epoch");
    }
}
