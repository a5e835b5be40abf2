using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;
using TorchSharp;

namespace ResidualInr.Cli.Commands;

/// <param name="Batch">Largest number of frames encoded together; a soak of fewer than 10 x Batch encodes uses a tenth of them, so every 10% mark ends a batch.</param>
/// <param name="Devices">Devices of every simulated point (all strategies, unicast, every transfer recorded).</param>
public sealed record SoakOptions(int Encodes = 1000, int Sweeps = 100, int Width = 32, int Height = 24, int Steps = 5, int Batch = 50,
    int Devices = 200, int Jobs = 2, string Codec = "residual-inr", int Seed = 1);

/// <summary>
/// Memory over one phase of a soak: samples at the start and at every 10% of it, and the growth fitted
/// by least squares over its second half (the first half is warm-up: allocator pools, JIT, caches).
/// A phase is flat when neither RSS nor the managed heap grows by more than 1% of the phase's mean RSS
/// per <see cref="Per"/> iterations (a real leak at that rate adds 10% over the phase) and the number of
/// live TorchSharp tensors does not grow at all (each is a handle that only Dispose frees).
/// </summary>
public sealed record SoakPhase(string Name, string Unit, int Per, int Total, IReadOnlyList<MemorySample> Samples, double Seconds)
{
    public IReadOnlyList<MemorySample> SecondHalf => Samples.Where(s => s.At >= Total / 2.0).ToList();
    public double RssSlope => Fit(s => s.RssMb);
    public double ManagedSlope => Fit(s => s.ManagedMb);
    public double TensorSlope => Fit(s => s.LiveTensors);
    public double MeanRssMb => Samples.Skip(1).Average(s => s.RssMb);
    public double ThresholdMb => 0.01 * MeanRssMb;
    public bool Flat => RssSlope <= ThresholdMb && ManagedSlope <= ThresholdMb && TensorSlope <= 0;

    private double Fit(Func<MemorySample, double> y)
    {
        var half = SecondHalf;
        return Per * MemoryProbe.Slope(half.Select(s => s.At).ToList(), half.Select(y).ToList());
    }

    /// <summary><c>encode phase flat: yes (slope 0.12 MB per 100 encodes, threshold 15.3; ...)</c></summary>
    public string Verdict => string.Create(CultureInfo.InvariantCulture,
        $"{Name} phase flat: {(Flat ? "yes" : "no")} (slope {Round(RssSlope)} MB per {Per} {Unit}, threshold {Round(ThresholdMb)}; " +
        $"managed heap {Round(ManagedSlope)} MB and live tensors {Round(TensorSlope)} per {Per} {Unit})");

    /// <summary>Three decimals, and no "-0" for a slope that rounds to nothing.</summary>
    private static double Round(double x) => Math.Round(x, 3) + 0.0;

    public IEnumerable<BenchmarkFigure> Figures()
    {
        string per = $"per {Per} {Unit}";
        yield return new($"{Name}: {Unit}", Total, Unit, $"{Seconds:F1} s in all");
        foreach (var s in Samples)
            yield return new(string.Create(CultureInfo.InvariantCulture, $"{Name}: RSS after {s.At:0} {Unit}"), s.RssMb, "MB",
                string.Create(CultureInfo.InvariantCulture, $"managed heap {s.ManagedMb:F1} MB, {s.LiveTensors} live tensors"));
        string over = "least squares over the samples at " + string.Join(", ", SecondHalf.Select(s => s.At.ToString("0", CultureInfo.InvariantCulture)));
        yield return new($"{Name}: RSS slope", RssSlope, "MB " + per, over);
        yield return new($"{Name}: managed heap slope", ManagedSlope, "MB " + per, "after a full collection");
        yield return new($"{Name}: live tensor slope", TensorSlope, "tensors " + per, "torch.Tensor.TotalCount");
        yield return new($"{Name}: flatness threshold", ThresholdMb, "MB " + per, string.Create(CultureInfo.InvariantCulture, $"1% of the phase's mean RSS ({MeanRssMb:F0} MB)"));
        yield return new($"{Name}: flat", Flat ? 1 : 0, "1 = yes", "RSS and managed slopes within the threshold, no tensor growth");
    }
}

