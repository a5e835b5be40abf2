using System.CommandLine;
using ResidualInr.Cli.Caching;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Sharding;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Simulation.Strategies;
using ResidualInr.Cli.Output;
using ResidualInr.Codec.Devices;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// <c>rinr run SCENARIO.yaml</c>: encode, profile, simulate the sweep and report; with <c>--shard I/N</c> (or
/// <c>--units</c>) only a share of the plan's units, into the shared cache, for <c>rinr merge</c> to assemble.
/// </summary>
public static class RunCommand
{
    public static Command Build()
    {
        var o = new ScenarioOptions();
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: the scenario's 'output')." };
        var codecsFrom = new Option<string?>("--codecs-from") { Description = "An earlier run's output folder: take its codecs.csv, profile.json and accuracy.csv instead of encoding and training, and re-make the simulation, report and plots (no GPU needed)." };
        var shard = new Option<string?>("--shard") { Description = $"Run only the plan's units whose index mod N is I ('I/N'), into the cache, and write no outputs ('rinr merge' does). 'auto': I and N from a Slurm array (${ShardSelection.SlurmTaskId} - ${ShardSelection.SlurmTaskMin}, ${ShardSelection.SlurmTaskCount}) or a Kubernetes Indexed Job (${ShardSelection.KubernetesIndex}, with --shards)." };
        var shards = new Option<int?>("--shards") { Description = "The number of shards for --shard auto (default under Slurm: $SLURM_ARRAY_TASK_COUNT)." }
            .Within(ScenarioKeys.Options.Shards);
        var units = new Option<string?>("--units") { Description = "Run exactly these units of the plan (e.g. 3,7: what 'rinr merge' lists as missing), into the cache." };
        var stage = new Option<string?>("--stage") { Description = "With --shard or --units, run only units of this stage: encode, learn or simulate (one array per stage, each depending on the one before)." };
        var waitS = new Option<double>("--wait-s") { Description = "With --shard or --units, seconds a unit waits for the units it needs (earlier stages, made by other shards) before it fails naming them.", DefaultValueFactory = _ => 3600 }
            .Within(ScenarioKeys.Options.WaitSeconds);
        var cmd = new Command("run", "Run a scenario: encode the dataset with every codec (cached), train and score the detector on each codec's frames (with a 'learning' section), build the timing profile, simulate every devices x strategy x codec point, write CSVs, plots and report.md. " +
            "With --shard I/N (a Slurm array or Kubernetes Indexed Job task) run only a share of the work units ('rinr plan') into the shared cache; 'rinr merge' then writes the outputs.");
        o.AddTo(cmd);
        cmd.Options.Add(outDir);
        cmd.Options.Add(codecsFrom);
        cmd.Options.Add(shard);
        cmd.Options.Add(shards);
        cmd.Options.Add(units);
        cmd.Options.Add(stage);
        cmd.Options.Add(waitS);
        cmd.SetAction(parse =>
        {
            var scenario = o.Load(parse);
            var stageKind = parse.GetValue(stage) is { } st ? UnitKindNames.Parse(st, "--stage") : (UnitKind?)null;
            var selection = parse.GetValue(shard) is { } sh ? ShardSelection.Parse(sh, parse.GetValue(shards), Environment.GetEnvironmentVariable) : null;
            var chosen = parse.GetValue(units) is { } u ? ShardSelection.ParseUnits(u) : null;
            // The sweep's size is known before anything is encoded: refuse now what would not fit, not after an hour.
            WorkEstimate.Check(SweepShape(scenario, o.Transfers(parse)), parse.GetValue(o.Jobs),
                $"{scenario.File}: devices {scenario.Devices.Max()}, frames_per_device {scenario.FramesPerDevice}", int.MaxValue,
                "use 'network: { downlink: broadcast }', fewer devices or frames_per_device");
            if (selection is not null || chosen is not null)
            {
                if (selection is not null && chosen is not null) throw new InputException("--shard and --units: give one of them");
                if (parse.GetValue(codecsFrom) is not null) throw new InputException("--codecs-from re-makes a whole run; it does not go with --shard or --units");
                if (parse.GetValue(outDir) is not null) throw new InputException("--out: a shard writes only into the cache; 'rinr merge SCENARIO --out DIR' writes the outputs");
                var shared = o.Cache(parse).AsShared();
                var runner = new ScenarioRunner(scenario, scenario.Output, parse.GetValue(o.Jobs), parse.InvocationConfiguration.Output, shared,
                    o.Transfers(parse), unitFrames: parse.GetValue(o.UnitFrames));
                var (ran, skipped) = runner.RunUnits(plan => selection is { } s ? plan.Shard(s.Index, s.Count, stageKind).ToList() : plan.Select(chosen!, stageKind),
                    TimeSpan.FromSeconds(parse.GetValue(waitS)));
                parse.InvocationConfiguration.Output.WriteLine(
                    $"{(selection is { } sel ? $"shard {sel}" : "units")}{(stageKind is { } k ? $" ({k.ToName()} stage)" : "")}: ran {ran} units, {skipped} were already in the cache {shared.Root}");
                return RinrApp.ExitOk;
            }
            if (stageKind is not null) throw new InputException("--stage goes with --shard or --units");
            var dir = parse.GetValue(outDir) ?? scenario.Output;
            if (TextValues.OutputFolderProblem(dir) is { } problem) throw new InputException($"--out: {problem}");
            var cache = o.Cache(parse);
            var from = parse.GetValue(codecsFrom) is { } f ? (Directory.Exists(f) ? f : throw new InputException(f, null, "--codecs-from: folder not found")) : null;
            // The config hash covers what decides the results, not where the files are: the same scenario into
            // another folder has the same config_sha256. A run from earlier results computes nothing on a device.
            var run = RunMetadata.Start("run", parse.Tokens.Select(t => t.Value).ToList(), ScenarioOptions.ConfigText(scenario),
                scenario.Seed, from is null ? ComputeDevice.Describe(ComputeDevice.Resolve(scenario.Inr.Device)) : null);
            new ScenarioRunner(scenario, dir, parse.GetValue(o.Jobs), parse.InvocationConfiguration.Output, cache, o.Transfers(parse), from, run,
                parse.GetValue(o.UnitFrames)).Run();
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    /// <summary>
    /// The sweep's points as far as its cost goes (devices, frames, strategy, network, model size, whether transfers
    /// are written), before the encodes that give the payload sizes: what <see cref="WorkEstimate"/> needs. The points
    /// are <see cref="PointShape.Of"/>'s, the one definition of the sweep.
    /// </summary>
    internal static IEnumerable<SweepPoint> SweepShape(Scenario s, TransferOutput transfers) =>
        PointShape.Of(s, transfers).Select(p => new SweepPoint(p.Carrier.Key, p.ModelBytes,
            new SimulationConfig(p.Devices, s.FramesPerDevice, p.Strategy, FrameSizes.Fixed(0, 0), s.Network.Downlink, s.Network.Topology,
                s.Network.Channel, new ComputeTimings(ModelBytes: p.ModelBytes ?? 0), RecordTransfers: false),
            p.WritesTransfers));
}

/// <summary>
/// The options that decide a scenario's plan and results, shared by <c>rinr run</c>, <c>rinr plan</c> and <c>rinr merge</c>:
/// a merge given the same ones as the shards finds their units.
/// </summary>
public sealed class ScenarioOptions
{
    public readonly Argument<string> File = new("scenario") { Description = "Scenario YAML file (keys in scenarios/README.md)." };
    public readonly Option<string?> Devices = new("--devices") { Description = "Override the device counts, e.g. 2,4,8." };
    public readonly Option<int?> Seed = new("--seed") { Description = "Override the scenario's seed." };
    public readonly Option<bool> LargestTransfers = new("--transfers") { Description = "Also write transfers.csv: one row per transfer of the largest N's points, streamed to disk (unicast sharing has N² of them)." };
    public readonly Option<bool> AllTransfers = new("--all-transfers") { Description = "Write transfers.csv with every sweep point's transfers." };
    public readonly Option<string?> Device = new("--device") { Description = "Override inr.device and learning.device (cpu or cuda): where INRs encode and detectors train." };
    public readonly Option<string?> CacheDir = new("--cache") { Description = $"Cache of finished datasets, encodes (with their timings), learning results and (sharded) sweep points, shared by runs (default: ${ResultCache.EnvironmentVariable}, else $XDG_CACHE_HOME/rinr, else ~/.cache/rinr)." };
    public readonly Option<int> Jobs = new Option<int>("--jobs") { Description = "Sweep points simulated in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount }
        .Within(ScenarioKeys.Options.Jobs);
    public readonly Option<int> UnitFrames = new Option<int>("--unit-frames") { Description = "Frames per encode unit ('rinr plan'), rounded up to whole batches of inr.batch; 0 (default): one unit per codec. Shards and their merge must give the same value; the results do not depend on it (a slice encodes what the whole encode does).", DefaultValueFactory = _ => 0 }
        .Within(ScenarioKeys.Options.UnitFrames);

    public void AddTo(Command command)
    {
        command.Arguments.Add(File);
        foreach (var option in new Option[] { Devices, Seed, Jobs, Device, LargestTransfers, AllTransfers, CacheDir, UnitFrames }) command.Options.Add(option);
    }

    /// <summary>The scenario with the command line's overrides.</summary>
    public Scenario Load(ParseResult parse)
    {
        var scenario = ScenarioLoader.Load(parse.GetValue(File)!);
        if (parse.GetValue(Devices) is { } d)
            scenario = scenario.WithDevices(TextValues.DeviceCounts(d, "--devices"));
        if (parse.GetValue(Seed) is { } s) scenario = scenario with { Seed = s };
        if (parse.GetValue(Device) is { } dev)
            scenario = dev is "cpu" or "cuda"
                ? scenario with { Inr = scenario.Inr with { Device = dev }, Learning = scenario.Learning is { } l ? l with { Device = dev } : null }
                : throw new InputException($"--device '{dev}' is not cpu or cuda");
        return scenario;
    }

    public ResultCache Cache(ParseResult parse) => ResultCache.Resolve(parse.GetValue(CacheDir));

    /// <summary>Which points write transfers.csv (--transfers, --all-transfers; none by default).</summary>
    public TransferOutput Transfers(ParseResult parse) => TransferOutputs.FromOptions(parse.GetValue(LargestTransfers), parse.GetValue(AllTransfers));

    /// <summary>What decides the results, not where the files are: the same scenario into another folder has the same config_sha256.</summary>
    public static string ConfigText(Scenario scenario) => RunMetadata.Canonical(scenario with { File = "", Output = "" });
}
