using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>
/// The fog's encode queue is a single-server queue: with Poisson arrivals, batches of one and
/// zero-byte uploads (the channel adds no queueing, so frames reach the fog when captured), its
/// mean wait before the encode starts matches queueing theory.
/// </summary>
public class FogQueueingTests
{
    // Two devices at 0.25 frames/s each: together a Poisson stream of lambda = 0.5/s (superposition).
    private const double PerDeviceRate = 0.25, Lambda = 2 * PerDeviceRate, Mu = 1.0, Rho = Lambda / Mu;

    private static Results.RunSummary Run(ServiceTimes times, int seed) => FogSimulation.Run(new SimulationConfig(2, 1, SharingStrategy.InrTrainEdge,
        FrameSizes.Fixed(0, 0), Timings: new ComputeTimings(FogEncode: BatchCost.PerFrame(1 / Mu), FogEncodeTimes: times),
        Seed: seed, RecordTransfers: false, Arrivals: Arrivals.Poisson(PerDeviceRate, 400_000), Batching: FogBatching.Greedy(1))).Summary;

    [Fact]
    public void Fixed_encode_times_give_the_MD1_wait_of_Pollaczek_Khinchine()
    {
        double theory = Rho / (2 * Mu * (1 - Rho)); // Wq = rho / (2 mu (1 - rho)) = 0.5 s
        var s = Run(ServiceTimes.Fixed, 21);
        Assert.InRange(s.FramesCaptured, 190_000, 210_000);
        Assert.InRange(s.FogWaitSecondsMean, theory * 0.97, theory * 1.03);
        Assert.InRange(s.FogGpuUtilisation, Rho * 0.97, Rho * 1.03);
    }

    [Fact]
    public void Exponential_encode_times_give_the_MM1_wait()
    {
        double theory = Rho / (Mu - Lambda); // Wq = rho / (mu - lambda) = 1 s
        var s = Run(ServiceTimes.Exponential, 22);
        Assert.InRange(s.FogWaitSecondsMean, theory * 0.97, theory * 1.03);
    }
}
