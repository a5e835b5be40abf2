using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Results;

/// <summary>
/// One logical transfer. Destinations is one node name, or "broadcast:K" for K receivers. Missed: receivers that did
/// not get it (a lost unicast: 1; a broadcast: those that missed it, all K when Lost), before any NACK repair.
/// </summary>
public sealed record TransferRecord(
    double StartSeconds,
    double EndSeconds,
    string Source,
    string Destinations,
    string Kind,
    long Bytes,
    int Retries,
    bool Lost,
    int Missed = 0,
    PayloadReason Reason = PayloadReason.Strategy);

/// <param name="DataCompleteSeconds">When every payload the device expected was decoded or finally lost.</param>
/// <param name="TrainingDoneSeconds">When its training ended; NaN if it never trained (its model was lost).</param>
/// <param name="FramesLost">Frames meant for this device (from other devices) that never reached it: lost past the retries on their uplink or on the way to it.</param>
/// <param name="Complete">Every payload it expected (frames, or the model) arrived and its training ended.</param>
/// <param name="FirstPayloadSeconds">When the first payload (frame or model) it received arrived; NaN when none did.</param>
/// <param name="LastPayloadSeconds">When the last payload it received arrived (decoding may go on after it); NaN when none did.</param>
/// <param name="TrainingStartSeconds">When its training started; NaN if it never trained.</param>
/// <param name="RadioTxSeconds">Seconds its radio transmitted: the air time of its own attempts (see <see cref="EnergyPowers"/>).</param>
/// <param name="RadioRxSeconds">Seconds its radio received: the air time of every attempt addressed to it (a broadcast's whole air time).</param>
/// <param name="RadioIdleSeconds">Seconds its radio idled: the rest of its life (until training ended, or its last own transfer, or, if it never trained, the simulation's end), floored at 0.</param>
/// <param name="ComputeSeconds">Seconds its processor decoded or trained.</param>
/// <param name="EnergyJoules">Tx x radio transmit power + rx x receive power + idle x idle power + compute x edge compute power.</param>
public sealed record DeviceRecord(
    string Device,
    long BytesSent,
    long BytesReceived,
    double DataCompleteSeconds,
    double TrainingDoneSeconds,
    int FramesLost,
    bool Complete,
    double FirstPayloadSeconds = double.NaN,
    double LastPayloadSeconds = double.NaN,
    double TrainingStartSeconds = double.NaN,
    double RadioTxSeconds = 0,
    double RadioRxSeconds = 0,
    double RadioIdleSeconds = 0,
    double ComputeSeconds = 0,
    double EnergyJoules = 0);

/// <param name="BytesOnAir">Every attempt's bytes on every channel, retransmissions included.</param>
/// <param name="BytesOffered">Bytes of every logical transfer once: always BytesDelivered + BytesLost.</param>
/// <param name="AirtimeSeconds">Time some transmission was on the air, summed over channels.</param>
/// <param name="MakespanSeconds">When the last complete device finished training (incomplete devices are left out, see <paramref name="DevicesComplete"/>); NaN when none completed.</param>
/// <param name="ChannelUtilisation">Airtime over makespan and channels. Like every "over the makespan" figure, 0 when the makespan is 0 or NaN.</param>
/// <param name="FramesLost">
/// Deliveries (frame x receiver) that failed past the retry limit, where a frame's receivers are
/// whoever trains on it: the N-1 other devices (so a frame lost on its uplink to the fog counts N-1),
/// or in train-fog the fog (each lost uplink counts 1; a lost model is not a frame, it leaves its
/// device incomplete). The sum of the devices' FramesLost plus, in train-fog, the fog's.
/// </param>
/// <param name="DevicesComplete">Devices that received every payload they expected and finished training.</param>
/// <param name="FramesCaptured">Frames all devices captured (random with Poisson arrivals).</param>
/// <param name="FramesDelivered">Deliveries (frame x receiver, as in FramesLost) that succeeded: decoded at a device, or in train-fog received by the fog. Delivered + lost = captured x receivers per frame.</param>
/// <param name="FramesPerSecond">FramesDelivered over the makespan.</param>
/// <param name="FrameAgeSecondsMean">
/// Over frames that reached every receiver: the time from the frame's capture until the last
/// receiving device has it decoded, i.e. can train on it (train-fog: until the last device has the
/// model trained on it). A frame with no other device to go to has age 0. NaN when no frame qualifies.
/// </param>
/// <param name="FrameAgeSecondsP95">The 95th percentile (nearest rank) of the same ages.</param>
/// <param name="FogGpuUtilisation">Seconds the fog's GPU was encoding or training, over the makespan.</param>
/// <param name="FogBacklogMax">The most frames ever waiting at the fog for an encode batch (not counting the batch on the GPU); 0 without encoding.</param>
/// <param name="FogWaitSecondsMean">
/// Mean time a frame that reached the fog waited there before its processing started: its encode
/// (inr-train-edge), the fog's training (train-fog); 0 for the relay (jpeg-fog) and without a fog.
/// </param>
/// <param name="Path">Where the makespan went: the critical path of the last complete device.</param>
/// <param name="EnergyJoules">Every device's energy plus the fog's.</param>
/// <param name="FramesRepaired">
/// Deliveries (frame x receiver) that a broadcast missed and a NACK repair unicast then made; 0 without repair. They
/// count in FramesDelivered too.
/// </param>
/// <param name="FogEnergyJoules">The fog's: its GPU's busy seconds (encode, sequence fits, training) x the fog compute power.</param>
/// <param name="FogInrFrames">Frames the fog sent on to the devices as INR payloads (inr-train-edge: all it encoded; hybrid: those its policy chose).</param>
/// <param name="FogJpegFrames">Frames the fog forwarded as JPEGs (jpeg-fog: every frame that reached it; hybrid: those its policy chose).</param>
/// <param name="TrainedAt">Where the detector was trained: the fog in train-fog (and train-auto when it chose the fog), otherwise on every device.</param>
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
    long EventsProcessed,
    int DevicesComplete,
    long FramesCaptured,
    long FramesDelivered,
    double FramesPerSecond,
    double FrameAgeSecondsMean,
    double FrameAgeSecondsP95,
    double FogGpuUtilisation,
    int FogBacklogMax,
    double FogWaitSecondsMean,
    CriticalPath Path,
    double EnergyJoules = 0,
    double FogEnergyJoules = 0,
    long FramesRepaired = 0,
    long FogInrFrames = 0,
    long FogJpegFrames = 0,
    TrainSite TrainedAt = TrainSite.Edge)
{
    /// <summary>The share of the frames the fog sent on that went as INR payloads; NaN when it sent none on (jpeg-p2p, train-fog).</summary>
    public double InrShare => FogInrFrames + FogJpegFrames > 0 ? (double)FogInrFrames / (FogInrFrames + FogJpegFrames) : double.NaN;
}

public sealed record SimulationResult(
    RunSummary Summary,
    IReadOnlyList<DeviceRecord> Devices,
    IReadOnlyList<TransferRecord> Transfers);
