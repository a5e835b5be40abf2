using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>Energy is power x time per state, on cases worked by hand (see <see cref="EnergyPowers"/> for the definition).</summary>
public class EnergyTests
{
    private const double C = 2_000_000;
    private static readonly EnergyPowers Powers = new(RadioTxWatts: 1.5, RadioRxWatts: 1.1, RadioIdleWatts: 0.4, EdgeComputeWatts: 12, FogComputeWatts: 350);

    private static double Joules(DeviceRecord d, EnergyPowers p) =>
        p.RadioTxWatts * d.RadioTxSeconds + p.RadioRxWatts * d.RadioRxSeconds + p.RadioIdleWatts * d.RadioIdleSeconds + p.EdgeComputeWatts * d.ComputeSeconds;

    [Fact]
    public void A_unicast_pair_transmits_and_receives_bytes_over_C_and_idles_the_rest()
    {
        // Two devices on their own links: each sends one JPEG of B bytes to the other at the full C.
        const long b = 300_000;
        const double train = 0.5; // per frame-epoch; 2 frames in all
        var config = new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(b, 1), Topology: Topology.PerDeviceLinks,
            Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: train), Energy: Powers);
        var r = FogSimulation.Run(config);
        foreach (var d in r.Devices)
        {
            Assert.Equal(b / C, d.RadioTxSeconds, 1e-12);
            Assert.Equal(b / C, d.RadioRxSeconds, 1e-12);
            // Training starts when the frame is in (B/C) and lasts 2 x 0.5 s: the radio idles for the rest.
            Assert.Equal(b / C + 2 * train, d.TrainingDoneSeconds, 1e-12);
            Assert.Equal(2 * train - b / C, d.RadioIdleSeconds, 1e-12);
            Assert.Equal(2 * train, d.ComputeSeconds, 1e-12);
            Assert.Equal(1.5 * b / C + 1.1 * b / C + 0.4 * (2 * train - b / C) + 12 * 2 * train, d.EnergyJoules, 1e-9);
        }
        Assert.Equal(0, r.Summary.FogEnergyJoules);
        Assert.Equal(r.Devices.Sum(d => d.EnergyJoules), r.Summary.EnergyJoules, 1e-9);
    }

    [Fact]
    public void Sharing_the_channel_the_transmit_time_is_the_time_on_the_air_at_the_per_sender_rate()
    {
        // Both devices send B at once on one channel: each gets C/2, so each attempt is on the air 2B/C.
        const long b = 100_000;
        var r = FogSimulation.Run(new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(b, 1), Energy: Powers));
        foreach (var d in r.Devices)
        {
            Assert.Equal(2 * b / C, d.RadioTxSeconds, 1e-12);
            Assert.Equal(2 * b / C, d.RadioRxSeconds, 1e-12);
        }
    }

    [Fact]
    public void Retransmissions_count_and_set_up_latency_does_not()
    {
        const long b = 200_000;
        var config = new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(b, 1), Topology: Topology.PerDeviceLinks,
            Channel: new ChannelSettings(C, LatencySeconds: 0.3, LossProbability: 0.6, MaxRetries: 20), Seed: 7, Energy: Powers);
        var r = FogSimulation.Run(config);
        Assert.Contains(r.Transfers, t => t.Retries > 0);
        foreach (var d in r.Devices)
        {
            var own = r.Transfers.Single(t => t.Source == d.Device);
            var other = r.Transfers.Single(t => t.Source != d.Device);
            Assert.Equal((1 + own.Retries) * b / C, d.RadioTxSeconds, 1e-9);
            Assert.Equal((1 + other.Retries) * b / C, d.RadioRxSeconds, 1e-9);
        }
    }

    [Fact]
    public void Every_receiver_of_a_broadcast_listens_for_its_whole_airtime_and_the_fog_pays_for_its_training()
    {
        // train-fog, 4 devices: 4 uplinks of B at once (each at C/4, on the air 4B/C), the fog trains 4 x f, then broadcasts M once.
        const int n = 4;
        const long b = 50_000, m = 1_000_000;
        const double fogTrain = 0.25;
        var config = new SimulationConfig(n, 1, SharingStrategy.TrainFog, FrameSizes.Fixed(b, 1), Downlink.Broadcast,
            Timings: new ComputeTimings(FogTrainSecondsPerFrameEpoch: fogTrain, ModelBytes: m), Energy: Powers);
        var r = FogSimulation.Run(config);
        Assert.Equal(n, r.Devices.Count);
        foreach (var d in r.Devices)
        {
            Assert.Equal(n * b / C, d.RadioTxSeconds, 1e-12);
            Assert.Equal(m / C, d.RadioRxSeconds, 1e-12);
            Assert.Equal(n * b / C + n * fogTrain + m / C, d.TrainingDoneSeconds, 1e-12);
            Assert.Equal(n * fogTrain, d.RadioIdleSeconds, 1e-12);
            Assert.Equal(0, d.ComputeSeconds);
            Assert.Equal(Joules(d, Powers), d.EnergyJoules, 1e-9);
        }
        Assert.Equal(350 * n * fogTrain, r.Summary.FogEnergyJoules, 1e-9);
        Assert.Equal(r.Devices.Sum(d => d.EnergyJoules) + r.Summary.FogEnergyJoules, r.Summary.EnergyJoules, 1e-9);
    }

    [Fact]
    public void The_fog_pays_its_compute_power_over_its_encode_time()
    {
        const double encode = 0.2; // per frame, batches of one: 3 devices x 2 frames
        var config = new SimulationConfig(3, 2, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(40_000, 8_000),
            Timings: new ComputeTimings(BatchCost.PerFrame(encode), EdgeInrDecodeSeconds: 0.01), Batching: FogBatching.Greedy(1), Energy: Powers);
        var r = FogSimulation.Run(config);
        Assert.Equal(6 * encode * 350, r.Summary.FogEnergyJoules, 1e-9);
        Assert.Equal(r.Devices.Sum(d => d.EnergyJoules) + r.Summary.FogEnergyJoules, r.Summary.EnergyJoules, 1e-9);
        // Each device decodes the 4 INRs of the others.
        foreach (var d in r.Devices) Assert.Equal(4 * 0.01, d.ComputeSeconds, 1e-12);
    }

    public static IEnumerable<object[]> Cases() =>
        from s in Enum.GetValues<SharingStrategy>()
        from dl in Enum.GetValues<Downlink>()
        from t in Enum.GetValues<Topology>()
        select new object[] { s, dl, t };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_total_is_the_sum_of_its_parts_and_zero_powers_give_zero_energy(SharingStrategy s, Downlink dl, Topology t)
    {
        var rng = new Random(17 + (int)s * 100 + (int)dl * 10 + (int)t);
        for (int trial = 0; trial < 5; trial++)
        {
            var config = new SimulationConfig(rng.Next(1, 9), rng.Next(1, 4), s, FrameSizes.Fixed(rng.Next(1, 80_000), rng.Next(1, 20_000)), dl, t,
                new ChannelSettings(C, rng.NextDouble() * 0.01, rng.NextDouble() * 0.3, 2),
                new ComputeTimings(BatchCost.PerFrame(rng.NextDouble() * 0.1), rng.NextDouble() * 0.01, rng.NextDouble() * 0.01,
                    rng.NextDouble() * 0.05, rng.NextDouble() * 0.01, rng.Next(1, 3), rng.Next(0, 500_000)),
                Seed: trial);
            var r = FogSimulation.Run(config);
            var p = config.EnergyOrDefault;
            foreach (var d in r.Devices)
            {
                Assert.True(double.IsFinite(d.EnergyJoules) && d.EnergyJoules >= 0);
                Assert.True(d.RadioTxSeconds >= 0 && d.RadioRxSeconds >= 0 && d.RadioIdleSeconds >= 0 && d.ComputeSeconds >= 0);
                Assert.Equal(Joules(d, p), d.EnergyJoules, 1e-9 * Math.Max(1, d.EnergyJoules));
            }
            Assert.Equal(r.Devices.Sum(d => d.EnergyJoules) + r.Summary.FogEnergyJoules, r.Summary.EnergyJoules, 1e-9 * Math.Max(1, r.Summary.EnergyJoules));
            Assert.True(double.IsFinite(r.Summary.EnergyJoules));

            var zero = FogSimulation.Run(config with { Energy = EnergyPowers.Zero });
            Assert.Equal(0, zero.Summary.EnergyJoules);
            Assert.Equal(0, zero.Summary.FogEnergyJoules);
            Assert.All(zero.Devices, d => Assert.Equal(0, d.EnergyJoules));
        }
    }

    [Fact]
    public void Negative_or_infinite_powers_are_rejected()
    {
        var config = new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(1, 1));
        Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Energy = new EnergyPowers(RadioTxWatts: -1) }));
        Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Energy = new EnergyPowers(FogComputeWatts: double.PositiveInfinity) }));
    }
}
