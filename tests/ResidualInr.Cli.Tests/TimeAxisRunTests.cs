using System.Globalization;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// A scenario with the time axis and hardware roles, re-made from stored codec results (no encodes): the
/// fog's and the edge's profiles, arrivals and batching reach the simulation, and the report and plots show it.
/// </summary>
public class TimeAxisRunTests
{
    [Fact]
    public void Fog_and_edge_profiles_arrivals_and_batching_drive_the_run_and_the_report_gives_the_break_even()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-time-run-").FullName;
        try
        {
            var earlier = Path.Combine(dir, "earlier");
            Directory.CreateDirectory(earlier);
            var codecs = new List<string> { "sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,size_group" };
            for (int f = 1; f <= 4; f++)
            {
                codecs.Add($"s{f % 2},{f},jpeg-q90,{20_000 + f * 100},{20_000 + f * 100},0,34,35,30,1");
                codecs.Add($"s{f % 2},{f},residual-inr,{1_500 + f * 10},1200,{300 + f * 10},33,34,31,1");
            }
            File.WriteAllLines(Path.Combine(earlier, "codecs.csv"), codecs);
            // The earlier run's profile is an old one (one point at fog_batch 16): the roles replace all of it.
            File.WriteAllText(Path.Combine(earlier, "profile.json"), """
                { "device": "cpu", "fog_batch": 16,
                  "fog_encode_seconds_per_batch": { "jpeg-q90": 0.01, "residual-inr": 99.0 },
                  "edge_decode_seconds_per_frame": { "jpeg-q90": 0.5, "residual-inr": 0.5 },
                  "edge_train_seconds_per_frame_epoch": 0.02, "fog_train_seconds_per_frame_epoch": 0.002 }
                """);
            File.WriteAllText(Path.Combine(dir, "fog.json"), """
                { "device": "gpu", "role": "fog",
                  "fog_encode_batch_seconds": { "residual-inr": { "1": 0.2, "4": 0.3 } },
                  "edge_train_seconds_per_frame_epoch": 0, "fog_train_seconds_per_frame_epoch": 0.001 }
                """);
            File.WriteAllText(Path.Combine(dir, "edge.json"), """
                { "device": "board", "role": "edge",
                  "edge_decode_seconds_per_frame": { "jpeg-q90": 0.004, "residual-inr": 0.01 },
                  "edge_train_seconds_per_frame_epoch": 0.02, "fog_train_seconds_per_frame_epoch": 0 }
                """);
            var scenario = Path.Combine(dir, "time.yaml");
            File.WriteAllText(scenario, """
                name: time
                frames_per_device: 2
                devices: [2, 6]
                codecs: { jpeg: { quality: 90 }, residual-inr: }
                fog: { max_batch: 4, max_wait_s: 0.05 }
                arrivals: { rounds: 2, round_interval_s: 0.5 }
                timing: { source: measure, fog: fog.json, edge: edge.json }
                """);
            var outDir = Path.Combine(dir, "out");
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--codecs-from", earlier, "--jobs", "1");
            Assert.True(exit == 0, err);

            var profile = File.ReadAllText(Path.Combine(outDir, "profile.json"));
            Assert.Contains("\"device\": \"fog: gpu; edge: board\"", profile);
            Assert.Contains("\"4\": 0.3", profile);
            Assert.Contains("\"residual-inr\": 0.01", profile);
            Assert.DoesNotContain("99", profile);

            var lines = File.ReadAllLines(Path.Combine(outDir, "summary.csv"));
            var header = lines[0].Split(',');
            int Col(string name) => Array.IndexOf(header, name);
            string[] parts = ["path_capture_s", "path_uplink_s", "path_fog_wait_s", "path_encode_s", "path_downlink_s", "path_decode_s", "path_train_s"];
            foreach (var row in lines.Skip(1).Select(l => l.Split(',')))
            {
                double D(string c) => double.Parse(row[Col(c)], CultureInfo.InvariantCulture);
                Assert.Equal(D("makespan_s"), parts.Sum(D), 6);
                // Two rounds of 2 frames per device.
                Assert.Equal(2 * 2 * int.Parse(row[0]), (int)D("frames_captured"));
            }
            var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
            Assert.Contains("## Break-even fog encode time against serverless JPEG", report);
            Assert.Contains("| 2 | residual-inr | never |", report);
            Assert.Matches(@"\| 6 \| residual-inr \| [0-9.eE-]+ \| 0\.075 \|", report);
            // Every strategy ran (the default), hybrid and train-auto too; with INR payloads a tenth of the JPEGs, the hybrid fog sends only INR.
            Assert.All(lines.Skip(1).Select(l => l.Split(',')).Where(r => r[1] == "hybrid"), r => Assert.Equal("1", r[Col("inr_share")]));
            Assert.Contains("## Recommendation", report);
            Assert.Matches(@"- N = 6: \*\*[a-z0-9-]+ \(", report);
            foreach (var plot in new[] { "time_breakdown", "timeline", "pareto_front" })
                Assert.True(new FileInfo(Path.Combine(outDir, plot + ".png")).Length > 1000, plot);
        }
        finally { Directory.Delete(dir, true); }
    }
}
