using ResidualInr.Cli.Sweeps;
using System.CommandLine;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Cli.Sharding;
using ResidualInr.Codec.Devices;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr plan</c> and <c>rinr merge</c>: the two ends of a sharded run (<c>rinr run --shard</c> is the middle).</summary>
public static class ShardCommands
{
    public static Command BuildPlan()
    {
        var o = new ScenarioOptions();
        var profile = new Option<string?>("--profile") { Description = "A stored timing profile (profile.json) to estimate each unit's seconds from (default: the scenario's timing.profile; without one the estimates are empty)." };
        var cmd = new Command("plan", "Print the scenario's work units as CSV (index,kind,what,estimated_s), in the fixed order 'rinr run --shard I/N' splits them by (index mod N = I): " +
            "encode units (codec x slice of --unit-frames frames), learning units (codec x seed, then the original frames), simulation units (sweep points). Size a job array from it.");
        o.AddTo(cmd);
        cmd.Options.Add(profile);
        cmd.SetAction(parse =>
        {
            var scenario = o.Load(parse);
            var estimates = parse.GetValue(profile) is { } p
                ? (System.IO.File.Exists(p) ? TimingProfile.Read(p) : throw new InputException(p, null, "--profile: file not found"))
                : scenario.Timing.ProfilePath is { } stored ? TimingProfile.Read(stored).WithRoles(
                    scenario.Timing.FogProfilePath is { } f ? TimingProfile.Read(f) : null, scenario.Timing.EdgeProfilePath is { } e ? TimingProfile.Read(e) : null)
                : null;
            // Progress and cache messages go to stderr: stdout is the CSV.
            var plan = new ScenarioRunner(scenario, scenario.Output, parse.GetValue(o.Jobs), TextWriter.Null, o.Cache(parse), o.Transfers(parse),
                unitFrames: parse.GetValue(o.UnitFrames)).Plan(estimates);
            var output = parse.InvocationConfiguration.Output;
            using (var csv = new CsvWriter(output, CsvOutput.Configuration, leaveOpen: true))
            {
                csv.Context.RegisterClassMap<PlanRowMap>();
                csv.WriteRecords(plan.Units.Select(u => new PlanRow(u)));
            }
            output.Flush();
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    public static Command BuildMerge()
    {
        var o = new ScenarioOptions();
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: the scenario's 'output')." };
        var cmd = new Command("merge", "Write a sharded run's outputs (CSVs, profile.json, report.md, plots, run.json) from the units in the shared cache: byte-identical to a " +
            "single 'rinr run' of the scenario with the same options and a stored timing profile, except what is measured, not computed: run.json, report.md's opening " +
            "lines (which command ran, when, where) and the detectors' seconds per epoch. Missing units are listed by index with the command that runs them.");
        var waitS = new Option<double>("--wait-s") { Description = "Seconds to wait for missing units to reach the cache (a merge started beside its shards, as in a Kubernetes Job) before listing them; 0 (default): list them at once.", DefaultValueFactory = _ => 0 }
            .Within(ScenarioKeys.Options.WaitSeconds);
        o.AddTo(cmd);
        cmd.Options.Add(outDir);
        cmd.Options.Add(waitS);
        cmd.SetAction(parse =>
        {
            var scenario = o.Load(parse);
            var dir = parse.GetValue(outDir) ?? scenario.Output;
            if (TextValues.OutputFolderProblem(dir) is { } problem) throw new InputException($"--out: {problem}");
            var cache = o.Cache(parse).AsShared();
            var run = RunMetadata.Start("merge", parse.Tokens.Select(t => t.Value).ToList(), ScenarioOptions.ConfigText(scenario), scenario.Seed, null);
            // The command a user reruns the missing units with: the scenario and the options that decide the plan and the cache.
            var rerun = $"rinr run {parse.GetValue(o.File)}{(parse.GetValue(o.UnitFrames) is > 0 and var u ? $" --unit-frames {u}" : "")} --cache {cache.Root}" +
                        (parse.GetValue(o.Devices) is { } d ? $" --devices {d}" : "") + (parse.GetValue(o.Seed) is { } s ? $" --seed {s}" : "") +
                        o.Transfers(parse) switch { TransferOutput.All => " --all-transfers", TransferOutput.LargestDevices => " --transfers", _ => "" };
            new ScenarioRunner(scenario, dir, parse.GetValue(o.Jobs), parse.InvocationConfiguration.Output, cache, o.Transfers(parse), run: run,
                unitFrames: parse.GetValue(o.UnitFrames)).Merge(rerun, TimeSpan.FromSeconds(parse.GetValue(waitS)));
            return RinrApp.ExitOk;
        });
        return cmd;
    }
}
