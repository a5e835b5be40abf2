using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Benchmarks;

/// <summary>
/// How simulation cost grows with N: one round of one 30 kB frame per device on a 2 MB/s shared
/// channel, with decode and training times so every entity does real work. Unicast jpeg-p2p
/// at N = 1,000 is about a million transfers. Single cold runs (Monitoring): these take seconds.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class SimulationScaleBenchmarks
{
    [Params(10, 100, 1000)]
    public int Devices { get; set; }

    private SimulationConfig Config(SharingStrategy s, Downlink d, int n) => new(n, 1, s, FrameSizes.Fixed(30_000, 6_000), d,
        Timings: new ComputeTimings(FogEncode: BatchCost.Measured(32, 0.5), EdgeJpegDecodeSeconds: 0.002,
            EdgeInrDecodeSeconds: 0.0005, EdgeTrainSecondsPerFrameEpoch: 0.001, FogTrainSecondsPerFrameEpoch: 0.0001, ModelBytes: 5_000_000),
        RecordTransfers: true, Batching: FogBatching.Greedy(32));

    [Benchmark]
    public long JpegP2pUnicast() => FogSimulation.Run(Config(SharingStrategy.JpegP2p, Downlink.Unicast, Devices)).Summary.Transfers;

    [Benchmark]
    public long InrTrainEdgeUnicast() => FogSimulation.Run(Config(SharingStrategy.InrTrainEdge, Downlink.Unicast, Devices)).Summary.Transfers;

    [Benchmark]
    public long InrTrainEdgeBroadcast() => FogSimulation.Run(Config(SharingStrategy.InrTrainEdge, Downlink.Broadcast, Devices)).Summary.Transfers;
}

/// <summary>Broadcast strategies at N = 10,000 devices.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
[MemoryDiagnoser]
public class BroadcastScaleBenchmarks
{
    [Params(SharingStrategy.JpegP2p, SharingStrategy.JpegFog, SharingStrategy.InrTrainEdge, SharingStrategy.TrainFog)]
    public SharingStrategy Strategy { get; set; }

    [Benchmark]
    public long TenThousandDevices() => FogSimulation.Run(new SimulationConfig(10_000, 1, Strategy, FrameSizes.Fixed(30_000, 6_000), Downlink.Broadcast,
        Timings: new ComputeTimings(FogEncode: BatchCost.Measured(32, 0.5), EdgeJpegDecodeSeconds: 0.002, EdgeInrDecodeSeconds: 0.0005,
            EdgeTrainSecondsPerFrameEpoch: 0.001, ModelBytes: 5_000_000), Batching: FogBatching.Greedy(32))).Summary.Transfers;
}
