namespace ResidualInr.Cli.Tests;

public class CodecCommandTests
{
    [Fact]
    public void Encode_writes_payloads_and_metrics_and_decode_reconstructs_a_frame()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cli-").FullName;
        try
        {
            var data = Path.Combine(dir, "data");
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", data, "--sequences", "2", "--frames", "2", "--size", "64x48").Exit);
            var outDir = Path.Combine(dir, "enc");
            var (exit, output, err) = CliRunner.Run("encode", "--codec", "residual-inr", "--dataset", data, "--out", outDir,
                "--size", "48x32", "--steps", "20", "--lr", "1e-3", "--batch", "4");
            Assert.True(exit == 0, err);
            Assert.Contains("residual-inr: 4 frames", output);
            var lines = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
            Assert.Equal("sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,encode_s_per_frame,decode_s_per_frame,size_group,payload_file,encode_batch_frames,encode_steps,encode_frame_s", lines[0]);
            Assert.Equal(5, lines.Length);
            var payload = Path.Combine(outDir, "synth01", "000001.rinr");
            // The size the simulator uses is the file's real length.
            Assert.Equal(new FileInfo(payload).Length.ToString(), lines[1].Split(',')[3]);

            var png = Path.Combine(dir, "frame.png");
            (exit, output, _) = CliRunner.Run("decode", payload, "--out", png);
            Assert.Equal(0, exit);
            Assert.Equal(48, ResidualInr.Imaging.Images.RgbImage.Load(png).Width);

            var bytes = File.ReadAllBytes(payload);
            var broken = Path.Combine(dir, "broken.rinr");
            File.WriteAllBytes(broken, bytes[..(bytes.Length - 10)]);
            (exit, _, err) = CliRunner.Run("decode", broken, "--out", png);
            Assert.Equal(2, exit);
            Assert.Contains($"rinr: {broken}: payload is corrupted or truncated", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Encode_with_a_target_quality_records_fewer_steps_per_frame_than_the_cap()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cli-").FullName;
        try
        {
            var data = Path.Combine(dir, "data");
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", data, "--sequences", "2", "--frames", "1", "--size", "64x48").Exit);
            var outDir = Path.Combine(dir, "enc");
            var (exit, _, err) = CliRunner.Run("encode", "--codec", "rapid-inr", "--dataset", data, "--out", outDir,
                "--size", "48x32", "--steps", "200", "--lr", "1e-3", "--batch", "2", "--target-psnr-db", "16");
            Assert.True(exit == 0, err);
            var rows = ResidualInr.Cli.Commands.CodecMetricsFile.Read(Path.Combine(outDir, "metrics.csv"));
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.InRange(r.EncodeSteps, 1, 199));
            Assert.All(rows, r => Assert.True(r.PsnrWholeDb > 15.5, $"{r.PsnrWholeDb} dB"));
            Assert.All(rows, r => Assert.True(r.EncodeFrameSeconds > 0 && r.EncodeFrameSeconds <= 2 * r.EncodeSecondsPerFrame + 1e-9));

            (exit, _, err) = CliRunner.Run("encode", "--codec", "rapid-inr", "--dataset", data, "--out", outDir, "--target-psnr-db", "500");
            Assert.Equal(2, exit);
            Assert.Contains("--target-psnr-db 500 is out of range", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Bench_convergence_measures_both_recipes_and_ends_with_the_speed_up()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cli-").FullName;
        try
        {
            var csv = Path.Combine(dir, "curves.csv");
            var (exit, output, err) = CliRunner.Run("bench", "convergence", "--codec", "residual-inr", "--size", "48x32", "--frames", "2",
                "--reference-steps", "30", "--out", csv);
            Assert.True(exit == 0, err);
            var lines = output.TrimEnd().Split('\n');
            Assert.Matches(@"^speed-up to the reference PSNR: \d+\.\d\dx in time, \d+\.\d\dx in steps$", lines[^1].TrimEnd('\r'));
            // On a CPU the fast recipe trains on pixel subsets for 60% of its steps, then takes L-BFGS steps.
            Assert.Contains("subsets of 900 random pixels for the first 60% of each fit's steps, L-BFGS (100 pairs) after 18 Adam steps", output);
            var curve = File.ReadAllLines(csv);
            Assert.Equal("recipe,stage,step,seconds,psnr_db", curve[0]);
            // The reference runs every step of every stage: 30 background, 30 fine-tuning, 30 per object group.
            var reference = curve.Skip(1).Where(l => l.StartsWith("reference,")).ToList();
            Assert.Equal(30, reference.Count(l => l.Contains(",background,")));
            Assert.Equal(30, reference.Count(l => l.Contains(",qat,")));
            Assert.Contains(curve, l => l.StartsWith("project,background,"));

            (exit, _, err) = CliRunner.Run("bench", "convergence", "--codec", "jpeg", "--frames", "1", "--reference-steps", "2");
            Assert.Equal(2, exit);
            Assert.Contains("--codec 'jpeg' is not a per-frame INR codec", err);

            // L-BFGS for the float fits; the 8-bit fine-tuning stays with Adam (it would throw otherwise).
            (exit, output, err) = CliRunner.Run("bench", "convergence", "--codec", "residual-inr", "--size", "48x32", "--frames", "2",
                "--reference-steps", "30", "--fast-recipe", "adam", "--lbfgs-after", "10", "--lbfgs-history", "5");
            Assert.True(exit == 0, err);
            Assert.Contains("L-BFGS (5 pairs) after 10 Adam steps", output);
            (exit, _, err) = CliRunner.Run("bench", "convergence", "--codec", "rapid-inr", "--frames", "1", "--reference-steps", "30", "--lbfgs-after", "30");
            Assert.Equal(2, exit);
            Assert.Contains("L-BFGS must start within the steps: after 30 of 30", err);
            (exit, _, err) = CliRunner.Run("bench", "convergence", "--frames", "1", "--reference-steps", "30", "--fast-recipe", "sgd");
            Assert.Equal(2, exit);
            Assert.Contains("--fast-recipe must be adam or subsets-lbfgs, got 'sgd'", err);

        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("encode", "--codec", "mp4", "--dataset", "synthetic", "--out", "/tmp/rinr-x")]
    [InlineData("encode", "--codec", "rapid-inr", "--dataset", "/no/such/dir", "--out", "/tmp/rinr-x")]
    [InlineData("encode", "--codec", "rapid-inr", "--dataset", "synthetic", "--out", "/tmp/rinr-x", "--steps", "0")]
    [InlineData("encode", "--codec", "rapid-inr", "--dataset", "synthetic", "--out", "/tmp/rinr-x", "--device", "tpu")]
    [InlineData("encode", "--codec", "rapid-inr", "--dataset", "synthetic", "--out", "/tmp/rinr-x", "--pixel-chunk", "0")]
    [InlineData("encode", "--codec", "rapid-inr", "--dataset", "synthetic", "--out", "/tmp/rinr-x", "--recipe", "lbfgs")]
    [InlineData("bench", "codec", "--pixel-chunk", "0")]
    [InlineData("decode", "/no/such.rinr", "--out", "/tmp/rinr-x.png")]
    public void Bad_codec_input_exits_with_2(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("[rinr]")));
    }
}
