using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>Learned initialisations (rinr meta-train): the file, the set by shape, Reptile, and what they change in an encode.</summary>
public class LearnedInitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rinr-init-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static SirenInit RandomInit(SirenShape shape, int seed, string provenance = "test")
    {
        using var net = new BatchedSiren(shape, 1, CPU);
        net.Initialise(new Generator((ulong)seed, CPU));
        return new SirenInit(shape, net.Export(0), provenance);
    }

    [Fact]
    public void A_saved_initialisation_reads_back_identically()
    {
        var init = RandomInit(new SirenShape(12, 4), 3, "rinr meta-train --shape 4x12 (ünïcode)");
        var path = Path.Combine(_dir, SirenInit.FileName(init.Shape));
        init.Save(path);
        var back = SirenInit.Read(path);
        Assert.Equal(init.Shape, back.Shape);
        Assert.Equal(init.Provenance, back.Provenance);
        Assert.Equal(init.Sha256, back.Sha256);
        for (int t = 0; t < init.Tensors.Length; t++) Assert.Equal(init.Tensors[t], back.Tensors[t]);
        Assert.Equal("siren-init-4x12.bin", Path.GetFileName(path));
    }

    [Theory]
    [InlineData("truncated", "truncated")]
    [InlineData("magic", "not a SIREN initialisation")]
    [InlineData("nan", "not finite")]
    [InlineData("trailing", "after the last tensor")]
    public void A_damaged_file_is_an_input_error_naming_it(string damage, string reason)
    {
        var bytes = RandomInit(new SirenShape(5, 2), 1).ToBytes();
        bytes = damage switch
        {
            "truncated" => bytes[..^7],
            "magic" => [.. "NOTINIT!"u8.ToArray(), .. bytes[8..]],
            "nan" => [.. bytes[..^4], .. BitConverter.GetBytes(float.NaN)],
            _ => [.. bytes, 0],
        };
        var path = Path.Combine(_dir, "siren-init-2x5.bin");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InputException>(() => SirenInit.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_set_finds_each_shape_and_names_the_missing_file_for_others()
    {
        RandomInit(new SirenShape(6, 3), 1).Save(Path.Combine(_dir, "siren-init-3x6.bin"));
        RandomInit(new SirenShape(4, 2), 2).Save(Path.Combine(_dir, "siren-init-2x4.bin"));
        var set = SirenInitSet.Load(_dir);
        Assert.Equal(new SirenShape(6, 3), set.For(new SirenShape(6, 3)).Shape);
        Assert.Equal(2, set.Shapes.Count);
        var e = Assert.Throws<InputException>(() => set.For(new SirenShape(28, 10)));
        Assert.Contains("siren-init-10x28.bin", e.Message);
        Assert.Contains("rinr meta-train --shape 10x28", e.Message);
        // The fingerprint (part of encode cache keys) changes when a file's weights do.
        RandomInit(new SirenShape(4, 2), 3).Save(Path.Combine(_dir, "siren-init-2x4.bin"));
        Assert.NotEqual(set.Fingerprint, SirenInitSet.Load(_dir).Fingerprint);
    }

    [Fact]
    public void Every_network_of_a_batch_starts_from_the_learned_parameters()
    {
        var init = RandomInit(new SirenShape(7, 3), 5);
        using var net = new BatchedSiren(init.Shape, 3, CPU);
        net.Initialise(init);
        for (int b = 0; b < 3; b++)
        {
            var exported = net.Export(b);
            for (int t = 0; t < exported.Length; t++) Assert.Equal(init.Tensors[t], exported[t]);
        }
    }

    [Fact]
    public void Training_options_with_a_learned_init_differ_in_their_cache_text_and_refuse_an_init_scale()
    {
        RandomInit(new SirenShape(6, 3), 1).Save(Path.Combine(_dir, "siren-init-3x6.bin"));
        var set = SirenInitSet.Load(_dir);
        var plain = TrainingOptions.Fast(100);
        var learned = plain with { LearnedInit = set };
        Assert.DoesNotContain("LearnedInit", plain.ToString());
        Assert.Contains(set.Fingerprint, learned.ToString());
        Assert.Throws<InputException>(() => (learned with { InitScale = 2 }).Validate());
    }

    /// <summary>
    /// Tasks of one family: a horizontal sine grating of random frequency, phase and colour. Reptile's promise is that
    /// a few steps from the learned start fit an unseen member better than the same steps from random weights.
    /// </summary>
    private static MetaTrainer.Task Grating(Random rng, int w, int h)
    {
        using var grid = CoordinateGrid.For(w, h, CPU);
        var coords = grid.data<float>().ToArray();
        double f = 1 + 2 * rng.NextDouble(), phase = 2 * Math.PI * rng.NextDouble();
        var colour = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() };
        var targets = new float[w * h * 3];
        for (int p = 0; p < w * h; p++)
        for (int c = 0; c < 3; c++)
            targets[3 * p + c] = (float)(0.8 * colour[c] * Math.Sin(Math.PI * f * coords[2 * p] + phase));
        return new MetaTrainer.Task(coords, targets);
    }

    [Fact]
    public void Reptile_learns_a_start_from_which_few_steps_fit_unseen_tasks_of_the_family_better()
    {
        var shape = new SirenShape(16, 3);
        var rng = new Random(7);
        var corpus = Enumerable.Range(0, 64).Select(_ => Grating(rng, 16, 12)).ToList();
        var options = new MetaTrainingOptions(OuterSteps: 60, InnerSteps: 8, Batch: 8, PixelsPerStep: 0);
        var init = MetaTrainer.Train(shape, corpus, options, seed: 1, CPU, "test");
        var unseen = Enumerable.Range(0, 8).Select(_ => Grating(rng, 16, 12)).ToList();

        float[] FitFrom(Action<BatchedSiren> start)
        {
            using var scope = NewDisposeScope();
            using var net = new BatchedSiren(shape, unseen.Count, CPU);
            start(net);
            var coords = tensor(unseen.SelectMany(t => t.Coordinates).ToArray(), [unseen.Count, 192, 2]);
            var targets = tensor(unseen.SelectMany(t => t.Targets).ToArray(), [unseen.Count, 192, 3]);
            return SirenTrainer.Fit(net, coords, targets, null, new TrainingOptions(Steps: 8, LearningRate: 1e-3, CosineSchedule: false, KeepBestOfSecondHalf: false));
        }
        var learned = FitFrom(net => net.Initialise(init));
        var random = FitFrom(net => net.Initialise(new Generator(2, CPU)));
        Assert.True(learned.Average() < 0.5 * random.Average(), $"after 8 steps: learned start MSE {learned.Average():G3}, random start {random.Average():G3}");
    }

    [Fact]
    public void Reptile_is_reproducible_from_its_seed()
    {
        var rng = new Random(3);
        var corpus = Enumerable.Range(0, 8).Select(_ => Grating(rng, 8, 6)).ToList();
        var options = new MetaTrainingOptions(OuterSteps: 5, InnerSteps: 3, Batch: 4, PixelsPerStep: 20);
        var a = MetaTrainer.Train(new SirenShape(6, 2), corpus, options, 4, CPU, "x");
        var b = MetaTrainer.Train(new SirenShape(6, 2), corpus, options, 4, CPU, "x");
        Assert.Equal(a.Sha256, b.Sha256);
    }

    [Fact]
    public void An_encode_from_a_learned_start_sends_the_same_networks_in_the_same_bytes()
    {
        var settings = CodecCatalog.InrSettings("residual-inr", new TrainingOptions(Steps: 4, LearningRate: 1e-3));
        RandomInit(settings.Background, 1).Save(Path.Combine(_dir, SirenInit.FileName(settings.Background)));
        foreach (var shape in settings.Groups.Shapes) RandomInit(shape, 2).Save(Path.Combine(_dir, SirenInit.FileName(shape)));
        var set = SirenInitSet.Load(_dir);
        var frames = TinyFrames();
        var random = new InrCodec(settings, CPU).EncodeBatch(frames, 1);
        var learned = new InrCodec(settings with { Training = settings.Training with { LearnedInit = set } }, CPU).EncodeBatch(frames, 1);
        Assert.Equal(random.Select(e => e.Payload.Length), learned.Select(e => e.Payload.Length));
        Assert.Equal(random.Select(e => e.BackgroundBytes), learned.Select(e => e.BackgroundBytes));
        Assert.NotEqual(random[0].Payload, learned[0].Payload);
    }

    private static List<FrameToEncode> TinyFrames()
    {
        var rng = new Random(5);
        return Enumerable.Range(0, 2).Select(i =>
        {
            var pixels = new byte[24 * 16 * 3];
            rng.NextBytes(pixels);
            return new FrameToEncode("s", i, new RgbImage(24, 16, pixels), new PixelRect(4, 3, 8, 6));
        }).ToList();
    }
}
