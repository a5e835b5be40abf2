using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>
/// A loss-free broadcast to every device but one is recorded once and replayed into the devices later
/// (BroadcastReceipts), instead of being delivered to each receiver as it ends. That is only a cheaper way to
/// compute the same run: every device row, the summary (the kernel's event count included) and every transfer
/// are the same, bit for bit, as when each receiver is visited.
/// </summary>
public class BroadcastReceiptsTests
{
    private static readonly SharingStrategy[] Strategies =
        [SharingStrategy.JpegP2p, SharingStrategy.JpegFog, SharingStrategy.InrTrainEdge, SharingStrategy.TrainFog, SharingStrategy.Hybrid, SharingStrategy.TrainAuto];

    /// <summary>
    /// A random broadcast run without loss: N, F, frame sizes that differ per frame, links, latency, decode times from
    /// none to longer than a frame's air time (so decode queues build up), training, batching and capture times.
    /// </summary>
    private static SimulationConfig RandomConfig(Random rng, int trial)
    {
        int n = rng.Next(1, 13), f = rng.Next(1, 5);
        var sizes = new Dictionary<(int, int), FrameSize>();
        var keys = new List<IReadOnlyList<(int, int)>>();
        for (int d = 0; d < n; d++)
        {
            var mine = new List<(int, int)>();
            for (int k = 0; k < f; k++)
            {
                sizes[(d, k)] = new FrameSize(rng.Next(2_000, 40_000), rng.Next(1_000, 12_000), 20 + rng.NextDouble() * 10, 20 + rng.NextDouble() * 10);
                mine.Add((d, k));
            }
            keys.Add(mine);
        }
        double decodeScale = rng.Next(3) switch { 0 => 0, 1 => 0.002, _ => 0.05 };
        var arrivals = rng.Next(3) switch
        {
            0 => Arrivals.OneRound,
            1 => Arrivals.Rounds(rng.Next(1, 4), rng.NextDouble() * 0.3),
            _ => Arrivals.Poisson(1 + rng.NextDouble() * 5, 1 + rng.NextDouble()),
        };
        return new SimulationConfig(n, f, Strategies[rng.Next(Strategies.Length)], FrameSizes.FromTable(sizes, keys),
            Downlink.Broadcast, rng.Next(2) == 0 ? Topology.SharedChannel : Topology.PerDeviceLinks,
            new ChannelSettings(2_000_000, rng.Next(2) == 0 ? 0 : rng.NextDouble() * 0.005, 0, 3),
            new ComputeTimings(BatchCost.Parse(FormattableString.Invariant($"1:{0.001 + rng.NextDouble() * 0.05:R}")),
                rng.NextDouble() * decodeScale, rng.NextDouble() * decodeScale, rng.NextDouble() * 0.01, rng.NextDouble() * 0.002,
                Epochs: rng.Next(1, 3), ModelBytes: rng.Next(0, 200_000), EdgeTrainJpegSecondsPerFrameEpoch: rng.NextDouble() * 0.01),
            FrameIntervalSeconds: rng.Next(2) == 0 ? 0 : rng.NextDouble() * 0.02, Seed: trial, Arrivals: arrivals,
            Batching: FogBatching.Greedy(rng.Next(1, 5)),
            Hybrid: new HybridPolicy(HybridRule.Deadline, DeadlineSeconds: rng.NextDouble() * 0.2));
    }

    [Fact]
    public void Recording_a_loss_free_broadcast_once_gives_every_device_the_row_delivering_it_to_each_receiver_gives()
    {
        var rng = new Random(16);
        for (int trial = 0; trial < 300; trial++)
        {
            var config = RandomConfig(rng, trial);
            var perReceiver = FogSimulation.Run(config, null, perReceiver: true);
            var recorded = FogSimulation.Run(config, null, perReceiver: false);
            Assert.Equal(perReceiver.Devices, recorded.Devices);
            Assert.Equal(perReceiver.Summary, recorded.Summary);
            Assert.Equal(perReceiver.Transfers, recorded.Transfers);
        }
    }

    [Fact]
    public void Three_thousand_devices_broadcasting_one_frame_each_give_the_same_rows_either_way()
    {
        // Large enough for the replay to run in full vector blocks (and blocks split at a device's own frame).
        var config = new SimulationConfig(3_000, 1, SharingStrategy.JpegFog, FrameSizes.Fixed(30_000, 8_000), Downlink.Broadcast,
            Timings: new ComputeTimings(EdgeJpegDecodeSeconds: 0.0171), RecordTransfers: false);
        var perReceiver = FogSimulation.Run(config, null, perReceiver: true);
        var recorded = FogSimulation.Run(config, null, perReceiver: false);
        Assert.Equal(perReceiver.Devices, recorded.Devices);
        Assert.Equal(perReceiver.Summary, recorded.Summary);
    }
}
