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
    /// <c>rinr bench --out PROFILE.json</c>: a timing profile for scenarios (timing.profile, timing.fog,
    /// timing.edge), measured on this machine with small synthetic frames. As the fog (<c>--role fog</c>) it
    /// records each codec's encode time at every batch size (a real encode of that many frames in one batch);
    /// as an edge device (<c>--role edge</c>) each codec's decode time per payload, one at a time; with
    /// <c>fog+edge</c> (the default) both, decode times then taken from the largest batch.
    /// </summary>
    private static void AddProfile(Command bench)
    {
        var outFile = new Option<string?>("--out") { Description = "Write a timing profile (JSON) measured on this machine, for scenarios' timing.profile, timing.fog or timing.edge." };
        var role = new Option<string>("--role") { Description = "fog (encode batch costs), edge (decode times) or fog+edge (both).", DefaultValueFactory = _ => TimingProfile.BothRoles };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var size = new Option<string>("--size") { Description = "Frame size WxH to measure at.", DefaultValueFactory = _ => "160x90" };
        var steps = new Option<int>("--steps") { Description = "Adam steps per INR.", DefaultValueFactory = _ => 300 };
        var batch = new Option<int>("--fog-batch") { Description = "Largest fog encode batch to time: batch sizes 1, 2, 4, ... up to it (and it).", DefaultValueFactory = _ => 8 };
        var sizes = new Option<string?>("--batch-sizes") { Description = "Batch sizes to time instead, e.g. 1,2,4,8." };
        var frames = new Option<int>("--frames") { Description = "Edge role: payloads to decode, one at a time.", DefaultValueFactory = _ => 4 };
        var edgeTrain = new Option<double>("--edge-train-s") { Description = "Device training s per frame per epoch, recorded as given (a scenario with a learning stage measures it per codec instead).", DefaultValueFactory = _ => 0.01 };
        var fogTrain = new Option<double>("--fog-train-s") { Description = "Fog training s per frame per epoch, recorded as given.", DefaultValueFactory = _ => 0.001 };
        var codecs = new Option<string>("--codecs") { Description = $"Comma-separated codecs to time (of: {string.Join(", ", CodecRegistry.Ids)}).", DefaultValueFactory = _ => "jpeg,rapid-inr,residual-inr" };
        var quality = new Option<int>("--jpeg-quality") { Description = "JPEG quality to time (a profile names JPEG by quality, e.g. jpeg-q90).", DefaultValueFactory = _ => 90 };
        foreach (var o in new Option[] { outFile, role, device, size, steps, batch, sizes, frames, edgeTrain, fogTrain, codecs, quality }) bench.Options.Add(o);
        bench.SetAction(parse =>
        {
            var path = parse.GetValue(outFile) ?? throw new InputException("rinr bench needs --out PROFILE.json, or a subcommand (see 'rinr bench --help')");
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            var r = parse.GetValue(role)!;
            if (r is not (TimingProfile.FogRole or TimingProfile.EdgeRole or TimingProfile.BothRoles))
                throw new InputException($"--role '{r}' must be fog, edge or fog+edge");
            int fogBatch = parse.GetValue(batch), edgeFrames = parse.GetValue(frames);
            if (fogBatch < 1 || parse.GetValue(steps) < 1 || edgeFrames < 1) throw new InputException("--fog-batch, --steps and --frames must be at least 1");
            var batchSizes = BatchSizes(parse.GetValue(sizes), fogBatch);
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            var run = RunMetadata.Start(parse, device: ComputeDevice.Describe(torchDevice));
            var dir = Directory.CreateTempSubdirectory("rinr-profile-").FullName;
            var output = parse.InvocationConfiguration.Output;
            try
            {
                var training = new TrainingOptions(Steps: parse.GetValue(steps), LearningRate: 1e-3);
                var chosen = parse.GetValue(codecs)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(CodecRegistry.Get).ToList();
                if (chosen.Count == 0) throw new InputException("--codecs needs at least one codec");
                // One real encode of b frames in one batch: b synthetic sequences of one frame each.
                IReadOnlyList<FrameMetrics> Encode(CodecDescriptor descriptor, CodecSettings settings, string key, int b)
                {
                    var data = SyntheticDataset.Generate(new SyntheticOptions(b, 1, w, h), Path.Combine(dir, $"data-{b}"));
                    var job = new EncodeJob(data, new EncodeOptions(w, h, b), Path.Combine(dir, $"{descriptor.Id}-{b}"), torchDevice, training, output);
                    return ConsoleProgress.RunFractional($"Timing {key}, batch of {b}", data.FrameCount, p => descriptor.Encode(settings, job, p));
                }
                var encodeTables = new Dictionary<string, IReadOnlyDictionary<int, double>>();
                var decode = new Dictionary<string, double>();
                foreach (var descriptor in chosen)
                {
                    var settings = descriptor is JpegCodecDescriptor ? new JpegSettings(parse.GetValue(quality)) : descriptor.DefaultSettings;
                    var key = new CodecSpec(descriptor, settings).Key;
                    if (r == TimingProfile.EdgeRole)
                    {
                        // A device decodes each payload as it arrives: encode (only to make payloads) and decode one at a time.
                        var rows = new List<FrameMetrics>();
                        var data = SyntheticDataset.Generate(new SyntheticOptions(edgeFrames, 1, w, h), Path.Combine(dir, "data-edge"));
                        var job = new EncodeJob(data, new EncodeOptions(w, h, 1), Path.Combine(dir, $"{descriptor.Id}-edge"), torchDevice, training, output);
                        rows.AddRange(ConsoleProgress.RunFractional($"Timing {key} decode", data.FrameCount, p => descriptor.Encode(settings, job, p)));
                        decode[key] = rows.Average(f => f.DecodeSecondsPerFrame);
                        continue;
                    }
                    var measured = batchSizes.Select(b => Encode(descriptor, settings, key, b)).ToList();
                    encodeTables[key] = TimingProfile.BatchPoints(measured.SelectMany(m => m), fogBatch);
                    decode[key] = measured[^1].Average(f => f.DecodeSecondsPerFrame);
                }
                var profile = new TimingProfile(ComputeDevice.Describe(torchDevice),
                    r == TimingProfile.EdgeRole ? null : encodeTables, r == TimingProfile.FogRole ? null : decode,
                    parse.GetValue(edgeTrain), parse.GetValue(fogTrain), Role: r);
                AtomicFile.WriteAllText(path, profile.ToJson());
                run.Finish(Path.GetDirectoryName(Path.GetFullPath(path))!);
                output.WriteLine($"wrote {path}");
            }
            finally { Directory.Delete(dir, true); }
            return RinrApp.ExitOk;
        });
    }

    /// <summary>--batch-sizes when given (ascending, distinct, >= 1), else 1, 2, 4, ... below <paramref name="largest"/>, and it.</summary>
    internal static IReadOnlyList<int> BatchSizes(string? text, int largest)
    {
        if (text is null)
        {
            var sizes = new List<int>();
            for (int b = 1; b < largest; b *= 2) sizes.Add(b);
            sizes.Add(largest);
            return sizes;
        }
        var parsed = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            parsed.Add(int.TryParse(part, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out int b) && b >= 1 ? b
                : throw new InputException($"--batch-sizes: '{part}' is not a batch size >= 1"));
        if (parsed.Count == 0) throw new InputException("--batch-sizes needs at least one size");
        return parsed.Distinct().Order().ToList();
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

    /// <summary>
    /// <c>rinr bench convergence</c>: the reference recipe and the project's fast recipe on the same frames in one
    /// process; the PSNR curves, and how many steps and seconds the fast recipe needs to reach the reference's PSNR.
    /// </summary>
    private static Command BuildConvergence()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder (OTB, UAV123 or DAC-SDC layout), or 'synthetic' (generated at 320x180, one frame from each of K sequences).", DefaultValueFactory = _ => "synthetic" };
        var format = new Option<string?>("--format") { Description = "otb, uav123 or dacsdc; detected when omitted." };
        var codec = new Option<string>("--codec") { Description = "rapid-inr or residual-inr (or another per-frame INR codec).", DefaultValueFactory = _ => "rapid-inr" };
        var size = new Option<string>("--size") { Description = "Encode at WxH pixels.", DefaultValueFactory = _ => "160x90" };
        var frames = new Option<int>("--frames") { Description = "Frames K, encoded together in one batch by each recipe (from a dataset: frame t of every sequence before frame t+1 of any).", DefaultValueFactory = _ => 8 };
        var referenceSteps = new Option<int?>("--reference-steps") { Description = "R, the reference recipe's steps (and the fast recipe's cap). Default 2,000 on a CPU, 10,000 on a GPU." };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var seed = new Option<int>("--seed") { Description = "Seed for the synthetic frames and the INR initialisation.", DefaultValueFactory = _ => 1 };
        var lr = new Option<double?>("--lr") { Description = $"Fast recipe's peak learning rate instead of {TrainingOptions.FastLearningRate:G3} (for measuring candidates)." };
        var initScale = new Option<double?>("--init-scale") { Description = "Fast recipe's weight scaling a of the sine layers (arXiv 2410.04779; default: the reference initialisation)." };
        var warmup = new Option<double?>("--warmup") { Description = $"Fast recipe's warm-up as a share of R instead of {TrainingOptions.FastWarmupShare:G3}." };
        var qatLrScale = new Option<double?>("--qat-lr-scale") { Description = $"Fast recipe's peak learning rate of the 8-bit fine-tuning as a share of its --lr, instead of {TrainingOptions.DefaultQuantisedLrScale:G3} (residual-inr)." };
        var qatWarmup = new Option<double?>("--qat-warmup") { Description = $"Fast recipe's warm-up of the 8-bit fine-tuning as a share of its steps, instead of the recipe's ({TrainingOptions.FastOnCpuQuantisedWarmupShare:G3} for subsets-lbfgs, 0 for adam; residual-inr)." };
        var lbfgsAfter = new Option<int?>("--lbfgs-after") { Description = "Fast recipe: after this many Adam steps (its cosine over them), L-BFGS steps with a backtracking line search for the float fits (default: Adam throughout; the 8-bit fine-tuning stays with Adam)." };
        var convergenceChunk = new Option<int?>("--pixel-chunk") { Description = $"Fast recipe: forward and backward passes over this many pixels at a time (the same gradient; {TrainingOptions.CpuPixelChunk} suits a CPU; default: whole frames, as the reference)." }
            .Within(Scenarios.ScenarioKeys.Inr.PixelChunk);
        var lbfgsHistory = new Option<int>("--lbfgs-history") { Description = "Pairs each network's L-BFGS remembers.", DefaultValueFactory = _ => TrainingOptions.DefaultLbfgsHistory };
        var recipe = new Option<string?>("--fast-recipe") { Description = $"The fast recipe: 'adam' (Adam throughout; the default on a GPU but for residual-inr) or 'subsets-lbfgs' (the first {TrainingOptions.FastSubsetShare * 100:G3}% of the steps each on {TrainingOptions.FastSubsetPixels} random pixels, then L-BFGS on whole frames; the default on a CPU, and for residual-inr on a GPU). The options below adjust it." };
        var subsetPixels = new Option<int?>("--subset-pixels") { Description = "Fast recipe: the first --subset-share of every fit's steps each train on this many of the frame's pixels, drawn at random (a cheaper, unbiased estimate of the step; no target check and no best weights on those steps)." };
        var subsetShare = new Option<double?>("--subset-share") { Description = "Fast recipe: the share of every fit's steps, from its first, that train on --subset-pixels pixels." };
        var learnedInit = new Option<string?>("--learned-init") { Description = "Fast recipe starts every SIREN from the learned initialisation of its shape: 'default' (models/, shipped) or a folder of siren-init-*.bin files (rinr meta-train)." };
        var outFile = new Option<string?>("--out") { Description = "Write the PSNR curves to this CSV file (recipe, stage, step, seconds, psnr_db)." };
        var tf32 = Tf32Option();
        var cmd = new Command("convergence", "The reference recipe against the project's fast recipe on the same frames: PSNR curves, and the speed-up to the reference's PSNR in time and steps.")
        {
            dataset, format, codec, size, frames, referenceSteps, device, seed, recipe, lr, initScale, warmup, qatLrScale, qatWarmup, lbfgsAfter, lbfgsHistory, convergenceChunk, subsetPixels, subsetShare, learnedInit, outFile, tf32,
        };
        cmd.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            int k = parse.GetValue(frames);
            if (k < 1) throw new InputException($"--frames must be at least 1, got {k}");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            ComputeDevice.UseTf32(parse.GetValue(tf32));
            int r = parse.GetValue(referenceSteps) ?? (torchDevice.type == TorchSharp.DeviceType.CUDA ? 10_000 : 2_000);
            if (r < 2) throw new InputException($"--reference-steps must be at least 2, got {r}");
            bool onCpu = torchDevice.type == TorchSharp.DeviceType.CPU;
            // FastOnCpu is Fast with the subsets-lbfgs recipe's additions.
            var fastRecipe = parse.GetValue(recipe) is { } name ? Scenarios.InrRecipes.Parse(name, "--fast-recipe") : Scenarios.InrRecipes.Fastest(parse.GetValue(codec)!, onCpu);
            var fast = fastRecipe.Apply(TrainingOptions.Fast(r));
            if (parse.GetValue(lr) is { } l) fast = fast with { LearningRate = l };
            if (parse.GetValue(initScale) is { } a) fast = fast with { InitScale = a };
            if (parse.GetValue(qatLrScale) is { } q) fast = fast with { QuantisedLrScale = q };
            if (parse.GetValue(qatWarmup) is { } qw) fast = fast with { QuantisedWarmupShare = qw };
            if (parse.GetValue(lbfgsAfter) is { } after) fast = fast with { LbfgsAfter = after };
            fast = fast with { LbfgsHistory = parse.GetValue(lbfgsHistory) };
            if (parse.GetValue(convergenceChunk) is { } chunk) fast = fast with { PixelChunk = chunk };
            if (parse.GetValue(subsetPixels) is { } sp) fast = fast with { SubsetPixels = sp };
            if (parse.GetValue(subsetShare) is { } subsetPart) fast = fast with { SubsetShare = subsetPart };
            fast.Validate();
            if (parse.GetValue(learnedInit) is { } folder) fast = fast with { LearnedInit = SirenInitSet.Resolve(folder) };
            if (parse.GetValue(warmup) is { } share)
                fast = share is >= 0 and < 1 ? fast with { WarmupSteps = (int)(share * r) } : throw new InputException($"--warmup must be in [0, 1), got {share}");
            int seedValue = parse.GetValue(seed);
            var output = parse.InvocationConfiguration.Output;
            var dir = Directory.CreateTempSubdirectory("rinr-convergence-").FullName;
            try
            {
                var path = parse.GetValue(dataset)!;
                var data = path == "synthetic"
                    ? SyntheticDataset.Generate(new SyntheticOptions(Sequences: k, Frames: 1, Seed: seedValue), dir)
                    : DatasetLoader.Load(path, parse.GetValue(format) is { } f ? DatasetLoader.ParseFormat(f) : null);
                var prepare = new EncodeOptions(w, h);
                prepare.Validate();
                var chosen = data.Sequences.SelectMany(sq => sq.Frames.Select((fr, t) => (sq, fr, t))).OrderBy(x => x.t).Take(k)
                    .Select(x => EncodeRunner.Prepare(x.sq, x.fr, prepare)).ToList();
                if (chosen.Count < k) throw new InputException($"--frames {k}: the dataset has only {chosen.Count} frames");
                var result = new ConvergenceBenchmark(torchDevice, stage => Console.Error.WriteLine($"[rinr] bench: {stage}"))
                    .Run(parse.GetValue(codec)!, chosen, TrainingOptions.Reference(r), fast, seedValue);
                if (parse.GetValue(outFile) is { } csv)
                    AtomicFile.Write(csv, writer =>
                    {
                        writer.WriteLine("recipe,stage,step,seconds,psnr_db");
                        foreach (var p in result.Curve)
                            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Recipe},{p.Stage},{p.Step},{p.Seconds:F4},{p.PsnrDb:F4}"));
                    });
                WriteConvergence(output, torchDevice, parse.GetValue(codec)!, w, h, k, fast, result);
            }
            finally { Directory.Delete(dir, true); }
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    private static void WriteConvergence(TextWriter output, TorchSharp.torch.Device device, string codec, int w, int h, int k, TrainingOptions fast, ConvergenceResult result)
    {
        static string Line(FormattableString s) => FormattableString.Invariant(s);
        output.WriteLine($"device: {ComputeDevice.Describe(device)}");
        output.WriteLine(Line($"{codec}, {k} frames at {w}x{h}, encoded as one batch by each recipe"));
        output.WriteLine(Line($"fast recipe: init {(fast.LearnedInit is { } li ? "learned (" + li.Fingerprint + ")" : fast.InitScale is { } sc ? "scale " + sc.ToString("G3", CultureInfo.InvariantCulture) : "reference")}, lr {fast.LearningRate:G3}, warm-up {fast.WarmupSteps} steps, cosine over at most {fast.Steps} steps, 8-bit fine-tuning at {fast.QuantisedLrScale:G3}x the lr{(fast.QuantisedWarmupShare > 0 ? $" warmed up over {fast.QuantisedWarmupShare * 100:G3}% of its steps" : "")}, {(fast.SubsetPixels is { } sub ? $"subsets of {sub} random pixels for the first {fast.SubsetShare * 100:G3}% of each fit's steps, " : "")}{(fast.LbfgsAfter is { } la ? $"L-BFGS ({fast.LbfgsHistory} pairs) after {la} Adam steps, " : "")}{(fast.PixelChunk is { } pc ? $"passes of {pc} pixels, " : "")}each frame stops at the reference's PSNR + {ConvergenceBenchmark.MarginDb} dB"));
        foreach (var r in new[] { result.Reference, result.Project })
            output.WriteLine(Line($"{r.Recipe,-9}: PSNR {r.MeanPsnrDb:F2} dB (frames {string.Join(" ", r.PsnrDb.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))}), {r.MeanSteps:F0} steps per frame, {r.Seconds:F1} s ({r.CpuSeconds:F1} s of CPU), {r.PayloadBytes.Average():F0} bytes per frame"));
        output.WriteLine(Line($"reference final PSNR: {result.Reference.MeanPsnrDb:F2} dB; the fast recipe {(result.Reached ? "reached it on every frame" : "fell short on some frames")} in {result.Project.MeanSteps:F0} steps per frame and {result.Project.Seconds:F1} s"));
        output.WriteLine(Line($"speed-up in process CPU time (steadier than wall time on a shared machine): {result.CpuSpeedUp:F2}x"));
        output.WriteLine(Line($"speed-up to the reference PSNR: {result.TimeSpeedUp:F2}x in time, {result.StepSpeedUp:F2}x in steps"));
    }

    /// <summary>--tf32 of the bench commands (<see cref="ComputeDevice.UseTf32"/>).</summary>
    private static Option<bool> Tf32Option() => new("--tf32")
    {
        Description = "On a GPU, let FP32 matrix products use TF32 tensor cores (the matmul peak too, and L-BFGS's products over its history); compare with a run without it for speed and PSNR.",
    };

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
        var pixelChunk = new Option<int>("--pixel-chunk") { Description = "Pixels per forward-and-backward pass for the chunked batched encode figure.", DefaultValueFactory = _ => TrainingOptions.CpuPixelChunk }
            .Within(Scenarios.ScenarioKeys.Inr.PixelChunk);
        var outFile = new Option<string?>("--out") { Description = "Also write the figures to this CSV file." };
        var tf32 = Tf32Option();
        var codec = new Command("codec", "Encode throughput (batched vs one image, and as a fraction of FP32 matmul peak), batched INR decode vs JPEG decode, memory over 1,000 encodes, warm-start savings.")
        {
            device, size, steps, batch, memoryFrames, warmSteps, pixelChunk, outFile, tf32,
        };
        codec.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            int s = parse.GetValue(steps), b = parse.GetValue(batch);
            if (s < 1 || b < 1) throw new InputException("--steps and --batch must be at least 1");
            var torchDevice = ComputeDevice.Resolve(parse.GetValue(device));
            ComputeDevice.UseTf32(parse.GetValue(tf32));
            var options = new CodecBenchmarkOptions(w, h, s, b, parse.GetValue(memoryFrames), parse.GetValue(warmSteps), PixelChunk: parse.GetValue(pixelChunk));
            var figures = new CodecBenchmark(torchDevice, options, stage => Console.Error.WriteLine($"[rinr] bench: {stage}")).Run();
            Report(parse.InvocationConfiguration.Output, torchDevice, figures, parse.GetValue(outFile));
            return RinrApp.ExitOk;
        });
        bench.Subcommands.Add(codec);
        bench.Subcommands.Add(BuildNerv());
        bench.Subcommands.Add(BuildConvergence());
        bench.Subcommands.Add(SoakBenchmark.Build());
        AddProfile(bench);
        return bench;
    }
}
