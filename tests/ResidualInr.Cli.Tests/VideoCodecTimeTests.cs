using System.Globalization;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// A video codec (one NeRV per sequence) is simulated per sequence: the fog fits a sequence once that
/// round's frames of it are in, at the profile's t(frames per sequence), instead of frame batches.
/// </summary>
public class VideoCodecTimeTests
{
    [Fact]
    public void A_nerv_sequence_is_fitted_once_its_frames_are_in_at_the_profiles_cost_per_sequence()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-video-time-").FullName;
        try
        {
            var earlier = Path.Combine(dir, "earlier");
            Directory.CreateDirectory(earlier);
            // Two sequences of two frames; dealt to two devices in turn, each device holds one frame of each.
            var codecs = new List<string> { "sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,size_group" };
            foreach (var s in new[] { "s1", "s2" })
            for (int f = 1; f <= 2; f++)
            {
                codecs.Add($"{s},{f},jpeg-q90,2000,2000,0,34,35,30,1");
                codecs.Add($"{s},{f},nerv,500,400,100,30,31,29,1");
            }
            File.WriteAllLines(Path.Combine(earlier, "codecs.csv"), codecs);
            // nerv: a sequence of 4 frames took 8 s, so one of 2 frames costs 4 s (a cost per frame of the sequence).
            File.WriteAllText(Path.Combine(earlier, "profile.json"), """
                { "device": "gpu", "role": "fog+edge",
                  "fog_encode_batch_seconds": { "jpeg-q90": { "1": 0.001 }, "nerv": { "4": 8.0 } },
                  "edge_decode_seconds_per_frame": { "jpeg-q90": 0, "nerv": 0 },
                  "edge_train_seconds_per_frame_epoch": 0.5, "fog_train_seconds_per_frame_epoch": 0 }
                """);
            var scenario = Path.Combine(dir, "video.yaml");
            File.WriteAllText(scenario, """
                name: video
                frames_per_device: 2
                devices: [2]
                codecs: { jpeg: { quality: 90 }, nerv: }
                strategies: [inr-train-edge]
                network: { capacity_bytes_per_s: 1000000000, latency_s: 0 }
                training: { epochs: 1, edge_s_per_frame_epoch: 0.5 }
                fog: { max_batch: 16 }
                """);
            var outDir = Path.Combine(dir, "out");
            var (exit, _, err) = CliRunner.Run("run", scenario, "--out", outDir, "--codecs-from", earlier, "--jobs", "1");
            Assert.True(exit == 0, err);

            var lines = File.ReadAllLines(Path.Combine(outDir, "summary.csv"));
            var header = lines[0].Split(',');
            var row = lines.Skip(1).Select(l => l.Split(',')).Single(r => r[Array.IndexOf(header, "codec")] == "nerv");
            double D(string c) => double.Parse(row[Array.IndexOf(header, c)], CultureInfo.InvariantCulture);
            // Two fits of 4 s one after the other on the GPU, then 4 frames x 0.5 s of training: about 10 s.
            Assert.Equal(8.0, D("fog_gpu_utilisation") * D("makespan_s"), 3);
            Assert.Equal(10.0, D("makespan_s"), 2);
            // The last frame out waited for the first sequence's fit, then its own: 4 s of encode on the path.
            Assert.Equal(4.0, D("path_encode_s"), 6);
            Assert.Equal(4.0, D("path_fog_wait_s"), 2);
        }
        finally { Directory.Delete(dir, true); }
    }
}
