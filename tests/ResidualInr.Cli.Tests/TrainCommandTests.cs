namespace ResidualInr.Cli.Tests;

/// <summary><c>rinr train</c>: accuracy per codec from encode folders, tested on the frames no codec encoded.</summary>
public class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rinr-train-").FullName;
    private string Data => Path.Combine(_dir, "data");
    private string Jpeg => Path.Combine(_dir, "jpeg");
    private string Residual => Path.Combine(_dir, "residual");

    public TrainCommandTests()
    {
        Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", Data, "--sequences", "2", "--frames", "4", "--size", "64x48").Exit);
        Assert.Equal(0, CliRunner.Run("encode", "--codec", "jpeg", "--dataset", Data, "--out", Jpeg, "--size", "48x32", "--frames", "3").Exit);
        Assert.Equal(0, CliRunner.Run("encode", "--codec", "residual-inr", "--dataset", Data, "--out", Residual, "--size", "48x32", "--frames", "3",
            "--steps", "10", "--lr", "1e-3").Exit);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Pretrained_weights_are_fine_tuned_from_and_weights_of_another_width_are_refused()
    {
        var weights = Path.Combine(_dir, "w16.pt");
        var (exit, output, err) = CliRunner.Run("pretrain", "--out", weights, "--frames", "20", "--epochs", "1", "--size", "48x32", "--batch", "8");
        Assert.True(exit == 0, err);
        Assert.Contains("on 20 frames at 48x32 (20 synthetic)", output);
        Assert.True(File.Exists(weights + ".json"));
        Assert.Contains("\"command\": \"rinr pretrain --out", File.ReadAllText(weights + ".json"));

        (exit, output, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Jpeg, "--epochs", "1", "--seeds", "1", "--out", Path.Combine(_dir, "ft"),
            "--pretrained", weights);
        Assert.True(exit == 0, err);
        Assert.Contains($"fine-tuned from {weights}", output);

        var narrow = Path.Combine(_dir, "w4.pt");
        Assert.Equal(0, CliRunner.Run("pretrain", "--out", narrow, "--frames", "10", "--epochs", "1", "--size", "48x32", "--width", "4").Exit);
        (exit, _, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Jpeg, "--epochs", "1", "--seeds", "1", "--out", Path.Combine(_dir, "ft4"),
            "--pretrained", narrow);
        Assert.Equal(2, exit);
        Assert.Equal($"rinr: {narrow}: pretrained detector has width 4, the detector's width is 16", err.Trim());
    }

    [Fact]
    public void Writes_a_row_per_codec_and_seed_and_a_summary()
    {
        var outDir = Path.Combine(_dir, "acc");
        var (exit, output, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Jpeg, Residual, "--epochs", "2", "--seeds", "2", "--out", outDir);
        Assert.True(exit == 0, err);
        Assert.Contains("training on 6 frames at 48x32", output);
        Assert.Contains("testing on 2 held-out original frames", output);
        var rows = File.ReadAllLines(Path.Combine(outDir, "accuracy.csv"));
        Assert.Equal("codec,seed,train_frames,test_frames,map50_95,map50,mean_iou,train_s_per_epoch,decode_s_per_epoch", rows[0]);
        var cells = rows.Skip(1).Select(r => r.Split(',')).ToList();
        Assert.Equal(8, cells.Count);
        Assert.Equal(["baseline-mean-box", "jpeg-q90", "original", "residual-inr"], cells.Select(c => c[0]).Distinct().Order());
        Assert.Equal(["1", "2"], cells.Where(c => c[0] == "residual-inr").Select(c => c[1]));
        // Data loading is part of every trained epoch; INR frames are decoded from their payloads each epoch.
        Assert.All(cells.Where(c => c[0] == "residual-inr"), c => Assert.True(double.Parse(c[8], System.Globalization.CultureInfo.InvariantCulture) > 0));
        var summary = File.ReadAllLines(Path.Combine(outDir, "accuracy_summary.csv"));
        Assert.StartsWith("codec,seeds,map50_95_mean,map50_95_std", summary[0]);
        Assert.Equal(5, summary.Length);
    }

    [Fact]
    public void A_dataset_with_every_frame_encoded_leaves_nothing_to_test_on()
    {
        var all = Path.Combine(_dir, "all");
        Assert.Equal(0, CliRunner.Run("encode", "--codec", "jpeg", "--dataset", Data, "--out", all, "--size", "48x32").Exit);
        var (exit, _, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", all, "--epochs", "1", "--out", Path.Combine(_dir, "acc"));
        Assert.Equal(2, exit);
        Assert.Contains("none is left to test on", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void Missing_or_corrupt_payloads_and_bad_options_are_clean_errors()
    {
        var outDir = Path.Combine(_dir, "acc");
        var payload = Path.Combine(Residual, "synth01", "000002.rinr");
        var bytes = File.ReadAllBytes(payload);
        File.WriteAllBytes(payload, bytes[..(bytes.Length / 2)]);
        var (exit, _, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Residual, "--epochs", "1", "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains(payload, err);

        File.Delete(payload);
        (exit, _, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Residual, "--epochs", "1", "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains($"{payload}: payload file not found", err);

        (exit, _, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Data, "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains("metrics.csv: metrics file not found", err);

        (exit, _, err) = CliRunner.Run("train", "--dataset", Data, "--codecs", Jpeg, "--seeds", "0", "--out", outDir);
        Assert.Equal(2, exit);
        Assert.Contains("--seeds must be between 1 and 1000", err);
        Assert.False(Directory.Exists(outDir), "nothing is written when the input is bad");
    }
}
