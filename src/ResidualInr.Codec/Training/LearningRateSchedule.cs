namespace ResidualInr.Codec.Training;

/// <summary>
/// The learning-rate schedules every trainer uses: cosine decay from the peak to zero over all
/// steps (SIREN fits), and a linear warm-up to the peak followed by that cosine decay (NeRV, the
/// detector). Stateless functions of the step, so a trainer sets the rate before each step and
/// resuming or skipping steps needs no scheduler state.
/// <para>
/// Why not TorchSharp's <c>torch.optim.lr_scheduler</c> (0.107): the SIREN trainer runs its own
/// Adam on stacked weights, not a torch optimizer, so no scheduler can drive it; CosineAnnealingLR
/// computes each rate from the previous one (PyTorch's chainable form), which drifts from the
/// closed form by rounding; and LambdaLR multiplies the base rate by a factor, which rounds the
/// warm-up differently from peak·(step+1)/warm-up. Either would change the encoded payloads.
/// These functions give exactly the numbers the trainers computed before they shared them.
/// </para>
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>
    /// peak·(1 + cos(π·step/totalSteps))/2: the peak at step 0, half of it at totalSteps/2, towards
    /// zero at the end.
    /// </summary>
    public static double Cosine(double peak, int step, int totalSteps) => Decay(peak, Math.PI * step / totalSteps);

    /// <summary>
    /// peak·(step+1)/warmupSteps for the first <paramref name="warmupSteps"/> steps, then cosine
    /// decay from the peak over the remaining steps. With no warm-up it equals <see cref="Cosine"/>
    /// up to rounding: the angle is π·(done/remaining) here and (π·step)/total there, each kept as
    /// its trainer always computed it so that encodes stay byte-identical.
    /// </summary>
    public static double WarmupCosine(double peak, int step, int warmupSteps, int totalSteps)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        double progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return Decay(peak, Math.PI * progress);
    }

    private static double Decay(double peak, double angle) => peak * 0.5 * (1 + Math.Cos(angle));
}
