using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>Target quality, per-network early stopping with batch compaction, and the fast recipe's knobs.</summary>
public class FastFitTests
{
    private static Tensor Targets(int count, int pixels, int seed) => rand([count, pixels, 3], generator: new Generator((ulong)seed, CPU)) * 2 - 1;

    [Fact]
    public void A_network_that_reaches_its_target_stops_and_keeps_weights_at_the_target()
    {
        using var scope = NewDisposeScope();
        var coords = CoordinateGrid.For(8, 6, CPU);
        // Network 0 fits a constant (easy); network 1 fits noise (hard).
        var targets = cat([full([1, 48, 3], 0.3f), Targets(1, 48, 4)], 0);
        using var net = new BatchedSiren(new SirenShape(8, 2), 2, CPU);
        net.Initialise(new Generator(1, CPU));
        var options = new TrainingOptions(Steps: 200, LearningRate: 1e-3, KeepBestOfSecondHalf: false);
        var cost = new FitCost(2);
        var goal = new[] { 1e-3, 0.0 };
        var mse = SirenTrainer.Fit(net, coords, targets, null, options, cost: cost, targetMse: goal);
        Assert.True(mse[0] <= goal[0], $"kept MSE {mse[0]}");
        Assert.InRange(cost.Steps[0], 1, 199);
        Assert.Equal(200, cost.Steps[1]);
        Assert.True(cost.Seconds[0] < cost.Seconds[1]);
        using (no_grad())
        {
            // The weights left in the net are the ones that reached the target.
            var again = (net.Forward(coords) - targets).pow(2).mean([1, 2]);
            Assert.Equal(mse[0], again[0].item<float>(), 5);
        }
    }

    [Fact]
    public void Compacting_the_batch_does_not_change_the_networks_that_go_on_training()
    {
        using var scope = NewDisposeScope();
        var shape = new SirenShape(6, 2);
        var coords = CoordinateGrid.For(8, 6, CPU);
        var targets = Targets(3, 48, 3);
        var options = new TrainingOptions(Steps: 40, LearningRate: 1e-3, KeepBestOfSecondHalf: false);
        using var batch = new BatchedSiren(shape, 3, CPU);
        batch.Initialise(new Generator(9, CPU));
        var init = Enumerable.Range(0, 3).Select(batch.Export).ToArray();
        // Network 1 stops at once (any MSE meets an infinite target); 0 and 2 never reach theirs.
        var cost = new FitCost(3);
        var mse = SirenTrainer.Fit(batch, coords, targets, null, options, cost: cost, targetMse: [0, double.PositiveInfinity, 0]);
        Assert.Equal(new[] { 40, 1, 40 }, cost.Steps);
        // Network 1 met its target with the weights it was measured with at its first step: its initial ones.
        var stopped = batch.Export(1);
        for (int t = 0; t < stopped.Length; t++) Assert.Equal(init[1][t], stopped[t]);
        foreach (int b in new[] { 0, 2 })
        {
            using var alone = new BatchedSiren(shape, 1, CPU);
            alone.Import(0, init[b]);
            var single = SirenTrainer.Fit(alone, coords, targets[b].unsqueeze(0), null, options);
            Assert.Equal(single[0], mse[b], 5);
            for (int l = 0; l < shape.Layers.Count; l++)
                Assert.True(allclose(batch.Weights[l][b], alone.Weights[l][0], rtol: 1e-4, atol: 1e-6), $"network {b} layer {l}");
        }
    }

    [Fact]
    public void Without_a_target_every_network_takes_every_step()
    {
        using var scope = NewDisposeScope();
        using var net = new BatchedSiren(new SirenShape(4, 2), 2, CPU);
        net.Initialise(new Generator(2, CPU));
        var cost = new FitCost(2);
        SirenTrainer.Fit(net, CoordinateGrid.For(4, 4, CPU), Targets(2, 16, 1), null, new TrainingOptions(Steps: 7, LearningRate: 1e-3), cost: cost);
        Assert.Equal(new[] { 7, 7 }, cost.Steps);
    }

    [Fact]
    public void Weight_scaling_multiplies_the_reference_bounds()
    {
        using var net = new BatchedSiren(new SirenShape(28, 10), 4, CPU);
        net.Initialise(new Generator(1, CPU), scale: 2);
        float first = net.Weights[0].abs().max().item<float>(), hidden = net.Weights[3].abs().max().item<float>();
        Assert.InRange(first, 0.8f, 1.0f);                       // U(±a/fan_in) = U(±1)
        float bound = (float)(2 * Math.Sqrt(6.0 / 28) / 30);
        Assert.InRange(hidden, 0.8f * bound, bound);
    }

