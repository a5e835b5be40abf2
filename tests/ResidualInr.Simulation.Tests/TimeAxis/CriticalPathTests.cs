using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>The critical path's parts add up to the makespan, for every strategy and setting, and read right by hand.</summary>
public class CriticalPathTests
{
    public static IEnumerable<object[]> Settings() =>
        from s in Enum.GetValues<SharingStrategy>()
        from d in Enum.GetValues<Downlink>()
        from topo in Enum.GetValues<Topology>()
        from arrivals in new[] { "one", "rounds", "poisson" }
        from encode in s == SharingStrategy.InrTrainEdge ? new[] { "frames", "sequence", "sequence+objects" } : ["frames"]
        select new object[] { s, d, topo, arrivals, encode };

    /// <summary>
    /// Contention, latency, loss with retries, non-zero compute everywhere, batching with a wait.
    /// <paramref name="encode"/>: frame by frame, or per sequence (3 sequences of 8 frames dealt to the
    /// devices) with a fit that includes the object INRs or is followed by their batches.
    /// </summary>
    private static SimulationConfig Busy(SharingStrategy s, Downlink d, Topology topo, string arrivals, int seed, string encode = "frames") => new(
        Devices: 6, FramesPerDevice: 4, Strategy: s,
        Sizes: encode == "frames" ? FrameSizes.Fixed(25_000, 5_000) : SequenceFitTests.Dealt(6, 3, 8, i => new FrameSize(25_000 + 100 * i, 5_000 + 10 * i)),
        Downlink: d, Topology: topo,
        Channel: new ChannelSettings(2_000_000, LatencySeconds: 0.003, LossProbability: 0.05, MaxRetries: 3, Efficiency: [1.0, 0.9, 0.8]),
        Timings: new ComputeTimings(FogEncode: encode == "sequence" ? null : BatchCost.Affine(0.05, 0.01), EdgeJpegDecodeSeconds: 0.004, EdgeInrDecodeSeconds: 0.002,
            EdgeTrainSecondsPerFrameEpoch: 0.01, FogTrainSecondsPerFrameEpoch: 0.002, Epochs: 2, ModelBytes: 400_000,
            SequenceFit: encode == "frames" ? null : BatchCost.Affine(0.2, 0.03)),
        FrameIntervalSeconds: 0.02, Seed: seed,
        Arrivals: arrivals switch { "rounds" => Arrivals.Rounds(3, 0.5), "poisson" => Arrivals.Poisson(5, 1), _ => null },
        Batching: new FogBatching(8, MaxWaitSeconds: 0.03),
        // A broadcast has no resends: without repair nearly every device misses a frame at this loss and none completes.
        BroadcastRepair: d == Downlink.Broadcast ? BroadcastRepair.Nack : BroadcastRepair.None);

    [Theory]
    [MemberData(nameof(Settings))]
    public void The_parts_add_up_to_the_makespan(SharingStrategy s, Downlink d, Topology topo, string arrivals, string encode)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            var r = FogSimulation.Run(Busy(s, d, topo, arrivals, seed, encode));
            var sum = r.Summary;
            var p = sum.Path;
            Assert.True(sum.DevicesComplete > 0);
            Assert.Equal(sum.MakespanSeconds, p.TotalSeconds, 1e-9 * sum.MakespanSeconds);
            foreach (var part in new[] { p.CaptureSeconds, p.UplinkSeconds, p.FogWaitSeconds, p.EncodeSeconds, p.DownlinkSeconds, p.DecodeSeconds, p.TrainSeconds })
                Assert.True(part >= -1e-12, $"negative part in {p}");
            // The path belongs to the last complete device.
            var last = r.Devices.Where(x => x.Complete).MaxBy(x => x.TrainingDoneSeconds)!;
            Assert.Equal(last.Device, p.Device);
            Assert.True(p.TrainSeconds > 0);
            // Only a fog that encodes has encode time on the path (hybrid and train-auto here send INR payloads: 5 kB against 25 kB JPEGs, and a 400 kB model does not pay).
            if (s is not (SharingStrategy.InrTrainEdge or SharingStrategy.Hybrid or SharingStrategy.TrainAuto)) Assert.Equal(0, p.EncodeSeconds);
            else Assert.True(p.EncodeSeconds > 0);
            // Per sequence, the path's frame went through a fit (at least its fixed 0.2 s).
            if (encode != "frames") Assert.True(p.EncodeSeconds >= 0.2, $"encode {p.EncodeSeconds} s holds no sequence fit");
            if (s == SharingStrategy.JpegP2p) Assert.Equal(0, p.DownlinkSeconds + p.FogWaitSeconds);
            else Assert.True(p.DownlinkSeconds > 0);
        }
    }

    [Fact]
    public void By_hand_the_second_frame_waits_for_the_first_encode()
    {
        // Two devices, one frame each, a practically infinite channel: frames encoded one after
        // the other (10 s each), the later one waits 10 s; its receiver decodes it (2 s) and
        // trains 3 epochs x 2 frames x 1 s.
        var r = FogSimulation.Run(new SimulationConfig(2, 1, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(1, 1),
            Channel: new ChannelSettings(1e12),
            Timings: new ComputeTimings(FogEncode: BatchCost.PerFrame(10), EdgeInrDecodeSeconds: 2, EdgeTrainSecondsPerFrameEpoch: 1, Epochs: 3)));
        var p = r.Summary.Path;
        Assert.Equal(28.0, r.Summary.MakespanSeconds, 6);
        Assert.Equal((0.0, 10.0, 10.0, 0.0, 2.0, 6.0), (p.CaptureSeconds, Math.Round(p.FogWaitSeconds, 6), p.EncodeSeconds,
            Math.Round(p.DownlinkSeconds, 6), Math.Round(p.DecodeSeconds, 6), p.TrainSeconds));
        Assert.Equal(0, p.UplinkSeconds, 6);
    }

    [Fact]
    public void By_hand_train_fog_waits_for_every_upload_then_trains_and_sends_the_model()
    {
        // Three devices, two 100 kB frames each on a 1 MB/s channel: six uploads sharing the air end
        // together at 0.6 s; the fog trains 2 epochs x 6 frames x 0.5 s = 6 s; three 1 MB models in
        // turn from the fog's one radio: the last arrives 3 s later.
        var r = FogSimulation.Run(new SimulationConfig(3, 2, SharingStrategy.TrainFog, FrameSizes.Fixed(100_000, 1),
            Channel: new ChannelSettings(1_000_000),
            Timings: new ComputeTimings(FogTrainSecondsPerFrameEpoch: 0.5, Epochs: 2, ModelBytes: 1_000_000)));
        var p = r.Summary.Path;
        Assert.Equal(9.6, r.Summary.MakespanSeconds, 6);
        Assert.Equal((0.0, 0.6, 0.0, 0.0, 3.0, 0.0, 6.0), (p.CaptureSeconds, Math.Round(p.UplinkSeconds, 6), p.FogWaitSeconds, p.EncodeSeconds,
            Math.Round(p.DownlinkSeconds, 6), p.DecodeSeconds, p.TrainSeconds));
    }
}
