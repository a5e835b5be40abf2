namespace ResidualInr.Cli.Tests;

/// <summary>
/// Paths with ".." through a folder that does not exist ("nothere/../o2"): .NET's file APIs collapse the ".."
/// before asking the kernel, a native library handed the raw path does not, and the kernel fails on the missing
/// folder. Every path must mean the same to every reader.
/// </summary>
public class PathThroughMissingFolderTests
{
    [Fact]
    public void Encode_of_the_synthetic_dataset_into_a_path_through_a_missing_folder_works()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-dotdot-").FullName;
        try
        {
            var outDir = Path.Combine(dir, "nothere", "..", "enc");
            var (exit, _, err) = CliRunner.Run("encode", "--codec", "jpeg", "--dataset", "synthetic", "--out", outDir, "--size", "48x32");
            Assert.True(exit == 0, err);
            Assert.Equal(17, File.ReadAllLines(Path.Combine(dir, "enc", "metrics.csv")).Length);
            Assert.False(Directory.Exists(Path.Combine(dir, "nothere")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_dataset_named_through_a_missing_folder_loads()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-dotdot-").FullName;
        try
        {
            Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", Path.Combine(dir, "data"), "--sequences", "1", "--frames", "2", "--size", "64x48").Exit);
            var (exit, output, err) = CliRunner.Run("dataset", "info", Path.Combine(dir, "nothere", "..", "data"));
            Assert.True(exit == 0, err);
            Assert.Contains("64x48", output);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Run_into_a_path_through_a_missing_folder_writes_there()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-dotdot-").FullName;
        try
        {
            var scenario = Path.Combine(dir, "s.yaml");
            File.WriteAllText(scenario, """
                name: dotdot
                dataset:
                  synthetic: { sequences: 1, frames: 2, size: 64x48 }
                frame_size: 48x32
                frames_per_device: 2
                devices: [2]
                codecs:
                  jpeg: { quality: 80 }
                strategies: [jpeg-p2p]
                """);
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", Path.Combine(dir, "nothere", "..", "o2"), "--cache", Path.Combine(dir, "cache"));
            Assert.True(exit == 0, err);
            Assert.True(File.Exists(Path.Combine(dir, "o2", "summary.csv")));
        }
        finally { Directory.Delete(dir, true); }
    }
}
