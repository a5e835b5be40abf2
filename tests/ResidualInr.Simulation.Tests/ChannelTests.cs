using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

public class ChannelTests
{
    private static (SimEnvironment Env, WirelessNetwork Net, List<Transmission> Done) Network(int devices, ChannelSettings settings, Topology topology = Topology.SharedChannel)
    {
        var env = new SimEnvironment();
        var done = new List<Transmission>();
        var net = new WirelessNetwork(env, devices, topology, settings, new RandomStreams(1), done.Add);
        return (env, net, done);
    }

    [Fact]
    public void Processor_sharing_finish_times_are_exact()
    {
        // C = 1000 B/s. dev1 sends 1000 B and dev2 sends 3000 B at t=0: both get 500 B/s until
        // dev1 finishes at 2 s, then dev2 has 2000 B left at 1000 B/s and finishes at 4 s.
        var (env, net, done) = Network(2, new ChannelSettings(1000));
        net.Send(0, ReceiverSet.Of(net.Fog), 1000, PayloadKind.Jpeg, Downlink.Unicast, null);
        net.Send(1, ReceiverSet.Of(net.Fog), 3000, PayloadKind.Jpeg, Downlink.Unicast, null);
        env.Run();
        Assert.Equal([2.0, 4.0], done.Select(t => t.EndSeconds));
        Assert.Equal(4.0, net.Channels[0].BusySeconds, 12);
    }

    [Fact]
    public void A_transfer_that_joins_later_gets_the_recomputed_share()
    {
        // dev1: 2000 B at t=0 alone (1000 B/s) until dev2 joins at 1 s with 500 B; then 500 B/s each:
        // dev2 done at 2 s, dev1 has 500 B left at 2 s and finishes at 2.5 s.
        var (env, net, done) = Network(2, new ChannelSettings(1000));
        net.Send(0, ReceiverSet.Of(net.Fog), 2000, PayloadKind.Jpeg, Downlink.Unicast, null);
        env.Call(1, () => net.Send(1, ReceiverSet.Of(net.Fog), 500, PayloadKind.Jpeg, Downlink.Unicast, null));
        env.Run();
        Assert.Equal([2.0, 2.5], done.Select(t => t.EndSeconds));
    }

    [Fact]
    public void Efficiency_table_scales_the_shared_capacity()
    {
        // Two senders with eta(2) = 0.5 share 500 B/s: 250 B/s each.
        var (env, net, done) = Network(2, new ChannelSettings(1000, Efficiency: [1.0, 0.5]));
        net.Send(0, ReceiverSet.Of(net.Fog), 500, PayloadKind.Jpeg, Downlink.Unicast, null);
        net.Send(1, ReceiverSet.Of(net.Fog), 500, PayloadKind.Jpeg, Downlink.Unicast, null);
        env.Run();
        Assert.All(done, t => Assert.Equal(2.0, t.EndSeconds, 12));
    }

    [Fact]
    public void A_node_sends_one_transfer_at_a_time_with_latency_before_each()
    {
        var (env, net, done) = Network(1, new ChannelSettings(1000, LatencySeconds: 0.1));
        net.Send(net.Fog, ReceiverSet.Of(0), 100, PayloadKind.Inr, Downlink.Unicast, null);
        net.Send(net.Fog, ReceiverSet.Of(0), 100, PayloadKind.Inr, Downlink.Unicast, null);
        env.Run();
        Assert.Equal([0.2, 0.4], done.Select(t => Math.Round(t.EndSeconds, 12)));
        Assert.Equal([0.0, 0.2], done.Select(t => Math.Round(t.StartSeconds, 12)));
    }

    [Fact]
    public void Broadcast_takes_airtime_once_and_reaches_every_receiver()
    {
        var (env, net, done) = Network(4, new ChannelSettings(1000));
        net.Send(net.Fog, ReceiverSet.Of(0, 1, 2, 3), 1000, PayloadKind.Model, Downlink.Broadcast, null);
        env.Run();
        var t = Assert.Single(done);
        Assert.Equal(4, t.Destinations.Count);
        Assert.Equal(1.0, t.EndSeconds);
        Assert.Equal(1000, net.BytesOnAir);
    }

