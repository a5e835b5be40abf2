using System.Globalization;

namespace ResidualInr.Cli.Tests;

/// <summary>The time axis through the CLI: simulate's options, the new summary.csv and devices.csv columns.</summary>
public class TimeAxisCliTests
{
    private static Dictionary<string, string>[] ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToArray();
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("--rounds", "2", "--round-interval-s", "0.5")]
    [InlineData("--arrival-rate", "20", "--duration-s", "0.5")]
    public void The_path_columns_add_up_to_the_makespan_in_every_row(params string[] arrivals)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-time-").FullName;
        try
        {
            var (exit, _, err) = CliRunner.Run(["simulate", "--devices", "2,4", "--frames", "3", "--jpeg-bytes", "20000", "--inr-bytes", "3000",
                "--model-bytes", "100000", "--fog-batch-cost", "1:0.05,4:0.08", "--fog-max-batch", "4", "--fog-max-wait-s", "0.01",
                "--jpeg-decode-s", "0.002", "--inr-decode-s", "0.004", "--edge-train-s", "0.01", "--fog-train-s", "0.001", "--epochs", "2",
                "--jobs", "1", "--out", dir, .. arrivals]);
            Assert.True(exit == 0, err);
            var rows = ReadCsv(Path.Combine(dir, "summary.csv"));
            Assert.Equal(12, rows.Length); // 6 strategies (all, hybrid and train-auto included) x 2 device counts
            string[] parts = ["path_capture_s", "path_uplink_s", "path_fog_wait_s", "path_encode_s", "path_downlink_s", "path_decode_s", "path_train_s"];
            foreach (var row in rows)
            {
                double makespan = D(row["makespan_s"]);
                Assert.True(makespan > 0);
                Assert.Equal(makespan, parts.Sum(p => D(row[p])), 6);
                Assert.StartsWith("dev", row["path_device"]);
                Assert.Equal(row["devices"], row["devices_complete"]);
                Assert.True(D(row["frames_per_s"]) > 0 && D(row["frame_age_s_p95"]) >= D(row["frame_age_s_mean"]));
                foreach (var c in new[] { "frames_captured", "frames_delivered", "fog_gpu_utilisation", "fog_backlog_max", "fog_wait_s_mean", "frame_age_s_mean" })
                    Assert.True(D(row[c]) >= 0, c);
                if (row["strategy"] == "inr-train-edge") Assert.True(D(row["path_encode_s"]) > 0 && D(row["fog_gpu_utilisation"]) > 0);
            }
            var devices = ReadCsv(Path.Combine(dir, "devices.csv"));
            Assert.All(devices, d => Assert.Equal("True", d["complete"]));
            Assert.All(devices, d => Assert.True(D(d["first_payload_s"]) <= D(d["last_payload_s"]) && D(d["training_start_s"]) <= D(d["training_done_s"])));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Rounds_multiply_the_frames_captured()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-time-").FullName;
        try
        {
            var (exit, _, err) = CliRunner.Run("simulate", "--devices", "3", "--frames", "2", "--rounds", "4", "--round-interval-s", "1",
                "--strategies", "jpeg-p2p", "--out", dir);
            Assert.True(exit == 0, err);
            var row = ReadCsv(Path.Combine(dir, "summary.csv")).Single();
            Assert.Equal("24", row["frames_captured"]);
            Assert.True(D(row["makespan_s"]) >= 3);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--rounds", "2", "--arrival-rate", "3", "--duration-s", "1")]
    [InlineData("--arrival-rate", "3")]
    [InlineData("--rounds", "0")]
    [InlineData("--fog-batch-cost", "1:2,4:1")]
    [InlineData("--fog-batch-cost", "one:2")]
    [InlineData("--fog-max-batch", "0")]
    [InlineData("--fog-max-wait-s", "-1")]
    public void Impossible_time_axis_options_exit_with_2(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(["simulate", "--devices", "2", .. args]);
        Assert.Equal(2, exit);
        Assert.StartsWith("rinr: ", err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
    }
}
