using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>
/// The fog's batching policy and batch cost, played out. Frames have zero bytes, so every upload
/// reaches the fog at its capture time and the GPU alone sets the pace.
/// </summary>
public class FogBatchingTests
{
    private static SimulationConfig Burst(int devices, int frames, BatchCost cost, FogBatching batching) =>
        new(devices, frames, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(0, 0),
            Timings: new ComputeTimings(FogEncode: cost), Batching: batching);

    [Fact]
    public void A_partial_batch_of_b_frames_costs_t_of_b_not_t_of_max()
    {
        // Two frames, batches of up to 4 measured at t(4) = 4 s; the fog holds them 1 s for more,
        // none come, so it encodes a batch of 2: t(2) = 2 s (the old rule charged 4 s), done at 3 s.
        var r = FogSimulation.Run(Burst(2, 1, BatchCost.Measured(4, 4.0), new FogBatching(4, MaxWaitSeconds: 1))).Summary;
        Assert.Equal(3.0, r.MakespanSeconds, 9);
        Assert.Equal(2.0, r.FogGpuUtilisation * r.MakespanSeconds, 9);
        Assert.Equal(1.0, r.FogWaitSecondsMean, 9);
    }

    [Fact]
    public void Waiting_for_a_batch_ends_early_when_it_fills()
    {
        // Four frames fill a batch of 4 at once: no 10 s wait.
        var r = FogSimulation.Run(Burst(2, 2, BatchCost.Constant(1), new FogBatching(4, MaxWaitSeconds: 10))).Summary;
        Assert.Equal(1.0, r.MakespanSeconds, 9);
        Assert.Equal(0.0, r.FogWaitSecondsMean, 9);
    }

    [Fact]
    public void Greedy_batching_takes_what_waits_up_to_the_maximum()
    {
        // Ten frames at t = 0, batches of at most 4 with a constant 1 s each: 4 + 4 + 2, done at 3 s.
        var r = FogSimulation.Run(Burst(10, 1, BatchCost.Constant(1), FogBatching.Greedy(4))).Summary;
        Assert.Equal(3.0, r.MakespanSeconds, 9);
        Assert.Equal(10, r.FogBacklogMax);
        Assert.Equal((4 * 0 + 4 * 1 + 2 * 2) / 10.0, r.FogWaitSecondsMean, 9);
    }

    [Theory]
    [InlineData(0.5, 0.01)]
    [InlineData(2.0, 0.1)]
    [InlineData(0.05, 0.05)]
    public void With_a_fixed_part_per_batch_bigger_batches_are_never_slower(double fixedSeconds, double perFrame)
    {
        // t(b) = a + c b with a > 0: a burst of 48 frames (with contention, decode and training)
        // finishes no later with batches of 16 than with batches of 1.
        SimulationConfig Config(int maxBatch) => new(6, 8, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(20_000, 4_000),
            Channel: new ChannelSettings(2_000_000, LatencySeconds: 0.001),
            Timings: new ComputeTimings(FogEncode: BatchCost.Affine(fixedSeconds, perFrame), EdgeInrDecodeSeconds: 0.002, EdgeTrainSecondsPerFrameEpoch: 0.01),
            Batching: FogBatching.Greedy(maxBatch));
        double one = FogSimulation.Run(Config(1)).Summary.MakespanSeconds;
        double sixteen = FogSimulation.Run(Config(16)).Summary.MakespanSeconds;
        Assert.True(sixteen <= one, $"max_batch 16: {sixteen} s > max_batch 1: {one} s");
    }

    [Fact]
    public void Impossible_policies_are_rejected_with_the_field_named()
    {
        var config = Burst(2, 1, BatchCost.Free, new FogBatching(0));
        Assert.Contains("fog max batch", Assert.Throws<ArgumentException>(() => FogSimulation.Run(config)).Message);
        config = Burst(2, 1, BatchCost.Free, new FogBatching(2, double.PositiveInfinity));
        Assert.Contains("fog max wait", Assert.Throws<ArgumentException>(() => FogSimulation.Run(config)).Message);
    }
}