    [Fact]
    public void Per_device_links_run_in_parallel_and_a_fog_broadcast_costs_a_copy_per_link()
    {
        var (env, net, done) = Network(3, new ChannelSettings(1000), Topology.PerDeviceLinks);
        net.Send(net.Fog, ReceiverSet.Of(0, 1, 2), 1000, PayloadKind.Model, Downlink.Broadcast, null);
        env.Run();
        Assert.Equal(3, done.Count);
        Assert.All(done, t => Assert.Equal(1.0, t.EndSeconds));
        Assert.Equal(3000, net.BytesOnAir);
    }

    [Fact]
    public void Lost_attempts_are_retried_then_recorded_lost_never_dropped()
    {
        var (env, net, done) = Network(1, new ChannelSettings(1000, LossProbability: 0.5, MaxRetries: 2));
        for (int i = 0; i < 200; i++) net.Send(0, ReceiverSet.Of(net.Fog), 10, PayloadKind.Jpeg, Downlink.Unicast, null);
        env.Run();
        Assert.Equal(200, done.Count);
        Assert.Contains(done, t => t.Lost);
        Assert.Contains(done, t => t.Retries > 0 && !t.Lost);
        Assert.All(done.Where(t => t.Lost), t => Assert.Equal(2, t.Retries));
        Assert.Equal(done.Sum(t => (1 + t.Retries) * t.Bytes), net.BytesOnAir);
        // With p = 0.5 and 3 attempts, about 1/8 are lost.
        Assert.InRange(done.Count(t => t.Lost), 10, 45);
    }
}

public class SimulationTests
{
    private static SimulationConfig Contended(SharingStrategy s, Downlink d, int seed = 3) => new(
        Devices: 8, FramesPerDevice: 5, Strategy: s, Sizes: FrameSizes.Fixed(20_000, 3_000), Downlink: d,
        Channel: new ChannelSettings(2_000_000, LatencySeconds: 0.002, LossProbability: 0.1, MaxRetries: 2, Efficiency: [1.0, 0.9, 0.85, 0.8]),
        Timings: new ComputeTimings(FogEncode: BatchCost.Measured(4, 0.2), EdgeJpegDecodeSeconds: 0.003, EdgeInrDecodeSeconds: 0.001,
            EdgeTrainSecondsPerFrameEpoch: 0.01, FogTrainSecondsPerFrameEpoch: 0.001, Epochs: 2, ModelBytes: 500_000),
        FrameIntervalSeconds: 0.033, Seed: seed, Batching: FogBatching.Greedy(4));

    public static IEnumerable<object[]> All() => ClosedFormTests.Cases();

    [Theory]
    [MemberData(nameof(All))]
    public void Under_contention_and_loss_bytes_are_conserved_and_no_transfer_beats_the_channel(SharingStrategy s, Downlink d)
    {
        var config = Contended(s, d);
        var result = FogSimulation.Run(config);
        var sum = result.Summary;
        Assert.Equal(sum.BytesOffered, sum.BytesDelivered + sum.BytesLost);
        Assert.Equal(result.Transfers.Sum(t => (1L + t.Retries) * t.Bytes), sum.BytesOnAir);
        Assert.Equal(sum.Transfers, result.Transfers.Count);
        foreach (var t in result.Transfers)
        {
            double minimum = (1 + t.Retries) * (t.Bytes / 2_000_000.0 + 0.002);
            Assert.True(t.EndSeconds - t.StartSeconds >= minimum - 1e-9, $"{t} finished faster than the channel allows");
        }
        // Received bytes: each transfer counts once per receiver that got it (a broadcast's misses do not).
        long received = result.Transfers.Where(t => t.Destinations != "fog")
            .Sum(t => t.Bytes * ((t.Destinations.StartsWith("broadcast:") ? int.Parse(t.Destinations[10..]) : 1) - t.Missed));
        Assert.Equal(received, result.Devices.Sum(x => x.BytesReceived));
        Assert.All(result.Devices, x => Assert.True(x.TrainingDoneSeconds >= x.DataCompleteSeconds));
        // Over complete devices only (a broadcast is not resent, so a device may miss a frame and not complete).
        Assert.Equal(result.Devices.Where(x => x.Complete).Select(x => x.TrainingDoneSeconds).DefaultIfEmpty(double.NaN).Max(), sum.MakespanSeconds);
    }

    [Fact]
    public void Same_seed_gives_identical_records_and_another_seed_differs()
    {
        var a = FogSimulation.Run(Contended(SharingStrategy.InrTrainEdge, Downlink.Unicast, 5));
        var b = FogSimulation.Run(Contended(SharingStrategy.InrTrainEdge, Downlink.Unicast, 5));
        var c = FogSimulation.Run(Contended(SharingStrategy.InrTrainEdge, Downlink.Unicast, 6));
        Assert.Equal(a.Summary, b.Summary);
        Assert.Equal(a.Transfers, b.Transfers);
        Assert.Equal(a.Devices, b.Devices);
        Assert.NotEqual(a.Transfers, c.Transfers);
    }

