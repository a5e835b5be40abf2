namespace ResidualInr.Cli.Tests;

public class DatasetCommandTests
{
    [Fact]
    public void Synth_then_info_reports_frames_groups_and_jpeg_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cli-").FullName;
        try
        {
            var (exit, output, _) = CliRunner.Run("dataset", "synth", "--out", dir, "--sequences", "4", "--frames", "3", "--size", "320x180", "--seed", "5");
            Assert.Equal(0, exit);
            Assert.Contains("wrote 12 frames in 4 sequences", output);

            (exit, output, _) = CliRunner.Run("dataset", "info", dir, "--quality", "80");
            Assert.Equal(0, exit);
            Assert.Contains("frames:      12 (0 with the target absent)", output);
            Assert.Contains("320x180 (12 frames)", output);
            Assert.Matches(@"group 4 \(>= 10001\s+px\):\s+3", output);
            Assert.Matches(@"mean JPEG bytes at quality 80: \d{4,}", output);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Info_works_on_a_single_OTB_sequence_folder_and_on_its_parent_with_or_without_format()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cli-").FullName;
        try
        {
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", dir, "--sequences", "2", "--frames", "3", "--size", "64x48").Exit);
            var sequence = Path.Combine(dir, "synth01");
            foreach (var args in new[] { new[] { sequence }, [sequence, "--format", "otb"], [sequence + "/"] })
            {
                var (exit, output, err) = CliRunner.Run(["dataset", "info", .. args]);
                Assert.True(exit == 0, err);
                Assert.Contains("frames:      3 (0 with the target absent)", output);
            }
            var (parentExit, parentOutput, _) = CliRunner.Run("dataset", "info", dir);
            Assert.Equal(0, parentExit);
            Assert.Contains("frames:      6 (0 with the target absent)", parentOutput);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("dataset", "synth")]                                  // --out missing
    [InlineData("dataset", "synth", "--out", "/tmp/x", "--size", "big")]
    [InlineData("dataset", "synth", "--out", "/tmp/x", "--frames", "0")]
    [InlineData("dataset", "info", "/definitely/not/here")]
    [InlineData("dataset", "info", "/tmp", "--format", "coco")]
    [InlineData("frobnicate")]
    public void Bad_usage_and_input_exit_with_2_and_one_line(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("rinr: ", lines[0]);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public void A_corrupt_frame_names_the_file_and_verbose_adds_the_trace()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-cli-").FullName;
        try
        {
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", dir, "--sequences", "1", "--frames", "2", "--size", "64x48").Exit);
            var victim = Path.Combine(dir, "synth01", "img", "0002.jpg");
            var bytes = File.ReadAllBytes(victim);
            File.WriteAllBytes(victim, bytes[..(bytes.Length / 3)]);
            var (exit, _, err) = CliRunner.Run("dataset", "info", dir);
            Assert.Equal(2, exit);
            Assert.Contains($"rinr: {victim}: corrupt image", err);
            (exit, _, err) = CliRunner.Run("dataset", "info", dir, "--verbose");
            Assert.Equal(2, exit);
            Assert.Contains("   at ", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Help_explains_the_commands()
    {
        var (exit, output, _) = CliRunner.Run("dataset", "synth", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--sequences", output);
        Assert.Contains("byte-identical", output);
    }
}
