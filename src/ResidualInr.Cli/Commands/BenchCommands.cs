using System.CommandLine;
using System.Globalization;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr bench codec</c>: the codec's speed and memory figures, measured side by side in one run.</summary>
public static class BenchCommands
{
    /// <summary>
    /// <c>rinr bench --out PROFILE.json</c>: a timing profile for scenarios (timing.source: profile),
    /// measured by encoding and decoding a small synthetic batch with each codec on this machine.
    /// </summary>
    private static void AddProfile(Command bench)
    {
        var outFile = new Option<string?>("--out") { Description = "Write a timing profile (JSON) measured on this machine, for scenarios' timing.profile." };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var size = new Option<string>("--size") { Description = "Frame size WxH to measure at.", DefaultValueFactory = _ => "160x90" };
        var steps = new Option<int>("--steps") { Description = "Adam steps per INR.", DefaultValueFactory = _ => 300 };
        var batch = new Option<int>("--fog-batch") { Description = "Frames per fog encode batch.", DefaultValueFactory = _ => 8 };
        var edgeTrain = new Option<double>("--edge-train-s") { Description = "Device training s per frame per epoch, recorded as given (a scenario with a learning stage measures it per codec instead).", DefaultValueFactory = _ => 0.01 };
        var fogTrain = new Option<double>("--fog-train-s") { Description = "Fog training s per frame per epoch, recorded as given.", DefaultValueFactory = _ => 0.001 };
        var codecs = new Option<string>("--codecs") { Description = $"Comma-separated codecs to time (of: {string.Join(", ", CodecRegistry.Ids)}).", DefaultValueFactory = _ => "jpeg,rapid-inr,residual-inr" };
        var quality = new Option<int>("--jpeg-quality") { Description = "JPEG quality to time (a profile names JPEG by quality, e.g. jpeg-q90).", DefaultValueFactory = _ => 90 };
        foreach (var o in new Option[] { outFile, device, size, steps, batch, edgeTrain, fogTrain, codecs, quality }) bench.Options.Add(o);
        bench.SetAction(parse =>
        {
            var path = parse.GetValue(outFile) ?? throw new InputException("rinr bench needs --out PROFILE.json, or a subcommand (see 'rinr bench --help')");
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            int fogBatch = parse.GetValue(batch);
            if (fogBatch < 1 || parse.GetValue(steps) < 1) throw new InputException("--fog-batch and --steps must be at least 1");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var run = RunMetadata.Start(parse, device: ComputeDevice.Describe(torchDevice));
            var dir = Directory.CreateTempSubdirectory("rinr-profile-").FullName;
            try
            {
                var data = SyntheticDataset.Generate(new SyntheticOptions(Math.Min(fogBatch, 8), (fogBatch + 7) / 8, w, h), Path.Combine(dir, "data"));
                var training = new TrainingOptions(Steps: parse.GetValue(steps), LearningRate: 1e-3);
                var measured = new List<(string, IReadOnlyList<FrameMetrics>)>();
                var chosen = parse.GetValue(codecs)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(CodecRegistry.Get).ToList();
                if (chosen.Count == 0) throw new InputException("--codecs needs at least one codec");
                foreach (var descriptor in chosen)
                {
                    var settings = descriptor is JpegCodecDescriptor ? new JpegSettings(parse.GetValue(quality)) : descriptor.DefaultSettings;
                    var spec = new CodecSpec(descriptor, settings);
                    var job = new EncodeJob(data, new EncodeOptions(w, h, fogBatch), Path.Combine(dir, descriptor.Id), torchDevice, training, parse.InvocationConfiguration.Output);
                    var metrics = ConsoleProgress.RunFractional($"Timing {spec.Key}", data.FrameCount, p => descriptor.Encode(settings, job, p));
                    measured.Add((spec.Key, metrics));
                }
                var profile = TimingProfile.FromMeasurements(ComputeDevice.Describe(torchDevice), fogBatch, measured, parse.GetValue(edgeTrain), parse.GetValue(fogTrain));
                AtomicFile.WriteAllText(path, profile.ToJson());
                run.Finish(Path.GetDirectoryName(Path.GetFullPath(path))!);
                parse.InvocationConfiguration.Output.WriteLine($"wrote {path}");
            }
            finally { Directory.Delete(dir, true); }
            return RinrApp.ExitOk;
        });
    }

