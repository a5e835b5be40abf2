using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;
using ResidualInr.Simulation.Tests;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>
/// Per-sequence fog encode (a video codec: one network per sequence, fitted once that round's
/// frames of the sequence are in, then per-frame object INRs in batches).
/// </summary>
public class SequenceFitTests
{
    /// <summary>
    /// Sequences "s1".."sS" of L frames each; frame keys dealt to the devices in turn (the CLI's
    /// interleaved split; a device left without a key repeats one, as there). Sizes per key from <paramref name="size"/>(key index).
    /// </summary>
    public static FrameSizes Dealt(int devices, int sequences, int length, Func<int, FrameSize> size)
    {
        var keys = Enumerable.Range(0, sequences * length).Select(i => (Sequence: $"s{i / length + 1}", Frame: i % length + 1)).ToList();
        var table = keys.Select((k, i) => (k, size(i))).ToDictionary(p => p.k, p => p.Item2);
        var perDevice = Enumerable.Range(0, devices)
            .Select(d => (IReadOnlyList<(string, int)>)keys.Where((_, i) => i % devices == d).DefaultIfEmpty(keys[d % keys.Count]).ToList()).ToList();
        return FrameSizes.FromTable(table, perDevice, k => k.Item1);
    }

    [Fact]
    public void Sizes_know_their_sequence_with_the_same_cycling_as_the_sizes()
    {
        var sizes = Dealt(2, 2, 2, i => new FrameSize(i, i));
        // Device 1 holds s1/1 and s2/1, device 2 s1/2 and s2/2; a third frame cycles.
        Assert.Equal(["s1", "s2", "s1"], Enumerable.Range(0, 3).Select(k => sizes.SequenceOf(0, k)));
        Assert.Equal(["s1", "s2"], Enumerable.Range(0, 2).Select(k => sizes.SequenceOf(1, k)));
        Assert.Null(FrameSizes.Fixed(1, 1).SequenceOf(0, 0));
    }

    private static SimulationConfig HandWorked(BatchCost? objects) =>
        // Two devices, two frames each, one frame interval of 1 s apart: one sequence s1 of four
        // frames split across them (device 1: frames 1 and 3, device 2: 2 and 4), a practically
        // infinite channel. Fit X = t(4) = 10 s, object INRs Y = 1 s a frame in one batch of 4,
        // training 1 epoch x 4 frames x 1 s.
        new(2, 2, SharingStrategy.InrTrainEdge, Dealt(2, 1, 4, _ => new FrameSize(1, 1)),
            Channel: new ChannelSettings(1e12),
            Timings: new ComputeTimings(FogEncode: objects, EdgeTrainSecondsPerFrameEpoch: 1, SequenceFit: BatchCost.PerFrame(2.5)),
            FrameIntervalSeconds: 1, Batching: FogBatching.Greedy(4));

    [Fact]
    public void By_hand_the_fog_fits_once_the_last_frame_is_in_then_batches_the_object_inrs()
    {
        // The last frames are captured at 1 s: the fit runs 1..11 s, the object batch 11..15 s,
        // training 4 s: done at 1 + X + 4Y + 4 = 19 s. The GPU was busy 14 s.
        var r = FogSimulation.Run(HandWorked(BatchCost.PerFrame(1))).Summary;
        var p = r.Path;
        Assert.Equal(19.0, r.MakespanSeconds, 6);
        Assert.Equal(14.0, r.FogGpuUtilisation * r.MakespanSeconds, 6);
        Assert.Equal(14.0, p.EncodeSeconds, 6);
        Assert.Equal(1.0, p.CaptureSeconds + p.FogWaitSeconds, 6);
        Assert.Equal(4.0, p.TrainSeconds, 6);
        Assert.Equal(0.0, p.UplinkSeconds + p.DownlinkSeconds + p.DecodeSeconds, 6);
        // Two frames waited 1 s for the others, two none: the mean wait outside GPU jobs is 0.5 s.
        Assert.Equal(0.5, r.FogWaitSecondsMean, 6);
        Assert.Equal(4, r.FogBacklogMax);
    }

    [Fact]
    public void By_hand_a_fit_that_includes_the_object_inrs_is_the_whole_encode()
    {
        // No object table: the frames are done when the fit is (11 s), training 4 s.
        var r = FogSimulation.Run(HandWorked(null)).Summary;
        Assert.Equal(15.0, r.MakespanSeconds, 6);
        Assert.Equal(10.0, r.Path.EncodeSeconds, 6);
        Assert.Equal(10.0, r.FogGpuUtilisation * r.MakespanSeconds, 6);
    }

    [Fact]
    public void Frame_by_frame_the_same_costs_finish_earlier_which_is_what_a_nerv_cannot_do()
    {
        // The old mode on the same frames: batches of what waits (t(b) = 2.5 b s), the first two
        // frames start at once; it never waits for the sequence.
        var config = HandWorked(null);
        var frames = FogSimulation.Run(config with { Timings = config.Timings! with { SequenceFit = null, FogEncode = BatchCost.PerFrame(2.5) } }).Summary;
        Assert.True(frames.MakespanSeconds < FogSimulation.Run(config).Summary.MakespanSeconds);
    }

