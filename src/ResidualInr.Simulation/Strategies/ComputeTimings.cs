namespace ResidualInr.Simulation.Strategies;

/// <summary>How a compute time is drawn around its nominal value.</summary>
public enum ServiceTimes
{
    /// <summary>Exactly the nominal time (M/D/1-like).</summary>
    Fixed,
    /// <summary>Exponential with the nominal time as its mean (M/M/1-like), drawn from the run's streams.</summary>
    Exponential,
}

/// <summary>
/// Compute times the simulation plays out, measured by the codec and learning parts (or set by
/// hand for what-if studies). Zero means instantaneous.
/// </summary>
/// <param name="FogEncode">t(b): GPU seconds to INR-encode one batch of b frames; null means free. How frames are grouped into batches is <see cref="FogBatching"/>.</param>
/// <param name="EdgeJpegDecodeSeconds">Device CPU time to decode one received JPEG.</param>
/// <param name="EdgeInrDecodeSeconds">Device time to decode one received INR payload.</param>
/// <param name="EdgeTrainSecondsPerFrameEpoch">Device training time per frame per epoch; an epoch over F frames takes F times this.</param>
/// <param name="EdgeTrainJpegSecondsPerFrameEpoch">
/// Hybrid only: device training time per frame per epoch on JPEG frames, where it differs from
/// <see cref="EdgeTrainSecondsPerFrameEpoch"/> (the INR codec's: an epoch on INR frames decodes them too); null means the
/// same. A hybrid device trains every frame it has at the mix of the two in the proportion its received frames came as
/// INR payloads and as JPEGs, so all-INR is inr-train-edge's time and all-JPEG jpeg-fog's.
/// </param>
/// <param name="FogTrainSecondsPerFrameEpoch">Fog GPU training time per frame per epoch.</param>
/// <param name="ModelBytes">M: the size of the trained model the fog sends in train-fog.</param>
/// <param name="FogEncodeTimes">Whether an encode batch (and a sequence fit) takes exactly its nominal time or an exponential draw with that mean (for queueing checks and what-ifs).</param>
/// <param name="SequenceFit">
/// t(L): GPU seconds to fit one sequence's network (a video codec's NeRV) on L frames; null (the
/// default) means frames are encoded one by one in batches. Set, inr-train-edge runs per sequence:
/// a frame at the fog waits until every frame of its sequence captured in the same round has
/// settled on the uplink (see <see cref="FogSimulation"/>), one GPU job fits the sequence on the L
/// frames that arrived, and then each frame's object INR goes through the batches of
/// <see cref="FogEncode"/>; with <see cref="FogEncode"/> null the fit's time includes the object
/// INRs and the frames are done when the fit is. Frames whose sizes know no sequence
/// (<see cref="FrameSizes.SequenceOf"/> null) are each a sequence of one.
/// </param>
public sealed record ComputeTimings(
    BatchCost? FogEncode = null,
    double EdgeJpegDecodeSeconds = 0,
    double EdgeInrDecodeSeconds = 0,
    double EdgeTrainSecondsPerFrameEpoch = 0,
    double FogTrainSecondsPerFrameEpoch = 0,
    int Epochs = 1,
    long ModelBytes = 0,
    ServiceTimes FogEncodeTimes = ServiceTimes.Fixed,
    BatchCost? SequenceFit = null,
    double? EdgeTrainJpegSecondsPerFrameEpoch = null)
{
    public BatchCost FogEncodeOrFree => FogEncode ?? BatchCost.Free;
}