/// <summary>
/// <c>rinr bench soak</c>: many encodes through the codec registry (each payload decoded back) and many
/// simulation sweeps through <see cref="Sweep"/>, in one process, watching memory every 10% of each phase.
/// </summary>
public sealed class SoakBenchmark(torch.Device device, SoakOptions options)
{
    public static Command Build()
    {
        var encodes = new Option<int>("--encodes") { Description = "Frames encoded (and decoded back) in the encode phase.", DefaultValueFactory = _ => 1000 };
        var sweeps = new Option<int>("--sweeps") { Description = "Simulation sweeps in the sweep phase (all strategies each).", DefaultValueFactory = _ => 100 };
        var size = new Option<string>("--size") { Description = "Frame size WxH of the encodes.", DefaultValueFactory = _ => "32x24" };
        var steps = new Option<int>("--steps") { Description = "Adam steps per INR (background, quantisation-aware and object).", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch") { Description = "Frames encoded together.", DefaultValueFactory = _ => 50 };
        var devices = new Option<int>("--devices") { Description = "Devices per simulated point.", DefaultValueFactory = _ => 200 };
        var jobs = new Option<int>("--jobs") { Description = "Points of a sweep simulated in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var codec = new Option<string>("--codec") { Description = "Per-frame codec to encode with.", DefaultValueFactory = _ => "residual-inr" };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var outFile = new Option<string?>("--out") { Description = "Also write the figures to this CSV file." };
        var cmd = new Command("soak", "Memory over a long run: encodes (each decoded back) and simulation sweeps in one process; RSS, managed heap and live tensors every 10%, and whether each phase stays flat.")
        {
            encodes, sweeps, size, steps, batch, devices, jobs, codec, device, outFile,
        };
        cmd.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            int e = parse.GetValue(encodes), s = parse.GetValue(sweeps), st = parse.GetValue(steps), b = parse.GetValue(batch), n = parse.GetValue(devices), j = parse.GetValue(jobs);
            if (e is < 2 or > 1_000_000 || s is < 2 or > 100_000)
                throw new InputException("--encodes must be in [2, 1000000] and --sweeps in [2, 100000]");
            if (w is < 8 or > 4096 || h is < 8 or > 4096) throw new InputException($"--size {w}x{h} is out of range (8..4096 per side)");
            if (st is < 1 or > 100_000 || b is < 1 or > 4096 || n is < 2 or > 10_000 || j is < 1 or > 1024)
                throw new InputException("--steps must be in [1, 100000], --batch in [1, 4096], --devices in [2, 10000] and --jobs in [1, 1024]");
            var descriptor = CodecRegistry.Get(parse.GetValue(codec)!);
            if (descriptor.Kind != CodecKind.Frame)
                throw new InputException($"--codec {descriptor.Id} encodes whole sequences; the soak needs a per-frame codec");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var soak = new SoakBenchmark(torchDevice, new SoakOptions(e, s, w, h, st, b, n, j, descriptor.Id));
            var phases = soak.Run();
            var output = parse.InvocationConfiguration.Output;
            BenchCommands.Report(output, torchDevice, phases.SelectMany(p => p.Figures()).ToList(), parse.GetValue(outFile));
            foreach (var p in phases) output.WriteLine(p.Verdict);
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    public IReadOnlyList<SoakPhase> Run()
    {
        var points = SweepPoints(0);
        WorkEstimate.Check(points, options.Jobs, $"--devices {options.Devices}", 30_000, "use fewer devices");
        var dir = Directory.CreateTempSubdirectory("rinr-soak-").FullName;
        try
        {
            return [Encodes(dir), Sweeps(dir)];
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>The sample points: the start, then the end of the first batch (or sweep) at or past each 10% mark.</summary>
    private static bool PastMark(int done, int total, ref int mark)
    {
        bool sample = false;
        while (mark <= 10 && done >= (int)Math.Ceiling(mark * (double)total / 10))
        {
            sample = true;
            mark++;
        }
        return sample;
    }

    private SoakPhase Encodes(string dir)
    {
        var descriptor = CodecRegistry.Get(options.Codec);
        int batch = Math.Clamp(options.Encodes / 10, 1, options.Batch);
        // Synthetic frames are at least 32 pixels a side; the encode resizes them to the soak's size.
        var data = SyntheticDataset.Generate(new SyntheticOptions(Math.Min(batch, 8), (batch + 7) / 8, Math.Max(32, options.Width), Math.Max(32, options.Height), options.Seed),
            Path.Combine(dir, "data"));
        var training = new TrainingOptions(Steps: options.Steps, LearningRate: 1e-3);
        var samples = new List<MemorySample> { MemoryProbe.Take(0) };
        var clock = Stopwatch.StartNew();
        ConsoleProgress.RunFractional($"Soak: {options.Encodes} encodes", options.Encodes, progress =>
        {
            int done = 0, round = 0, mark = 1;
            while (done < options.Encodes)
            {
                int n = Math.Min(batch, options.Encodes - done), before = done;
                var roundDir = Path.Combine(dir, "encode");
                var job = new EncodeJob(FirstFrames(data, n), new EncodeOptions(options.Width, options.Height, n, StableSeed.Derive(options.Seed, round++)),
                    roundDir, device, training, TextWriter.Null);
                var rows = descriptor.Encode(descriptor.DefaultSettings, job, new Forward<double>(f => progress.Report(before + f)));
                foreach (var row in rows)
                {
                    var file = Path.Combine(roundDir, row.PayloadFile!);
                    var image = CodecRegistry.DecodeFile(File.ReadAllBytes(file), file, device, null);
                    if (image.Width != options.Width || image.Height != options.Height)
                        throw new InvalidOperationException($"{file} decoded to {image.Width}x{image.Height}, not {options.Width}x{options.Height}");
                }
                Directory.Delete(roundDir, true);
                done += n;
                progress.Report(done);
                if (PastMark(done, options.Encodes, ref mark)) samples.Add(MemoryProbe.Take(done));
            }
            return 0;
        });
        return new SoakPhase("encode", "encodes", 100, options.Encodes, samples, clock.Elapsed.TotalSeconds);
    }

    private SoakPhase Sweeps(string dir)
    {
        var samples = new List<MemorySample> { MemoryProbe.Take(0) };
        var clock = Stopwatch.StartNew();
        ConsoleProgress.RunFractional($"Soak: {options.Sweeps} sweeps", options.Sweeps, progress =>
        {
            int mark = 1;
            var gate = new object();
            for (int i = 0; i < options.Sweeps; i++)
            {
                var points = SweepPoints(i);
                int sweep = i;
                var csvDir = Path.Combine(dir, "sweep");
                Directory.CreateDirectory(csvDir);
                var results = Sweep.Run(points, options.Jobs, new Forward<int>(d => { lock (gate) progress.Report(sweep + d / (double)points.Count); }), csvDir);
                Sweep.WriteCsvs(csvDir, results);
                Directory.Delete(csvDir, true);
                progress.Report(i + 1);
                if (PastMark(i + 1, options.Sweeps, ref mark)) samples.Add(MemoryProbe.Take(i + 1));
            }
            return 0;
        });
        return new SoakPhase("sweep", "sweeps", 10, options.Sweeps, samples, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One sweep: every strategy for the same devices, unicast on a shared 2 MB/s channel with 1% loss
    /// (so resends happen), fog batching and decode/training times set, every transfer written to transfers.csv; the
    /// seed changes per sweep so no two sweeps draw the same losses.
    /// </summary>
    private List<SweepPoint> SweepPoints(int sweep)
    {
        const long model = 6_000_000;
        var template = new SimulationConfig(options.Devices, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(30_000, 8_000), Downlink.Unicast, Topology.SharedChannel,
            new ChannelSettings(2_000_000, 0.001, 0.01, 3),
            new ComputeTimings(BatchCost.Measured(16, 0.5), 0.002, 0.01, 0.01, 0.001, 1, model),
            0, StableSeed.Derive(options.Seed, sweep), RecordTransfers: false, Batching: FogBatching.Greedy(16));
        return Enum.GetValues<SharingStrategy>()
            .Select(s => new SweepPoint(s == SharingStrategy.InrTrainEdge ? "inr" : "jpeg", s == SharingStrategy.TrainFog ? model : null, template with { Strategy = s }, WritesTransfers: true))
            .ToList();
    }

    /// <summary>The dataset cut to its first <paramref name="count"/> frames, in sequence order.</summary>
    private static Dataset FirstFrames(Dataset data, int count)
    {
        var sequences = new List<Sequence>();
        foreach (var s in data.Sequences)
        {
            if (count <= 0) break;
            var frames = s.Frames.Take(count).ToList();
            sequences.Add(s with { Frames = frames });
            count -= frames.Count;
        }
        return data with { Sequences = sequences };
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Forward<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