    [Fact]
    public void Warm_up_rises_linearly_then_follows_the_cosine()
    {
        var o = new TrainingOptions(Steps: 100, LearningRate: 1e-3, WarmupSteps: 10);
        Assert.Equal(1e-4, o.LearningRateAt(0), 12);
        Assert.Equal(1e-3, o.LearningRateAt(9), 12);
        Assert.Equal(1e-3, o.LearningRateAt(10), 12);
        Assert.True(o.LearningRateAt(60) < o.LearningRateAt(30));
        Assert.Throws<Imaging.InputException>(() => (o with { WarmupSteps = 100 }).Validate());
        Assert.Throws<Imaging.InputException>(() => (o with { TargetPsnrDb = -3 }).Validate());
    }

    [Fact]
    public void Options_of_the_reference_recipe_print_as_before_so_cache_keys_stay()
    {
        // The text the record printed before the fast recipe's fields existed (cache keys hash it).
        Assert.Equal("TrainingOptions { Steps = 300, LearningRate = 0.001, CosineSchedule = True, KeepBestOfSecondHalf = True, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1E-08 }",
            new TrainingOptions(Steps: 300, LearningRate: 1e-3).ToString());
        Assert.EndsWith("Epsilon = 1E-08, WarmupSteps = 5, TargetPsnrDb = 30 }", new TrainingOptions(Steps: 300, WarmupSteps: 5, TargetPsnrDb: 30).ToString());
        // The fine-tuning's learning-rate share enters the text only when it differs from the 1/4 every encode used before.
        Assert.EndsWith("Epsilon = 1E-08, QuantisedLrScale = 1 }", new TrainingOptions(Steps: 300, QuantisedLrScale: 1).ToString());
        Assert.Throws<Imaging.InputException>(() => new TrainingOptions(QuantisedLrScale: 0).Validate());
    }

    [Fact]
    public void Psnr_and_mse_convert_both_ways()
    {
        Assert.Equal(30, Psnr.FromMse(Psnr.ToMse(30)), 10);
        // One 8-bit level of error everywhere: MSE (2/255)^2 in network units is 48.13 dB.
        Assert.Equal(20 * Math.Log10(255), Psnr.FromMse(Math.Pow(2.0 / 255, 2)), 10);
    }

