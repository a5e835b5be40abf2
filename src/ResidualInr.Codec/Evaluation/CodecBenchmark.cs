using System.Diagnostics;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Evaluation;

/// <summary>One measured figure: what, its value and unit, and how it was measured.</summary>
public sealed record BenchmarkFigure(string Name, double Value, string Unit, string Detail);

/// <param name="Width">Frame size for the encode and decode measurements.</param>
/// <param name="Steps">Adam steps per encode measurement.</param>
/// <param name="Batch">Images trained or decoded together.</param>
/// <param name="MemoryFrames">Frames encoded (tiny, few steps) for the memory-growth check; 0 skips it.</param>
/// <param name="PixelChunk">Pixels per forward-and-backward pass for the chunked batched encode figure (<see cref="TrainingOptions.PixelChunk"/>).</param>
public sealed record CodecBenchmarkOptions(int Width = 160, int Height = 90, int Steps = 20, int Batch = 16, int MemoryFrames = 1000, int WarmStartSteps = 300, int Seed = 1,
    int PixelChunk = TrainingOptions.CpuPixelChunk);

/// <summary>
/// The codec's speed and memory figures, all measured side by side in one process so ratios
/// are fair on a shared, noisy machine: encode throughput batched against one image at a time,
/// the same as a fraction of a large matmul's FP32 rate, batched INR decode against JPEG decode,
/// peak memory over a long encode, and the steps a warm start saves.
/// </summary>
public sealed class CodecBenchmark(Device device, CodecBenchmarkOptions options, Action<string>? log = null)
{
    public IReadOnlyList<BenchmarkFigure> Run()
    {
        var figures = new List<BenchmarkFigure>();
        var frames = SyntheticFrames(options.Batch, options.Width, options.Height);
        var shape = SirenShape.RapidInr;

        log?.Invoke("matmul peak");
        double peak = MatmulFlopsPerSecond();
        figures.Add(new("fp32 matmul peak", peak / 1e9, "GFLOP/s", $"torch.mm, square, on {device.type}"));

        log?.Invoke("encode throughput");
        double single = EncodePixelStepsPerSecond(frames.Take(1).ToList(), shape);
        double batched = EncodePixelStepsPerSecond(frames, shape);
        // Forward of a layer is 2*in*out FLOPs per pixel; backward about twice that.
        double flopsPerPixelStep = 6.0 * shape.Layers.Sum(l => l.In * l.Out);
        figures.Add(new("encode, one image", single / 1e6, "Mpixel-steps/s", $"{shape} SIREN, {options.Width}x{options.Height}, {options.Steps} Adam steps"));
        figures.Add(new("encode, batched", batched / 1e6, "Mpixel-steps/s", $"batch of {frames.Count}"));
        figures.Add(new("encode speed-up from batching", batched / single, "x", "batched / one image"));
        figures.Add(new("encode, one image, of matmul peak", 100 * single * flopsPerPixelStep / peak, "%", $"{flopsPerPixelStep:F0} FLOP per pixel-step"));
        figures.Add(new("encode, batched, of matmul peak", 100 * batched * flopsPerPixelStep / peak, "%", ""));
        double chunked = EncodePixelStepsPerSecond(frames, shape, options.PixelChunk);
        figures.Add(new("encode, batched, in pixel chunks", chunked / 1e6, "Mpixel-steps/s", $"batch of {frames.Count}, forward and backward {options.PixelChunk} pixels at a time (same gradient)"));
        figures.Add(new("encode speed-up from pixel chunks", chunked / batched, "x", "chunked / whole frames"));
        figures.Add(new("encode, batched, in pixel chunks, of matmul peak", 100 * chunked * flopsPerPixelStep / peak, "%", ""));

        log?.Invoke("decode throughput");
        var (inrTensor, inrImages, jpegPerSecond) = DecodeImagesPerSecond(frames);
        figures.Add(new("INR decode to tensor, batched", inrTensor, "images/s", $"residual-inr payload bytes: parse + dequantise + stacked forward + compose on {device.type}, batch of {frames.Count}"));
        figures.Add(new("INR decode to 8-bit images, batched", inrImages, "images/s", "the same, then rounded and copied to host memory"));
        figures.Add(new("JPEG decode (SkiaSharp, q90)", jpegPerSecond, "images/s", "same frames, one at a time on the CPU"));
        figures.Add(new("INR decode to tensor / JPEG decode", inrTensor / jpegPerSecond, "x", ""));

        if (options.WarmStartSteps > 0)
        {
            log?.Invoke("warm start");
            var (cold, warm, psnr) = WarmStartSteps();
            figures.Add(new("warm start: steps to the cold run's PSNR", warm, "steps", $"cold run: {cold} steps to {psnr:F2} dB on the next frame"));
            figures.Add(new("warm start: steps saved", 100.0 * (cold - warm) / cold, "%", ""));
        }

        if (options.MemoryFrames > 0)
        {
            log?.Invoke("memory over a long encode");
            figures.AddRange(PeakMemory());
        }
        return figures;
    }

