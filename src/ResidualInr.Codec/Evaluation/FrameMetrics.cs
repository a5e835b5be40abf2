namespace ResidualInr.Codec.Evaluation;

/// <summary>One row of metrics.csv: one frame encoded by one codec. Quality is measured after quantisation, by decoding the real payload.</summary>
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
    int EncodeBatchFrames = 0);