    private static Command BuildNerv()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var size = new Option<string>("--size") { Description = "Frame size WxH.", DefaultValueFactory = _ => "160x90" };
        var frames = new Option<int>("--frames") { Description = "Frames in the benchmark sequence.", DefaultValueFactory = _ => 8 };
        var epochs = new Option<int>("--epochs") { Description = "NeRV epochs.", DefaultValueFactory = _ => 300 };
        var grow = new Option<int>("--grow") { Description = "Frames added for the refit-or-fine-tune comparison (0 skips).", DefaultValueFactory = _ => 2 };
        var outFile = new Option<string?>("--out") { Description = "Also write the figures to this CSV file." };
        var cmd = new Command("nerv", "NeRV and Residual-NeRV: encode time per sequence, batched decode images/s against JPEG decode, and refit against fine-tune when a sequence grows.")
        {
            device, size, frames, epochs, grow, outFile,
        };
        cmd.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            int f = parse.GetValue(frames), e = parse.GetValue(epochs), g = parse.GetValue(grow);
            if (f < 2 || e < 1 || g < 0 || g >= f) throw new InputException("--frames must be at least 2, --epochs at least 1 and --grow in [0, frames)");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var figures = new NervBenchmark(torchDevice, new NervBenchmarkOptions(w, h, f, e, g), stage => Console.Error.WriteLine($"[rinr] bench: {stage}")).Run();
            Report(parse.InvocationConfiguration.Output, torchDevice, figures, parse.GetValue(outFile));
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    internal static void Report(TextWriter output, TorchSharp.torch.Device device, IReadOnlyList<BenchmarkFigure> figures, string? path)
    {
        output.WriteLine($"device: {ComputeDevice.Describe(device)}");
        foreach (var f in figures)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Name,-42} {f.Value,12:G5} {f.Unit,-15} {f.Detail}"));
        if (path is not null)
            AtomicFile.Write(path, writer =>
            {
                writer.WriteLine("name,value,unit,detail");
                foreach (var f in figures)
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\"{f.Name}\",{f.Value:R},\"{f.Unit}\",\"{f.Detail.Replace("\"", "'")}\""));
            });
    }

    public static Command Build()
    {
        var bench = new Command("bench", "Measure performance on this machine: 'rinr bench --out PROFILE.json' writes a timing profile for scenarios; 'rinr bench codec' prints the codec's figures, 'rinr bench soak' watches memory over a long run.");
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var size = new Option<string>("--size") { Description = "Frame size WxH for encode/decode measurements.", DefaultValueFactory = _ => "160x90" };
        var steps = new Option<int>("--steps") { Description = "Adam steps per encode measurement.", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch") { Description = "Images per batch.", DefaultValueFactory = _ => 16 };
        var memoryFrames = new Option<int>("--memory-frames") { Description = "Small frames to encode while watching memory (0 skips).", DefaultValueFactory = _ => 1000 };
        var warmSteps = new Option<int>("--warm-start-steps") { Description = "Steps of the warm-start comparison (0 skips).", DefaultValueFactory = _ => 300 };
        var outFile = new Option<string?>("--out") { Description = "Also write the figures to this CSV file." };
        var codec = new Command("codec", "Encode throughput (batched vs one image, and as a fraction of FP32 matmul peak), batched INR decode vs JPEG decode, memory over 1,000 encodes, warm-start savings.")
        {
            device, size, steps, batch, memoryFrames, warmSteps, outFile,
        };
        codec.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            int s = parse.GetValue(steps), b = parse.GetValue(batch);
            if (s < 1 || b < 1) throw new InputException("--steps and --batch must be at least 1");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var options = new CodecBenchmarkOptions(w, h, s, b, parse.GetValue(memoryFrames), parse.GetValue(warmSteps));
            var figures = new CodecBenchmark(torchDevice, options, stage => Console.Error.WriteLine($"[rinr] bench: {stage}")).Run();
            Report(parse.InvocationConfiguration.Output, torchDevice, figures, parse.GetValue(outFile));
            return RinrApp.ExitOk;
        });
        bench.Subcommands.Add(codec);
        bench.Subcommands.Add(BuildNerv());
        bench.Subcommands.Add(SoakBenchmark.Build());
        AddProfile(bench);
        return bench;
    }
}