    [Fact]
    public void Adding_a_device_does_not_change_another_devices_loss_draws()
    {
        // dev1's uplink attempts draw from dev1's own stream, so its retry pattern is the same with 3 or 4 devices.
        SimulationConfig Config(int n) => new(n, 20, SharingStrategy.TrainFog, FrameSizes.Fixed(1000, 0),
            Channel: new ChannelSettings(LossProbability: 0.3, MaxRetries: 5), Seed: 9);
        string Pattern(SimulationResult r) => string.Join(",", r.Transfers.Where(t => t.Source == "dev1").Select(t => t.Retries));
        Assert.Equal(Pattern(FogSimulation.Run(Config(3))), Pattern(FogSimulation.Run(Config(4))));
    }

    [Fact]
    public void Compute_times_play_out_on_fog_gpu_and_device_processors()
    {
        // One device pair, one frame each, no air cost worth noting: C huge.
        var config = new SimulationConfig(2, 1, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(1, 1),
            Channel: new ChannelSettings(1e12),
            Timings: new ComputeTimings(FogEncode: BatchCost.Constant(10), EdgeInrDecodeSeconds: 2, EdgeTrainSecondsPerFrameEpoch: 1, Epochs: 3));
        var r = FogSimulation.Run(config);
        // Two frames encoded one batch after another (10 s, 20 s); each device decodes the other's
        // INR (2 s) and then trains 3 epochs x 2 frames x 1 s = 6 s.
        var done = r.Devices.Select(d => Math.Round(d.TrainingDoneSeconds, 6)).Order().ToArray();
        Assert.Equal([18.0, 28.0], done);
        // Batch size 2 encodes both at once: both done at 10 + 2 + 6 = 18 s.
        var batched = FogSimulation.Run(config with { Batching = FogBatching.Greedy(2) });
        Assert.All(batched.Devices, d => Assert.Equal(18.0, d.TrainingDoneSeconds, 6));
    }

    [Fact]
    public void A_single_device_trains_alone_and_sends_nothing_device_to_device()
    {
        var r = FogSimulation.Run(new SimulationConfig(1, 3, SharingStrategy.JpegP2p, FrameSizes.Fixed(100, 10),
            Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: 1)));
        Assert.Equal(0, r.Summary.BytesOnAir);
        Assert.Equal(3.0, r.Summary.MakespanSeconds);
    }

    [Fact]
    public void Impossible_settings_are_rejected_with_the_field_named()
    {
        var bad = new SimulationConfig(0, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(1, 1));
        Assert.Contains("devices", Assert.Throws<ArgumentException>(() => FogSimulation.Run(bad)).Message);
        var nan = new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(1, 1), Channel: new ChannelSettings(double.NaN));
        Assert.Contains("capacity", Assert.Throws<ArgumentException>(() => FogSimulation.Run(nan)).Message);
        var loss = new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(1, 1), Channel: new ChannelSettings(LossProbability: 1));
        Assert.Contains("loss", Assert.Throws<ArgumentException>(() => FogSimulation.Run(loss)).Message);
    }

    [Fact]
    public void Not_recording_transfers_keeps_the_totals()
    {
        var config = Contended(SharingStrategy.JpegFog, Downlink.Unicast);
        var full = FogSimulation.Run(config);
        var lean = FogSimulation.Run(config with { RecordTransfers = false });
        Assert.Empty(lean.Transfers);
        Assert.Equal(full.Summary, lean.Summary);
    }
}

public class DecodeQueueTests
{
    [Fact]
    public void Received_payloads_decode_one_after_another_on_the_device()
    {
        // Three devices, one frame each, relayed by the fog over a practically infinite channel:
        // each device gets two JPEGs at about t = 0 and decodes them back to back (2 s each).
        var r = FogSimulation.Run(new SimulationConfig(3, 1, SharingStrategy.JpegFog, FrameSizes.Fixed(1, 1),
            Channel: new ChannelSettings(1e15), Timings: new ComputeTimings(EdgeJpegDecodeSeconds: 2)));
        Assert.All(r.Devices, d => Assert.Equal(4.0, d.DataCompleteSeconds, 6));
    }
}
