using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>
/// The hybrid fog picks, per frame, the JPEG it received or the INR payload. Its two limits are the pure strategies:
/// a deadline of 0 is jpeg-fog, an infinite one is inr-train-edge; the smaller rule never costs more bytes than the
/// better of the two, and equals DESIGN.md's closed form with each frame's smaller payload.
/// </summary>
public class HybridTests
{
    private const double C = 2_000_000;

    /// <summary>Per-frame sizes where neither payload is always the smaller, with object PSNRs around each other.</summary>
    private static FrameSizes MixedSizes(Random rng, int devices, int frames)
    {
        var table = new Dictionary<(int, int), FrameSize>();
        var keys = new List<IReadOnlyList<(int, int)>>();
        for (int d = 0; d < devices; d++)
        {
            var mine = new List<(int, int)>();
            for (int k = 0; k < frames; k++)
            {
                table[(d, k)] = new FrameSize(rng.Next(2_000, 40_000), rng.Next(5_000, 12_000), 20 + rng.NextDouble() * 10, 20 + rng.NextDouble() * 10);
                mine.Add((d, k));
            }
            keys.Add(mine);
        }
        return FrameSizes.FromTable(table, keys);
    }

    /// <summary>A random configuration: N, F, mixed sizes, downlink, links, encode, decode and training times (INR and JPEG frames apart), batching.</summary>
    private static SimulationConfig RandomConfig(Random rng, int trial, double loss = 0)
    {
        int n = rng.Next(2, 10), f = rng.Next(1, 5);
        return new SimulationConfig(n, f, SharingStrategy.Hybrid, MixedSizes(rng, n, f),
            rng.Next(2) == 0 ? Downlink.Unicast : Downlink.Broadcast, rng.Next(2) == 0 ? Topology.SharedChannel : Topology.PerDeviceLinks,
            new ChannelSettings(C, rng.NextDouble() * 0.005, loss, 3),
            new ComputeTimings(BatchCost.Parse(BatchTable(0.01 + rng.NextDouble() * 0.2, 1 + rng.NextDouble() * 2)),
                rng.NextDouble() * 0.01, rng.NextDouble() * 0.02, rng.NextDouble() * 0.05, Epochs: rng.Next(1, 3),
                EdgeTrainJpegSecondsPerFrameEpoch: rng.NextDouble() * 0.05),
            FrameIntervalSeconds: rng.NextDouble() * 0.05, Seed: trial, Batching: FogBatching.Greedy(rng.Next(1, 5)));
    }

    /// <summary>t(1) = one and t(4) = one x growth (a batch of 4 costs at least as much as a batch of 1).</summary>
    private static string BatchTable(double one, double growth) => FormattableString.Invariant($"1:{one:R},4:{one * growth:R}");

    /// <summary>What a strategy's run reports, with the strategy's name and the kernel's event count (bookkeeping) set aside.</summary>
    private static (RunSummary Summary, IReadOnlyList<DeviceRecord> Devices) Outcome(SimulationResult r) =>
        (r.Summary with { Strategy = SharingStrategy.Hybrid, EventsProcessed = 0 }, r.Devices);

    private static void AssertSameOutcome(SimulationResult expected, SimulationResult actual)
    {
        var (es, ed) = Outcome(expected);
        var (s, d) = Outcome(actual);
        Assert.Equal(es, s);
        Assert.Equal(ed, d);
    }

