using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Strategies;

/// <summary>Everything one simulation run needs. Immutable; a sweep makes one per point.</summary>
/// <param name="FramesPerDevice">F: frames each device captures per round (unused with Poisson arrivals).</param>
/// <param name="FrameIntervalSeconds">Inside a round, device d captures frame k at k times this after the round starts (all devices in step).</param>
/// <param name="RecordTransfers">Keep one record per transfer in the result (memory grows with them: N² for unicast sharing). The CLI keeps it off and streams records through an <see cref="Results.ITransferSink"/> when transfers.csv is asked for.</param>
/// <param name="Energy">The powers energy is counted at; null means <see cref="EnergyPowers"/>' defaults.</param>
/// <param name="BroadcastRepair">What a broadcast's receivers that missed it do (<see cref="Network.BroadcastRepair"/>).</param>
/// <param name="ChannelModel">Builds the channels (the MAC model); null means <see cref="ChannelModels.ProcessorSharing"/>.</param>
/// <param name="Hybrid">How the hybrid fog picks each frame's payload; null means <see cref="HybridPolicy"/>'s defaults (smaller, equal or better object PSNR). Only hybrid reads it.</param>
/// <param name="Objective">What train-auto minimises when it picks where to train (<see cref="TrainPlacement"/>). Only train-auto reads it.</param>
public sealed record SimulationConfig(
    int Devices,
    int FramesPerDevice,
    SharingStrategy Strategy,
    FrameSizes Sizes,
    Downlink Downlink = Downlink.Unicast,
    Topology Topology = Topology.SharedChannel,
    ChannelSettings? Channel = null,
    ComputeTimings? Timings = null,
    double FrameIntervalSeconds = 0,
    int Seed = 1,
    bool RecordTransfers = true,
    ChannelFactory? ChannelModel = null,
    Arrivals? Arrivals = null,
    FogBatching? Batching = null,
    BroadcastRepair BroadcastRepair = BroadcastRepair.None,
    EnergyPowers? Energy = null,
    HybridPolicy? Hybrid = null,
    Minimise Objective = Minimise.Bytes)
{
    public HybridPolicy HybridOrDefault => Hybrid ?? new HybridPolicy();
    public EnergyPowers EnergyOrDefault => Energy ?? new EnergyPowers();
    /// <summary>When frames are captured; null means <see cref="Strategies.Arrivals.OneRound"/>.</summary>
    public Arrivals ArrivalsOrDefault => Arrivals ?? Strategies.Arrivals.OneRound;
    /// <summary>How the fog forms encode batches; null means greedy batches of one.</summary>
    public FogBatching BatchingOrDefault => Batching ?? new FogBatching();
    public ChannelSettings ChannelOrDefault => Channel ?? new ChannelSettings();
    public ComputeTimings TimingsOrDefault => Timings ?? new ComputeTimings();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        var c = ChannelOrDefault;
        var t = TimingsOrDefault;
        Check(Devices >= 1, "devices", Devices, "must be at least 1");
        Check(FramesPerDevice >= 1, "frames per device", FramesPerDevice, "must be at least 1");
        // The simulation counts frames (N x F, (N-1) x F) in int.
        Check((long)Devices * FramesPerDevice <= int.MaxValue, "devices x frames per device", (long)Devices * FramesPerDevice, $"must be at most {int.MaxValue}");
        Check(double.IsFinite(FrameIntervalSeconds) && FrameIntervalSeconds >= 0, "frame interval (s)", FrameIntervalSeconds, "must be a finite number >= 0");
        Check(double.IsFinite(c.CapacityBytesPerSecond) && c.CapacityBytesPerSecond > 0, "capacity (bytes/s)", c.CapacityBytesPerSecond, "must be positive");
        Check(double.IsFinite(c.LatencySeconds) && c.LatencySeconds >= 0, "latency (s)", c.LatencySeconds, "must be >= 0");
        Check(c.LossProbability is >= 0 and < 1, "loss probability", c.LossProbability, "must be in [0, 1)");
        Check(c.MaxRetries >= 0, "retries", c.MaxRetries, "must be >= 0");
        if (c.Efficiency is { } eta)
            // Positive, not at most 1: Bianchi's S(n) of the DCF model rises above S(1) for a few stations at high PHY
            // rates (802.11g at 54 Mb/s: η(2) = 1.03, less idle backoff per success). A user's own table is held to
            // (0, 1] where it is read (scenario loader, --efficiency).
            foreach (var e in eta) Check(double.IsFinite(e) && e > 0, "efficiency", e, "entries must be positive");
        var b = BatchingOrDefault;
        Check(b.MaxBatch >= 1, "fog max batch", b.MaxBatch, "must be at least 1");
        Check(double.IsFinite(b.MaxWaitSeconds) && b.MaxWaitSeconds >= 0, "fog max wait (s)", b.MaxWaitSeconds, "must be a finite number >= 0");
        ArrivalsOrDefault.Validate();
        Check(t.Epochs >= 1, "epochs", t.Epochs, "must be at least 1");
        Check(t.ModelBytes >= 0, "model bytes", t.ModelBytes, "must be >= 0");
        foreach (var (name, v) in new[] { ("edge JPEG decode (s)", t.EdgeJpegDecodeSeconds),
                     ("edge INR decode (s)", t.EdgeInrDecodeSeconds), ("edge train (s/frame/epoch)", t.EdgeTrainSecondsPerFrameEpoch),
                     ("fog train (s/frame/epoch)", t.FogTrainSecondsPerFrameEpoch), ("edge JPEG train (s/frame/epoch)", t.EdgeTrainJpegSecondsPerFrameEpoch ?? 0) })
            Check(double.IsFinite(v) && v >= 0, name, v, "must be a finite number >= 0");
        HybridOrDefault.Validate();
        // The hybrid fog decides frame by frame; a video codec is fitted per sequence (all of its frames or none).
        // train-auto's estimate prices the encode per frame batch, not per sequence fit.
        Check(!(Strategy is SharingStrategy.Hybrid or SharingStrategy.TrainAuto && t.SequenceFit is not null), "strategy", Strategy.ToName(),
            "needs a per-frame codec (a video codec is encoded per sequence)");
        Check(Enum.IsDefined(Objective), "objective", Objective, "unknown");
        foreach (var (name, w) in EnergyOrDefault.All)
            Check(double.IsFinite(w) && w >= 0, name, w, "must be a finite number >= 0");
    }

    private static void Check(bool ok, string what, object value, string rule)
    {
        if (!ok) throw new ArgumentException($"{what} = {value}: {rule}");
    }
}