    private double MatmulFlopsPerSecond()
    {
        int n = device.type == DeviceType.CUDA ? 8192 : 1536;
        using var scope = NewDisposeScope();
        var a = randn([n, n], device: device);
        var b = randn([n, n], device: device);
        mm(a, b).Dispose(); Sync();
        int reps = device.type == DeviceType.CUDA ? 50 : 6;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) mm(a, b).Dispose();
        Sync();
        return reps * 2.0 * n * n * (double)n / clock.Elapsed.TotalSeconds;
    }

    private double EncodePixelStepsPerSecond(IReadOnlyList<RgbImage> images, SirenShape shape, int? pixelChunk = null)
    {
        using var scope = NewDisposeScope();
        using var net = new BatchedSiren(shape, images.Count, device);
        net.Initialise(new Generator((ulong)options.Seed));
        var coords = CoordinateGrid.For(options.Width, options.Height, device);
        var targets = stack(images.Select(i => tensor(NetworkUnits.FromImage(i), [i.PixelCount, 3])).ToArray()).to(device);
        var training = new TrainingOptions(Steps: 3, LearningRate: 1e-3, PixelChunk: pixelChunk);
        SirenTrainer.Fit(net, coords, targets, null, training); // warm-up: allocator, kernels
        Sync();
        var clock = Stopwatch.StartNew();
        SirenTrainer.Fit(net, coords, targets, null, training with { Steps = options.Steps });
        Sync();
        return (double)images.Count * options.Width * options.Height * options.Steps / clock.Elapsed.TotalSeconds;
    }

    private (double InrTensor, double InrImages, double Jpeg) DecodeImagesPerSecond(IReadOnlyList<RgbImage> images)
    {
        var codec = new InrCodec(CodecCatalog.InrSettings("residual-inr", new TrainingOptions(Steps: 5, LearningRate: 1e-3)), device);
        var inputs = images.Select((img, i) => new FrameToEncode("bench", i, img, ObjectBox(img))).ToList();
        var payloads = codec.EncodeBatch(inputs, options.Seed).Select(e => e.Payload).ToList();
        var decoder = new InrDecoder(device);
        codec.DecodeBatch(payloads); // warm-up
        int reps = 5;
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < reps; r++)
        {
            using var frames = decoder.DecodeToTensor(payloads.Select(p => PayloadFormat.Read(p)).ToList());
            Sync();
        }
        double inrTensor = reps * payloads.Count / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (int r = 0; r < reps; r++) codec.DecodeBatch(payloads);
        double inrImages = reps * payloads.Count / clock.Elapsed.TotalSeconds;

        var jpeg = new JpegCodec(90);
        var files = images.Select(jpeg.Encode).ToList();
        foreach (var f in files) JpegCodec.Decode(f);
        clock.Restart();
        for (int r = 0; r < reps * 4; r++) foreach (var f in files) JpegCodec.Decode(f);
        double jpg = reps * 4 * files.Count / clock.Elapsed.TotalSeconds;
        return (inrTensor, inrImages, jpg);
    }

    /// <summary>Steps a cold fit of frame 2 needs to reach its final PSNR, against a fit started from frame 1's weights.</summary>
    private (int Cold, int Warm, double Psnr) WarmStartSteps()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-bench-").FullName;
        try
        {
            // A 30-frame sequence, so consecutive frames are as close as in a real video.
            var ds = SyntheticDataset.Generate(new SyntheticOptions(1, 30, options.Width, options.Height, options.Seed), dir);
            var prepare = new EncodeOptions(options.Width, options.Height);
            var f1 = EncodeRunner.Prepare(ds.Sequences[0], ds.Sequences[0].Frames[0], prepare);
            var f2 = EncodeRunner.Prepare(ds.Sequences[0], ds.Sequences[0].Frames[1], prepare);
            var training = new TrainingOptions(Steps: options.WarmStartSteps, LearningRate: 1e-3);
            var settings = CodecCatalog.InrSettings("rapid-inr", training, warmStart: true);

            var coldCurve = new List<float>();
            var cold = new InrCodec(settings with { WarmStart = false }, device) { OnBackgroundStep = (_, mse) => coldCurve.Add(mse[0]) };
            cold.EncodeBatch([f2], options.Seed);
            float target = coldCurve.Min();

            var warm = new InrCodec(settings, device);
            warm.EncodeBatch([f1], options.Seed);
            var warmCurve = new List<float>();
            warm.OnBackgroundStep = (_, mse) => warmCurve.Add(mse[0]);
            warm.EncodeBatch([f2], options.Seed);
            int coldSteps = coldCurve.IndexOf(target) + 1;
            int warmSteps = warmCurve.FindIndex(m => m <= target) is var i and >= 0 ? i + 1 : warmCurve.Count;
            // MSE in network units ([-1, 1] is 2 wide): PSNR = 10 log10(4 / MSE).
            return (coldSteps, warmSteps, Psnr.FromMse(target));
        }
        finally { Directory.Delete(dir, true); }
    }

    private IEnumerable<BenchmarkFigure> PeakMemory()
    {
        int w = 48, h = 32, batch = 50;
        var images = SyntheticFrames(batch, w, h);
        var codec = new InrCodec(CodecCatalog.InrSettings("residual-inr", new TrainingOptions(Steps: 10, LearningRate: 1e-3)), device);
        var samples = new List<(int Frames, double Mb)>();
        using var process = Process.GetCurrentProcess();
        for (int done = 0; done < options.MemoryFrames; done += batch)
        {
            var inputs = images.Select((img, i) => new FrameToEncode($"s{done + i}", done + i, img, ObjectBox(img))).ToList();
            var payloads = codec.EncodeBatch(inputs, done).Select(e => e.Payload).ToList();
            codec.DecodeBatch(payloads);
            samples.Add((done + batch, MemoryProbe.Take(done + batch).RssMb));
        }
        process.Refresh();
        var early = samples[Math.Min(1, samples.Count - 1)];
        var last = samples[^1];
        yield return new("RSS after " + early.Frames + " frames", early.Mb, "MB", $"residual-inr, {w}x{h}, batches of {batch}");
        yield return new("RSS after " + last.Frames + " frames", last.Mb, "MB", "");
        yield return new("peak RSS over the run", process.PeakWorkingSet64 / 1e6, "MB", "");
        yield return new("RSS growth per 1000 frames", (last.Mb - early.Mb) / Math.Max(1, last.Frames - early.Frames) * 1000, "MB", "after the first batches");
    }

    private static Imaging.PixelRect ObjectBox(RgbImage img) => new(img.Width / 4, img.Height / 4, img.Width / 3, img.Height / 3);

    private List<RgbImage> SyntheticFrames(int count, int w, int h)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-bench-").FullName;
        try
        {
            var ds = SyntheticDataset.Generate(new SyntheticOptions(Math.Min(count, 8), (count + 7) / 8, w, h, options.Seed), dir);
            return ds.AllFrames.Take(count).Select(f => ImageFiles.Load(f.ImagePath)).ToList();
        }
        finally { Directory.Delete(dir, true); }
    }

    private void Sync()
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }
}