    [Fact]
    public void Smaller_never_puts_more_bytes_on_air_than_the_better_of_jpeg_fog_and_inr_train_edge()
    {
        var rng = new Random(19);
        for (int trial = 0; trial < 40; trial++)
        {
            // Bytes alone decide (no object PSNR limit): the rule the property is stated under.
            var config = RandomConfig(rng, trial) with { Hybrid = new HybridPolicy(HybridRule.Smaller, ObjectPsnrLossMaxDb: 1000) };
            long hybrid = FogSimulation.Run(config).Summary.BytesOnAir;
            long jpegFog = FogSimulation.Run(config with { Strategy = SharingStrategy.JpegFog }).Summary.BytesOnAir;
            long inrEdge = FogSimulation.Run(config with { Strategy = SharingStrategy.InrTrainEdge }).Summary.BytesOnAir;
            Assert.True(hybrid <= Math.Min(jpegFog, inrEdge), $"trial {trial}: hybrid {hybrid} > min(jpeg-fog {jpegFog}, inr-train-edge {inrEdge})");
        }
    }

    [Fact]
    public void Smaller_puts_each_frames_smaller_payload_on_air_as_the_closed_form_says()
    {
        var rng = new Random(1919);
        for (int trial = 0; trial < 30; trial++)
        {
            var config = RandomConfig(rng, trial) with { Hybrid = new HybridPolicy(HybridRule.Smaller, ObjectPsnrLossMaxDb: 1000) };
            int n = config.Devices;
            // DESIGN.md's table per frame: the JPEG up once, then its smaller payload to N-1 receivers (once for a shared-channel broadcast).
            long copies = config.Downlink == Downlink.Broadcast && config.Topology == Topology.SharedChannel ? 1 : n - 1;
            long expected = 0, inrFrames = 0;
            for (int d = 0; d < n; d++)
                for (int k = 0; k < config.FramesPerDevice; k++)
                {
                    var s = config.Sizes.For(d, k);
                    expected += s.JpegBytes + copies * Math.Min(s.JpegBytes, s.InrBytes);
                    if (s.InrBytes < s.JpegBytes) inrFrames++;
                }
            var r = FogSimulation.Run(config).Summary;
            Assert.Equal(expected, r.BytesOnAir);
            Assert.Equal(inrFrames, r.FogInrFrames);
            Assert.Equal(n * config.FramesPerDevice - inrFrames, r.FogJpegFrames);
        }
    }