    public static IEnumerable<object[]> Busy() =>
        from d in Enum.GetValues<Downlink>()
        from topo in Enum.GetValues<Topology>()
        from objects in new[] { true, false }
        select new object[] { d, topo, objects };

    [Theory]
    [MemberData(nameof(Busy))]
    public void A_sequences_frames_never_leave_the_fog_before_its_last_frame_settled(Downlink d, Topology topo, bool objects)
    {
        // Unique sizes tell the transfers apart: key i has a JPEG of 10_000 + i and an INR of 2_000 + i bytes.
        const int devices = 5, sequences = 4, length = 5;
        var sizes = Dealt(devices, sequences, length, i => new FrameSize(10_000 + i, 2_000 + i));
        for (int seed = 1; seed <= 4; seed++)
        {
            var r = FogSimulation.Run(new SimulationConfig(devices, sequences * length / devices, SharingStrategy.InrTrainEdge, sizes, d, topo,
                new ChannelSettings(1_000_000, LatencySeconds: 0.002, LossProbability: 0.1, MaxRetries: 1),
                new ComputeTimings(FogEncode: objects ? BatchCost.Affine(0.02, 0.01) : null, EdgeInrDecodeSeconds: 0.001,
                    EdgeTrainSecondsPerFrameEpoch: 0.01, SequenceFit: BatchCost.Affine(0.3, 0.05)),
                FrameIntervalSeconds: 0.03, Seed: seed, Batching: new FogBatching(3, 0.01)));
            int SequenceOf(long bytes, long offset) => (int)(bytes - offset) / length;
            var settled = r.Transfers.Where(t => t.Kind == "jpeg").GroupBy(t => SequenceOf(t.Bytes, 10_000)).ToDictionary(g => g.Key, g => g.Max(t => t.EndSeconds));
            var inrs = r.Transfers.Where(t => t.Kind == "inr").ToList();
            Assert.NotEmpty(inrs);
            foreach (var t in inrs)
                Assert.True(t.StartSeconds >= settled[SequenceOf(t.Bytes, 2_000)], $"seed {seed}: an INR of sequence {SequenceOf(t.Bytes, 2_000) + 1} left at {t.StartSeconds} s, before its last frame settled at {settled[SequenceOf(t.Bytes, 2_000)]} s");
            if (r.Summary.DevicesComplete > 0)
                Assert.Equal(r.Summary.MakespanSeconds, r.Summary.Path.TotalSeconds, 1e-9 * r.Summary.MakespanSeconds);
        }
    }

    [Fact]
    public void Rounds_fit_separately()
    {
        // Two rounds 100 s apart of one sequence's frames: round 1 is fitted and sent long before round 2 is captured.
        var r = FogSimulation.Run(new SimulationConfig(2, 2, SharingStrategy.InrTrainEdge, Dealt(2, 1, 4, i => new FrameSize(1, 1 + i)),
            Channel: new ChannelSettings(1e12), Timings: new ComputeTimings(SequenceFit: BatchCost.PerFrame(1)),
            Arrivals: Arrivals.Rounds(2, 100)));
        var inr = r.Transfers.Where(t => t.Kind == "inr").OrderBy(t => t.StartSeconds).ToList();
        Assert.Equal(8, inr.Count);
        Assert.All(inr.Take(4), t => Assert.Equal(4.0, t.StartSeconds, 6));
        Assert.All(inr.Skip(4), t => Assert.Equal(104.0, t.StartSeconds, 6));
    }

    [Fact]
    public void Without_compute_time_or_loss_the_bytes_are_the_closed_form()
    {
        var rng = new Random(77);
        foreach (var mode in Enum.GetValues<Downlink>())
        for (int trial = 0; trial < 15; trial++)
        {
            int n = rng.Next(2, 12), sequences = rng.Next(1, 5), length = rng.Next(1, 9), f = rng.Next(1, 6);
            long sj = rng.Next(1, 60_000), si = rng.Next(1, 20_000);
            var config = new SimulationConfig(n, f, SharingStrategy.InrTrainEdge, Dealt(n, sequences, length, _ => new FrameSize(sj, si)), mode,
                Timings: new ComputeTimings(FogEncode: rng.Next(2) == 0 ? null : BatchCost.Free, SequenceFit: BatchCost.Free),
                Batching: FogBatching.Greedy(rng.Next(1, 6)), FrameIntervalSeconds: rng.NextDouble() * 0.05, Seed: trial);
            var r = FogSimulation.Run(config).Summary;
            long expected = ClosedFormTests.ClosedFormBytes(SharingStrategy.InrTrainEdge, mode, n, f, sj, si, 0);
            Assert.Equal(expected, r.BytesOnAir);
            Assert.Equal(expected, r.BytesDelivered);
            Assert.Equal(n, r.DevicesComplete);
        }
    }
}
