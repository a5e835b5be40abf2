using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Detector;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Tests;

/// <summary>
/// In the detector training tests' collection: both seed libtorch's one global generator before building detectors, and
/// run side by side they would draw from it in turn and break each other's reproducibility.
/// </summary>
[Collection(DetectorTrainingTests.TorchRandomCollection)]
public sealed class PretrainingTests(ITestOutputHelper log) : IDisposable
{
    private readonly string Scratch = Path.Combine(Path.GetTempPath(), "rinr-pretraining-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Scratch)) Directory.Delete(Scratch, true);
    }

    /// <summary>About 40 s on 2 busy cores (measured: mean IoU 0.320 from scratch, 0.399 fine-tuned), hence Acceptance.</summary>
    [Fact]
    [Trait("Category", "Acceptance")]
    public void Fine_tuning_from_pretrained_weights_beats_training_from_scratch_on_the_same_few_frames()
    {
        // A tiny detector pretrained on the pretraining corpus (scenes no scenario has), then fine-tuned on 4 frames of the
        // scenario dataset and tested on two of its sequences it never saw, against the same 4 frames from random weights.
        var settings = new DetectorSettings(Epochs: 30, BatchSize: 4, LearningRate: 3e-3, Width: 4);
        var (corpus, corpusBoxes) = Corpus(sequences: 40, frames: 8);
        using var pretrained = DetectorPretrainer.Train(corpus, corpusBoxes, settings with { Epochs = 8, BatchSize = 16, LearningRate = 3e-3 }, seed: 1, CPU);
        var path = Path.Combine(Scratch, "tiny.pt");
        DetectorWeights.Save(pretrained.Model, path, 4, SyntheticFrames.Width, SyntheticFrames.Height, "test", corpus.Count, 8, 1);
        var weights = DetectorWeights.Read(path);

        var (images, boxes, sequences) = SyntheticFrames.Get();
        var names = sequences.Distinct().ToList();
        var train = Enumerable.Range(0, images.Count).Where(i => sequences[i] == names[0] || sequences[i] == names[1]).Where(i => i % 6 == 0).ToList();
        var test = Enumerable.Range(0, images.Count).Where(i => sequences[i] == names[2] || sequences[i] == names[3]).ToList();
        Assert.Equal(4, train.Count);
        using var trainSource = new PixelFrameSource("original", train.Select(i => images[i]).ToList(), CPU);
        using var testSource = new PixelFrameSource("test", test.Select(i => images[i]).ToList(), CPU);
        var trainBoxes = train.Select(i => boxes[i]).ToList();
        var testBoxes = test.Select(i => boxes[i]).ToList();
        var seeds = new[] { 1, 2 };
        double Mean(DetectorWeights? from) => new AccuracyExperiment(trainBoxes, testSource, testBoxes, settings, CPU, from)
            .Run([trainSource], seeds).Rows.Where(r => r.Codec == "original").Average(r => r.MeanIou);
        double scratch = Mean(null), fineTuned = Mean(weights);
        log.WriteLine($"mean IoU on unseen sequences: from scratch {scratch:F3}, fine-tuned {fineTuned:F3}");
        Assert.True(fineTuned > scratch + 0.05, $"fine-tuned {fineTuned:F3} vs from scratch {scratch:F3}");
    }

    [Fact]
    public void Saved_weights_load_back_into_the_same_detector()
    {
        torch.random.manual_seed(5);
        using var model = new SingleObjectDetector(4);
        var path = Path.Combine(Scratch, "roundtrip.pt");
        var info = DetectorWeights.Save(model, path, 4, 80, 45, "rinr pretrain --width 4", 10, 1, 5);
        var weights = DetectorWeights.Read(path);
        Assert.Equal(info, weights.Info);
        Assert.Equal(model.ParameterCount, weights.Info.Parameters);
        torch.random.manual_seed(6);
        using var other = new SingleObjectDetector(4);
        weights.LoadInto(other);
        using var input = rand(2, 3, 45, 80);
        using var a = model.forward(input);
        using var b = other.forward(input);
        Assert.Equal(0, a.sub(b).abs().max().item<float>());
    }

    [Fact]
    public void Weights_for_another_width_or_frame_size_are_a_clear_input_error()
    {
        var path = SaveWidth4At160x90("width4.pt");
        var weights = DetectorWeights.Read(path);
        var width = Assert.Throws<InputException>(() => weights.CheckFits(16, 160, 90, "learning.width"));
        Assert.Contains("width 4, learning.width is 16", width.Message);
        Assert.Contains(path, width.Message);
        var size = Assert.Throws<InputException>(() => weights.CheckFits(4, 320, 180));
        Assert.Contains("160x90", size.Message);
        Assert.Contains("320x180", size.Message);
        // Through the trainer too: the check comes before any training.
        var (images, boxes, _) = SyntheticFrames.Get();
        using var source = new PixelFrameSource("original", images.Take(4).ToList(), CPU);
        Assert.Throws<InputException>(() => DetectorTrainer.Train(source, boxes.Take(4).ToList(), new DetectorSettings(Epochs: 1, Width: 4), 1, CPU, pretrained: weights));
    }

