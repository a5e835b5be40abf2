using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>
/// train-auto trains at the fog exactly when DESIGN.md's break-even says it pays in bytes (M &lt; (N-1) F s_i per device,
/// unicast), and then plays out the strategy it chose: its run is that strategy's run.
/// </summary>
public class TrainAutoTests
{
    [Theory]
    [InlineData(Downlink.Unicast)]
    [InlineData(Downlink.Broadcast)]
    public void Minimising_bytes_it_trains_at_the_fog_exactly_below_the_closed_form_break_even(Downlink downlink)
    {
        var rng = new Random(1912 + (int)downlink);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = rng.Next(2, 20), f = rng.Next(1, 6);
            long sj = rng.Next(1_000, 50_000), si = rng.Next(1_000, 20_000);
            // Unicast: N M against N (N-1) F s_i, i.e. M < (N-1) F s_i. A shared-channel broadcast sends each once: M against N F s_i.
            long breakEven = downlink == Downlink.Unicast ? (n - 1) * f * si : n * f * si;
            // Well below, one byte below, at (a tie goes to the edge), one byte above and well above the break-even.
            long m = breakEven + new[] { -breakEven / 2, -1, 0, 1, breakEven / 2 }[trial % 5];
            var config = new SimulationConfig(n, f, SharingStrategy.TrainAuto, FrameSizes.Fixed(sj, si), downlink,
                Timings: new ComputeTimings(BatchCost.PerFrame(0.01), EdgeTrainSecondsPerFrameEpoch: 0.01, FogTrainSecondsPerFrameEpoch: 0.001, ModelBytes: m),
                Objective: Minimise.Bytes);
            var auto = FogSimulation.Run(config).Summary;
            var expected = m < breakEven ? TrainSite.Fog : TrainSite.Edge;
            Assert.True(expected == auto.TrainedAt, $"trial {trial}: N {n}, F {f}, s_i {si}, M {m}, break-even {breakEven}: chose {auto.TrainedAt}");

            var chosen = FogSimulation.Run(config with { Strategy = expected == TrainSite.Fog ? SharingStrategy.TrainFog : SharingStrategy.InrTrainEdge }).Summary;
            Assert.Equal(chosen with { Strategy = SharingStrategy.TrainAuto }, auto);
        }
    }

    [Fact]
    public void Its_expected_bytes_are_the_simulated_bytes_when_nothing_is_lost()
    {
        var rng = new Random(77);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = rng.Next(2, 12), f = rng.Next(1, 5);
            var config = new SimulationConfig(n, f, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(rng.Next(1_000, 50_000), rng.Next(1_000, 20_000)),
                rng.Next(2) == 0 ? Downlink.Unicast : Downlink.Broadcast, rng.Next(2) == 0 ? Topology.SharedChannel : Topology.PerDeviceLinks,
                Timings: new ComputeTimings(ModelBytes: rng.Next(0, 3_000_000)));
            var s = config.Sizes.For(0, 0);
            long frames = (long)n * f;
            var choice = TrainPlacement.Choose(config, frames * s.JpegBytes, frames * s.InrBytes, frames, Minimise.Bytes);
            Assert.Equal(FogSimulation.Run(config).Summary.BytesOnAir, choice.Edge.Bytes);
            Assert.Equal(FogSimulation.Run(config with { Strategy = SharingStrategy.TrainFog }).Summary.BytesOnAir, choice.Fog.Bytes);
        }
    }

    [Fact]
    public void Minimising_time_or_energy_it_can_choose_the_fog_where_bytes_would_choose_the_edge()
    {
        // 8 devices, 4 frames each, a 2 MB model against 8 kB payloads: the edge sends 8 x 7 x 4 x 8 kB = 1.8 MB down,
        // the fog 16 MB, so bytes choose the edge. But each device trains 5 epochs x 32 frames x 1 s = 160 s at 10 W,
        // the fog 5 x 32 x 0.01 s = 1.6 s at 350 W: time and energy choose the fog.
        var config = new SimulationConfig(8, 4, SharingStrategy.TrainAuto, FrameSizes.Fixed(30_000, 8_000),
            Timings: new ComputeTimings(BatchCost.PerFrame(0.05), EdgeTrainSecondsPerFrameEpoch: 1, FogTrainSecondsPerFrameEpoch: 0.01, Epochs: 5, ModelBytes: 2_000_000));
        Assert.Equal(TrainSite.Edge, FogSimulation.Run(config with { Objective = Minimise.Bytes }).Summary.TrainedAt);
        var byTime = FogSimulation.Run(config with { Objective = Minimise.Time }).Summary;
        Assert.Equal(TrainSite.Fog, byTime.TrainedAt);
        Assert.Equal(TrainSite.Fog, FogSimulation.Run(config with { Objective = Minimise.Energy }).Summary.TrainedAt);
        // And the simulator agrees that the fog finishes first.
        Assert.True(byTime.MakespanSeconds < FogSimulation.Run(config with { Strategy = SharingStrategy.InrTrainEdge }).Summary.MakespanSeconds);
    }
}
