using ResidualInr.Learning.Metrics;
using ResidualInr.Imaging;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Tests;

[Collection(TorchRandomCollection)]
public class DetectorTrainingTests(ITestOutputHelper log)
{
    /// <summary>Test classes that seed libtorch's global generator and train detectors: never run in parallel.</summary>
    public const string TorchRandomCollection = "libtorch global generator";

    private static readonly DetectorSettings Quick = new(Epochs: 40, BatchSize: 8);

    [Fact]
    public void Training_lowers_the_loss()
    {
        var (images, boxes, _) = SyntheticFrames.Get();
        using var source = new PixelFrameSource("original", images, CPU);
        using var trained = DetectorTrainer.Train(source, boxes, Quick with { Epochs = 12 }, seed: 1, CPU);
        log.WriteLine(string.Join(", ", trained.Losses.Select(l => l.ToString("F3"))));
        Assert.All(trained.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(trained.Losses[^1] < 0.6 * trained.Losses[0], $"loss {trained.Losses[0]:F3} -> {trained.Losses[^1]:F3}");
    }

    [Fact]
    public void A_detector_trained_on_originals_beats_the_mean_box_on_frames_it_never_saw()
    {
        var (train, test) = Split();
        var experiment = new AccuracyExperiment(train.Boxes, test.Source, test.Boxes, Quick, CPU);
        var results = experiment.Run([train.Source], [1]);
        var rows = results.Rows;
        var baseline = rows.Single(r => r.Codec == AccuracyExperiment.MeanBoxBaseline);
        var learned = rows.Single(r => r.Codec == "original");
        log.WriteLine($"baseline mAP50-95 {baseline.Map50To95:F3} IoU {baseline.MeanIou:F3}; detector mAP50-95 {learned.Map50To95:F3} IoU {learned.MeanIou:F3}");
        Assert.True(learned.MeanIou > baseline.MeanIou + 0.15, $"IoU {learned.MeanIou:F3} vs baseline {baseline.MeanIou:F3}");
        Assert.True(learned.Map50To95 > baseline.Map50To95 + 0.05, $"mAP50-95 {learned.Map50To95:F3} vs baseline {baseline.Map50To95:F3}");
        Assert.Equal(train.Source.Count, learned.TrainFrames);
        Assert.Equal(test.Source.Count, learned.TestFrames);
        Assert.True(learned.TrainSecondsPerEpoch > 0 && learned.DecodeSecondsPerEpoch >= 0 && learned.DecodeSecondsPerEpoch < learned.TrainSecondsPerEpoch);
        // The per-frame answers kept for the intervals are the ones the row was scored from: one per test frame, same scores.
        foreach (var row in rows)
        {
            var answers = results.Detections.Where(d => d.Codec == row.Codec && d.Seed == row.Seed).OrderBy(d => d.Frame).ToList();
            Assert.Equal(Enumerable.Range(0, test.Source.Count), answers.Select(d => d.Frame));
            var rescored = DetectionMetrics.Score(answers.Select(d => d.ToDetection()).ToList());
            Assert.Equal((row.Map50To95, row.Map50, row.MeanIou), (rescored.Map50To95, rescored.Map50, rescored.MeanIou));
        }
        train.Source.Dispose();
        test.Source.Dispose();
    }

    [Fact]
    public void The_same_seed_gives_the_same_detector_and_another_seed_a_different_one()
    {
        var (train, test) = Split();
        var settings = Quick with { Epochs = 6 };
        var experiment = new AccuracyExperiment(train.Boxes, test.Source, test.Boxes, settings, CPU);
        var first = experiment.Run([train.Source], [1, 2]).Rows.Where(r => r.Codec == "original").ToList();
        var again = experiment.Run([train.Source], [1]).Rows.Single(r => r.Codec == "original");
        Assert.Equal((first[0].Map50To95, first[0].Map50, first[0].MeanIou), (again.Map50To95, again.Map50, again.MeanIou));
        Assert.NotEqual(first[0].MeanIou, first[1].MeanIou);
        train.Source.Dispose();
        test.Source.Dispose();
    }

    [Fact]
    public void Epochs_leave_no_tensors_behind()
    {
        var (images, boxes, _) = SyntheticFrames.Get();
        using var source = new PixelFrameSource("original", images, CPU);
        var live = new List<long>();
        using var trained = DetectorTrainer.Train(source, boxes, Quick with { Epochs = 5 }, seed: 3, CPU,
            onEpochDone: _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        log.WriteLine("live tensors after each epoch: " + string.Join(", ", live));
        Assert.All(live.Skip(1), n => Assert.Equal(live[1], n));
    }

    [Fact]
    public void The_schedule_warms_up_then_decays_to_zero()
    {
        var s = new DetectorSettings(LearningRate: 0.01);
        var rates = Enumerable.Range(0, 100).Select(step => s.LearningRateAt(step, 100)).ToArray();
        Assert.True(rates[0] < rates[4]);
        Assert.Equal(0.01, rates[5], 9);
        Assert.True(rates[99] < 1e-4);
        Assert.All(rates.Zip(rates.Skip(1)).Skip(5), p => Assert.True(p.Second <= p.First));
    }

    /// <summary>The first 9 frames of every sequence train, the last 3 test: frames the detector never saw.</summary>
    private static ((PixelFrameSource Source, List<Box?> Boxes) Train, (PixelFrameSource Source, List<Box?> Boxes) Test) Split()
    {
        var (images, boxes, sequences) = SyntheticFrames.Get();
        var position = sequences.Select((s, i) => i - sequences.IndexOf(s)).ToList();
        var train = Enumerable.Range(0, images.Count).Where(i => position[i] < 9).ToList();
        var test = Enumerable.Range(0, images.Count).Where(i => position[i] >= 9).ToList();
        return ((new PixelFrameSource("original", train.Select(i => images[i]).ToList(), CPU), train.Select(i => boxes[i]).ToList()),
                (new PixelFrameSource("test", test.Select(i => images[i]).ToList(), CPU), test.Select(i => boxes[i]).ToList()));
    }
}
