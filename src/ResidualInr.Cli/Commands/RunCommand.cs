using System.CommandLine;
using ResidualInr.Cli.Caching;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Simulation.Strategies;
using ResidualInr.Cli.Output;
using ResidualInr.Codec.Devices;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr run SCENARIO.yaml</c>: encode, profile, simulate the sweep and report.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var file = new Argument<string>("scenario") { Description = "Scenario YAML file (keys in scenarios/README.md)." };
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: the scenario's 'output')." };
        var devices = new Option<string?>("--devices") { Description = "Override the device counts, e.g. 2,4,8." };
        var seed = new Option<int?>("--seed") { Description = "Override the scenario's seed." };
        var transfers = new Option<bool>("--transfers") { Description = "Also write transfers.csv: one row per transfer of the largest N's points, streamed to disk (unicast sharing has N² of them)." };
        var allTransfers = new Option<bool>("--all-transfers") { Description = "Write transfers.csv with every sweep point's transfers." };
        var device = new Option<string?>("--device") { Description = "Override inr.device (cpu or cuda)." };
        var cacheDir = new Option<string?>("--cache") { Description = $"Cache of finished datasets, encodes (with their timings) and learning results, shared by runs (default: ${ResultCache.EnvironmentVariable}, else $XDG_CACHE_HOME/rinr, else ~/.cache/rinr)." };
        var codecsFrom = new Option<string?>("--codecs-from") { Description = "An earlier run's output folder: take its codecs.csv, profile.json and accuracy.csv instead of encoding and training, and re-make the simulation, report and plots (no GPU needed)." };
        var jobs = new Option<int>("--jobs") { Description = "Sweep points simulated in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount }
            .Within(ScenarioKeys.Options.Jobs);
        var cmd = new Command("run", "Run a scenario: encode the dataset with every codec (cached), train and score the detector on each codec's frames (with a 'learning' section), build the timing profile, simulate every devices x strategy x codec point, write CSVs, plots and report.md.")
        {
            file, outDir, devices, seed, jobs, device, transfers, allTransfers, cacheDir, codecsFrom,
        };
        cmd.SetAction(parse =>
        {
            var scenario = ScenarioLoader.Load(parse.GetValue(file)!);
            if (parse.GetValue(devices) is { } d)
                scenario = scenario.WithDevices(TextValues.DeviceCounts(d, "--devices"));
            if (parse.GetValue(seed) is { } s) scenario = scenario with { Seed = s };
            if (parse.GetValue(device) is { } dev)
                scenario = dev is "cpu" or "cuda" ? scenario with { Inr = scenario.Inr with { Device = dev } }
                    : throw new InputException($"--device '{dev}' is not cpu or cuda");
            // The sweep's size is known before anything is encoded: refuse now what would not fit, not after an hour.
            var transferOutput = TransferOutputs.FromOptions(parse.GetValue(transfers), parse.GetValue(allTransfers));
            WorkEstimate.Check(SweepShape(scenario, transferOutput), parse.GetValue(jobs),
                $"{scenario.File}: devices {scenario.Devices.Max()}, frames_per_device {scenario.FramesPerDevice}", int.MaxValue,
                "use 'network: { downlink: broadcast }', fewer devices or frames_per_device");
            var dir = parse.GetValue(outDir) ?? scenario.Output;
            if (TextValues.OutputFolderProblem(dir) is { } problem) throw new InputException($"--out: {problem}");
            var cache = ResultCache.Resolve(parse.GetValue(cacheDir));
            var from = parse.GetValue(codecsFrom) is { } f ? (Directory.Exists(f) ? f : throw new InputException(f, null, "--codecs-from: folder not found")) : null;
            // The config hash covers what decides the results, not where the files are: the same scenario into
            // another folder has the same config_sha256. A run from earlier results computes nothing on a device.
            var run = RunMetadata.Start("run", parse.Tokens.Select(t => t.Value).ToList(), RunMetadata.Canonical(scenario with { File = "", Output = "" }),
                scenario.Seed, from is null ? ComputeDevice.Describe(ComputeDevice.Resolve(scenario.Inr.Device)) : null);
            new ScenarioRunner(scenario, dir, parse.GetValue(jobs), parse.InvocationConfiguration.Output, cache, transferOutput, from, run).Run();
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    /// <summary>
    /// The sweep's points as far as its cost goes (devices, frames, strategy, network, model size, whether transfers
    /// are written), before the encodes that give the payload sizes: what <see cref="WorkEstimate"/> needs.
    /// inr-train-edge runs once per INR codec, the others once (with the JPEG codec), train-fog once per model size.
    /// </summary>
    private static IEnumerable<SweepPoint> SweepShape(Scenario s, TransferOutput transfers)
    {
        int largest = s.Devices.Max();
        var inrCodecs = s.Codecs.Where(c => c.Codec is not JpegCodecDescriptor).Select(c => c.Key).ToList();
        var jpegCodec = s.Codecs.FirstOrDefault(c => c.Codec is JpegCodecDescriptor)?.Key ?? "jpeg";
        foreach (var n in s.Devices)
        foreach (var strategy in s.Strategies)
        {
            var carriers = ScenarioRunner.CarriesInr(strategy) ? inrCodecs : [jpegCodec];
            var models = ScenarioRunner.UsesModel(strategy) ? s.Training.ModelBytes : [0L];
            foreach (var codec in carriers)
            foreach (var model in models)
                yield return new SweepPoint(codec, strategy == SharingStrategy.TrainFog ? model : null,
                    new SimulationConfig(n, s.FramesPerDevice, strategy, FrameSizes.Fixed(0, 0), s.Network.Downlink, s.Network.Topology,
                        s.Network.Channel, new ComputeTimings(ModelBytes: model), RecordTransfers: false),
                    transfers.Includes(n, largest));
        }
    }
}
