using System.Globalization;
using ResidualInr.Learning.Detector;

namespace ResidualInr.Cli.Tests;

public class RunCommandTests
{
    private const string Tiny = """
        name: tiny
        seed: 3
        dataset:
          synthetic: { sequences: 2, frames: 3, size: 64x48 }
        frame_size: 48x32
        frames_per_device: 2
        devices: [2, 3]
        inr: { steps: 15, lr: 0.001, batch: 4 }
        codecs:
          jpeg: { quality: 80 }
          residual-inr:
        network: { capacity_bytes_per_s: 100000, latency_s: 0.001 }
        training: { epochs: 2, edge_s_per_frame_epoch: 0.01, model_bytes: 20000 }
        fog: { max_batch: 4 }
        learning: { epochs: 3, seeds: 2, batch: 4 }
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
            var cache = Path.Combine(dir, "cache");
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--jobs", "2", "--cache", cache, "--transfers");
            Assert.True(exit == 0, err);
            string[] files = ["codecs.csv", "summary.csv", "devices.csv", "transfers.csv", "accuracy.csv", "detections.csv", "accuracy_summary.csv", "profile.json", "report.md"];
            foreach (var f in files) Assert.True(new FileInfo(Path.Combine(outDir, f)).Length > 0, $"{f} is empty");
            foreach (var plot in new[] { "bytes_on_air", "completion_time", "psnr_vs_payload", "timeline", "time_breakdown", "accuracy_vs_bytes", "energy" })
            foreach (var ext in new[] { ".png", ".svg" })
                Assert.True(new FileInfo(Path.Combine(outDir, plot + ext)).Length > 1000, $"{plot}{ext} is missing or empty");

            // Closed form for unicast jpeg-p2p and jpeg-fog: (N-1) and N + (N-1) times the round's JPEG bytes.
            var codecLines = File.ReadAllLines(Path.Combine(outDir, "codecs.csv"));
            Assert.Equal("sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,size_group", codecLines[0]);
            var codecs = codecLines.Skip(1).Select(l => l.Split(',')).ToList();
            long jpegRound = codecs.Where(c => c[2] == "jpeg-q80").Sum(c => long.Parse(c[3])); // 2 sequences x 2 frames = 4 frames
            var summary = File.ReadAllLines(Path.Combine(outDir, "summary.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            Assert.StartsWith("devices,strategy,codec,model_bytes,downlink,topology,frames_per_device,bytes_on_air,bytes_offered,bytes_delivered,bytes_lost," +
                         "transfers,airtime_s,makespan_s,channel_utilisation,frames_lost,events,devices_complete,", File.ReadLines(Path.Combine(outDir, "summary.csv")).First());
            long Bytes(string devices, string strategy) => long.Parse(summary.Single(r => r[0] == devices && r[1] == strategy)[7]);
            // With 2 devices and 2 frames each, the 4 encoded frames are dealt one per device slot: the round is exactly those 4.
            Assert.Equal((2 - 1) * jpegRound, Bytes("2", "jpeg-p2p"));
            Assert.Equal(2 * jpegRound, Bytes("2", "jpeg-fog"));
            Assert.Equal(jpegRound + 2 * 20_000, Bytes("2", "train-fog"));

            // The learning stage: every codec, the originals and the baseline, for both seeds, trained on the
            // 4 encoded frames and tested on the 2 frames no codec encoded.
            var accuracy = File.ReadAllLines(Path.Combine(outDir, "accuracy.csv"));
            Assert.Equal("codec,seed,train_frames,test_frames,map50_95,map50,mean_iou,train_s_per_epoch,decode_s_per_epoch", accuracy[0]);
            var accuracyRows = accuracy.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(["baseline-mean-box", "jpeg-q80", "original", "residual-inr"], accuracyRows.Select(r => r[0]).Distinct().Order());
            Assert.All(accuracyRows, r => Assert.Equal(("4", "2"), (r[2], r[3])));
            Assert.Equal(8, accuracyRows.Count);
            Assert.Contains("## Accuracy", File.ReadAllText(Path.Combine(outDir, "report.md")));
            Assert.Contains("Every detector starts from random weights (no `learning.pretrained`).", File.ReadAllText(Path.Combine(outDir, "report.md")));
            // Every detector answered on every test frame; the summary has the intervals and the paired difference.
            Assert.Equal(8 * 2 + 1, File.ReadAllLines(Path.Combine(outDir, "detections.csv")).Length);
            var accuracySummary = File.ReadAllLines(Path.Combine(outDir, "accuracy_summary.csv"));
            Assert.EndsWith("map50_95_ci_low,map50_95_ci_high,map50_ci_low,map50_ci_high,mean_iou_ci_low,mean_iou_ci_high," +
                            "map50_95_diff_vs_original,map50_95_diff_vs_original_ci_low,map50_95_diff_vs_original_ci_high", accuracySummary[0]);
            var originalRow = accuracySummary.Single(l => l.StartsWith("original,")).Split(',');
            Assert.Equal(["0", "0", "0"], originalRow[^3..]); // the originals against themselves
            Assert.Contains("| reference |", File.ReadAllText(Path.Combine(outDir, "report.md")));

            // The measured training time per frame-epoch drives the devices' training in the simulation:
            // in inr-train-edge each device trains epochs x (N x F frames) after its data is complete.
            using var profileJson = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "profile.json")));
            double perFrameEpoch = profileJson.RootElement.GetProperty("edge_train_seconds_per_frame_epoch_by_codec").GetProperty("residual-inr").GetDouble();
            var residualTrainS = accuracyRows.Where(r => r[0] == "residual-inr").Average(r => double.Parse(r[7], System.Globalization.CultureInfo.InvariantCulture)) / 4;
            Assert.Equal(residualTrainS, perFrameEpoch, 12);
            var devices = File.ReadAllLines(Path.Combine(outDir, "devices.csv")).Skip(1).Select(l => l.Split(','))
                .Where(r => r[0] == "3" && r[1] == "inr-train-edge" && r[2] == "residual-inr").ToList();
            Assert.Equal(3, devices.Count);
            foreach (var d in devices)
            {
                double training = double.Parse(d[8], System.Globalization.CultureInfo.InvariantCulture) - double.Parse(d[7], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(perFrameEpoch * 2 * 3 * 2, training, 9);
            }

            // The same scenario into a second folder takes everything from the shared cache, measured timings
            // included, so every output but the plots' pixels is byte-identical (transfers.csv too, streamed by 2 jobs, then 1).
            var second = Path.Combine(dir, "second");
            (exit, var output, err) = CliRunner.Run("run", scenario, "--out", second, "--jobs", "1", "--cache", cache, "--transfers");
            Assert.True(exit == 0, err);
            Assert.Contains("cached", output);
            Assert.DoesNotContain("Encoding with", err);
            foreach (var f in files.Where(f => f != "report.md"))
                Assert.True(File.ReadAllBytes(Path.Combine(outDir, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(second, f))), $"{f} differs");
            // report.md opens with where the run came from (command line, times); the rest is identical, and the config hash too.
            static string Body(string file) => File.ReadAllText(file)[File.ReadAllText(file).IndexOf("## Codecs", StringComparison.Ordinal)..];
            Assert.Equal(Body(Path.Combine(outDir, "report.md")), Body(Path.Combine(second, "report.md")));
            Assert.Contains($"`rinr run {scenario} --out {second}", File.ReadAllText(Path.Combine(second, "report.md")));
            static string ConfigHash(string dir) => System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "run.json"))).RootElement.GetProperty("config_sha256").GetString()!;
            Assert.Equal(ConfigHash(outDir), ConfigHash(second));

            // From the first run's codecs.csv and profile.json alone (no payloads, no cache), the simulation is the same.
            var noLearning = Path.Combine(dir, "no-learning.yaml");
            File.WriteAllText(noLearning, string.Join('\n', Tiny.Split('\n').Where(l => !l.StartsWith("learning:"))));
            var third = Path.Combine(dir, "third");
            (exit, _, err) = CliRunner.Run("run", noLearning, "--out", third, "--codecs-from", outDir, "--cache", Path.Combine(dir, "unused-cache"), "--transfers");
            Assert.True(exit == 0, err);
            foreach (var f in new[] { "summary.csv", "devices.csv", "transfers.csv", "codecs.csv", "profile.json" })
                Assert.True(File.ReadAllBytes(Path.Combine(outDir, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(third, f))), $"{f} differs from the run it was made from");
            Assert.False(Directory.Exists(Path.Combine(dir, "unused-cache")));
            // With a learning stage, the detectors' results come from the earlier run's accuracy.csv too.
            var fourth = Path.Combine(dir, "fourth");
            (exit, _, err) = CliRunner.Run("run", scenario, "--out", fourth, "--codecs-from", outDir, "--cache", Path.Combine(dir, "unused-cache"), "--transfers");
            Assert.True(exit == 0, err);
            foreach (var f in files.Where(f => f != "report.md"))
                Assert.True(File.ReadAllBytes(Path.Combine(outDir, f)).SequenceEqual(File.ReadAllBytes(Path.Combine(fourth, f))), $"{f} differs from the run it was made from");
            Assert.False(Directory.Exists(Path.Combine(dir, "unused-cache")));
            File.Delete(Path.Combine(third, "accuracy.csv"));
            (exit, _, err) = CliRunner.Run("run", scenario, "--out", fourth, "--codecs-from", third);
            Assert.Equal(2, exit);
            Assert.Contains("accuracy.csv: learning: the earlier run has no accuracy.csv", err);
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
            var (exit, _, err) = CliRunner.Run("bench", "--out", profile, "--size", "48x32", "--steps", "5", "--fog-batch", "2", "--jpeg-quality", "80");
            Assert.True(exit == 0, err);
            var text = File.ReadAllText(profile);
            Assert.Contains("\"fog_encode_batch_seconds\"", text);
            Assert.Contains("\"role\": \"fog+edge\"", text);
            Assert.Contains("\"residual-inr\"", text);
            Assert.Contains("\"jpeg-q80\"", text);

            var scenario = Path.Combine(dir, "tiny.yaml");
            File.WriteAllText(scenario, Tiny + "\ntiming: { source: profile, profile: profile.json }\n");
            var outDir = Path.Combine(dir, "out");
            (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--devices", "2", "--cache", Path.Combine(dir, "cache"));
            Assert.True(exit == 0, err);
            Assert.Equal(text, File.ReadAllText(Path.Combine(outDir, "profile.json")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_profile_lacking_a_codec_of_the_scenario_is_an_input_error_naming_both_before_any_encode()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-run-").FullName;
        try
        {
            // A profile measured for JPEG at quality 90 says nothing about quality 80: no default, no zero.
            var profile = Path.Combine(dir, "profile.json");
            File.WriteAllText(profile, """
                { "device": "cpu", "fog_batch": 4,
                  "fog_encode_seconds_per_batch": { "jpeg-q90": 0.01, "residual-inr": 3.0 },
                  "edge_decode_seconds_per_frame": { "jpeg-q90": 0.001, "residual-inr": 0.01 },
                  "edge_train_seconds_per_frame_epoch": 0.01, "fog_train_seconds_per_frame_epoch": 0.001 }
                """);
            var scenario = Path.Combine(dir, "tiny.yaml");
            File.WriteAllText(scenario, Tiny + "\ntiming: { source: profile, profile: profile.json }\n");
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", Path.Combine(dir, "out"), "--cache", Path.Combine(dir, "cache"));
            Assert.Equal(2, exit);
            Assert.Equal($"rinr: {profile}: timing profile (fog+edge, cpu) has no edge_decode_seconds_per_frame for codec 'jpeg-q80' (it has: jpeg-q90, residual-inr)", err.Trim());
            Assert.False(Directory.Exists(Path.Combine(dir, "cache")), "nothing was encoded");
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
    [Fact]
    public void Held_out_test_sequences_are_never_encoded_and_the_detectors_are_tested_on_all_their_frames()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-run-").FullName;
        try
        {
            var scenario = Path.Combine(dir, "held-out.yaml");
            File.WriteAllText(scenario, """
                name: held-out
                seed: 4
                dataset:
                  synthetic: { sequences: 3, frames: 5, size: 64x48 }
                frame_size: 48x32
                frames_per_device: 2
                devices: [2]
                codecs:
                  jpeg: { quality: 80 }
                strategies: [jpeg-p2p]
                learning: { epochs: 2, seeds: 2, batch: 4, test_sequences: 1 }
                """);
            var outDir = Path.Combine(dir, "out");
            var (exit, output, err) = CliRunner.Run("run", scenario, "--out", outDir, "--cache", Path.Combine(dir, "cache"));
            Assert.True(exit == 0, err);
            Assert.Contains("testing on 5 held-out original frames of 1 unseen sequences", output);
            // Two of the three sequences are encoded (2 frames each); the third is only ever tested on, all 5 frames.
            var encodedSequences = File.ReadAllLines(Path.Combine(outDir, "codecs.csv")).Skip(1).Select(l => l.Split(',')[0]).ToList();
            Assert.Equal(4, encodedSequences.Count);
            Assert.Equal(2, encodedSequences.Distinct().Count());
            var accuracy = File.ReadAllLines(Path.Combine(outDir, "accuracy.csv")).Skip(1).Select(l => l.Split(',')).ToList();
            Assert.All(accuracy, r => Assert.Equal(("4", "5"), (r[2], r[3])));
            // jpeg-q80, original and the baseline, 2 seeds, 5 test frames each.
            Assert.Equal(3 * 2 * 5 + 1, File.ReadAllLines(Path.Combine(outDir, "detections.csv")).Length);
            Assert.Contains("held out whole", File.ReadAllText(Path.Combine(outDir, "report.md")));

            File.WriteAllText(scenario, File.ReadAllText(scenario).Replace("test_sequences: 1", "test_sequences: 3"));
            (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--cache", Path.Combine(dir, "cache"));
            Assert.Equal(2, exit);
            Assert.Contains("learning.test_sequences: 3 held-out sequences leave none of the dataset's 3 to encode", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Pretrained_weights_enter_the_learning_cache_by_content_and_bad_ones_stop_the_run_before_encoding()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-run-").FullName;
        try
        {
            var weights = Path.Combine(dir, "weights.pt");
            Assert.Equal(0, CliRunner.Run("pretrain", "--out", weights, "--frames", "10", "--epochs", "1", "--size", "48x32", "--width", "4", "--seed", "1").Exit);
            var scenario = Path.Combine(dir, "pretrained.yaml");
            File.WriteAllText(scenario, """
                name: pretrained
                seed: 4
                dataset: { synthetic: { sequences: 3, frames: 4, size: 64x48 } }
                frame_size: 48x32
                frames_per_device: 2
                devices: 2
                codecs: { jpeg: { quality: 80 } }
                strategies: [jpeg-p2p]
                learning: { epochs: 1, seeds: 1, batch: 4, width: 4, test_sequences: 1, pretrained: weights.pt }
                """);
            string[] args = ["run", scenario, "--out", Path.Combine(dir, "out"), "--cache", Path.Combine(dir, "cache")];
            var (exit, output, err) = CliRunner.Run(args);
            Assert.True(exit == 0, err);
            Assert.Contains($"fine-tuned from {weights}", output);
            // The report names the weights by file, content and the command that made them.
            var info = DetectorWeights.Read(weights).Info;
            Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Every detector is fine-tuned from `weights.pt` (SHA-256 {info.Sha256[..12]}..., {info.Parameters:N0} parameters, made by `rinr pretrain --out {weights}"),
                File.ReadAllText(Path.Combine(dir, "out", "report.md")));
            Assert.Contains("learning original seed 4: cached", CliRunner.Run(args).Out);
            // Other weights under the same name are other detectors: the learning stage runs again.
            Assert.Equal(0, CliRunner.Run("pretrain", "--out", weights, "--frames", "10", "--epochs", "1", "--size", "48x32", "--width", "4", "--seed", "2").Exit);
            (exit, output, err) = CliRunner.Run(args);
            Assert.True(exit == 0, err);
            Assert.DoesNotContain(output.Split('\n'), l => l.StartsWith("learning ") && l.Contains(": cached"));
            Assert.Contains("fine-tuned from", output); // the detectors trained again

            File.WriteAllText(scenario, File.ReadAllText(scenario).Replace("width: 4", "width: 8"));
            (exit, _, err) = CliRunner.Run(args);
            Assert.Equal(2, exit);
            Assert.Equal($"rinr: {scenario}:9: learning.pretrained: pretrained detector has width 4, learning.width is 8 ({weights})", err.Trim());
            File.WriteAllText(scenario, File.ReadAllText(scenario).Replace("weights.pt", "missing.pt"));
            Assert.Contains("learning.pretrained: file 'missing.pt' not found", CliRunner.Run(args).Err);
            File.WriteAllText(scenario, File.ReadAllText(scenario).Replace("missing.pt", "default").Replace("width: 8", "width: 5"));
            Assert.Contains("learning.pretrained: no shipped weights for width 5 at 48x32", CliRunner.Run(args).Err);
        }
        finally { Directory.Delete(dir, true); }
    }
}
