using ResidualInr.Cli.Commands;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Tests;

/// <summary>Timing profiles: batch tables, old profiles, roles, and the points a run takes from its own encodes.</summary>
public class TimingProfileTests
{
    private static string WriteJson(string json)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rinr-profile-").FullName, "profile.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string Old = """
        { "device": "cpu", "fog_batch": 16,
          "fog_encode_seconds_per_batch": { "jpeg-q90": 0.01, "residual-inr": 32.0 },
          "edge_decode_seconds_per_frame": { "jpeg-q90": 0.001, "residual-inr": 0.01 },
          "edge_train_seconds_per_frame_epoch": 0.02, "fog_train_seconds_per_frame_epoch": 0.002 }
        """;

    [Fact]
    public void An_old_profile_is_read_as_one_measured_point_and_written_in_the_new_form()
    {
        var p = TimingProfile.Read(WriteJson(Old));
        Assert.Equal(TimingProfile.BothRoles, p.Role);
        Assert.Equal(BatchCost.Measured(16, 32.0), p.FogEncodeFor("residual-inr"));
        Assert.Equal(16.0, p.FogEncodeFor("residual-inr").SecondsFor(8), 9);
        var json = p.ToJson();
        Assert.DoesNotContain("fog_batch\"", json);
        Assert.DoesNotContain("fog_encode_seconds_per_batch", json);
        Assert.Contains("\"fog_encode_batch_seconds\"", json);
        var again = TimingProfile.Read(WriteJson(json));
        Assert.Equal(p.FogEncodeFor("residual-inr"), again.FogEncodeFor("residual-inr"));
        Assert.Equal(json, again.ToJson());
    }

