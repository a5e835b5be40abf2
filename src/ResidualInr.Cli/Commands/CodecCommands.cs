using System.CommandLine;
using System.Globalization;
using ResidualInr.Cli.Output;
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
        var codec = new Option<string>("--codec") { Description = $"One of: {string.Join(", ", CodecCatalog.AllNames)}.", Required = true };
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
        var warm = new Option<bool>("--warm-start") { Description = "Start frame t's background INR from frame t-1's weights (batches become waves across sequences)." };
        var cmd = new Command("encode", "Encode a dataset with one codec: one payload file per frame, and metrics.csv with bytes, PSNR (whole/background/object) and timings.")
        {
            codec, dataset, format, outDir, size, steps, lr, batch, frames, quality, device, seed, warm, objectSteps, bgShape, qatSteps, epochs, nervLr, nervBatch,
        };
        cmd.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            var training = new TrainingOptions(Steps: parse.GetValue(steps), LearningRate: parse.GetValue(lr));
            training.Validate();
            var options = new EncodeOptions(w, h, parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(frames));
            options.Validate();
            var name = parse.GetValue(codec)!;
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var run = RunMetadata.Start(parse, parse.GetValue(seed), ComputeDevice.Describe(torchDevice));
            var objectTraining = parse.GetValue(objectSteps) is { } os ? training with { Steps = os } : null;
            var fmt = parse.GetValue(format) is { } f ? DatasetLoader.ParseFormat(f) : (DatasetFormat?)null;
            var dir = parse.GetValue(outDir)!;
            var datasetPath = parse.GetValue(dataset)!;
            var data = datasetPath == "synthetic"
                ? SyntheticDataset.Generate(new SyntheticOptions(Sequences: 4, Frames: 4, Seed: parse.GetValue(seed)), Path.Combine(dir, "dataset"))
                : DatasetLoader.Load(datasetPath, fmt);
            int total = options.FrameCount(data);
            IReadOnlyList<FrameMetrics> metrics;
            if (CodecCatalog.IsSequenceCodec(name))
            {
                var nervTraining = new NervTrainingOptions(parse.GetValue(epochs), parse.GetValue(nervLr), parse.GetValue(nervBatch));
                var sequenceCodec = CodecCatalog.CreateSequenceCodec(name, nervTraining, objectTraining ?? training, torchDevice);
                var shape = sequenceCodec.Settings.ShapeFor(w, h);
                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: NeRV {shape} ({shape.ParameterCount:N0} parameters)"));
                metrics = ConsoleProgress.RunFractional($"Encoding with {name}", total, p => EncodeRunner.RunSequences(data, sequenceCodec, options, dir, p));
            }
            else
            {
                var background = parse.GetValue(bgShape) is { } bs ? ParseShape(bs) : null;
                var frameCodec = CodecCatalog.Create(name, training, torchDevice, parse.GetValue(quality), parse.GetValue(warm), objectTraining, background, parse.GetValue(qatSteps));
                metrics = ConsoleProgress.RunFractional($"Encoding with {frameCodec.Name}", total, p => EncodeRunner.Run(data, frameCodec, options, dir, p));
            }
            CsvOutput.Write<FrameMetrics, FrameMetricsMap>(Path.Combine(dir, "metrics.csv"), metrics);
            run.Finish(dir);
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
            if (!File.Exists(path)) throw new InputException(path, null, "payload file not found");
            var bytes = File.ReadAllBytes(path);
            RgbImage image;
            if (PayloadFormat.LooksLikeInrPayload(bytes))
                image = new InrDecoder(ComputeDevice.Resolve(parse.GetValue(device))).Decode([PayloadFormat.Read(bytes, path)])[0];
            else if (SequencePayloadFormat.LooksLikeSequencePayload(bytes))
            {
                var sequence = SequencePayloadFormat.Read(bytes, path);
                int index = parse.GetValue(frame) ?? sequence.Frames[0].Index;
                int position = sequence.Frames.Select((f, i) => f.Index == index ? i : -1).Max();
                if (position < 0) throw new InputException(path, null, $"--frame {index}: the container holds frames {string.Join(", ", sequence.Frames.Select(f => f.Index))}");
                using var decoder = new NervSequenceDecoder(sequence, ComputeDevice.Resolve(parse.GetValue(device)));
                image = decoder.DecodeImages([position])[0];
            }
            else if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8)
                image = JpegCodec.Decode(bytes, path);
            else
                throw new PayloadException(path, "neither a rinr payload, a rinr sequence container nor a JPEG");
            var target = parse.GetValue(outFile)!;
            image.SavePng(target);
            parse.InvocationConfiguration.Output.WriteLine($"wrote {image.Width}x{image.Height} {target}");
            return RinrApp.ExitOk;
        });
        return cmd;
    }
}
