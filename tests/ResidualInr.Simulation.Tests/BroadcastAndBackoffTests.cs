using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Network.Mac;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>802.11 broadcast (no ACK, no resend, loss per receiver), NACK repair, and the resend backoff.</summary>
public class BroadcastAndBackoffTests
{
    private static SimulationConfig Lossy(SharingStrategy s, Topology topo, double loss, int seed, BroadcastRepair repair = BroadcastRepair.None, int retries = 3) =>
        new(6, 3, s, FrameSizes.Fixed(10_000, 2_000), Downlink.Broadcast, topo,
            Channel: new ChannelSettings(2_000_000, LossProbability: loss, MaxRetries: retries),
            Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: 0.01, ModelBytes: 50_000), Seed: seed, BroadcastRepair: repair);

    public static IEnumerable<object[]> Cases() =>
        from s in new[] { SharingStrategy.JpegP2p, SharingStrategy.JpegFog, SharingStrategy.InrTrainEdge }
        from topo in new[] { Topology.SharedChannel, Topology.PerDeviceLinks }
        select new object[] { s, topo };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Broadcast_loss_is_per_receiver_and_delivered_plus_lost_is_receivers_times_frames(SharingStrategy s, Topology topo)
    {
        bool sawPartial = false;
        foreach (double loss in new[] { 0.05, 0.2, 0.5 })
            for (int seed = 1; seed <= 5; seed++)
            {
                var r = FogSimulation.Run(Lossy(s, topo, loss, seed));
                var sum = r.Summary;
                Assert.Equal(sum.FramesCaptured * 5, sum.FramesDelivered + sum.FramesLost);
                Assert.Equal(r.Devices.Sum(x => (long)x.FramesLost), sum.FramesLost);
                Assert.All(r.Devices, x => Assert.Equal(x.FramesLost == 0 && !double.IsNaN(x.TrainingDoneSeconds), x.Complete));
                Assert.Equal(r.Devices.Count(x => x.Complete), sum.DevicesComplete);
                Assert.Equal(0, sum.FramesRepaired);
                // Broadcasts are sent once; their bytes are on the air once.
                Assert.All(r.Transfers.Where(t => t.Destinations.StartsWith("broadcast:")), t => Assert.Equal(0, t.Retries));
                Assert.Equal(r.Transfers.Sum(t => (1L + t.Retries) * t.Bytes), sum.BytesOnAir);
                sawPartial |= r.Transfers.Any(t => t.Destinations.StartsWith("broadcast:") && t.Missed > 0 && !t.Lost);
            }
        if (topo == Topology.SharedChannel || s == SharingStrategy.JpegP2p) Assert.True(sawPartial, "some broadcast should reach some receivers and miss others");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nack_repair_resends_each_miss_and_every_device_completes(SharingStrategy s, Topology topo)
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            var r = FogSimulation.Run(Lossy(s, topo, 0.3, seed, BroadcastRepair.Nack, retries: 1000));
            var sum = r.Summary;
            // Only broadcasts miss here: a unicast (uplink, repair) has 1000 retries.
            long broadcastMisses = r.Transfers.Where(t => t.Missed > 0).Sum(t => (long)t.Missed);
            Assert.True(sum.FramesRepaired > 0);
            Assert.Equal(broadcastMisses, sum.FramesRepaired);
            Assert.Equal(0, sum.FramesLost);
            Assert.Equal(sum.FramesCaptured * 5, sum.FramesDelivered);
            Assert.Equal(6, sum.DevicesComplete);
            Assert.Equal(sum.MakespanSeconds, sum.Path.TotalSeconds, 1e-9 * sum.MakespanSeconds);
        }
    }

    [Fact]
    public void Network_level_repair_count_equals_the_misses_and_a_broadcast_can_reach_some_and_miss_others()
    {
        var env = new SimEnvironment();
        var done = new List<Transmission>();
        var net = new WirelessNetwork(env, 20, Topology.SharedChannel, new ChannelSettings(1_000_000, LossProbability: 0.4, MaxRetries: 1000),
            new RandomStreams(7), done.Add, repair: BroadcastRepair.Nack);
        for (int k = 0; k < 50; k++) net.Send(net.Fog, ReceiverSet.AllDevicesExcept(20, -1), 1000, PayloadKind.Inr, Downlink.Broadcast, null);
        env.Run();
        var broadcasts = done.Where(t => t.Broadcast).ToList();
        Assert.Equal(50, broadcasts.Count);
        Assert.Contains(broadcasts, t => t.Missed.Count is > 0 and < 20);
        Assert.Equal(broadcasts.Sum(t => t.Missed.Count), done.Count(t => t.IsRepair && !t.Lost));
        Assert.All(broadcasts, t => Assert.Equal(0, t.Retries));
        // Miss rate per receiver ≈ p.
        Assert.InRange(broadcasts.Sum(t => t.Missed.Count) / (50.0 * 20), 0.33, 0.47);
    }

    [Fact]
    public void Fog_broadcast_over_per_device_links_is_one_broadcast_per_link()
    {
        var env = new SimEnvironment();
        var done = new List<Transmission>();
        var net = new WirelessNetwork(env, 10, Topology.PerDeviceLinks, new ChannelSettings(1_000_000, LossProbability: 0.5, MaxRetries: 5), new RandomStreams(3), done.Add);
        net.Send(net.Fog, ReceiverSet.AllDevicesExcept(10, 0), 1000, PayloadKind.Jpeg, Downlink.Broadcast, null);
        env.Run();
        Assert.Equal(9, done.Count);
        Assert.All(done, t => { Assert.True(t.Broadcast); Assert.Equal(0, t.Retries); Assert.Equal(1, t.Destinations.Count); });
        Assert.Equal(9 * 1000, net.BytesOnAir);
    }

    [Theory]
    [InlineData(0.1, 3)]
    [InlineData(0.3, 3)]
    [InlineData(0.5, 7)]
    public void Mean_attempts_per_unicast_is_the_truncated_geometric_mean(double p, int retries)
    {
        var (done, _) = Unicasts(p, retries, 20_000, BackoffSettings.Dot11g);
        double mean = done.Average(t => 1.0 + t.Retries);
        double expected = (1 - Math.Pow(p, retries + 1)) / (1 - p); // 1/(1-p) truncated at the retry limit
        Assert.InRange(mean / expected, 0.98, 1.02);
        double lost = done.Count(t => t.Lost) / (double)done.Count;
        Assert.InRange(lost, Math.Pow(p, retries + 1) * 0.8 - 1e-3, Math.Pow(p, retries + 1) * 1.2 + 1e-3);
    }

    [Fact]
    public void Backoff_adds_slot_times_cw_over_two_per_stage_and_nothing_else()
    {
        var backoff = new BackoffSettings(1e-3, 15, 255);
        var (done, attemptSeconds) = Unicasts(0.5, 7, 20_000, backoff);
        // Each transfer: its attempts on the air back to back, plus its backoffs (a single sender: no sharing, no latency).
        Assert.All(done, t => Assert.Equal((1 + t.Retries) * attemptSeconds + t.BackoffSeconds, t.EndSeconds - t.StartSeconds, 9));
        double expected = done.Sum(t => Enumerable.Range(1, t.Retries).Sum(k => backoff.SlotSeconds * backoff.WindowFor(k) / 2.0));
        Assert.InRange(done.Sum(t => t.BackoffSeconds) / expected, 0.97, 1.03);
        Assert.Equal([31, 63, 127, 255, 255], Enumerable.Range(1, 5).Select(backoff.WindowFor));
    }

    [Fact]
    public void The_backoff_comes_from_the_mac_or_defaults_to_802_11g()
    {
        Assert.Equal(new BackoffSettings(9e-6, 15, 1023), new ChannelSettings().BackoffOrDefault);
        var b = DcfModel.ChannelSettings(WifiStandard.B, 11, 1500, false, 4).Backoff!;
        var d = DcfModel.Parameters(WifiStandard.B, 11);
        Assert.Equal(new BackoffSettings(d.SlotSeconds, d.CwMin, d.CwMax), b);
        Assert.Equal(20e-6, b.SlotSeconds, 12);
        Assert.Equal(31, b.CwMin);
    }

    private static (List<Transmission> Done, double AttemptSeconds) Unicasts(double p, int retries, int count, BackoffSettings backoff)
    {
        var env = new SimEnvironment();
        var done = new List<Transmission>();
        var net = new WirelessNetwork(env, 1, Topology.SharedChannel, new ChannelSettings(1_000_000, LossProbability: p, MaxRetries: retries, Backoff: backoff),
            new RandomStreams(11), done.Add);
        for (int k = 0; k < count; k++) net.Send(net.Fog, ReceiverSet.Of(0), 1000, PayloadKind.Inr, Downlink.Unicast, null);
        env.Run();
        return (done, 1000 / 1_000_000.0);
    }
}