    [Fact]
    public void Smaller_sends_an_INR_payload_only_when_it_is_smaller_and_its_object_PSNR_is_within_the_allowed_loss()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            double lossMax = rng.NextDouble() * 4;
            var config = RandomConfig(rng, trial) with { Hybrid = new HybridPolicy(HybridRule.Smaller, ObjectPsnrLossMaxDb: lossMax) };
            long smallerAndGood = 0, smallerButWorse = 0;
            for (int d = 0; d < config.Devices; d++)
                for (int k = 0; k < config.FramesPerDevice; k++)
                {
                    var s = config.Sizes.For(d, k);
                    if (s.InrBytes >= s.JpegBytes) continue;
                    if (s.JpegObjectPsnrDb - s.InrObjectPsnrDb <= lossMax) smallerAndGood++;
                    else smallerButWorse++;
                }
            var result = FogSimulation.Run(config);
            Assert.Equal(smallerAndGood, result.Summary.FogInrFrames);
            long receivers = config.Downlink == Downlink.Broadcast && config.Topology == Topology.SharedChannel ? 1 : config.Devices - 1;
            var fromFog = result.Transfers.Where(t => t.Source == "fog").ToList();
            Assert.Equal(smallerButWorse * receivers, fromFog.Count(t => t.Reason == PayloadReason.ObjectPsnr));
            Assert.All(fromFog.Where(t => t.Reason == PayloadReason.ObjectPsnr), t => Assert.Equal("jpeg", t.Kind));
            Assert.All(fromFog.Where(t => t.Kind == "inr"), t => Assert.Equal(PayloadReason.Smaller, t.Reason));
            Assert.All(result.Transfers.Where(t => t.Source != "fog"), t => Assert.Equal(PayloadReason.Strategy, t.Reason));
            // Never more bytes than forwarding every JPEG: every INR it sends is smaller.
            Assert.True(result.Summary.BytesOnAir <= FogSimulation.Run(config with { Strategy = SharingStrategy.JpegFog }).Summary.BytesOnAir);
        }
    }

    [Fact]
    public void A_deadline_of_0_is_jpeg_fog()
    {
        var rng = new Random(190);
        for (int trial = 0; trial < 25; trial++)
        {
            // With losses too: the same frames take the same path, so the same draws follow.
            var config = RandomConfig(rng, trial, loss: trial % 2 == 0 ? 0 : 0.2) with { Hybrid = new HybridPolicy(HybridRule.Deadline, DeadlineSeconds: 0) };
            var hybrid = FogSimulation.Run(config);
            // Devices that got only JPEGs train at the JPEG rate, as jpeg-fog's do.
            var jpegFog = config with
            {
                Strategy = SharingStrategy.JpegFog,
                Timings = config.Timings! with { EdgeTrainSecondsPerFrameEpoch = config.Timings.EdgeTrainJpegSecondsPerFrameEpoch!.Value },
            };
            AssertSameOutcome(FogSimulation.Run(jpegFog), hybrid);
            Assert.Equal(0, hybrid.Summary.FogInrFrames);
            Assert.All(hybrid.Transfers.Where(t => t.Source == "fog"), t => Assert.Equal(PayloadReason.Deadline, t.Reason));
        }
    }

    [Fact]
    public void An_infinite_deadline_is_inr_train_edge_and_with_the_smaller_rule_is_the_smaller_rule()
    {
        var rng = new Random(191);
        for (int trial = 0; trial < 25; trial++)
        {
            var config = RandomConfig(rng, trial, loss: trial % 2 == 0 ? 0 : 0.2);
            var deadlineOnly = FogSimulation.Run(config with { Hybrid = new HybridPolicy(HybridRule.Deadline) });
            AssertSameOutcome(FogSimulation.Run(config with { Strategy = SharingStrategy.InrTrainEdge }), deadlineOnly);
            Assert.All(deadlineOnly.Transfers.Where(t => t.Source == "fog"), t => Assert.Equal(PayloadReason.InTime, t.Reason));

            var both = FogSimulation.Run(config with { Hybrid = new HybridPolicy(HybridRule.Both, ObjectPsnrLossMaxDb: 2) });
            var smaller = FogSimulation.Run(config with { Hybrid = new HybridPolicy(HybridRule.Smaller, ObjectPsnrLossMaxDb: 2) });
            Assert.Equal(smaller.Summary with { EventsProcessed = 0 }, both.Summary with { EventsProcessed = 0 });
            Assert.Equal(smaller.Transfers, both.Transfers);
        }
    }

    [Fact]
    public void The_deadline_sends_the_JPEG_for_the_frame_the_encode_backlog_would_make_late()
    {
        // Two devices, one frame each, captured together: both JPEGs (30 kB) share the channel and reach the fog at
        // 2 x 30 kB / C = 0.03 s. The fog encodes one frame at a time in 0.5 s; an INR payload (8 kB) takes 0.004 s
        // to its one receiver. The first frame is predicted at 0.03 + 0.5 + 0.004 = 0.534 s, the second, behind it,
        // at 1.034 s: a deadline of 0.8 s lets the first go as an INR payload and sends the second's JPEG.
        var config = new SimulationConfig(2, 1, SharingStrategy.Hybrid, FrameSizes.Fixed(30_000, 8_000),
            Timings: new ComputeTimings(BatchCost.PerFrame(0.5)), Batching: FogBatching.Greedy(1),
            Hybrid: new HybridPolicy(HybridRule.Deadline, DeadlineSeconds: 0.8));
        var r = FogSimulation.Run(config);
        var fromFog = r.Transfers.Where(t => t.Source == "fog").OrderBy(t => t.StartSeconds).ToList();
        Assert.Equal(2, fromFog.Count);
        Assert.Equal(("jpeg", PayloadReason.Deadline), (fromFog[0].Kind, fromFog[0].Reason)); // relayed at once, at 0.03 s
        Assert.Equal(("inr", PayloadReason.InTime), (fromFog[1].Kind, fromFog[1].Reason));
        Assert.Equal(0.534, fromFog[1].EndSeconds, 1e-9); // the prediction is exact when nothing else is on the air
        Assert.Equal((1L, 1L), (r.Summary.FogInrFrames, r.Summary.FogJpegFrames));
        Assert.Equal(0.5, r.Summary.InrShare);

        // Just above the later prediction, both go as INR payloads; just below the earlier one, neither does.
        Assert.Equal(2, FogSimulation.Run(config with { Hybrid = new HybridPolicy(HybridRule.Deadline, 1.035) }).Summary.FogInrFrames);
        Assert.Equal(0, FogSimulation.Run(config with { Hybrid = new HybridPolicy(HybridRule.Deadline, 0.533) }).Summary.FogInrFrames);
    }

    [Fact]
    public void A_hybrid_device_trains_at_the_INR_and_JPEG_rates_mixed_as_its_frames_came()
    {
        // Three devices, one frame each: device 1's and 2's INR payloads are smaller (8 kB against 30 kB), device 3's
        // JPEG is (5 kB against 8 kB). Device 1 receives one INR payload and one JPEG: it trains 3 frames x 2 epochs at
        // (1 x 0.3 + 1 x 0.1) / 2 = 0.2 s per frame-epoch, 1.2 s. Device 3 receives two INR payloads: 3 x 2 x 0.3 = 1.8 s.
        var table = new Dictionary<int, FrameSize> { [0] = new(30_000, 8_000), [1] = new(30_000, 8_000), [2] = new(5_000, 8_000) };
        var config = new SimulationConfig(3, 1, SharingStrategy.Hybrid, FrameSizes.FromTable(table, [[0], [1], [2]]),
            Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: 0.3, Epochs: 2, EdgeTrainJpegSecondsPerFrameEpoch: 0.1));
        var devices = FogSimulation.Run(config).Devices;
        Assert.Equal(1.2, devices[0].TrainingDoneSeconds - devices[0].TrainingStartSeconds, 9);
        Assert.Equal(1.8, devices[2].TrainingDoneSeconds - devices[2].TrainingStartSeconds, 9);
    }

    [Fact]
    public void The_pure_strategies_report_their_payload_shares()
    {
        var config = new SimulationConfig(4, 3, SharingStrategy.JpegFog, FrameSizes.Fixed(30_000, 8_000));
        var jpegFog = FogSimulation.Run(config).Summary;
        Assert.Equal((0L, 12L, 0.0), (jpegFog.FogInrFrames, jpegFog.FogJpegFrames, jpegFog.InrShare));
        var inr = FogSimulation.Run(config with { Strategy = SharingStrategy.InrTrainEdge }).Summary;
        Assert.Equal((12L, 0L, 1.0), (inr.FogInrFrames, inr.FogJpegFrames, inr.InrShare));
        Assert.True(double.IsNaN(FogSimulation.Run(config with { Strategy = SharingStrategy.JpegP2p }).Summary.InrShare));
        Assert.True(double.IsNaN(FogSimulation.Run(config with { Strategy = SharingStrategy.TrainFog }).Summary.InrShare));
    }

    [Fact]
    public void Hybrid_refuses_a_video_codec_and_impossible_policies()
    {
        var config = new SimulationConfig(2, 1, SharingStrategy.Hybrid, FrameSizes.Fixed(30_000, 8_000));
        var sequence = Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Timings = new ComputeTimings(SequenceFit: BatchCost.PerFrame(1)) }));
        Assert.Contains("per-frame codec", sequence.Message);
        Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Hybrid = new HybridPolicy(HybridRule.Deadline, -1) }));
        Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Hybrid = new HybridPolicy(ObjectPsnrLossMaxDb: double.NaN) }));
    }
}
