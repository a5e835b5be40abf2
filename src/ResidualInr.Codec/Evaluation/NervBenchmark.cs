using System.Diagnostics;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Evaluation;

/// <param name="Frames">Frames in the benchmark sequence; the growth measurement encodes Frames - Grow first, then all.</param>
/// <param name="FineTuneFraction">Fine-tuning after growth runs this fraction of the full epochs.</param>
public sealed record NervBenchmarkOptions(int Width = 160, int Height = 90, int Frames = 8, int Epochs = 300, int Grow = 2, double FineTuneFraction = 1.0 / 3, int Seed = 1);

/// <summary>
/// The video codecs' figures, side by side in one process: encode time per sequence (NeRV and
/// Residual-NeRV), batched decode images/s against SkiaSharp JPEG decode of the same frames, and what
/// to do when a sequence grows by a few frames: refit from scratch, or fine-tune from the old weights.
/// </summary>
public sealed class NervBenchmark(Device device, NervBenchmarkOptions options, Action<string>? log = null)
{
    public IReadOnlyList<BenchmarkFigure> Run()
    {
        var figures = new List<BenchmarkFigure>();
        var frames = SequenceFrames();
        var training = new NervTrainingOptions(options.Epochs);
        var objectTraining = new TrainingOptions(Steps: 300, LearningRate: 1e-3);
        string seq = $"{options.Frames} frames at {options.Width}x{options.Height}, {options.Epochs} epochs";

        var encoded = new Dictionary<string, byte[]>();
        foreach (var name in CodecCatalog.SequenceNames)
        {
            log?.Invoke($"encoding one sequence with {name}");
            var codec = CodecCatalog.CreateSequenceCodec(name, training, objectTraining, device);
            var clock = Stopwatch.StartNew();
            var result = codec.EncodeSequence(frames, options.Seed);
            figures.Add(new BenchmarkFigure($"{name} encode", clock.Elapsed.TotalSeconds, "s/sequence", seq));
            figures.Add(new BenchmarkFigure($"{name} payload", result.Container.Length, "bytes/sequence",
                $"{codec.Settings.ShapeFor(options.Width, options.Height).ParameterCount:N0}-parameter NeRV"));
            encoded[name] = result.Container;
        }

        log?.Invoke("decoding: NeRV batches against JPEG");
        var jpegs = frames.Select(f => new JpegCodec(90).Encode(f.Image)).ToList();
        double jpegRate = Rate(() => { foreach (var j in jpegs) JpegCodec.Decode(j); }, frames.Count);
        foreach (var (name, container) in encoded)
        {
            using var decoder = new NervSequenceDecoder(SequencePayloadFormat.Read(container), device);
            var all = Enumerable.Range(0, frames.Count).ToArray();
            double rate = Rate(() =>
            {
                using var scope = NewDisposeScope();
                var t = decoder.Decode(all);
                if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
            }, frames.Count);
            figures.Add(new BenchmarkFigure($"{name} decode to tensor", rate, "images/s", $"{rate / jpegRate:F2}x SkiaSharp JPEG q90 decode ({jpegRate:F0} images/s)"));
        }
        figures.Add(new BenchmarkFigure("JPEG q90 decode", jpegRate, "images/s", "SkiaSharp, the same frames"));

        figures.AddRange(Growth(frames));
        return figures;
    }

    /// <summary>
    /// The sequence grows from F - G to F frames. Refit: train a new NeRV on all F frames for the full
    /// epochs. Fine-tune: start from the old NeRV's weights and train a fraction of the epochs. Both
    /// resend the whole NeRV (no weight deltas), so the choice is about fog time and quality.
    /// </summary>
    private IEnumerable<BenchmarkFigure> Growth(IReadOnlyList<FrameToEncode> frames)
    {
        int before = frames.Count - options.Grow;
        if (options.Grow < 1 || before < 1) yield break;
        log?.Invoke($"growth: {before} -> {frames.Count} frames, refit vs fine-tune");
        var objectTraining = new TrainingOptions(Steps: 1, LearningRate: 1e-3);
        var first = CodecCatalog.CreateSequenceCodec("nerv", new NervTrainingOptions(options.Epochs), objectTraining, device);
        first.EncodeSequence(frames.Take(before).ToList(), options.Seed);
        var previous = first.LastWeights!;

        var clock = Stopwatch.StartNew();
        var refit = CodecCatalog.CreateSequenceCodec("nerv", new NervTrainingOptions(options.Epochs), objectTraining, device);
        double refitPsnr = MeanPsnr(frames, refit.DecodeSequence(refit.EncodeSequence(frames, options.Seed + 1).Container));
        double refitSeconds = clock.Elapsed.TotalSeconds;

        int fineEpochs = Math.Max(1, (int)(options.Epochs * options.FineTuneFraction));
        clock.Restart();
        var tune = CodecCatalog.CreateSequenceCodec("nerv", new NervTrainingOptions(fineEpochs), objectTraining, device);
        tune.StartFrom = previous;
        double tunePsnr = MeanPsnr(frames, tune.DecodeSequence(tune.EncodeSequence(frames, options.Seed + 1).Container));
        double tuneSeconds = clock.Elapsed.TotalSeconds;

        yield return new BenchmarkFigure("grow: refit PSNR", refitPsnr, "dB", $"{options.Epochs} epochs from scratch on {frames.Count} frames, {refitSeconds:F1} s");
        yield return new BenchmarkFigure("grow: fine-tune PSNR", tunePsnr, "dB", $"{fineEpochs} epochs from the {before}-frame NeRV, {tuneSeconds:F1} s");
    }

    private static double MeanPsnr(IReadOnlyList<FrameToEncode> frames, IReadOnlyList<RgbImage> decoded) =>
        frames.Select((f, i) => ImageQuality.Psnr(f.Image, decoded[i])).Average();

    private static double Rate(Action work, int images)
    {
        work(); // warm-up
        var clock = Stopwatch.StartNew();
        int rounds = 0;
        while (clock.Elapsed.TotalSeconds < 1 || rounds < 3) { work(); rounds++; }
        return rounds * images / clock.Elapsed.TotalSeconds;
    }

    private List<FrameToEncode> SequenceFrames()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-nerv-bench-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 1, Frames: options.Frames, Seed: options.Seed), dir);
            var seq = data.Sequences[0];
            return seq.Frames.Select(f => EncodeRunner.Prepare(seq, f, new EncodeOptions(options.Width, options.Height))).ToList();
        }
        finally { Directory.Delete(dir, true); }
    }
}
