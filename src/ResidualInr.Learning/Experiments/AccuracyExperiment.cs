using ResidualInr.Imaging;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Detector;
using ResidualInr.Learning.Metrics;
using ResidualInr.Learning.Training;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Experiments;

/// <summary>
/// The accuracy each codec buys: for every source of training frames (a codec's decoded payloads,
/// or the originals) and every seed, train a detector on the same frames with the same schedule and
/// score it on held-out original frames it never saw. A trivial baseline that always predicts the
/// mean training box is scored too, so that "the detector learned something" is a number.
/// </summary>
/// <param name="pretrained">Weights every detector is fine-tuned from (the same for every source); null: from scratch.</param>
public sealed class AccuracyExperiment(IReadOnlyList<Box?> trainBoxes, IFrameSource testFrames, IReadOnlyList<Box?> testBoxes,
    DetectorSettings settings, Device device, DetectorWeights? pretrained = null)
{
    public const string MeanBoxBaseline = "baseline-mean-box";

    /// <summary>The source name of the original frames (the upper reference that codecs' differences are taken against).</summary>
    public const string Original = "original";

    /// <param name="epochsDone">Epochs finished over every source and seed.</param>
    public AccuracyResults Run(IReadOnlyList<IFrameSource> sources, IReadOnlyList<int> seeds, IProgress<int>? epochsDone = null)
    {
        if (testBoxes.Count != testFrames.Count) throw new ArgumentException("one box per test frame");
        if (seeds.Count == 0) throw new ArgumentException("no seeds");
        var rows = new List<AccuracyRow>();
        var answers = new List<TestDetection>();
        var baselineBox = MeanTrainingBox();
        var baseline = ScoreBaseline();
        rows.AddRange(seeds.Select(seed => new AccuracyRow(MeanBoxBaseline, seed, trainBoxes.Count, testFrames.Count,
            baseline.Map50To95, baseline.Map50, baseline.MeanIou, 0, 0)));
        foreach (var seed in seeds)
            answers.AddRange(testBoxes.Select((truth, frame) => new TestDetection(MeanBoxBaseline, seed, frame, truth, baselineBox, 1.0)));
        int done = 0;
        foreach (var source in sources)
        {
            if (source.Width != testFrames.Width || source.Height != testFrames.Height)
                throw new InputException($"{source.Name}: frames are {source.Width}x{source.Height}, the test frames {testFrames.Width}x{testFrames.Height}");
            foreach (var seed in seeds)
            {
                int before = done;
                using var trained = DetectorTrainer.Train(source, trainBoxes, settings, seed, device, e => epochsDone?.Report(done = before + e), pretrained);
                var detections = Detect(trained.Model);
                answers.AddRange(detections.Select((d, frame) => new TestDetection(source.Name, seed, frame, d.Truth, d.Predicted, d.Confidence)));
                var scores = DetectionMetrics.Score(detections);
                rows.Add(new AccuracyRow(source.Name, seed, source.Count, testFrames.Count, scores.Map50To95, scores.Map50, scores.MeanIou,
                    Median(trained.Epochs.Select(e => e.TrainSeconds)), Median(trained.Epochs.Select(e => e.DecodeSeconds))));
            }
        }
        return new AccuracyResults(rows, answers);
    }

    /// <summary>Scores a detector on the test frames.</summary>
    public DetectionScores Evaluate(SingleObjectDetector model) => DetectionMetrics.Score(Detect(model));

    /// <summary>A detector's answer on every test frame, in test-frame order, predicted in batches.</summary>
    private List<Detection> Detect(SingleObjectDetector model)
    {
        var detections = new List<Detection>(testFrames.Count);
        foreach (var chunk in Enumerable.Range(0, testFrames.Count).Chunk(64))
        {
            using var scope = NewDisposeScope();
            var predicted = model.Predict(testFrames.Load(chunk, device));
            detections.AddRange(chunk.Select((index, k) => new Detection(testBoxes[index], predicted[k].Box, predicted[k].Confidence)));
        }
        return detections;
    }

    /// <summary>Always the mean training box, always with full confidence.</summary>
    public DetectionScores ScoreBaseline()
    {
        var mean = MeanTrainingBox();
        return DetectionMetrics.Score(testBoxes.Select(t => new Detection(t, mean, 1.0)).ToList());
    }

    private Box MeanTrainingBox()
    {
        var known = trainBoxes.Where(b => b is not null).Select(b => b!.Value).ToList();
        if (known.Count == 0) throw new InputException("no training frame has a box to learn from");
        return new Box(known.Average(b => b.X), known.Average(b => b.Y), known.Average(b => b.W), known.Average(b => b.H));
    }

    /// <summary>The median epoch: the first epoch's one-off costs (allocation, kernel selection) do not count.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
