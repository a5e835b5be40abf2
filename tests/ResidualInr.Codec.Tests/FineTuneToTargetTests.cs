using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Metrics;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>
/// A fit judged by a weighted score, and Residual-INR's fine-tuning with a target: the frame is judged with the share of
/// its box's error that its O-INR will take off, so the 8-bit background stops when the frame, not the background alone, is there.
/// </summary>
public class FineTuneToTargetTests
{
    private static Tensor Targets(int count, int pixels, int seed) => rand([count, pixels, 3], generator: new Generator((ulong)seed, CPU)) * 2 - 1;

    private static (float[] Mse, float[] Weights) FitTwo(Tensor? scoreWeights, TrainingOptions options, IReadOnlyList<double>? goal = null, FitCost? cost = null)
    {
        using var scope = NewDisposeScope();
        var coords = CoordinateGrid.For(8, 6, CPU);
        using var net = new BatchedSiren(new SirenShape(8, 2), 2, CPU);
        net.Initialise(new Generator(1, CPU));
        var mse = SirenTrainer.Fit(net, coords, Targets(2, 48, 7), null, options, cost: cost, targetMse: goal, scoreWeights: scoreWeights);
        return (mse, net.Export(0).Concat(net.Export(1)).SelectMany(t => t).ToArray());
    }

    [Fact]
    public void A_uniform_score_weight_scales_the_score_and_leaves_the_training_as_it_was()
    {
        var options = new TrainingOptions(Steps: 40, LearningRate: 1e-3);
        var (plain, plainWeights) = FitTwo(null, options);
        using var twice = full([2, 48, 1], 2f);
        var (scored, scoredWeights) = FitTwo(twice, options);
        // The same best weights (the order of the scores is the same), the score twice the loss.
        Assert.Equal(plainWeights, scoredWeights);
        for (int k = 0; k < 2; k++) Assert.Equal(2 * plain[k], scored[k], 5);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(10)]
    public void The_score_is_the_weighted_squared_error_over_every_value_of_the_kept_weights(int? chunk)
    {
        using var scope = NewDisposeScope();
        var coords = CoordinateGrid.For(8, 6, CPU);
        var targets = Targets(2, 48, 7);
        var weights = rand([2, 48, 1], generator: new Generator(3, CPU));
        using var net = new BatchedSiren(new SirenShape(8, 2), 2, CPU);
        net.Initialise(new Generator(1, CPU));
        var score = SirenTrainer.Fit(net, coords, targets, null, new TrainingOptions(Steps: 30, LearningRate: 1e-3, PixelChunk: chunk), scoreWeights: weights);
        using (no_grad())
        {
            var expected = ((net.Forward(coords) - targets).pow(2) * weights).sum([1, 2]) / (48 * 3);
            for (int k = 0; k < 2; k++) Assert.Equal(expected[k].item<float>(), score[k], 5);
        }
    }

    [Fact]
    public void A_network_stops_when_its_weighted_score_reaches_the_target()
    {
        // Network 0's pixels all weigh nothing: its score is 0 at once. Network 1's weigh 1: it fits noise, never there.
        using var weights = cat([zeros([1, 48, 1]), ones([1, 48, 1])], 0);
        var cost = new FitCost(2);
        FitTwo(weights, new TrainingOptions(Steps: 25, LearningRate: 1e-3), [1e-9, 1e-9], cost);
        Assert.Equal(new[] { 1, 25 }, cost.Steps);
    }

    [Fact]
    public void The_fine_tuning_warms_up_over_its_share_of_the_steps_at_its_share_of_the_learning_rate()
    {
        var recipe = TrainingOptions.FastOnCpu(2000);
        var tuning = recipe.FineTuning(400);
        Assert.Equal(400, tuning.Steps);
        Assert.Equal(TrainingOptions.FastLearningRate * TrainingOptions.DefaultQuantisedLrScale, tuning.LearningRate, 12);
        Assert.Equal((int)(400 * TrainingOptions.FastOnCpuQuantisedWarmupShare), tuning.WarmupSteps);
        Assert.Null(tuning.LbfgsAfter);
        Assert.Null(tuning.SubsetPixels);
        // The reference's fine-tuning: no warm-up, a quarter of the peak.
        var reference = TrainingOptions.Reference(300).FineTuning(300);
        Assert.Equal(0, reference.WarmupSteps);
        Assert.Equal(2e-4 * 0.25, reference.LearningRate, 12);
        Assert.Equal(0, TrainingOptions.Reference(300).FineTuning(1).WarmupSteps);
        Assert.EndsWith("QuantisedWarmupShare = 0.05 }", (TrainingOptions.Reference(300) with { QuantisedWarmupShare = 0.05 }).ToString());
        Assert.Throws<Imaging.InputException>(() => (TrainingOptions.Reference(300) with { QuantisedWarmupShare = 1 }).Validate());
    }

