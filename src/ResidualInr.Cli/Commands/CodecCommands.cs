using System.CommandLine;
using System.Globalization;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr encode</c> and <c>rinr decode</c>.</summary>
public static class CodecCommands
{
    public static Command BuildEncode()
    {
        var codec = new Option<string>("--codec") { Description = $"One of: {string.Join(", ", CodecRegistry.Ids)}.", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder (OTB, UAV123 or DAC-SDC layout), or 'synthetic' for the embedded default (4 sequences x 4 frames at 320x180, written to OUT/dataset).", Required = true };
        var format = new Option<string?>("--format") { Description = "otb, uav123 or dacsdc; detected when omitted." };
        var outDir = new Option<string>("--out") { Description = "Folder for payload files and metrics.csv.", Required = true };
        var size = new Option<string>("--size") { Description = "Encode at WxH pixels (frames are resized, boxes scaled).", DefaultValueFactory = _ => "160x90" };
        var steps = new Option<int>("--steps") { Description = "Adam steps per INR (the reference uses 10000; CPU runs want far fewer).", DefaultValueFactory = _ => 2000 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (reference 2e-4), cosine-annealed over the steps.", DefaultValueFactory = _ => 2e-4 };
        var batch = new Option<int>("--batch") { Description = "Frames whose INRs train together in one stacked step.", DefaultValueFactory = _ => 8 };
        var frames = new Option<int>("--frames") { Description = "Encode only the first N frames of each sequence (0 = all).", DefaultValueFactory = _ => 0 };
        var quality = new Option<int>("--quality") { Description = "JPEG quality for --codec jpeg.", DefaultValueFactory = _ => 90 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var seed = new Option<int>("--seed") { Description = "Seed for INR initialisation.", DefaultValueFactory = _ => 1 };
        var objectSteps = new Option<int?>("--object-steps") { Description = "Adam steps for object INRs (default: --steps); they are small and see only their box." };
        var bgShape = new Option<string?>("--bg-shape") { Description = "Background INR (or Rapid-INR) shape LAYERSxWIDTH, e.g. 10x28 (defaults: rapid-inr 10x28, B-INR 10x24)." };
        var qatSteps = new Option<int?>("--qat-steps") { Description = "Quantisation-aware fine-tuning steps for a background stored below 32 bits (residual-inr's 8-bit B-INR); 0 turns it off." };
        var epochs = new Option<int>("--epochs") { Description = "NeRV epochs over the sequence (nerv, residual-nerv; the reference uses 300).", DefaultValueFactory = _ => 300 };
        var nervLr = new Option<double>("--nerv-lr") { Description = "NeRV Adam learning rate (betas 0.5, 0.999; warm-up then cosine).", DefaultValueFactory = _ => 3e-3 };
        var nervBatch = new Option<int>("--nerv-batch") { Description = "Frames per NeRV training step.", DefaultValueFactory = _ => 1 };
        var target = new Option<double?>("--target-psnr-db") { Description = "Target quality: each frame's INRs stop as soon as they reach this PSNR (dB); --steps is then the most they may take." };
        var learnedInit = new Option<string?>("--learned-init") { Description = "Start every INR from the learned initialisation of its shape: 'default' (the shipped ones, models/) or a folder of siren-init-*.bin files (rinr meta-train). Same networks and bytes, fewer steps to a quality." };
        var pixelChunk = new Option<int?>("--pixel-chunk") { Description = $"Pixels per forward-and-backward pass within a training step (the same gradient; {TrainingOptions.CpuPixelChunk} suits a CPU, about 1.3x faster at 160x90); default: whole frames." }
            .Within(Scenarios.ScenarioKeys.Inr.PixelChunk);
        var recipe = new Option<string>("--recipe")
        {
            Description = "How every INR trains: 'adam' (Adam throughout, as the reference) or 'subsets-lbfgs' (the CPU's fast recipe: pixel subsets for 60% of each fit's steps, then L-BFGS; best with --target-psnr-db).",
            DefaultValueFactory = _ => "adam",
        };
        var warm = new Option<bool>("--warm-start") { Description = "Start frame t's background INR from frame t-1's weights (batches become waves across sequences)." };
        var cmd = new Command("encode", "Encode a dataset with one codec: one payload file per frame, and metrics.csv with bytes, PSNR (whole/background/object) and timings.")
        {
            codec, dataset, format, outDir, size, steps, lr, batch, frames, quality, device, seed, warm, objectSteps, bgShape, qatSteps, epochs, nervLr, nervBatch, target, learnedInit, pixelChunk, recipe,
        };
        cmd.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            var training = new TrainingOptions(Steps: parse.GetValue(steps), LearningRate: parse.GetValue(lr), TargetPsnrDb: parse.GetValue(target),
                LearnedInit: parse.GetValue(learnedInit) is { } init ? SirenInitSet.Resolve(init) : null, PixelChunk: parse.GetValue(pixelChunk));
            training = Scenarios.InrRecipes.Parse(parse.GetValue(recipe)!, "--recipe").Apply(training);
            if (training.TargetPsnrDb is { } t && !Scenarios.ScenarioKeys.Inr.TargetPsnrDb.InRange(t))
                throw new InputException($"--target-psnr-db {t} is out of range ({Scenarios.ScenarioKeys.Inr.TargetPsnrDb.RangeText})");
            training.Validate();
            var options = new EncodeOptions(w, h, parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(frames));
            options.Validate();
            var descriptor = CodecRegistry.Get(parse.GetValue(codec)!);
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var run = RunMetadata.Start(parse, parse.GetValue(seed), ComputeDevice.Describe(torchDevice));
            var fmt = parse.GetValue(format) is { } f ? DatasetLoader.ParseFormat(f) : (DatasetFormat?)null;
            var datasetPath = parse.GetValue(dataset)!;
            // Payloads and metrics.csv are staged beside --out and swapped in whole at the end (OutputFolder).
            using var folder = OutputFolder.Begin(parse.GetValue(outDir)!, [datasetPath == "synthetic" ? null : datasetPath], Interrupt.Token);
            var dir = folder.Staging;
            var settings = descriptor.FromCommandLine(new EncodeCommandValues(parse.GetValue(quality), parse.GetValue(steps), parse.GetValue(lr),
                parse.GetValue(objectSteps), parse.GetValue(qatSteps), parse.GetValue(bgShape) is { } bs ? ParseShape(bs) : null, parse.GetValue(warm),
                parse.GetValue(epochs), parse.GetValue(nervLr), parse.GetValue(nervBatch)));
            if (descriptor.Describe(settings, w, h) is { } description) parse.InvocationConfiguration.Output.WriteLine(description);
            var data = datasetPath == "synthetic"
                ? SyntheticDataset.Generate(new SyntheticOptions(Sequences: 4, Frames: 4, Seed: parse.GetValue(seed)), Path.Combine(dir, "dataset"))
                : DatasetLoader.Load(datasetPath, fmt);
            var job = new EncodeJob(data, options, dir, torchDevice, training, parse.InvocationConfiguration.Output);
            var spec = new CodecSpec(descriptor, settings);
            var metrics = ConsoleProgress.RunFractional($"Encoding with {spec.Key}", options.FrameCount(data), p => descriptor.Encode(settings, job, p));
            CsvOutput.Write<FrameMetrics, FrameMetricsMap>(Path.Combine(dir, "metrics.csv"), metrics);
            run.Finish(folder.Staging);
            folder.Commit();
            PrintSummary(parse.InvocationConfiguration.Output, metrics[0].Codec, metrics);
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    private static SirenShape ParseShape(string text)
    {
        if (!TextValues.TryPair(text, out int layers, out int width))
            throw new InputException($"--bg-shape '{text}' is not LAYERSxWIDTH like 10x28");
        var shape = new SirenShape(width, layers);
        shape.Validate("--bg-shape");
        return shape;
    }

    public static void PrintSummary(TextWriter output, string codec, IReadOnlyList<FrameMetrics> metrics)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{codec}: {metrics.Count} frames, mean {metrics.Select(m => (double)m.PayloadBytes).FiniteMean():F0} bytes, " +
            $"PSNR whole {metrics.Select(m => m.PsnrWholeDb).FiniteMean():F2} dB, background {metrics.Select(m => m.PsnrBackgroundDb).FiniteMean():F2} dB, " +
            $"object {metrics.Select(m => m.PsnrObjectDb).FiniteMean():F2} dB, encode {metrics.Select(m => m.EncodeSecondsPerFrame).FiniteMean():F3} s/frame, " +
            $"decode {metrics.Select(m => m.DecodeSecondsPerFrame).FiniteMean() * 1000:F2} ms/frame"));
    }

    public static Command BuildDecode()
    {
        var payload = new Argument<string>("payload") { Description = "A .rinr payload, a .rnrv sequence container, or a .jpg from the JPEG codec." };
        var outFile = new Option<string>("--out") { Description = "PNG file to write.", Required = true };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var frame = new Option<int?>("--frame") { Description = "For a .rnrv container: the dataset frame index to decode (default: its first frame)." };
        var cmd = new Command("decode", "Reconstruct one frame from its payload.") { payload, outFile, device, frame };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(payload)!;
            var target = parse.GetValue(outFile)!;
            // Why: an empty --out or a folder used to surface as an internal error from the PNG writer, after the decode.
            if (string.IsNullOrWhiteSpace(target)) throw new InputException("--out is empty: give the PNG file to write");
            if (Directory.Exists(target)) throw new InputException($"--out {target} is a folder: give the PNG file to write");
            if (!File.Exists(path)) throw new InputException(path, null, "payload file not found");
            var image = CodecRegistry.DecodeFile(File.ReadAllBytes(path), path, ComputeDevice.Resolve(parse.GetValue(device)), parse.GetValue(frame));
            try { image.SavePng(target); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException(target, null, $"cannot write the PNG: {e.Message}", e);
            }
            parse.InvocationConfiguration.Output.WriteLine($"wrote {image.Width}x{image.Height} {target}");
            return RinrApp.ExitOk;
        });
        return cmd;
    }
}