    [Fact]
    public void Every_committed_result_profile_is_still_readable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "ResidualInr.sln"))) dir = dir.Parent;
        var profiles = Directory.GetFiles(Path.Combine(dir.FullName, "results"), "profile.json", SearchOption.AllDirectories);
        Assert.NotEmpty(profiles);
        foreach (var file in profiles)
        {
            var p = TimingProfile.Read(file);
            Assert.True(p.FogEncodeFor("residual-inr").SecondsFor(16) > 0, file);
        }
    }

    [Fact]
    public void A_batch_table_interpolates_and_roles_split_fog_and_edge_figures()
    {
        var fog = TimingProfile.Read(WriteJson("""
            { "device": "gpu", "role": "fog",
              "fog_encode_batch_seconds": { "residual-inr": { "1": 20.1, "2": 21.0, "4": 23.5, "8": 30.2 } },
              "edge_decode_seconds_per_frame": null,
              "edge_train_seconds_per_frame_epoch": 0, "fog_train_seconds_per_frame_epoch": 0.0005 }
            """));
        Assert.Equal(22.25, fog.FogEncodeFor("residual-inr").SecondsFor(3), 9);
        var e = Assert.Throws<InputException>(() => fog.EdgeDecodeSecondsFor("residual-inr"));
        Assert.Contains(fog.Source!, e.Message);
        Assert.Contains("(fog, gpu) has no edge_decode_seconds_per_frame for codec 'residual-inr'", e.Message);

        var edgePath = WriteJson("""
            { "device": "board", "role": "edge",
              "edge_decode_seconds_per_frame": { "jpeg-q90": 0.004, "residual-inr": 0.05 },
              "edge_train_seconds_per_frame_epoch": 0.3, "fog_train_seconds_per_frame_epoch": 0 }
            """);
        var edge = TimingProfile.Read(edgePath);
        e = Assert.Throws<InputException>(() => edge.RequireFog(["residual-inr"]));
        Assert.StartsWith(edgePath, e.Message);
        Assert.Contains("no fog_encode_batch_seconds for codec 'residual-inr'", e.Message);

        var both = TimingProfile.Read(WriteJson(Old)).WithRoles(fog, edge);
        Assert.Equal((20.1, 0.05, 0.3, 0.0005), (both.FogEncodeFor("residual-inr").SecondsFor(1), both.EdgeDecodeSecondsFor("residual-inr"),
            both.EdgeTrainSecondsFor("residual-inr"), both.FogTrainSecondsPerFrameEpoch));
        Assert.Equal("fog: gpu; edge: board", both.Device);

        Assert.Contains("lacks fog_encode_batch_seconds", Assert.Throws<InputException>(() => TimingProfile.Read(WriteJson("""
            { "device": "gpu", "role": "fog", "edge_train_seconds_per_frame_epoch": 0, "fog_train_seconds_per_frame_epoch": 0 }
            """))).Message);
        Assert.Contains("role 'gpu'", Assert.Throws<InputException>(() => TimingProfile.Read(WriteJson(Old.Replace("\"device\": \"cpu\"", "\"device\": \"cpu\", \"role\": \"gpu\"")))).Message);
    }

    private static FrameMetrics Frame(int i, double encodePerFrame, int batch) =>
        new("s", i, "residual-inr", 100, 80, 20, 30, 30, 30, encodePerFrame, 0.01, 1, "", batch);

    [Fact]
    public void A_run_records_t_of_its_full_batches_and_of_a_last_partial_batch()
    {
        // inr.batch 4 over 10 frames: two full batches (8 s and 10 s) and a partial batch of 2 (5 s).
        var frames = Enumerable.Range(0, 4).Select(i => Frame(i, 2.0, 4))
            .Concat(Enumerable.Range(4, 4).Select(i => Frame(i, 2.5, 4)))
            .Concat(Enumerable.Range(8, 2).Select(i => Frame(i, 2.5, 2))).ToList();
        var points = TimingProfile.BatchPoints(frames, 4);
        Assert.Equal([2, 4], points.Keys);
        Assert.Equal(5.0, points[2], 9);
        Assert.Equal(9.0, points[4], 9);
        var profile = TimingProfile.FromMeasurements("cpu", 4, [("residual-inr", frames)], 0.01, 0.001);
        Assert.Equal(new BatchCost([(2, 5.0), (4, 9.0)]), profile.FogEncodeFor("residual-inr"));
        // An older metrics.csv (no batch column) counts every frame as in a batch of inr.batch: the old rule.
        var old = frames.Select(f => f with { EncodeBatchFrames = 0 }).ToList();
        Assert.Equal([4], TimingProfile.BatchPoints(old, 4).Keys);
        // A smaller batch measured dearer than a bigger one (noise) is lowered to it.
        var noisy = TimingProfile.BatchPoints([Frame(0, 6.0, 2), Frame(1, 6.0, 2), Frame(2, 2.5, 4)], 4);
        Assert.Equal(10.0, noisy[2], 9);
    }

    [Theory]
    [InlineData(null, 8, new[] { 1, 2, 4, 8 })]
    [InlineData(null, 6, new[] { 1, 2, 4, 6 })]
    [InlineData(null, 1, new[] { 1 })]
    [InlineData("8,1, 2,2", 99, new[] { 1, 2, 8 })]
    public void Bench_times_powers_of_two_up_to_the_fog_batch_or_the_sizes_given(string? text, int largest, int[] expected) =>
        Assert.Equal(expected, BenchCommands.BatchSizes(text, largest));

    [Fact]
    public void Metrics_without_a_batch_column_still_read()
    {
        const string header = "sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,encode_s_per_frame,decode_s_per_frame,size_group,payload_file";
        var path = WriteJson(header + "\na,1,residual-inr,200,150,50,30,31,29,1.5,0.002,1,a/1.rinr\n");
        Assert.Equal(0, CodecMetricsFile.Read(path).Single().EncodeBatchFrames);
        File.WriteAllText(path, header + ",encode_batch_frames\na,1,residual-inr,200,150,50,30,31,29,1.5,0.002,1,a/1.rinr,3\n");
        Assert.Equal(3, CodecMetricsFile.Read(path).Single().EncodeBatchFrames);
    }
}