    [Fact]
    public void Residual_inr_with_a_target_stops_each_frame_there_and_reports_its_steps()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-target-").FullName;
        try
        {
            var ds = SyntheticDataset.Generate(new SyntheticOptions(2, 1, 64, 48, 3), dir);
            var frames = ds.AllFrames.Select(f => EncodeRunner.Prepare(ds.Sequences.First(s => s.Name == f.Sequence), f, new EncodeOptions(48, 32))).ToList();
            var training = new TrainingOptions(Steps: 150, LearningRate: 1e-3, TargetPsnrDb: 18);
            var codec = new InrCodec(CodecCatalog.InrSettings("residual-inr", training), CPU);
            var encoded = codec.EncodeBatch(frames, 1);
            var plain = new InrCodec(CodecCatalog.InrSettings("residual-inr", training with { TargetPsnrDb = null }), CPU).EncodeBatch(frames, 1);
            var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
            for (int i = 0; i < frames.Count; i++)
            {
                // Same networks, same format; but a residual O-INR that does not lower its box's error is not sent
                // (ObjectInrFitter), and stopping at the target can decide that differently: then one group-1 O-INR (641 B) less.
                Assert.Contains(plain[i].Payload.Length - encoded[i].Payload.Length, new[] { 0, 641, -641 });
                Assert.True(encoded[i].Steps < plain[i].Steps, $"frame {i}: {encoded[i].Steps} steps with the target, {plain[i].Steps} without");
                Assert.True(Imaging.Metrics.ImageQuality.Psnr(frames[i].Image, decoded[i]) > 17.5);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Reference_recipe_encodes_as_encoder_revision_2_and_payloads_from_before_decode_exactly_as_then()
    {
        // Data/pre-fastinr: payloads and decoded frames written by commit 70ff028 (before the fast recipe):
        // rinr encode --codec residual-inr --dataset synthetic --size 48x32 --steps 30 --lr 1e-3 --frames 1 --batch 4, and rinr decode.
        // Data/encoder-rev2: the same encode by CodecCatalog.EncoderRevision 2, whose small-box rule trains these tiny boxes'
        // O-INRs 4x longer (ObjectInrFitter); their background network (the first 5,782 bytes) is unchanged.
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Data", "pre-fastinr");
        var revision2 = Path.Combine(AppContext.BaseDirectory, "Data", "encoder-rev2");
        var dir = Directory.CreateTempSubdirectory("rinr-golden-").FullName;
        try
        {
            // A new revision brings new fixtures, unless it changes only encodes these are not: 3 and 4 changed encodes with a target.
            Assert.Equal(4, CodecCatalog.EncoderRevision);
            var ds = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 4, Frames: 4, Seed: 1), dir);
            var codec = new InrCodec(CodecCatalog.InrSettings("residual-inr", new TrainingOptions(Steps: 30, LearningRate: 1e-3)), CPU);
            var outDir = Path.Combine(dir, "enc");
            EncodeRunner.Run(ds, codec, new EncodeOptions(48, 32, Batch: 4, Seed: 1, MaxFrames: 1), outDir);
            var decoder = new InrDecoder(CPU);
            for (int s = 1; s <= 4; s++)
            {
                var now = File.ReadAllBytes(Path.Combine(outDir, $"synth0{s}", "000001.rinr"));
                Assert.Equal(File.ReadAllBytes(Path.Combine(revision2, $"synth0{s}.rinr")), now);
                var before = File.ReadAllBytes(Path.Combine(fixtures, $"synth0{s}.rinr"));
                Assert.Equal(before.AsSpan(0, 5782).ToArray(), now.AsSpan(0, 5782).ToArray());
                var image = decoder.Decode([PayloadFormat.Read(before)])[0];
                Assert.Equal(RgbImage.Load(Path.Combine(fixtures, $"synth0{s}.png")).Pixels, image.Pixels);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_in_pixel_chunks_takes_the_same_steps_as_whole_frames(bool masked)
    {
        // The chunked step's loss and gradient are the whole frame's, summed in another order: after 40 Adam steps
        // the networks agree to float rounding. 7 does not divide the 48 pixels, so the last chunk is short.
        using var scope = NewDisposeScope();
        var shape = new SirenShape(8, 3);
        var coords = CoordinateGrid.For(8, 6, CPU);
        var targets = Targets(2, 48, 6);
        Tensor? mask = masked ? (rand([2, 48, 1], generator: new Generator(7, CPU)) > 0.3).to(ScalarType.Float32) : null;
        var options = new TrainingOptions(Steps: 40, LearningRate: 1e-3, KeepBestOfSecondHalf: false);
        float[] Fit(int? chunk, out float[] weights)
        {
            using var net = new BatchedSiren(shape, 2, CPU);
            net.Initialise(new Generator(8, CPU));
            var mse = SirenTrainer.Fit(net, coords, targets, mask, options with { PixelChunk = chunk });
            weights = Enumerable.Range(0, 2).SelectMany(net.Export).SelectMany(t => t).ToArray();
            return mse;
        }
        var whole = Fit(null, out var wholeWeights);
        var chunked = Fit(7, out var chunkedWeights);
        for (int b = 0; b < 2; b++) Assert.Equal(whole[b], chunked[b], whole[b] * 1e-3f);
        float largest = wholeWeights.Zip(chunkedWeights).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(largest < 1e-4, $"weights differ by up to {largest}");
    }

    /// <summary>Fits networks <paramref name="rows"/> (default: both) of two with pixel subsets, each from the start it has in a
    /// batch of two; returns each one's kept MSE, steps and weights (as <see cref="BatchedSiren.Export"/> lays them out).</summary>
    private static (float[] Mse, int[] Steps, float[][][] Weights) FitWithSubsets(TrainingOptions options, Tensor targets, Tensor? mask, double[]? goal,
        int[]? rows = null)
    {
        using var scope = NewDisposeScope();
        rows ??= [0, 1];
        var shape = new SirenShape(8, 3);
        using var start = new BatchedSiren(shape, 2, CPU);
        start.Initialise(new Generator(8, CPU));
        using var net = new BatchedSiren(shape, rows.Length, CPU);
        for (int i = 0; i < rows.Length; i++) net.Import(i, start.Export(rows[i]));
        using var picked = tensor(rows.Select(r => (long)r).ToArray());
        var cost = new FitCost(rows.Length);
        var mse = SirenTrainer.Fit(net, CoordinateGrid.For(8, 6, CPU), targets.index_select(0, picked), mask?.index_select(0, picked), options,
            cost: cost, targetMse: goal);
        return (mse, cost.Steps, Enumerable.Range(0, rows.Length).Select(net.Export).ToArray());
    }

    [Fact]
    public void Pixel_subsets_are_reproducible_and_a_network_trains_alike_alone_and_in_a_batch()
    {
        using var scope = NewDisposeScope();
        var targets = Targets(2, 48, 6);
        var options = new TrainingOptions(Steps: 30, LearningRate: 1e-3, KeepBestOfSecondHalf: false, SubsetPixels: 12, SubsetShare: 2.0 / 3);
        var first = FitWithSubsets(options, targets, null, null);
        var again = FitWithSubsets(options, targets, null, null);
        Assert.Equal(first.Weights[0], again.Weights[0]);
        Assert.Equal(first.Weights[1], again.Weights[1]);
        // The batch's subsets are drawn without looking at the batch: network 0 alone draws the same pixels.
        var alone = FitWithSubsets(options, targets, null, null, rows: [0]);
        float largest = first.Weights[0].SelectMany(t => t).Zip(alone.Weights[0].SelectMany(t => t)).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(largest < 1e-5, $"weights differ by up to {largest}");
        // And the subsets change the path: the same fit on whole frames ends elsewhere.
        var whole = FitWithSubsets(options with { SubsetPixels = null, SubsetShare = 0 }, targets, null, null);
        Assert.NotEqual(whole.Weights[0], first.Weights[0]);
    }

    [Fact]
    public void A_subset_as_large_as_the_frame_is_the_whole_frame()
    {
        using var scope = NewDisposeScope();
        var targets = Targets(2, 48, 6);
        var options = new TrainingOptions(Steps: 25, LearningRate: 1e-3, KeepBestOfSecondHalf: false);
        var whole = FitWithSubsets(options, targets, null, null);
        var covering = FitWithSubsets(options with { SubsetPixels = 48, SubsetShare = 1 }, targets, null, null);
        Assert.Equal(whole.Weights[0], covering.Weights[0]);
        Assert.Equal(whole.Mse, covering.Mse);
    }

    [Fact]
    public void Subset_steps_neither_stop_a_network_nor_keep_its_weights_and_whole_frame_steps_do()
    {
        // An infinite target is met by any loss: on whole frames a network stops at its first step; with subsets it
        // stops at the first whole-frame step after them, and what it keeps is measured on the whole frame.
        using var scope = NewDisposeScope();
        var targets = Targets(2, 48, 6);
        var options = new TrainingOptions(Steps: 30, LearningRate: 1e-3, KeepBestOfSecondHalf: false, SubsetPixels: 12, SubsetShare: 1.0 / 3);
        var fit = FitWithSubsets(options, targets, null, [double.PositiveInfinity, double.PositiveInfinity]);
        Assert.Equal(new[] { 11, 11 }, fit.Steps);
        // L-BFGS's line search wants whole-frame losses: the subsets end where it starts.
        var lbfgs = FitWithSubsets(options with { SubsetShare = 1, LbfgsAfter = 5 }, targets, null, [double.PositiveInfinity, double.PositiveInfinity]);
        Assert.Equal(new[] { 6, 6 }, lbfgs.Steps);
        using var net = new BatchedSiren(new SirenShape(8, 3), 2, CPU);
        for (int i = 0; i < 2; i++) net.Import(i, fit.Weights[i]);
        using (no_grad())
        {
            var mse = (net.Forward(CoordinateGrid.For(8, 6, CPU)) - targets).pow(2).mean([1, 2]);
            for (int i = 0; i < 2; i++) Assert.Equal(fit.Mse[i], mse[i].item<float>(), 5);
        }
    }

    [Fact]
    public void A_subset_that_misses_a_small_box_adds_nothing_instead_of_nan()
    {
        // Network 1's mask holds 2 of 48 pixels, so most 6-pixel subsets miss it.
        using var scope = NewDisposeScope();
        var targets = Targets(2, 48, 6);
        var mask = ones([2, 48, 1]);
        mask[1] = zeros([48, 1]);
        mask[1, 5] = ones([1]);
        mask[1, 40] = ones([1]);
        var options = new TrainingOptions(Steps: 30, LearningRate: 1e-3, KeepBestOfSecondHalf: false, SubsetPixels: 6, SubsetShare: 2.0 / 3);
        var fit = FitWithSubsets(options, targets, mask, null);
        Assert.All(fit.Mse, m => Assert.True(float.IsFinite(m), $"MSE {m}"));
        Assert.All(fit.Weights[1].SelectMany(t => t), w => Assert.True(float.IsFinite(w)));
    }

    [Theory]
    [InlineData(12, 0)]
    [InlineData(null, 0.5)]
    [InlineData(12, 1.5)]
    [InlineData(12, -0.5)]
    [InlineData(0, 0.5)]
    public void Pixel_subsets_need_a_size_and_a_share_of_the_steps(int? pixels, double share)
    {
        var options = new TrainingOptions(Steps: 30, SubsetPixels: pixels, SubsetShare: share);
        Assert.Throws<ResidualInr.Imaging.InputException>(options.Validate);
    }
}
