using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// <c>rinr meta-train</c>: learns the initialisation every SIREN of one shape starts from (<see cref="MetaTrainer"/>,
/// Reptile), on a corpus no scenario or benchmark uses: synthetic frames from the pretraining seed stream plus any
/// real frames given. The shipped files in models/ were made by it (models/README.md has each command).
/// </summary>
public static class MetaTrainCommand
{
    public static Command Build()
    {
        var defaults = new MetaTrainingOptions();
        var shape = new Option<string?>("--shape") { Description = "The SIREN shape fitted to whole frames, LAYERSxWIDTH (10x28: Rapid-INR's network; 10x24: Residual-INR's background), or a codec name for its whole-frame network." };
        var objects = new Option<bool>("--objects") { Description = "Instead of --shape: every O-INR shape of Residual-INR (3x10, 3x15, 5x17, 5x24), each learned on the residuals of all the corpus's boxes, " +
                                                                   "the residual taken against the frame's background as Residual-INR encodes it (--background-steps, from --learned-init)." };
        var outFile = new Option<string>("--out") { Description = "With --shape, the file to write; with --objects, the folder (siren-init-LAYERSxWIDTH.bin in a folder of them is what --learned-init and the scenarios read).", Required = true };
        var backgroundSteps = new Option<int>("--background-steps") { Description = "With --objects: steps of the background fit (and as many of its 8-bit fine-tuning) whose residuals make the corpus.", DefaultValueFactory = _ => 200 };
        var learnedInit = new Option<string?>("--learned-init") { Description = "With --objects: the backgrounds start from this folder's learned initialisation ('default': the shipped one) instead of random weights." };
        var size = new Option<string>("--size") { Description = "Frame size WxH the corpus is fitted at (the encode size it is learned for).", DefaultValueFactory = _ => "160x90" };
        var frames = new Option<int>("--frames") { Description = $"Synthetic frames in the corpus, in sequences of {PretrainCommand.FramesPerSequence} (0: real frames only).", DefaultValueFactory = _ => 1000 };
        var datasets = new Option<string[]>("--dataset") { Description = "Real datasets to add (OTB, UAV123 or DAC-SDC folders; every frame, resized to --size). Keep the frames you measure on out.", AllowMultipleArgumentsPerToken = true };
        var outer = new Option<int>("--outer-steps") { Description = "Reptile updates of the initialisation.", DefaultValueFactory = _ => defaults.OuterSteps };
        var inner = new Option<int>("--inner-steps") { Description = "Adam steps each sampled network takes before an update.", DefaultValueFactory = _ => defaults.InnerSteps };
        var batch = new Option<int>("--batch") { Description = "Frames fitted per update, together.", DefaultValueFactory = _ => defaults.Batch };
        var pixels = new Option<int>("--pixels") { Description = "Random pixels of each frame an update fits (0: all).", DefaultValueFactory = _ => defaults.PixelsPerStep };
        var innerLr = new Option<double>("--inner-lr") { Description = "The inner fits' Adam learning rate (the encoder's).", DefaultValueFactory = _ => defaults.InnerLearningRate };
        var outerLr = new Option<double>("--outer-lr") { Description = "Reptile's step towards the fitted networks' mean, falling linearly to 0.", DefaultValueFactory = _ => defaults.OuterLearningRate };
        var seed = new Option<int>("--seed") { Description = "Seeds the corpus's scenes, the starting weights and the sampling.", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var cmd = new Command("meta-train", "Learn the initialisation every SIREN of a shape starts from (Reptile), on a corpus of frames no scenario uses, " +
                                            "so that encoding reaches a modest quality in fewer steps (models/README.md: what the shipped ones buy, and where they cost); " +
                                            "the networks, payloads and their sizes are unchanged.")
        {
            shape, objects, outFile, size, frames, datasets, outer, inner, batch, pixels, innerLr, outerLr, seed, device, backgroundSteps, learnedInit,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            bool forObjects = parse.GetValue(objects);
            if (forObjects == parse.GetValue(shape) is not null) throw new InputException("give either --shape (a whole-frame network) or --objects (Residual-INR's O-INRs)");
            var frameShape = forObjects ? null : ParseShape(parse.GetValue(shape)!);
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            if (w < 8 || h < 8 || w > 4096 || h > 4096) throw new InputException($"--size {w}x{h} is out of range (8..4096 per side)");
            int synthetic = parse.GetValue(frames);
            if (synthetic < 0 || synthetic > 100_000) throw new InputException($"--frames must be between 0 and 100000, got {synthetic}");
            var options = new MetaTrainingOptions(parse.GetValue(outer), parse.GetValue(inner), parse.GetValue(batch), parse.GetValue(pixels),
                parse.GetValue(innerLr), parse.GetValue(outerLr));
            options.Validate();
            var path = parse.GetValue(outFile)!;
            if (!forObjects && Directory.Exists(path)) throw new InputException(path, null, "--out names a folder; give the file to write (e.g. models/siren-init-10x28.bin)");
            if (forObjects && File.Exists(path)) throw new InputException(path, null, "--out names a file; with --objects give the folder to write the O-INR initialisations into");
            int bgSteps = parse.GetValue(backgroundSteps);
            if (bgSteps < 1 || bgSteps > 100_000) throw new InputException($"--background-steps must be between 1 and 100000, got {bgSteps}");
            if (!forObjects && parse.GetValue(learnedInit) is not null) throw new InputException("--learned-init goes with --objects (it starts the corpus's backgrounds)");
            var backgroundInit = parse.GetValue(learnedInit) is { } folder ? SirenInitSet.Resolve(folder) : null;
            backgroundInit?.For(CodecCatalog.DefaultBackground); // a missing background shape fails here, before the corpus is made
            var dev = ComputeDevice.Resolve(parse.GetValue(device));
            int s = parse.GetValue(seed);

            var clock = Stopwatch.StartNew();
            var (images, boxes) = PretrainCommand.Corpus(synthetic, parse.GetValue(datasets) ?? [], w, h, s);
            var command = "rinr " + string.Join(' ', parse.Tokens.Select(t => t.Value));
            if (!forObjects)
            {
                var grid = Grid(w, h);
                var corpus = images.Select(i => new MetaTrainer.Task(grid, NetworkUnits.FromImage(i))).ToList();
                images.Clear();
                Learn(output, frameShape!, corpus, $"{corpus.Count} frames at {w}x{h} ({synthetic} synthetic)", options, s, dev, command, path);
            }
            else
            {
                var residuals = Residuals(images, boxes, bgSteps, backgroundInit, s, dev);
                Directory.CreateDirectory(path);
                foreach (var objectShape in ObjectInrGroups.Default.Shapes.Distinct())
                    Learn(output, objectShape, residuals, $"the residuals of {residuals.Count} boxes ({bgSteps}-step backgrounds)", options, s, dev, command,
                        Path.Combine(path, SirenInit.FileName(objectShape)));
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done in {clock.Elapsed.TotalSeconds:F0} s"));
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    private static void Learn(TextWriter output, SirenShape siren, IReadOnlyList<MetaTrainer.Task> corpus, string what, MetaTrainingOptions options, int seed,
        TorchSharp.torch.Device device, string command, string path)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"meta-training the {siren} SIREN initialisation on {what}: {options.OuterSteps} updates of {options.Batch} x {options.InnerSteps} steps at lr {options.InnerLearningRate:G3}"));
        int report = Math.Max(1, options.OuterSteps / 10);
        var init = ConsoleProgress.Run($"Meta-training {siren}", options.OuterSteps, p => MetaTrainer.Train(siren, corpus, options, seed, device, command, (k, psnr) =>
        {
            p.Report(k + 1);
            if ((k + 1) % report == 0 || k == 0)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[rinr] {siren} update {k + 1}: {psnr:F2} dB after {options.InnerSteps} steps"));
        }));
        init.Save(path);
        output.WriteLine($"wrote {path} ({new FileInfo(path).Length:N0} bytes, SHA-256 {init.Sha256[..12]}...)");
    }

    /// <summary>Frames per background encode batch while building the residual corpus.</summary>
    private const int ResidualBatch = 32;

    /// <summary>
    /// The O-INR corpus: every box's residual target, (background − original) / Q, against the frame's background encoded
    /// as Residual-INR encodes it (its B-INR, fast recipe, 8-bit with as many steps of fine-tuning), box coordinates as the
    /// O-INR sees them.
    /// </summary>
    private static List<MetaTrainer.Task> Residuals(List<RgbImage> images, List<Box?> boxes, int steps, SirenInitSet? init, int seed, TorchSharp.torch.Device device)
    {
        var frames = images.Select((image, i) => boxes[i] is { } b && b.ToPixelRect(image.Width, image.Height) is { IsEmpty: false } r ? new FrameToEncode("corpus", i, image, r) : null)
            .OfType<FrameToEncode>().ToList();
        if (frames.Count == 0) throw new InputException("no frame of the corpus has an object box: O-INRs have nothing to learn from");
        var settings = CodecCatalog.InrSettings("residual-inr", TrainingOptions.Fast(steps) with { LearnedInit = init }) with { Object = ObjectEncoding.None };
        var codec = new InrCodec(settings, device);
        var decoder = new InrDecoder(device);
        var tasks = new List<MetaTrainer.Task>();
        int batches = (frames.Count + ResidualBatch - 1) / ResidualBatch;
        ConsoleProgress.Run("Encoding the corpus's backgrounds", batches, p =>
        {
            for (int k = 0; k < batches; k++)
            {
                var batch = frames.Skip(k * ResidualBatch).Take(ResidualBatch).ToList();
                var encoded = codec.EncodeBatch(batch, StableSeed.Derive(seed, k));
                var backgrounds = decoder.DecodeBackgrounds(encoded.Select(e => PayloadFormat.Read(e.Payload)).ToList());
                for (int j = 0; j < batch.Count; j++)
                {
                    var box = batch[j].Box!.Value;
                    var (target, q) = ObjectInrFitter.ResidualTarget(batch[j].Image, box, backgrounds[j]);
                    if (q == 0) continue; // nothing left to fit
                    using var scope = TorchSharp.torch.NewDisposeScope();
                    var coords = InrDecoder.BoxCoordinates([box], TorchSharp.torch.CPU).Coords;
                    tasks.Add(new MetaTrainer.Task(coords.data<float>().ToArray(), target));
                }
                p.Report(k + 1);
            }
            return 0;
        });
        return tasks;
    }

    /// <summary>LAYERSxWIDTH, or a per-frame INR codec's whole-frame network.</summary>
    internal static SirenShape ParseShape(string text)
    {
        if (CodecCatalog.InrNames.Contains(text)) return CodecCatalog.InrSettings(text, new TrainingOptions()).Background;
        if (TextValues.TryPair(text, out int layers, out int width) && layers is >= 1 and <= 64 && width is >= 1 and <= 4096) return new SirenShape(width, layers);
        throw new InputException($"--shape '{text}' is neither LAYERSxWIDTH (e.g. 10x28) nor a per-frame INR codec ({string.Join(", ", CodecCatalog.InrNames)})");
    }

    /// <summary>[H*W, 2] pixel-centre coordinates in [-1, 1], row-major (<see cref="CoordinateGrid"/>'s convention).</summary>
    private static float[] Grid(int w, int h)
    {
        using var t = CoordinateGrid.For(w, h, TorchSharp.torch.CPU);
        return t.data<float>().ToArray();
    }
}
