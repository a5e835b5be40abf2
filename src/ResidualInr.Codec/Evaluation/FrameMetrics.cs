namespace ResidualInr.Codec.Evaluation;

/// <summary>
/// One row of metrics.csv: one frame encoded by one codec. Quality is measured after quantisation, by decoding the real payload.
/// <see cref="EncodeSteps"/> and <see cref="EncodeFrameSeconds"/> are this frame's own: the training steps of its INRs, and its share
/// of its batch's encode time (each training step split among the frames still in it, the rest evenly); 0 and NaN for codecs that do not train per frame.
/// </summary>
public sealed record FrameMetrics(
    string Sequence,
    int Frame,
    string Codec,
    int PayloadBytes,
    int BackgroundBytes,
    int ObjectBytes,
    double PsnrWholeDb,
    double PsnrBackgroundDb,
    double PsnrObjectDb,
    double EncodeSecondsPerFrame,
    double DecodeSecondsPerFrame,
    int SizeGroup,
    string PayloadFile,
    int EncodeBatchFrames = 0,
    int EncodeSteps = 0,
    double EncodeFrameSeconds = double.NaN);