    [Fact]
    public void A_missing_sidecar_or_one_of_other_weights_is_a_clear_input_error()
    {
        var path = SaveWidth4At160x90("tampered.pt");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(path, bytes);
        var tampered = Assert.Throws<InputException>(() => DetectorWeights.Read(path));
        Assert.Contains("do not belong together", tampered.Message);
        File.Delete(DetectorWeights.SidecarPath(path));
        var missing = Assert.Throws<InputException>(() => DetectorWeights.Read(path));
        Assert.Contains("sidecar", missing.Message);
        Assert.Contains("not found", Assert.Throws<InputException>(() => DetectorWeights.Read(Path.Combine(Scratch, "none.pt"))).Message);
    }

    [Fact]
    public void Pretraining_scenes_are_not_the_scenario_scenes_of_the_same_seed()
    {
        var options = new SyntheticOptions(Sequences: 4, Frames: 2, Width: 80, Height: 45, Seed: 1);
        for (int k = 0; k < 4; k++)
        {
            var scenario = SyntheticDataset.Render(options, k, SyntheticStyle.Scenario).First();
            var pretraining = SyntheticDataset.Render(options, k, SyntheticStyle.Pretraining).First();
            double diff = scenario.Image.Pixels.Zip(pretraining.Image.Pixels).Average(p => Math.Abs(p.First - p.Second));
            Assert.True(diff > 10, $"sequence {k}: mean pixel difference {diff:F1}");
        }
        // And the scenario style is what Generate writes (before its JPEG storage), so scenario datasets did not change.
        var dir = Path.Combine(Scratch, "generated");
        var written = SyntheticDataset.Generate(options, dir);
        Assert.Equal(written.AllFrames.First().Box, SyntheticDataset.Render(options, 0, SyntheticStyle.Scenario).First().Box);
    }

    [Fact]
    public void Augmentations_keep_the_frame_size_and_the_box_inside_it()
    {
        var (images, boxes, _) = SyntheticFrames.Get();
        var random = new Random(3);
        int moved = 0;
        for (int i = 0; i < 200; i++)
        {
            var (image, box) = DetectorPretrainer.Augment(images[i % images.Count], boxes[i % images.Count], random);
            Assert.Equal((SyntheticFrames.Width, SyntheticFrames.Height), (image.Width, image.Height));
            Assert.NotNull(box);
            var b = box!.Value;
            Assert.True(b.X >= 0 && b.Y >= 0 && b.Right <= SyntheticFrames.Width + 1e-9 && b.Bottom <= SyntheticFrames.Height + 1e-9, $"{b}");
            if (b != boxes[i % images.Count]) moved++;
        }
        Assert.InRange(moved, 60, 140); // about half are cropped (a zoom moves the box)
    }

    [Fact]
    public void A_seed_gives_the_same_pretrained_weights_although_the_frames_augment_in_parallel()
    {
        var (corpus, corpusBoxes) = Corpus(sequences: 4, frames: 8);
        var settings = new DetectorSettings(Epochs: 2, BatchSize: 16, LearningRate: 3e-3, Width: 4);
        float[] Weights(int seed)
        {
            using var trained = DetectorPretrainer.Train(corpus, corpusBoxes, settings, seed, CPU);
            return trained.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        var first = Weights(1);
        Assert.Equal(first, Weights(1));
        Assert.NotEqual(first, Weights(2));
    }

    /// <summary>Random weights of a width-4 detector, saved as if for 160x90 frames.</summary>
    private string SaveWidth4At160x90(string name)
    {
        using var model = new SingleObjectDetector(4);
        var path = Path.Combine(Scratch, name);
        DetectorWeights.Save(model, path, 4, 160, 90, "test", 1, 1, 1);
        return path;
    }

    private static (List<RgbImage>, List<Box?>) Corpus(int sequences, int frames)
    {
        var options = new SyntheticOptions(sequences, frames, 2 * SyntheticFrames.Width, 2 * SyntheticFrames.Height, Seed: 7);
        var images = new List<RgbImage>();
        var boxes = new List<Box?>();
        for (int k = 0; k < sequences; k++)
            foreach (var (image, box) in SyntheticDataset.Render(options, k, SyntheticStyle.Pretraining))
            {
                images.Add(image.Resize(SyntheticFrames.Width, SyntheticFrames.Height));
                boxes.Add(box.Scale(0.5, 0.5));
            }
        return (images, boxes);
    }
}
