using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Siren;
using ResidualInr.Codec.Training;

namespace ResidualInr.Codec.Tests;

public class LearningRateScheduleTests
{
    [Fact]
    public void Cosine_pins_the_closed_form_at_the_start_middle_and_end()
    {
        const double peak = 2e-4;
        const int total = 1000;
        Assert.Equal(peak, LearningRateSchedule.Cosine(peak, 0, total));
        Assert.Equal(peak / 2, LearningRateSchedule.Cosine(peak, total / 2, total), 1e-18);
        // (1 + cos(π - π/T))/2 = sin²(π/2T); 1 + cos cancels there, so to 1e-9 relative.
        double last = peak * Math.Pow(Math.Sin(Math.PI / (2 * total)), 2);
        Assert.Equal(last, LearningRateSchedule.Cosine(peak, total - 1, total), last * 1e-9);
    }

    [Fact]
    public void Warm_up_then_cosine_pins_the_closed_form()
    {
        const double peak = 0.01;
        const int warmup = 5, total = 105;
        Assert.Equal(0.002, LearningRateSchedule.WarmupCosine(peak, 0, warmup, total), 1e-18);       // 1/5 of the peak
        Assert.Equal(0.01, LearningRateSchedule.WarmupCosine(peak, warmup - 1, warmup, total), 1e-18); // warm-up reaches the peak
        Assert.Equal(0.01, LearningRateSchedule.WarmupCosine(peak, warmup, warmup, total));           // cosine starts at the peak
        Assert.Equal(0.005, LearningRateSchedule.WarmupCosine(peak, warmup + 50, warmup, total), 1e-18); // middle of the 100 cosine steps
        double last = peak * Math.Pow(Math.Sin(Math.PI / 200), 2); // sin²(π/2·100), as above
        Assert.Equal(last, LearningRateSchedule.WarmupCosine(peak, total - 1, warmup, total), last * 1e-9);
        // No warm-up: no division by zero, the peak at step 0.
        Assert.Equal(peak, LearningRateSchedule.WarmupCosine(peak, 0, 0, total));
    }

    /// <summary>
    /// The trainers' rates are bit-for-bit the formulas each of them wrote out before they shared
    /// the helper (copied here), so encoded payloads do not change.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    [InlineData(2000)]
    public void Trainers_get_exactly_the_rates_they_computed_before(int total)
    {
        var siren = new TrainingOptions(Steps: total, LearningRate: 2e-4);
        var nerv = new NervTrainingOptions(LearningRate: 3e-3, WarmupFraction: 0.2);
        for (int step = 0; step < total; step++)
        {
            Assert.Equal(0.5 * 2e-4 * (1 + Math.Cos(Math.PI * step / total)), siren.LearningRateAt(step));
            Assert.Equal(OldWarmupCosine(3e-3, step, (int)(0.2 * total), total), nerv.LearningRateAt(step, total));
            Assert.Equal(OldWarmupCosine(3e-3, step, Math.Max(1, total / 20), total), LearningRateSchedule.WarmupCosine(3e-3, step, Math.Max(1, total / 20), total));
        }
        Assert.Equal(2e-4, (siren with { CosineSchedule = false }).LearningRateAt(total - 1));
    }

    private static double OldWarmupCosine(double lr, int step, int warmup, int totalSteps)
    {
        if (step < warmup) return lr * (step + 1) / warmup;
        double progress = (double)(step - warmup) / Math.Max(1, totalSteps - warmup);
        return lr * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
