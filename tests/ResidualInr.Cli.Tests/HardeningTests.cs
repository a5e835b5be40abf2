using System.Diagnostics;
using ResidualInr.Cli.Scenarios;
using K = ResidualInr.Cli.Scenarios.ScenarioKeys;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// Bad input, faults and load: every case here once exited 1 ("internal error"), exited 0 with a wrong
/// answer, or grew without limit. Each must now be one line on stderr and exit code 2, within seconds.
/// </summary>
public class HardeningTests
{
    private static string Scenario(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-hard-").FullName;
        var file = Path.Combine(dir, "s.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    /// <summary>The error line: the last line that is not a progress line.</summary>
    private static string ErrorLine(string err) =>
        err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last(l => !l.StartsWith("[rinr]"));

    private static void AssertInputError((int Exit, string Out, string Err) r, params string[] expected)
    {
        Assert.True(r.Exit == 2, $"exit {r.Exit}: {r.Err}");
        var line = ErrorLine(r.Err);
        Assert.StartsWith("rinr: ", line);
        Assert.DoesNotContain("internal error", line);
        foreach (var e in expected) Assert.Contains(e, line);
    }

    // Before: --devices 100000 grew ~550 MB/s until killed at 12 GB; --devices 3000 --frames 2 took 14 GB and wrote a 4.2 GB
    // transfers.csv; --frames 2147483647 --devices 2 reached 12.8 GB in 30 s.
    [Theory]
    [InlineData("--devices", "100000")]
    [InlineData("--devices", "20000", "--downlink", "broadcast", "--loss", "0.1")] // lossy broadcasts are delivered one by one
    [InlineData("--devices", "200000", "--downlink", "broadcast")]                 // loss-free ones are replayed in blocks, but not without limit
    [InlineData("--devices", "3000", "--frames", "2", "--out", "OUT", "--transfers")]
    public void A_sweep_that_would_not_fit_is_refused_before_it_starts_with_the_estimate(params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-hard-").FullName;
        try
        {
            var watch = Stopwatch.StartNew();
            var r = CliRunner.Run(["simulate", .. args.Select(a => a == "OUT" ? dir : a)]);
            // The advice fits the run: a broadcast run is not told to broadcast.
            AssertInputError(r, $"--devices {args[1]}", args.Contains("broadcast") ? "use fewer devices or frames" : "use --downlink broadcast, fewer devices or frames");
            Assert.Matches(@"about \d\.\de\d+ (transfers|deliveries)|transfers\.csv would get about", ErrorLine(r.Err));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
            Assert.False(File.Exists(Path.Combine(dir, "transfers.csv")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void The_estimate_counts_DESIGN_md_transfers_per_strategy_and_downlink()
    {
        SimulationConfigFor(10, 3, "jpeg-p2p", "unicast", out var p2p);
        Assert.Equal((270.0, 270.0), Sweeps.WorkEstimate.Count(p2p));                   // N(N-1)F
        SimulationConfigFor(10, 3, "jpeg-fog", "unicast", out var fog);
        Assert.Equal((30.0 + 270, 30.0 + 270), Sweeps.WorkEstimate.Count(fog));         // NF + N(N-1)F
        SimulationConfigFor(10, 3, "jpeg-fog", "broadcast", out var fogB);
        Assert.Equal((60.0, 300.0), Sweeps.WorkEstimate.Count(fogB));                   // the downlink divided by N-1
        SimulationConfigFor(10, 3, "train-fog", "unicast", out var train);
        Assert.Equal((40.0, 40.0), Sweeps.WorkEstimate.Count(train));                   // NF + N
        // Loss-free broadcasts to the other devices are replayed in blocks, not delivered one by one.
        Assert.Equal(270.0, Sweeps.WorkEstimate.Replayed(fogB));
        Assert.Equal(0.0, Sweeps.WorkEstimate.Replayed(fog));
        Assert.Equal(0.0, Sweeps.WorkEstimate.Replayed(fogB with { Channel = new Simulation.Network.ChannelSettings(LossProbability: 0.1) }));
        // What the simulator really counts agrees.
        foreach (var c in new[] { p2p, fog, fogB, train })
            Assert.Equal(Sweeps.WorkEstimate.Count(c).Transfers, Simulation.Strategies.FogSimulation.Run(c).Summary.Transfers);
    }

    private static void SimulationConfigFor(int n, int f, string strategy, string downlink, out Simulation.Strategies.SimulationConfig config)
    {
        Simulation.Strategies.SharingStrategyNames.TryParse(strategy, out var s);
        Simulation.Network.NetworkNames.TryParseDownlink(downlink, out var d);
        config = new(n, f, s, Simulation.Strategies.FrameSizes.Fixed(100, 10), d, RecordTransfers: false);
    }

    // Before: a scenario with devices: 10000000 produced nothing in 120 s.
    [Theory]
    [InlineData("devices: 10000000", "s.yaml:2: devices: 10000000 is out of range [1, 1000000]")]
    [InlineData("devices: 100000", "s.yaml: devices 100000, frames_per_device 4: about ")]
    [InlineData("frames_per_device: 2147483647", "frames_per_device: 2147483647 is out of range [1, 1000000]")]
    public void A_scenario_too_large_for_the_machine_is_refused_before_any_encode(string line, string expected)
    {
        var file = Scenario($"name: big\n{line}\n");
        try { AssertInputError(CliRunner.Run("run", file, "--out", Path.Combine(Path.GetDirectoryName(file)!, "out")), expected); }
        finally { Directory.Delete(Path.GetDirectoryName(file)!, true); }
    }

    // Before: --jpeg-bytes 9223372036854775807 --devices 3 --frames 1 printed -6 bytes on air with exit 0; --model-bytes likewise.
    [Theory]
    [InlineData("--jpeg-bytes", "9223372036854775807", "--jpeg-bytes 9223372036854775807: must be a whole number in [0, 1099511627776]")]
    [InlineData("--inr-bytes", "9223372036854775807", "--inr-bytes 9223372036854775807")]
    [InlineData("--model-bytes", "9223372036854775807", "--model-bytes 9223372036854775807")]
    [InlineData("--jpeg-bytes", "-1", "--jpeg-bytes -1")]
    public void A_payload_size_that_would_overflow_the_byte_totals_is_refused(string option, string value, string expected) =>
        AssertInputError(CliRunner.Run("simulate", "--devices", "3", "--frames", "1", option, value), expected);

    [Fact]
    public void Byte_totals_that_could_pass_2_to_the_63_are_refused_even_with_payloads_in_range()
    {
        // 100,001 transfers x 1,001 attempts x 2^40 bytes > 2^63: bounded inputs, still too much for a 64-bit total.
        var r = CliRunner.Run("simulate", "--devices", "100000", "--frames", "1", "--strategies", "train-fog", "--downlink", "broadcast",
            "--model-bytes", "1099511627776", "--retries", "1000");
        AssertInputError(r, "beyond a 64-bit count");
    }

    // Before: each of these exited 1, "internal error".
    [Fact]
    public void A_flow_sequence_left_open_is_a_YAML_error_with_a_line()
    {
        var file = Scenario("name: x\ndevices: [2\nseed: 1\n");
        try { AssertInputError(CliRunner.Run("run", file), "s.yaml:", "malformed YAML"); }
        finally { Directory.Delete(Path.GetDirectoryName(file)!, true); }
    }

    [Fact]
    public void A_name_too_long_for_a_folder_is_an_error_on_the_name_line()
    {
        var file = Scenario($"seed: 1\nname: {new string('a', 300)}\n");
        try
        {
            AssertInputError(CliRunner.Run("run", file), "s.yaml:2: name:", "300 bytes long");
            File.WriteAllText(file, "name: x\n");
            AssertInputError(CliRunner.Run("run", file, "--out", new string('b', 300)), "--out: ", "300 bytes long");
        }
        finally { Directory.Delete(Path.GetDirectoryName(file)!, true); }
    }

    [Theory]
    [InlineData("--latency", "1e308", "--latency 1e308: must be a finite number in [0, 86400]")]
    [InlineData("--latency", "NaN", "--latency NaN")]
    [InlineData("--devices", "2147483647", "--devices: '2147483647' is not a device count in [1, 1000000]")]
    [InlineData("--devices", "1000001", "--devices: '1000001'")]
    [InlineData("--frames", "2147483647", "--frames 2147483647: must be a whole number in [1, 1000000]")]
    [InlineData("--edge-train-s", "1e300", "--edge-train-s 1e300")]
    public void Numbers_that_broke_the_simulator_are_option_errors(string option, string value, string expected) =>
        AssertInputError(CliRunner.Run("simulate", "--devices", option == "--devices" ? value : "2", "--frames", option == "--frames" ? value : "1",
            option is "--devices" or "--frames" ? "--seed" : option, option is "--devices" or "--frames" ? "1" : value), expected);

    // Before: a full disk gave exit 1 naming the temporary file ('.summary.csv.1234.<guid>.tmp').
    [Fact]
    public void A_full_disk_is_an_input_error_naming_the_real_file_and_the_reason()
    {
        var mount = Directory.CreateTempSubdirectory("rinr-full-").FullName;
        if (!Mount(mount)) { Directory.Delete(mount); return; } // needs root (mount -t tmpfs); the CI container is root
        try
        {
            var outDir = Path.Combine(mount, "out");
            Directory.CreateDirectory(outDir);
            try
            {
                using var filler = File.OpenWrite(Path.Combine(mount, "filler"));
                for (int i = 0; i < 1024; i++) { filler.Write(new byte[1024]); filler.Flush(); }
            }
            catch (IOException) { } // full
            var r = CliRunner.Run("simulate", "--devices", "4", "--frames", "3", "--out", outDir);
            AssertInputError(r, Path.Combine(outDir, "summary.csv") + ": cannot write: No space left on device");
            Assert.DoesNotContain(".tmp", ErrorLine(r.Err));
            Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
        }
        finally
        {
            Run("umount", mount);
            Directory.Delete(mount, true);
        }
    }

    private static bool Mount(string dir) => Environment.UserName == "root" && Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir);

    private static bool Run(string tool, params string[] args)
    {
        try
        {
            var p = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit(10_000);
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    // Before: --capacity 1e-300, --retries 1000000, --jobs 0 and --jobs -1 were accepted by rinr simulate (and --jobs by rinr run)
    // although the scenario keys refuse the same values.
    [Theory]
    [InlineData("simulate", "--capacity", "1e-300", "capacity_bytes_per_s")]
    [InlineData("simulate", "--retries", "1000000", "retries")]
    [InlineData("simulate", "--loss", "1", "loss_probability")]
    [InlineData("simulate", "--model-bytes", "-1", "model_bytes")]
    [InlineData("simulate", "--fog-batch", "0", "max_batch")]
    [InlineData("simulate", "--fog-max-batch", "0", "max_batch")]
    [InlineData("simulate", "--rounds", "0", "rounds")]
    [InlineData("simulate", "--epochs", "0", "epochs")]
    [InlineData("simulate", "--jobs", "0", "jobs")]
    [InlineData("simulate", "--jobs", "-1", "jobs")]
    [InlineData("run", "--jobs", "0", "jobs")]
    public void Options_use_the_range_of_their_scenario_key(string command, string option, string value, string keyName)
    {
        var key = AllKeys().First(k => k.Name == keyName);
        var args = command == "run" ? new[] { "run", "scenarios/quickstart.yaml", option, value } : ["simulate", option, value];
        AssertInputError(CliRunner.Run(args), option, key.RangeText);
    }

    private static IEnumerable<Key> AllKeys() =>
        Walk(K.Root).Concat([K.Options.Jobs, K.Options.PayloadBytes, K.Options.Seconds]);

    private static IEnumerable<Key> Walk(Section s) => s.Keys.SelectMany(k => k.Section is { } sub ? Walk(sub) : [k]);

    [Fact]
    public void The_scenario_keys_refuse_what_the_options_refuse()
    {
        foreach (var (yaml, expected) in new[]
                 {
                     ("network: { capacity_bytes_per_s: 1e-300 }", "network.capacity_bytes_per_s: 1E-300 is out of range [1,"),
                     ("network: { retries: 1000000 }", "network.retries: 1000000 is out of range [0, 1000]"),
                     ("network: { latency_s: 1e308 }", "network.latency_s: 1E+308 is out of range [0, 86400]"),
                     ("training: { model_bytes: 9223372036854775807 }", "training.model_bytes: 9223372036854775807 is out of range [0, 1099511627776]"),
                 })
        {
            var file = Scenario($"name: x\n{yaml}\n");
            try { AssertInputError(CliRunner.Run("run", file), expected); }
            finally { Directory.Delete(Path.GetDirectoryName(file)!, true); }
        }
    }
}

/// <summary>
/// The exit-code contract as a property: every command, given each bad input, exits 0 or 2 with exactly one
/// "rinr: " line on stderr (progress lines, "[rinr] ...", aside), never 1, never a stack trace without --verbose.
/// The inputs fail before any encode starts, so the whole table runs in seconds.
/// </summary>
public class BadInputPropertyTests
{
    private static readonly string Missing = Path.Combine(Path.GetTempPath(), "rinr-missing-" + Guid.NewGuid().ToString("N"));
    private static readonly string Empty = CreateEmpty();
    private static readonly string Folder = Directory.CreateTempSubdirectory("rinr-folder-").FullName;

    private static string CreateEmpty()
    {
        var f = Path.Combine(Directory.CreateTempSubdirectory("rinr-empty-").FullName, "empty");
        File.WriteAllText(f, "");
        return f;
    }

    private static readonly string[] BadNumbers = ["-1", "0", "NaN", "1e308", "-1e308", "2147483648", "9223372036854775807", "1e-300", "x"];

    /// <summary>Each command with its required arguments pointing at something that is not there, and its numeric options.</summary>
    private static readonly (string[] Command, string[] NumericOptions)[] Commands =
    [
        (["simulate", "--devices", "2", "--frames", "1"], ["--frames", "--jpeg-bytes", "--inr-bytes", "--model-bytes", "--capacity", "--latency", "--loss",
            "--retries", "--frame-interval", "--encode-s-per-batch", "--fog-batch", "--jpeg-decode-s", "--inr-decode-s", "--edge-train-s", "--fog-train-s",
            "--epochs", "--jobs", "--devices"]),
        (["run", "SCENARIO"], ["--seed", "--jobs", "--devices"]),
        (["encode", "--codec", "jpeg", "--dataset", "DATASET", "--out", "OUT"], ["--steps", "--lr", "--batch", "--frames", "--quality", "--seed",
            "--object-steps", "--qat-steps", "--epochs", "--nerv-lr", "--nerv-batch"]),
        (["decode", "PAYLOAD", "--out", "OUT"], ["--frame"]),
        (["train", "--dataset", "DATASET", "--codecs", "DATASET", "--out", "OUT"], ["--epochs", "--seeds", "--seed", "--batch", "--lr", "--test-frames"]),
        (["dataset", "info", "DATASET"], ["--quality"]),
        (["bench", "--out", "OUT", "--device", "cuda-none"], ["--steps", "--fog-batch", "--edge-train-s", "--fog-train-s", "--jpeg-quality"]),
        (["bench", "soak", "--device", "cuda-none"], ["--encodes", "--sweeps", "--steps", "--batch", "--devices", "--jobs"]),
    ];

    /// <summary>Each case once: a command without a path argument gives the same case for every path variant.</summary>
    public static IEnumerable<object[]> Cases() => RawCases().DistinctBy(c => string.Join('\u0001', (string[])c[0]));

    private static IEnumerable<object[]> RawCases()
    {
        var paths = new[] { Missing, Empty, Folder };
        foreach (var (command, numeric) in Commands)
        {
            // Missing file, empty file, a folder where a file is expected (and the reverse).
            foreach (var p in paths)
                yield return [Replace(command, p)];
            foreach (var option in numeric)
            foreach (var bad in BadNumbers)
                yield return [Replace(command, Missing).Concat([option, bad]).ToArray()];
        }
        foreach (var option in new[] { "--sequences", "--frames" })
        foreach (var bad in BadNumbers)
            yield return [new[] { "dataset", "synth", "--out", Path.Combine(Folder, "synth"), option, bad }];
        // The inputs that once broke the loader or the simulator.
        yield return [new[] { "simulate", "--devices", "2147483647" }];
        yield return [new[] { "simulate", "--devices", "100000" }];
        yield return [new[] { "simulate", "--latency", "1e308", "--devices", "2", "--frames", "1" }];
    }

    private static string[] Replace(string[] command, string path) =>
        command.Select(a => a is "SCENARIO" or "DATASET" or "PAYLOAD" ? path : a == "OUT" ? Path.Combine(Folder, "out") : a).ToArray();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_exits_0_or_2_with_one_rinr_line(string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("[rinr]")).ToList();
        Assert.True(exit is 0 or 2, $"exit {exit}: {err}");
        if (exit == 2)
        {
            Assert.True(lines.Count == 1, $"{lines.Count} lines: {err}");
            Assert.StartsWith("rinr: ", lines[0]);
            Assert.DoesNotContain("internal error", lines[0]);
        }
        Assert.DoesNotContain(lines, l => l.StartsWith("at ") || l.Contains("Exception:"));
    }
}

public class SyntheticDatasetBoundTests
{
    // Before: dataset synth --sequences 100000 --frames 100000 started "Generating frames (1410065408)": the int product
    // overflowed and the generator set off to write 1e10 frames.
    [Fact]
    public void A_synthetic_dataset_beyond_a_million_frames_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-synth-").FullName;
        try
        {
            var (exit, _, err) = CliRunner.Run("dataset", "synth", "--out", dir, "--sequences", "10000", "--frames", "100000");
            Assert.Equal(2, exit);
            Assert.StartsWith("rinr: --sequences x --frames: 10000 x 100000", err.Trim());
            (exit, _, err) = CliRunner.Run("dataset", "synth", "--out", dir, "--sequences", "100000");
            Assert.Equal(2, exit);
            Assert.Contains("--sequences 100000: must be a whole number in [1, 10000]", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}
