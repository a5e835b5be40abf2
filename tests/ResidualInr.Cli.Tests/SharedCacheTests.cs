namespace ResidualInr.Cli.Tests;

/// <summary>Two rinr processes sharing one cache at the same time: one builds each entry, the other waits for it; both get the same results.</summary>
public class SharedCacheTests
{
    private const string Scenario = """
        name: concurrent
        seed: 5
        dataset:
          synthetic: { sequences: 2, frames: 2, size: 64x48 }
        frame_size: 48x32
        frames_per_device: 2
        devices: [2, 4]
        inr: { steps: 10, lr: 0.001, batch: 4 }
        codecs:
          jpeg: { quality: 90 }
          residual-inr:
        training: { epochs: 1, model_bytes: 20000 }
        fog: { max_batch: 4 }
        """;

    [Fact]
    public void Two_processes_running_one_scenario_at_once_share_the_cache_safely_and_write_identical_csvs()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cache-").FullName;
        try
        {
            var scenario = Path.Combine(dir, "s.yaml");
            File.WriteAllText(scenario, Scenario);
            var cache = Path.Combine(dir, "cache");
            var runs = new[] { "a", "b" }.Select(name => RinrProcess.Start("run", scenario, "--out", Path.Combine(dir, name), "--cache", cache, "--jobs", "1")).ToList();
            foreach (var p in runs)
            {
                Assert.True(p.WaitForExit(300_000), "rinr run did not finish in 5 minutes");
                Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
            }
            foreach (var f in new[] { "codecs.csv", "summary.csv", "devices.csv", "profile.json" })
                Assert.True(File.ReadAllBytes(Path.Combine(dir, "a", f)).SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "b", f))), $"{f} differs");
            // One dataset and one entry per codec, no staging folder left behind.
            var entries = Directory.GetDirectories(cache).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(3, entries.Count);
            Assert.Single(entries, e => e!.StartsWith("dataset-"));
            Assert.Single(entries, e => e!.StartsWith("jpeg-q90-"));
            Assert.Single(entries, e => e!.StartsWith("residual-inr-"));
        }
        finally { Directory.Delete(dir, true); }
    }
}
