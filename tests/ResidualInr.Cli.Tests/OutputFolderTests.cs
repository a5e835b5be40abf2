using System.Diagnostics;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// A command's outputs appear together: a reader of the output folder sees the earlier complete set or the new
/// complete set, never a mix, whatever happens to the command (killed, interrupted, failing half-way, racing another).
/// </summary>
public class OutputFolderTests
{
    private const string Scenario = """
        name: swap
        seed: 2
        dataset:
          synthetic: { sequences: 1, frames: 2, size: 64x48 }
        frame_size: 48x32
        frames_per_device: 2
        devices: [2]
        codecs:
          jpeg: { quality: QUALITY }
        strategies: [jpeg-p2p, jpeg-fog]
        """;

    private static string WriteScenario(string dir, string name, int quality)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, Scenario.Replace("QUALITY", quality.ToString()));
        return path;
    }

    /// <summary>Whether a codecs.csv other than <paramref name="old"/> exists under <paramref name="dir"/> (in the output folder or a staging folder beside it).</summary>
    private static bool NewCodecsWritten(string dir, byte[] old) => Directory.EnumerateFiles(dir, "codecs.csv", SearchOption.AllDirectories)
        .Any(f => { try { return !File.ReadAllBytes(f).SequenceEqual(old); } catch (IOException) { return false; } });

    private static IEnumerable<string> Leftovers(string parent) =>
        Directory.EnumerateFileSystemEntries(parent, "*", SearchOption.AllDirectories)
            .Where(p => p.Contains(".staging-") || p.EndsWith(".tmp") || p.EndsWith(".previous"));

    [Fact]
    public void Run_killed_during_the_simulation_leaves_the_earlier_complete_set()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            var cache = Path.Combine(dir, "cache");
            var outDir = Path.Combine(dir, "out");
            var (exit, _, err) = CliRunner.Run("run", WriteScenario(dir, "a.yaml", 90), "--out", outDir, "--cache", cache);
            Assert.True(exit == 0, err);
            var old = RinrProcess.Snapshot(outDir);

            // Another quality, so the new codecs.csv differs; 600 devices keep the simulation busy for seconds after it is written.
            using var child = RinrProcess.Start("run", WriteScenario(dir, "b.yaml", 60), "--out", outDir, "--cache", cache, "--devices", "1500", "--jobs", "1");
            Assert.True(RinrProcess.WaitUntil(() => NewCodecsWritten(dir, old["codecs.csv"]), 120_000), "the second run never wrote its codecs.csv");
            Assert.False(child.HasExited, "the second run finished before it could be killed");
            child.Kill();
            child.WaitForExit();

            RinrProcess.AssertSameSet(old, outDir);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Encode_failing_half_way_leaves_the_earlier_payloads_and_metrics()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            var data = Path.Combine(dir, "data");
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", data, "--sequences", "1", "--frames", "3", "--size", "64x48").Exit);
            var enc = Path.Combine(dir, "enc");
            var (exit, _, err) = CliRunner.Run("encode", "--codec", "jpeg", "--quality", "90", "--batch", "1", "--dataset", data, "--out", enc, "--size", "48x32");
            Assert.True(exit == 0, err);
            var old = RinrProcess.Snapshot(enc);

            // Frame 2 is corrupt: frame 1's payload is written before the encode stops with an input error.
            var second = Path.Combine(data, "synth01", "img", "0002.jpg");
            File.WriteAllBytes(second, File.ReadAllBytes(second)[..100]);
            (exit, _, err) = CliRunner.Run("encode", "--codec", "jpeg", "--quality", "50", "--batch", "1", "--dataset", data, "--out", enc, "--size", "48x32");
            Assert.Equal(2, exit);
            Assert.Single(err.Split('\n'), l => l.StartsWith("rinr: "));
            Assert.Contains("0002.jpg: ", err);

            RinrProcess.AssertSameSet(old, enc);
            Assert.Empty(Leftovers(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_successful_rerun_replaces_the_whole_set()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            var cache = Path.Combine(dir, "cache");
            var scenario = WriteScenario(dir, "a.yaml", 90);
            var reference = Path.Combine(dir, "reference");
            Assert.Equal(0, CliRunner.Run("run", scenario, "--out", reference, "--cache", cache).Exit);
            var outDir = Path.Combine(dir, "out");
            Assert.Equal(0, CliRunner.Run("run", scenario, "--out", outDir, "--cache", cache).Exit);
            // Files of an earlier set that this run does not write: a learning stage's accuracy, an older plot.
            File.WriteAllText(Path.Combine(outDir, "accuracy.csv"), "codec,seed\n");
            File.WriteAllText(Path.Combine(outDir, "old_plot.png"), "x");
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--cache", cache);
            Assert.True(exit == 0, err);
            Assert.Equal(RinrProcess.Snapshot(reference).Keys, RinrProcess.Snapshot(outDir).Keys);

            var sim = Path.Combine(dir, "sim");
            Assert.Equal(0, CliRunner.Run("simulate", "--devices", "2", "--out", sim).Exit);
            File.WriteAllText(Path.Combine(sim, "stale.csv"), "x");
            Assert.Equal(0, CliRunner.Run("simulate", "--devices", "2", "--out", sim).Exit);
            Assert.Equal(["devices.csv", "run.json", "summary.csv"], RinrProcess.Snapshot(sim).Keys);
            Assert.Empty(Leftovers(dir).Where(p => !p.StartsWith(cache)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_folder_of_someone_elses_files_or_one_holding_an_input_is_not_replaced()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            var mine = Path.Combine(dir, "mine");
            Directory.CreateDirectory(mine);
            File.WriteAllText(Path.Combine(mine, "notes.txt"), "keep me");
            var (exit, _, err) = CliRunner.Run("simulate", "--devices", "2", "--out", mine);
            Assert.Equal(2, exit);
            Assert.StartsWith($"rinr: {mine}: ", err);
            Assert.Single(err.Trim().Split('\n'));
            Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));

            // An empty folder is fine, and so is a new one under a missing parent.
            var empty = Path.Combine(dir, "empty");
            Directory.CreateDirectory(empty);
            Assert.Equal(0, CliRunner.Run("simulate", "--devices", "2", "--out", empty).Exit);
            Assert.Equal(0, CliRunner.Run("simulate", "--devices", "2", "--out", Path.Combine(dir, "new", "deeper")).Exit);

            // encode --dataset synthetic keeps its dataset in OUT/dataset; encoding that dataset into the same folder would delete it.
            var enc = Path.Combine(dir, "enc");
            Assert.Equal(0, CliRunner.Run("encode", "--codec", "jpeg", "--dataset", "synthetic", "--out", enc, "--size", "48x32").Exit);
            var before = RinrProcess.Snapshot(enc);
            (exit, _, err) = CliRunner.Run("encode", "--codec", "jpeg", "--dataset", Path.Combine(enc, "dataset"), "--out", enc, "--size", "48x32");
            Assert.Equal(2, exit);
            Assert.Contains("dataset", err);
            RinrProcess.AssertSameSet(before, enc);

            var file = Path.Combine(dir, "a-file");
            File.WriteAllText(file, "x");
            (exit, _, err) = CliRunner.Run("simulate", "--devices", "2", "--out", file);
            Assert.Equal(2, exit);
            Assert.StartsWith($"rinr: {file}: ", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Two_simulations_into_one_new_folder_at_once_both_succeed_and_leave_one_whole_set()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            string[][] variants = [["--devices", "40,60", "--frames", "20"], ["--devices", "50,70", "--frames", "20"]];
            var references = variants.Select((v, i) =>
            {
                var r = Path.Combine(dir, $"reference{i}");
                Assert.Equal(0, CliRunner.Run(["simulate", .. v, "--out", r]).Exit);
                return RinrProcess.Results(r);
            }).ToList();
            var shared = Path.Combine(dir, "shared");
            for (int round = 0; round < 3; round++)
            {
                var children = variants.Select(v => RinrProcess.Start(["simulate", .. v, "--jobs", "1", "--out", shared])).ToList();
                foreach (var c in children)
                {
                    Assert.True(c.WaitForExit(120_000), "rinr simulate did not finish in 2 minutes");
                    Assert.True(c.ExitCode == 0, c.StandardError.ReadToEnd());
                    c.Dispose();
                }
                var result = RinrProcess.Results(shared);
                Assert.True(references.Any(r => r.Keys.SequenceEqual(result.Keys) && r.All(kv => kv.Value.AsSpan().SequenceEqual(result[kv.Key]))),
                    $"round {round}: the folder is not one of the two complete sets");
                Assert.Empty(Leftovers(dir));
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Ctrl_c_stops_a_run_with_130_and_one_line_and_leaves_no_staging_or_temp_files()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            var cache = Path.Combine(dir, "cache");
            var outDir = Path.Combine(dir, "out");
            Assert.Equal(0, CliRunner.Run("run", WriteScenario(dir, "a.yaml", 90), "--out", outDir, "--cache", cache).Exit);
            var old = RinrProcess.Snapshot(outDir);

            using var child = RinrProcess.Start("run", WriteScenario(dir, "b.yaml", 60), "--out", outDir, "--cache", cache, "--devices", "1500", "--jobs", "1");
            // Interrupted while simulating: the new codecs.csv is written (somewhere) and the sweep runs for seconds.
            Assert.True(RinrProcess.WaitUntil(() => NewCodecsWritten(dir, old["codecs.csv"]), 120_000), "the run never reached the simulation");
            RinrProcess.Signal(child, "INT");
            Assert.True(child.WaitForExit(30_000), "rinr did not stop within 30 s of SIGINT");
            var err = child.StandardError.ReadToEnd();
            Assert.Equal(130, child.ExitCode);
            Assert.Equal("rinr: interrupted", err.Trim().Split('\n')[^1]);
            RinrProcess.AssertSameSet(old, outDir);
            Assert.Empty(Leftovers(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Sigterm_stops_a_simulation_with_130_and_no_leftovers()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            var outDir = Path.Combine(dir, "out");
            // 1,500 devices simulate for about 10 s on the 2-core machine; 400 took 1.4 s with start-up since the faster
            // event queue, and a fresh clone's run once finished before the 1.5 s below.
            using var child = RinrProcess.Start("simulate", "--devices", "1500", "--frames", "10", "--jobs", "1", "--out", outDir);
            Thread.Sleep(1500);
            Assert.False(child.HasExited, "the simulation finished before it could be stopped");
            RinrProcess.Signal(child, "TERM");
            Assert.True(child.WaitForExit(30_000), "rinr did not stop within 30 s of SIGTERM");
            Assert.Equal(130, child.ExitCode);
            Assert.Equal("rinr: interrupted", child.StandardError.ReadToEnd().Trim().Split('\n')[^1]);
            Assert.False(Directory.Exists(outDir));
            Assert.Empty(Leftovers(dir));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Staging_folders_and_temp_files_of_dead_processes_are_removed_by_the_next_command()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-swap-").FullName;
        try
        {
            int dead;
            using (var p = Process.Start("true")!) { p.WaitForExit(); dead = p.Id; }
            int alive = Environment.ProcessId;
            var cache = Path.Combine(dir, "cache");
            var outDir = Path.Combine(dir, "out");
            var scenario = WriteScenario(dir, "a.yaml", 90);
            Assert.Equal(0, CliRunner.Run("run", scenario, "--out", outDir, "--cache", cache).Exit);

            string Stale(string path) { Directory.CreateDirectory(path); File.WriteAllText(Path.Combine(path, "codecs.csv"), "half"); return path; }
            var deadStaging = Stale($"{outDir}.staging-{dead}-0123abcd");
            var liveStaging = Stale($"{outDir}.staging-{alive}-0123abcd");
            var deadCacheStaging = Stale(Path.Combine(cache, $"jpeg-q90-0000000000000000.staging-{dead}-0123abcd"));
            var deadTmp = Path.Combine(dir, $".profile.json.{dead}.0123456789abcdef0123456789abcdef.tmp");
            File.WriteAllText(deadTmp, "half");

            Assert.Equal(0, CliRunner.Run("run", scenario, "--out", outDir, "--cache", cache).Exit);
            Assert.False(Directory.Exists(deadStaging), "a dead process's staging folder stayed");
            Assert.False(Directory.Exists(deadCacheStaging), "a dead process's cache staging folder stayed");
            Assert.True(Directory.Exists(liveStaging), "a live process's staging folder was removed");
            Assert.Equal(0, CliRunner.Run("bench", "--out", Path.Combine(dir, "profile.json"), "--size", "32x32", "--steps", "2", "--fog-batch", "1", "--codecs", "jpeg").Exit);
            Assert.False(File.Exists(deadTmp), "a dead process's temp file stayed");
        }
        finally { Directory.Delete(dir, true); }
    }
}
