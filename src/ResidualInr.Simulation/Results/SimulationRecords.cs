using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Results;

/// <summary>One logical transfer. Destinations is one node name, or "broadcast:K" for K receivers.</summary>
public sealed record TransferRecord(
    double StartSeconds,
    double EndSeconds,
    string Source,
    string Destinations,
    string Kind,
    long Bytes,
    int Retries,
    bool Lost);

public sealed record DeviceRecord(
    string Device,
    long BytesSent,
    long BytesReceived,
    double DataCompleteSeconds,
    double TrainingDoneSeconds,
    int FramesLost);

/// <param name="BytesOnAir">Every attempt's bytes on every channel, retransmissions included.</param>
/// <param name="BytesOffered">Bytes of every logical transfer once: always BytesDelivered + BytesLost.</param>
/// <param name="AirtimeSeconds">Time some transmission was on the air, summed over channels.</param>
/// <param name="MakespanSeconds">When the last device finished training.</param>
/// <param name="ChannelUtilisation">Airtime over makespan and channels.</param>
/// <param name="FramesLost">Deliveries (frame x receiver) that failed past the retry limit.</param>
public sealed record RunSummary(
    SharingStrategy Strategy,
    Downlink Downlink,
    Topology Topology,
    int Devices,
    int FramesPerDevice,
    long BytesOnAir,
    long BytesOffered,
    long BytesDelivered,
    long BytesLost,
    long Transfers,
    double AirtimeSeconds,
    double MakespanSeconds,
    double ChannelUtilisation,
    long FramesLost,
    long EventsProcessed);

public sealed record SimulationResult(
    RunSummary Summary,
    IReadOnlyList<DeviceRecord> Devices,
    IReadOnlyList<TransferRecord> Transfers);
