using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ResidualInr.Codec.Devices;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Detector;
using ResidualInr.Learning.Training;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// <c>rinr pretrain</c>: the detector that every codec's detector is fine-tuned from (<c>learning.pretrained</c>),
/// trained on a corpus no scenario uses: synthetic sequences from the pretraining seed stream
/// (<see cref="SyntheticStyle.Pretraining"/>) plus any real frames given, augmented afresh in every epoch.
/// </summary>
public static class PretrainCommand
{
    /// <summary>Frames per pretraining sequence: short sequences, so that the corpus holds many scenes.</summary>
    public const int FramesPerSequence = 10;

    public static Command Build()
    {
        var defaults = DetectorPretrainer.Defaults;
        var outFile = new Option<string>("--out") { Description = "Weights file to write (TorchSharp format), with its sidecar OUT.json (width, frame size, SHA-256, this command).", Required = true };
        var frames = new Option<int>("--frames") { Description = $"Synthetic frames in the corpus, in sequences of {FramesPerSequence} (0: real frames only).", DefaultValueFactory = _ => 3000 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the corpus (each pass augments every frame anew).", DefaultValueFactory = _ => defaults.Epochs };
        var width = new Option<int>("--width") { Description = "Channels of the detector's first block (learning.width of the scenarios that use the weights).", DefaultValueFactory = _ => defaults.Width };
        var size = new Option<string>("--size") { Description = "Frame size WxH the detector is trained at (a scenario's frame_size).", DefaultValueFactory = _ => "160x90" };
        var datasets = new Option<string[]>("--dataset") { Description = "Real datasets to add (OTB, UAV123 or DAC-SDC folders; every frame with its box, resized to --size).", AllowMultipleArgumentsPerToken = true };
        var batch = new Option<int>("--batch") { Description = "Frames per training step.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (warm-up, then cosine).", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seeds the corpus's scenes, the initial weights, the batch order and the augmentations.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "Training device, cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var cmd = new Command("pretrain", "Pretrain the single-object detector on a corpus no scenario uses (synthetic scenes from their own seed stream, " +
                                          "with varied shapes and sizes, plus real frames from --dataset), with random crops, flips, colour jitter, blur and " +
                                          "JPEG re-compression at random qualities; scenarios fine-tune every codec's detector from it (learning.pretrained).")
        {
            outFile, frames, epochs, width, size, datasets, batch, lr, seed, device,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            if (w < 32 || h < 32 || w > 4096 || h > 4096) throw new InputException($"--size {w}x{h} is out of range (32..4096 per side)");
            int synthetic = parse.GetValue(frames);
            if (synthetic < 0 || synthetic > 1_000_000) throw new InputException($"--frames must be between 0 and 1000000, got {synthetic}");
            var settings = defaults with { Epochs = parse.GetValue(epochs), Width = parse.GetValue(width), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr) };
            settings.Validate();
            var path = parse.GetValue(outFile)!;
            if (Directory.Exists(path)) throw new InputException(path, null, "--out names a folder; give the weights file to write (e.g. detector.pt)");
            var dev = ComputeDevice.Resolve(parse.GetValue(device));
            int s = parse.GetValue(seed);

            var clock = Stopwatch.StartNew();
            var (images, boxes) = Corpus(synthetic, parse.GetValue(datasets) ?? [], w, h, s);
            double corpusSeconds = clock.Elapsed.TotalSeconds;

            long parameters;
            using (var probe = new SingleObjectDetector(settings.Width)) parameters = probe.ParameterCount;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pretraining a detector of {parameters:N0} parameters on {images.Count} frames at {w}x{h} ({synthetic} synthetic), {settings.Epochs} epochs, batch {settings.BatchSize}, lr {settings.LearningRate}"));
            using var trained = ConsoleProgress.Run("Pretraining the detector", settings.Epochs,
                p => DetectorPretrainer.Train(images, boxes, settings, s, dev, e => p.Report(e)));
            var command = "rinr " + string.Join(' ', parse.Tokens.Select(t => t.Value));
            var info = DetectorWeights.Save(trained.Model, path, settings.Width, w, h, command, images.Count, settings.Epochs, s);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loss {trained.Losses[0]:F3} in the first epoch, {trained.Losses[^1]:F3} in the last; corpus {corpusSeconds:F0} s, training {trained.Epochs.Sum(e => e.TrainSeconds):F0} s (of which augmenting {trained.Epochs.Sum(e => e.DecodeSeconds):F0} s)"));
            output.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes, SHA-256 {info.Sha256[..12]}...) and {DetectorWeights.SidecarPath(path)}");
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    /// <summary>
    /// The corpus of <c>rinr pretrain</c> and <c>rinr meta-train</c>: <paramref name="synthetic"/> frames from the pretraining
    /// seed stream, then every frame of each real dataset, all at <paramref name="w"/>x<paramref name="h"/>; empty is an input error.
    /// </summary>
    internal static (List<RgbImage> Images, List<Box?> Boxes) Corpus(int synthetic, IEnumerable<string> datasets, int w, int h, int seed)
    {
        var images = new List<RgbImage>();
        var boxes = new List<Box?>();
        AddSynthetic(images, boxes, synthetic, w, h, seed);
        foreach (var dataset in datasets) AddReal(images, boxes, DatasetLoader.Load(dataset, null), w, h);
        if (images.Count == 0) throw new InputException("the corpus is empty: give --frames above 0 or a --dataset");
        return (images, boxes);
    }

    /// <summary>
    /// Renders the pretraining scenes at twice the frame size and resizes them down, as a scenario's synthetic frames are
    /// made (320x180 files, 160x90 frames). Sequences render in parallel; each has its own seed, so the corpus is the same.
    /// </summary>
    private static void AddSynthetic(List<RgbImage> images, List<Box?> boxes, int frames, int w, int h, int seed)
    {
        if (frames == 0) return;
        int sequences = (frames + FramesPerSequence - 1) / FramesPerSequence;
        var options = new SyntheticOptions(sequences, FramesPerSequence, Math.Min(2 * w, 4096), Math.Min(2 * h, 4096), seed);
        var rendered = new (RgbImage, Box?)[sequences][];
        ConsoleProgress.Run("Rendering the pretraining corpus", sequences, progress =>
        {
            int done = 0;
            Parallel.For(0, sequences, k =>
            {
                rendered[k] = SyntheticDataset.Render(options, k, SyntheticStyle.Pretraining)
                    .Select(f => (f.Image.Resize(w, h), (Box?)f.Box.Scale((double)w / options.Width, (double)h / options.Height).ClipTo(w, h)))
                    .ToArray();
                progress.Report(Interlocked.Increment(ref done));
            });
            return 0;
        });
        foreach (var (image, box) in rendered.SelectMany(r => r).Take(frames))
        {
            images.Add(image);
            boxes.Add(box);
        }
    }

    /// <summary>Every frame of a real dataset, resized to the frame size with its box (none when the target is absent).</summary>
    private static void AddReal(List<RgbImage> images, List<Box?> boxes, Dataset dataset, int w, int h)
    {
        var frames = dataset.Sequences.SelectMany(sq => sq.Frames).ToList();
        ConsoleProgress.Run($"Loading {dataset.Root}", frames.Count, progress =>
        {
            foreach (var frame in frames)
            {
                var original = ImageFiles.Load(frame.ImagePath);
                images.Add(original.Resize(w, h));
                Box? box = frame.Box is { } b && b.IsFinite ? b.Scale((double)w / original.Width, (double)h / original.Height).ClipTo(w, h) : null;
                boxes.Add(box is { W: > 0, H: > 0 } ? box : null);
                progress.Report(images.Count);
            }
            return 0;
        });
    }
}
