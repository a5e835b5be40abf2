using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>Rounds over time and Poisson captures.</summary>
public class ArrivalsTests
{
    [Theory]
    [MemberData(nameof(ClosedFormTests.Cases), MemberType = typeof(ClosedFormTests))]
    public void R_rounds_put_R_times_the_closed_form_on_the_air_except_train_fogs_single_model(SharingStrategy s, Downlink d)
    {
        int n = 5, f = 3, rounds = 4;
        long sj = 20_000, si = 4_000, m = 300_000;
        var config = new SimulationConfig(n, f, s, FrameSizes.Fixed(sj, si), d, Timings: new ComputeTimings(ModelBytes: m),
            Arrivals: Arrivals.Rounds(rounds, 10));
        var r = FogSimulation.Run(config);
        long perRound = ClosedFormTests.ClosedFormBytes(s, d, n, f, sj, si, m);
        // train-fog trains once, on every round's frames, and sends one model.
        long model = ClosedFormTests.ClosedFormBytes(s, d, n, f, sj, si, m) - ClosedFormTests.ClosedFormBytes(s, d, n, f, sj, si, 0);
        long expected = s == SharingStrategy.TrainFog ? rounds * (perRound - model) + model : rounds * perRound;
        Assert.Equal(expected, r.Summary.BytesOnAir);
        Assert.Equal(n * f * rounds, r.Summary.FramesCaptured);
        Assert.Equal(n, r.Summary.DevicesComplete);
        // The last round starts at 30 s, so nothing finishes before it.
        Assert.True(r.Summary.MakespanSeconds > 30);
        Assert.Equal(30, r.Summary.Path.CaptureSeconds, 9);
    }

    [Fact]
    public void Each_round_captures_at_its_start_and_frames_within_it_at_the_frame_interval()
    {
        var r = FogSimulation.Run(new SimulationConfig(2, 2, SharingStrategy.JpegP2p, FrameSizes.Fixed(1, 1), Downlink.Broadcast,
            Channel: new ChannelSettings(1e12), FrameIntervalSeconds: 0.5, Arrivals: Arrivals.Rounds(3, 10)));
        var starts = r.Transfers.Select(t => Math.Round(t.StartSeconds, 6)).Distinct().Order().ToArray();
        Assert.Equal([0, 0.5, 10, 10.5, 20, 20.5], starts);
    }

    [Fact]
    public void One_round_is_the_default()
    {
        var config = new SimulationConfig(4, 3, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(10_000, 2_000), FrameIntervalSeconds: 0.1,
            Timings: new ComputeTimings(FogEncode: BatchCost.PerFrame(0.01), EdgeInrDecodeSeconds: 0.001));
        var byDefault = FogSimulation.Run(config);
        var explicitly = FogSimulation.Run(config with { Arrivals = Arrivals.Rounds(1, 123) });
        Assert.Equal(byDefault.Summary, explicitly.Summary);
        Assert.Equal(byDefault.Transfers, explicitly.Transfers);
    }

    [Fact]
    public void Poisson_captures_are_per_device_streams_with_the_given_rate()
    {
        SimulationConfig Config(int n, int seed) => new(n, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(100, 1), Downlink.Broadcast,
            Arrivals: Arrivals.Poisson(2.0, 1000), Seed: seed);
        var three = FogSimulation.Run(Config(3, 1));
        // About lambda D = 2000 frames per device (sd ~ 45).
        Assert.InRange(three.Summary.FramesCaptured, 3 * 2000 - 300, 3 * 2000 + 300);
        // dev1's capture times do not depend on how many other devices there are.
        string Dev1(SimulationResult r) => string.Join(",", r.Transfers.Where(t => t.Source == "dev1").Take(50).Select(t => t.StartSeconds));
        Assert.Equal(Dev1(three), Dev1(FogSimulation.Run(Config(4, 1))));
        Assert.NotEqual(Dev1(three), Dev1(FogSimulation.Run(Config(3, 2))));
    }

    [Fact]
    public void Impossible_arrivals_are_rejected()
    {
        var config = new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(1, 1));
        Assert.Contains("rounds", Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Arrivals = Arrivals.Rounds(0, 1) })).Message);
        Assert.Contains("round interval", Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Arrivals = Arrivals.Rounds(2, -1) })).Message);
        Assert.Contains("arrival rate", Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Arrivals = Arrivals.Poisson(0, 1) })).Message);
        Assert.Contains("duration", Assert.Throws<ArgumentException>(() => FogSimulation.Run(config with { Arrivals = Arrivals.Poisson(1, double.NaN) })).Message);
    }
}
