namespace ResidualInr.Cli.Tests;

/// <summary>rinr simulate's hybrid and train-auto: the per-frame choice from measured sizes and object PSNRs, its reasons and shares in the CSVs.</summary>
public class HybridCliTests
{
    private const string Header = "sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,encode_s_per_frame,decode_s_per_frame,size_group,payload_file";

    private static Dictionary<string, string>[] Rows(string csv)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToArray();
    }

    [Fact]
    public void Hybrid_sends_each_frame_as_its_measured_sizes_and_object_PSNRs_say_and_says_why()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-hybrid-").FullName;
        try
        {
            // Frame a/1: the INR payload is smaller (200 < 1000 B) but its object PSNR 1 dB lower (28 against 29 dB).
            // Frame a/2: the INR payload is smaller (400 < 3000 B) at equal object PSNR. Frame a/3: the JPEG is smaller.
            File.WriteAllLines(Path.Combine(dir, "jpeg.csv"), [Header, "a,1,jpeg-q90,1000,1000,0,30,31,29,0.001,0.0005,1,a/1.jpg",
                "a,2,jpeg-q90,3000,3000,0,30,31,29,0.001,0.0005,1,a/2.jpg", "a,3,jpeg-q90,500,500,0,30,31,29,0.001,0.0005,1,a/3.jpg"]);
            File.WriteAllLines(Path.Combine(dir, "inr.csv"), [Header, "a,1,residual-inr,200,150,50,30,31,28,1.5,0.002,1,a/1.rinr",
                "a,2,residual-inr,400,350,50,30,31,29,1.5,0.002,1,a/2.rinr", "a,3,residual-inr,600,550,50,30,31,35,1.5,0.002,1,a/3.rinr"]);
            string[] Args(string outDir, params string[] more) => ["simulate", "--devices", "3", "--frames", "1", "--strategies", "jpeg-fog,inr-train-edge,hybrid",
                "--jpeg-metrics", Path.Combine(dir, "jpeg.csv"), "--inr-metrics", Path.Combine(dir, "inr.csv"), "--out", Path.Combine(dir, outDir), .. more];

            var (exit, _, err) = CliRunner.Run(Args("strict", "--transfers"));
            Assert.True(exit == 0, err);
            var hybrid = Rows(Path.Combine(dir, "strict", "summary.csv")).Single(r => r["strategy"] == "hybrid");
            Assert.Equal(("residual-inr", "1", "2"), (hybrid["codec"], hybrid["fog_inr_frames"], hybrid["fog_jpeg_frames"]));
            Assert.Equal(1 / 3.0, double.Parse(hybrid["inr_share"], System.Globalization.CultureInfo.InvariantCulture), 12);
            // Up: 1000 + 3000 + 500; down to 2 receivers each: 1000 (a/1's JPEG) + 400 (a/2's INR) + 500 (a/3's JPEG).
            Assert.Equal("8300", hybrid["bytes_on_air"]);
            var fromFog = Rows(Path.Combine(dir, "strict", "transfers.csv")).Where(r => r["strategy"] == "hybrid" && r["source"] == "fog")
                .Select(r => (r["kind"], r["bytes"], r["reason"])).Distinct().Order().ToList();
            Assert.Equal([("inr", "400", "smaller"), ("jpeg", "1000", "object-psnr"), ("jpeg", "500", "smaller")], fromFog);
            Assert.All(Rows(Path.Combine(dir, "strict", "transfers.csv")).Where(r => r["strategy"] != "hybrid" || r["source"] != "fog"),
                r => Assert.Equal("strategy", r["reason"]));

            // Allowing 1 dB of object PSNR, a/1 goes as its INR payload too: 8300 - 2 x (1000 - 200).
            (exit, _, err) = CliRunner.Run(Args("lenient", "--object-psnr-loss-max-db", "1"));
            Assert.True(exit == 0, err);
            var lenient = Rows(Path.Combine(dir, "lenient", "summary.csv")).Single(r => r["strategy"] == "hybrid");
            Assert.Equal(("2", "6700"), (lenient["fog_inr_frames"], lenient["bytes_on_air"]));
            var rows = Rows(Path.Combine(dir, "lenient", "summary.csv"));
            Assert.True(long.Parse(lenient["bytes_on_air"]) < rows.Where(r => r["strategy"] != "hybrid").Min(r => long.Parse(r["bytes_on_air"])),
                "with mixed sizes hybrid beats both pure strategies");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Train_auto_says_where_it_trained()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-auto-").FullName;
        try
        {
            // N = 5, F = 2, s_i = 8 kB: the break-even model is (N-1) F s_i = 64 kB.
            foreach (var (model, site) in new[] { ("63999", "fog"), ("64000", "edge") })
            {
                var outDir = Path.Combine(dir, model);
                var (exit, _, err) = CliRunner.Run("simulate", "--devices", "5", "--frames", "2", "--inr-bytes", "8000", "--model-bytes", model,
                    "--strategies", "train-auto", "--out", outDir);
                Assert.True(exit == 0, err);
                var row = Rows(Path.Combine(outDir, "summary.csv")).Single();
                Assert.Equal(("train-auto", model, site), (row["strategy"], row["model_bytes"], row["trained_at"]));
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--hybrid-policy 'fastest' must be one of smaller, deadline, both", "simulate", "--strategies", "hybrid", "--hybrid-policy", "fastest")]
    [InlineData("--hybrid-policy deadline needs --deadline-s", "simulate", "--strategies", "hybrid", "--hybrid-policy", "deadline")]
    [InlineData("--deadline-s applies only to --hybrid-policy deadline or both, not smaller", "simulate", "--strategies", "hybrid", "--deadline-s", "1")]
    [InlineData("--minimise 'money' must be one of bytes, time, energy", "simulate", "--strategies", "train-auto", "--minimise", "money")]
    public void Impossible_hybrid_and_train_auto_options_exit_with_2(string expected, params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
    }
}