    /// <summary>Runs <paramref name="test"/> on two small synthetic frames made in a temporary folder.</summary>
    private static void WithTwoFrames(Action<List<FrameToEncode>> test)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-finetune-").FullName;
        try
        {
            var ds = SyntheticDataset.Generate(new SyntheticOptions(2, 1, 64, 48, 3), dir);
            test(ds.AllFrames.Select(f => EncodeRunner.Prepare(ds.Sequences.First(s => s.Name == f.Sequence), f, new EncodeOptions(48, 32))).ToList());
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>Encodes <paramref name="frames"/> as one batch; the stages of its fits in order (a stage's consecutive fits once).</summary>
    private static (IReadOnlyList<EncodedFrame> Encoded, List<string> Stages) EncodeWithStages(InrCodec codec, List<FrameToEncode> frames)
    {
        var stages = new List<string>();
        codec.OnFitStep = (stage, _, _) => { if (stages.Count == 0 || stages[^1] != stage) stages.Add(stage); };
        return (codec.EncodeBatch(frames, 1), stages);
    }

    [Fact]
    public void A_frame_that_its_object_inr_brings_to_the_target_takes_no_fine_tuning() => WithTwoFrames(frames =>
    {
        // A low target: the background quantised as it is, with its O-INR, is there.
        var codec = new InrCodec(CodecCatalog.InrSettings("residual-inr", TrainingOptions.FastOnCpu(150, targetPsnrDb: 16)), CPU);
        var (encoded, stages) = EncodeWithStages(codec, frames);
        Assert.DoesNotContain("qat", stages);
        var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
        for (int i = 0; i < frames.Count; i++) Assert.True(ImageQuality.Psnr(frames[i].Image, decoded[i]) >= 16 - 0.05);
    });

    [Fact]
    public void An_adam_recipe_with_a_target_has_no_lbfgs_phase_to_refit_in_and_encodes_as_before() => WithTwoFrames(frames =>
    {
        var (_, stages) = EncodeWithStages(new InrCodec(CodecCatalog.InrSettings("residual-inr", TrainingOptions.Fast(60, targetPsnrDb: 16)), CPU), frames);
        Assert.Equal("background", stages[0]);
        Assert.DoesNotContain("refit", stages);
    });

    [Fact]
    public void Frames_refit_around_their_fixed_first_layer_then_fine_tune_until_with_their_object_inrs_they_are_there() => WithTwoFrames(frames =>
    {
        // Each frame asks for 1 dB less than the encode without a target reached, its fine-tuning run to the cap.
        var training = TrainingOptions.FastOnCpu(200);
        var capped = new InrCodec(CodecCatalog.InrSettings("residual-inr", training), CPU);
        var reached = capped.DecodeBatch(capped.EncodeBatch(frames, 1).Select(e => e.Payload).ToList())
            .Select((d, i) => ImageQuality.Psnr(frames[i].Image, d) - 1).ToArray();
        var codec = new InrCodec(CodecCatalog.InrSettings("residual-inr", training), CPU)
        {
            FrameTargetPsnrDb = frames.Select((f, i) => (f, i)).ToDictionary(x => (x.f.Sequence, x.f.Index), x => reached[x.i]),
        };
        var (encoded, stages) = EncodeWithStages(codec, frames);
        // The float fit's Adam phase, the refit around the fixed first layer, round 0's O-INRs against the background
        // quantised as it is; then, for a frame still short, fine-tuning and O-INRs again.
        Assert.Equal(new[] { "background", "refit", "object" }, stages.Take(3));
        for (int s = 3; s < stages.Count; s++) Assert.Equal(stages[s - 1] == "qat" ? "object" : "qat", stages[s]);
        var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
        for (int i = 0; i < frames.Count; i++)
            Assert.True(ImageQuality.Psnr(frames[i].Image, decoded[i]) >= reached[i] - ConvergenceBenchmark.ToleranceDb,
                $"frame {i}: {ImageQuality.Psnr(frames[i].Image, decoded[i]):F2} dB for a target of {reached[i]:F2}");
    });
}
