namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// Compute times the simulation plays out, measured by the codec and learning parts (or set by
/// hand for what-if studies). Zero means instantaneous.
/// </summary>
/// <param name="FogEncodeSecondsPerBatch">GPU time to encode one batch of up to <paramref name="FogBatchSize"/> frames as INRs; a partial batch takes as long (the GPU runs it in parallel).</param>
/// <param name="EdgeJpegDecodeSeconds">Device CPU time to decode one received JPEG.</param>
/// <param name="EdgeInrDecodeSeconds">Device time to decode one received INR payload.</param>
/// <param name="EdgeTrainSecondsPerFrameEpoch">Device training time per frame per epoch; an epoch over F frames takes F times this.</param>
/// <param name="FogTrainSecondsPerFrameEpoch">Fog GPU training time per frame per epoch.</param>
/// <param name="ModelBytes">M: the size of the trained model the fog sends in train-fog.</param>
public sealed record ComputeTimings(
    double FogEncodeSecondsPerBatch = 0,
    int FogBatchSize = 1,
    double EdgeJpegDecodeSeconds = 0,
    double EdgeInrDecodeSeconds = 0,
    double EdgeTrainSecondsPerFrameEpoch = 0,
    double FogTrainSecondsPerFrameEpoch = 0,
    int Epochs = 1,
    long ModelBytes = 0);
