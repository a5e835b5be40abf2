namespace ResidualInr.Cli.Tests;

/// <summary>The video codecs through the command line: encode writes one container per sequence and the usual metrics; train reads them.</summary>
public class NervCommandTests
{
    [Fact]
    public void Encode_writes_a_container_per_sequence_whose_frame_shares_add_up_and_train_learns_from_it()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-nerv-cli-").FullName;
        try
        {
            var data = Path.Combine(dir, "data");
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", data, "--sequences", "2", "--frames", "4", "--size", "64x48").Exit);
            var outDir = Path.Combine(dir, "rnerv");
            var (exit, output, err) = CliRunner.Run("encode", "--codec", "residual-nerv", "--dataset", data, "--out", outDir, "--size", "48x32",
                "--frames", "3", "--epochs", "3", "--steps", "10", "--lr", "1e-3");
            Assert.True(exit == 0, err);
            Assert.Contains("residual-nerv: 6 frames", output);
            var lines = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
            Assert.Equal("sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,encode_s_per_frame,decode_s_per_frame,size_group,payload_file,encode_batch_frames,encode_steps,encode_frame_s", lines[0]);
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(6, rows.Count);
            foreach (var sequence in rows.GroupBy(r => r[0]))
            {
                var file = Path.Combine(outDir, sequence.First()[12]);
                Assert.All(sequence, r => Assert.Equal($"{sequence.Key}/sequence.rnrv", r[12]));
                Assert.Equal(new FileInfo(file).Length, sequence.Sum(r => long.Parse(r[3])));
            }

            var png = Path.Combine(dir, "frame.png");
            (exit, output, err) = CliRunner.Run("decode", Path.Combine(outDir, "synth01", "sequence.rnrv"), "--frame", "2", "--out", png);
            Assert.True(exit == 0, err);
            Assert.Equal(48, ResidualInr.Imaging.Images.RgbImage.Load(png).Width);
            (exit, _, err) = CliRunner.Run("decode", Path.Combine(outDir, "synth01", "sequence.rnrv"), "--frame", "9", "--out", png);
            Assert.Equal(2, exit);
            Assert.Contains("--frame 9: the container holds frames 1, 2, 3", err);

            var jpeg = Path.Combine(dir, "jpeg");
            Assert.Equal(0, CliRunner.Run("encode", "--codec", "jpeg", "--dataset", data, "--out", jpeg, "--size", "48x32", "--frames", "3").Exit);
            (exit, output, err) = CliRunner.Run("train", "--dataset", data, "--codecs", jpeg, outDir, "--epochs", "2", "--seeds", "1", "--out", Path.Combine(dir, "acc"));
            Assert.True(exit == 0, err);
            Assert.Contains("residual-nerv", File.ReadAllText(Path.Combine(dir, "acc", "accuracy.csv")));

            var container = Path.Combine(outDir, "synth01", "sequence.rnrv");
            var bytes = File.ReadAllBytes(container);
            File.WriteAllBytes(container, bytes[..^9]);
            (exit, _, err) = CliRunner.Run("train", "--dataset", data, "--codecs", outDir, "--epochs", "1", "--out", Path.Combine(dir, "acc2"));
            Assert.Equal(2, exit);
            Assert.Contains($"{container}: rinr sequence payload is corrupted or truncated", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}
