using ResidualInr.Codec.Training;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// How an INR is fitted. The defaults follow the reference code: Adam at lr 2e-4 with a cosine
/// schedule over all steps, MSE, full batch, keeping each network's best-PSNR weights from the
/// second half of training. The reference runs 10,000 steps; CPU runs use far fewer.
/// </summary>
public sealed record TrainingOptions(
    int Steps = 10_000,
    double LearningRate = 2e-4,
    bool CosineSchedule = true,
    bool KeepBestOfSecondHalf = true,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8)
{
    public void Validate()
    {
        if (Steps < 1) throw new Imaging.InputException($"steps must be at least 1, got {Steps}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new Imaging.InputException($"learning rate must be positive, got {LearningRate}");
    }

    public double LearningRateAt(int step) => CosineSchedule
        ? LearningRateSchedule.Cosine(LearningRate, step, Steps)
        : LearningRate;
}
