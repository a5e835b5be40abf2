using ResidualInr.Codec.Training;
using ResidualInr.Imaging;

namespace ResidualInr.Learning.Training;

/// <summary>
/// The detector's training schedule, the same for every codec so that only the frames differ.
/// Adam with a linear warm-up over the first 5% of steps, then a cosine decay to zero.
/// </summary>
/// <param name="Width">Channels of the detector's first block.</param>
/// <param name="Flip">Mirror each frame left-right with probability 1/2 (seeded), the one augmentation.</param>
public sealed record DetectorSettings(int Epochs = 60, int BatchSize = 16, double LearningRate = 3e-3, int Width = 16, bool Flip = true)
{
    public void Validate()
    {
        if (Epochs < 1 || Epochs > 100_000) throw new InputException($"epochs must be between 1 and 100000, got {Epochs}");
        if (BatchSize < 1 || BatchSize > 4096) throw new InputException($"batch must be between 1 and 4096, got {BatchSize}");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 1)
            throw new InputException($"learning rate must be in (0, 1], got {LearningRate}");
        if (Width < 1 || Width > 256) throw new InputException($"detector width must be between 1 and 256, got {Width}");
    }

    public double LearningRateAt(int step, int totalSteps) =>
        LearningRateSchedule.WarmupCosine(LearningRate, step, Math.Max(1, totalSteps / 20), totalSteps);
}
