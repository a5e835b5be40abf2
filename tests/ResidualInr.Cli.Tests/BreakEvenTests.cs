using ResidualInr.Cli.Scenarios;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Tests;

public class BreakEvenTests
{
    private static BreakEvenCase Case(int n) => new(n, "inr",
        new SimulationConfig(n, 2, SharingStrategy.JpegP2p, FrameSizes.Fixed(30_000, 1_000), Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: 0.001)),
        new SimulationConfig(n, 2, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(30_000, 1_000), Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: 0.001),
            Batching: FogBatching.Greedy(4)),
        0.5);

    [Fact]
    public void The_break_even_is_where_the_simulator_says_inr_stops_finishing_first()
    {
        var row = BreakEven.Find(Case(8));
        Assert.NotNull(row.SecondsPerFrame);
        double s = row.SecondsPerFrame!.Value;
        Assert.True(s > 0);
        double Makespan(double perFrame) => FogSimulation.Run(Case(8).InrTrainEdge with
        {
            Timings = Case(8).InrTrainEdge.Timings! with { FogEncode = BatchCost.PerFrame(perFrame) },
        }).Summary.MakespanSeconds;
        Assert.True(Makespan(s) < row.JpegP2pMakespanSeconds);
        Assert.True(Makespan(s + 1e-6 * row.JpegP2pMakespanSeconds) >= row.JpegP2pMakespanSeconds);
        Assert.True(row.BytesSaved > 0);
        Assert.Equal(BreakEven.Iterations + 3, row.Simulations);
        Assert.Equal(0.5, row.MeasuredSecondsPerFrame);
    }

    [Fact]
    public void Two_devices_never_break_even_as_the_fog_adds_a_hop()
    {
        var row = BreakEven.Find(Case(2));
        Assert.Null(row.SecondsPerFrame);
        Assert.Null(row.BytesSaved);
        Assert.Equal(2, row.Simulations);
    }
}
