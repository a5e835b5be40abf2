namespace ResidualInr.Cli.Tests;

public class RunCommandTests
{
    private const string Tiny = """
        name: tiny
        seed: 3
        dataset:
          synthetic: { sequences: 2, frames: 2, size: 64x48 }
        frame_size: 48x32
        frames_per_device: 2
        devices: [2, 3]
        inr: { steps: 15, lr: 0.001, batch: 4 }
        codecs:
          jpeg: { quality: 80 }
          residual-inr:
        network: { capacity_bytes_per_s: 100000, latency_s: 0.001 }
        training: { epochs: 2, edge_s_per_frame_epoch: 0.01, model_bytes: 20000, fog_batch: 4 }
        """;

    [Fact]
    public void A_tiny_scenario_writes_every_output_agrees_with_the_closed_form_and_reruns_identically()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-run-").FullName;
        try
        {
            var scenario = Path.Combine(dir, "tiny.yaml");
            File.WriteAllText(scenario, Tiny);
            var outDir = Path.Combine(dir, "out");
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--jobs", "2");
            Assert.True(exit == 0, err);
            string[] files = ["codecs.csv", "summary.csv", "devices.csv", "transfers.csv", "profile.json", "report.md"];
            foreach (var f in files) Assert.True(new FileInfo(Path.Combine(outDir, f)).Length > 0, $"{f} is empty");
            foreach (var plot in new[] { "bytes_on_air", "completion_time", "psnr_vs_payload", "timeline" })
            foreach (var ext in new[] { ".png", ".svg" })
                Assert.True(new FileInfo(Path.Combine(outDir, plot + ext)).Length > 1000, $"{plot}{ext} is missing or empty");

            // Closed form for unicast jpeg-p2p and jpeg-fog: (N-1) and N + (N-1) times the round's JPEG bytes.
            var codecLines = File.ReadAllLines(Path.Combine(outDir, "codecs.csv"));
            Assert.Equal("sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,size_group", codecLines[0]);
            var codecs = codecLines.Skip(1).Select(l => l.Split(',')).ToList();
            long jpegRound = codecs.Where(c => c[2] == "jpeg-q80").Sum(c => long.Parse(c[3])); // 2 sequences x 2 frames = 4 frames
            var summary = File.ReadAllLines(Path.Combine(outDir, "summary.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            long Bytes(string devices, string strategy) => long.Parse(summary.Single(r => r[0] == devices && r[1] == strategy)[6]);
            // With 2 devices and 2 frames each, the 4 encoded frames are dealt one per device slot: the round is exactly those 4.
            Assert.Equal((2 - 1) * jpegRound, Bytes("2", "jpeg-p2p"));
            Assert.Equal(2 * jpegRound, Bytes("2", "jpeg-fog"));
            Assert.Equal(jpegRound + 2 * 20_000, Bytes("2", "train-fog"));

            var first = files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(outDir, f)));
            (exit, var output, err) = CliRunner.Run("run", scenario, "--out", outDir, "--jobs", "1");
            Assert.True(exit == 0, err);
            Assert.Contains("cached", output);
            foreach (var f in files) Assert.Equal(first[f], File.ReadAllBytes(Path.Combine(outDir, f)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_stored_profile_from_rinr_bench_drives_the_simulation()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-run-").FullName;
        try
        {
            var profile = Path.Combine(dir, "profile.json");
            var (exit, _, err) = CliRunner.Run("bench", "--out", profile, "--size", "48x32", "--steps", "5", "--fog-batch", "2");
            Assert.True(exit == 0, err);
            var text = File.ReadAllText(profile);
            Assert.Contains("\"fog_encode_seconds_per_batch\"", text);
            Assert.Contains("\"residual-inr\"", text);

            var scenario = Path.Combine(dir, "tiny.yaml");
            File.WriteAllText(scenario, Tiny + "\ntiming: { source: profile, profile: profile.json }\n");
            var outDir = Path.Combine(dir, "out");
            (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--devices", "2");
            Assert.True(exit == 0, err);
            Assert.Equal(text, File.ReadAllText(Path.Combine(outDir, "profile.json")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_bad_scenario_exits_with_2_and_one_line()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-run-").FullName;
        try
        {
            var scenario = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(scenario, "name: bad\ndevics: [2]\n");
            var (exit, _, err) = CliRunner.Run("run", scenario);
            Assert.Equal(2, exit);
            Assert.Equal($"rinr: {scenario}:2: devics: unknown key (did you mean 'devices'?)", err.Trim());
        }
        finally { Directory.Delete(dir, true); }
    }
}
