using ResidualInr.Codec.Training;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// How an INR is fitted. The defaults follow the reference code: Adam at lr 2e-4 with a cosine
/// schedule over all steps, MSE, full batch, keeping each network's best-PSNR weights from the
/// second half of training. The reference runs 10,000 steps; CPU runs use far fewer.
/// </summary>
/// <param name="InitScale">Weight scaling of the sine layers (ICLR'25, arXiv 2410.04779): 
/// U(±a/2), every other layer U(±a·sqrt(6/fan_in)/w0); null keeps the reference initialisation.</param>
/// <param name="WarmupSteps">Linear learning-rate warm-up before the cosine decay (0: none).</param>
/// <param name="TargetPsnrDb">Stop each network on its own as soon as its fit reaches this PSNR
/// (peak-to-peak 255 of the image; <see cref="Steps"/> is then the most steps a network may take).
/// A network that is done leaves the batch, so it stops costing compute.</param>
/// <param name="LearnedInit">Start every network from the learned initialisation of its shape (<c>rinr meta-train</c>)
/// instead of random weights; a shape the set lacks is an error. Null: the random initialisation above.</param>
/// <param name="LbfgsAfter">After this many Adam steps (its cosine over them), every further step is an L-BFGS step
/// (<see cref="BatchedLbfgs"/>) with <see cref="LbfgsHistory"/> pairs; null: Adam throughout. Float fits only: a
/// quantised network's fine-tuning stays with Adam.</param>
/// <param name="PixelChunk">Pixels per forward-and-backward pass within a step (the step's gradient is their sum, so
/// the step is the same up to the order of the sums); null: the whole frame at once. On the CPU a chunk of about a
/// thousand pixels keeps the activations in cache (<see cref="CpuPixelChunk"/>).</param>
/// <param name="SubsetPixels">Stochastic pixel subsets: each of the first <see cref="SubsetShare"/> of a fit's steps
/// (<see cref="SubsetSteps"/>) sees this many of the frame's pixels, drawn at random: an unbiased estimate of the frame's
/// loss and gradient at a fraction of a step's cost. Those steps neither keep best weights nor stop a network at its
/// target. Null: whole frames. Residual-INR's 8-bit fine-tuning trains on whole frames (<see cref="Codecs.InrCodec"/>).</param>
/// <param name="SubsetShare">The share of a fit's steps, from its first, that train on <see cref="SubsetPixels"/>.</param>
/// <param name="QuantisedLrScale">Peak learning rate of a quantised network's fine-tuning (Residual-INR's 8-bit background)
/// as a share of <see cref="LearningRate"/>.</param>
/// <param name="QuantisedWarmupShare">The fine-tuning's linear learning-rate warm-up, as a share of its steps (0: none, as
/// the reference). Adam's first step from rest moves every weight by the full learning rate, about one quantisation level of
/// an 8-bit weight: a fitted network lost 3 to 9 dB in that one step and took hundreds to win it back (results/benchmarks.md).</param>
public sealed record TrainingOptions(
    int Steps = 10_000,
    double LearningRate = 2e-4,
    bool CosineSchedule = true,
    bool KeepBestOfSecondHalf = true,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double? InitScale = null,
    int WarmupSteps = 0,
    double? TargetPsnrDb = null,
    SirenInitSet? LearnedInit = null,
    double QuantisedLrScale = TrainingOptions.DefaultQuantisedLrScale,
    int? LbfgsAfter = null,
    int LbfgsHistory = TrainingOptions.DefaultLbfgsHistory,
    int? PixelChunk = null,
    int? SubsetPixels = null,
    double SubsetShare = 0,
    double QuantisedWarmupShare = 0)
{
    /// <summary>How many of the first steps train on pixel subsets: <see cref="SubsetShare"/> of them, ending where L-BFGS
    /// starts (its line search wants whole-frame losses).</summary>
    public int SubsetSteps => SubsetPixels is null ? 0 : Math.Min((int)Math.Round(SubsetShare * Steps), LbfgsAfter ?? int.MaxValue);

    /// <summary>The fine-tuning's share of the peak learning rate that every encode used before it was an option.</summary>
    public const double DefaultQuantisedLrScale = 0.25;

    /// <summary>The pixel chunk measured fastest on the CPU (160x90, batch 16, 10x28 SIRENs; 600 to 1,200 were alike).</summary>
    public const int CpuPixelChunk = 1024;

    /// <summary>Pairs an L-BFGS network remembers unless told otherwise.</summary>
    public const int DefaultLbfgsHistory = 100;

    /// <summary>The fast recipe's peak learning rate.</summary>
    public const double FastLearningRate = 1e-3;

    /// <summary>The fast recipe's warm-up, as a share of its step budget.</summary>
    public const double FastWarmupShare = 0.0;

    /// <summary>
    /// The project's fast recipe: the reference initialisation, a 5x higher peak learning rate with
    /// cosine decay over at most <paramref name="maxSteps"/> steps, and each network stopping at
    /// <paramref name="targetPsnrDb"/> when one is given (its best weights so far kept). Weight scaling
    /// and warm-up are there to measure (<c>rinr bench convergence --init-scale --warmup</c>): weight
    /// scaling at a = 1.3, 1.6 and 2.5 fell short or stalled on the 10-layer SIRENs (results/benchmarks.md); warm-up is not
    /// measured yet. On a CPU <see cref="FastOnCpu"/> adds pixel subsets and L-BFGS.
    /// </summary>
    public static TrainingOptions Fast(int maxSteps, double? targetPsnrDb = null) => new(
        Steps: maxSteps, LearningRate: FastLearningRate, KeepBestOfSecondHalf: false,
        WarmupSteps: (int)(FastWarmupShare * maxSteps), TargetPsnrDb: targetPsnrDb);

    /// <summary>Pixels per step of <see cref="FastOnCpu"/>'s subset phase: a sixteenth of a 160x90 frame (measured against 450, 1,800
    /// and 3,600: results/benchmarks.md).</summary>
    public const int FastSubsetPixels = 900;

    /// <summary>The share of <see cref="FastOnCpu"/>'s step budget trained on pixel subsets before L-BFGS takes over.</summary>
    public const double FastSubsetShare = 0.6;

    /// <summary>
    /// The fast recipe where a step's cost is its arithmetic (a CPU): <see cref="Fast"/>, whose first 60% of steps each train
    /// on <see cref="FastSubsetPixels"/> random pixels, whose 8-bit fine-tuning warms up (<see cref="FastOnCpuQuantisedWarmupShare"/>),
    /// and whose float fits then take L-BFGS steps on whole frames
    /// (<see cref="DefaultLbfgsHistory"/> pairs: on Rapid-INR's eight synthetic frames at 160x90, 200 or 300 pairs took 10% fewer
    /// L-BFGS steps for the slowest frame in about the same time, 600 pairs took longer, 30 pairs took more steps; <see cref="LbfgsMemory"/>).
    /// On a GPU, where these small networks are bound by kernel launches, a subset step still costs 0.4 of a whole one: Rapid-INR
    /// fits faster by <see cref="Fast"/> there (3.03x against 2.16x to the reference's PSNR on an H100), Residual-INR by this
    /// recipe (4.54x against 0.93x; results/gpu-h100-2026-11-26b).
    /// </summary>
    public static TrainingOptions FastOnCpu(int maxSteps, double? targetPsnrDb = null) => Fast(maxSteps, targetPsnrDb).WithSubsetsAndLbfgs();

    /// <summary>
    /// These options with <see cref="FastOnCpu"/>'s CPU additions: the first <see cref="FastSubsetShare"/> of every fit's
    /// steps on <see cref="FastSubsetPixels"/> random pixels, then L-BFGS for the float fits, and the 8-bit fine-tuning
    /// warmed up (<see cref="FastOnCpuQuantisedWarmupShare"/>); the learning rate, steps and target stay (scenarios'
    /// <c>inr.recipe: subsets-lbfgs</c>).
    /// </summary>
    public TrainingOptions WithSubsetsAndLbfgs()
    {
        var warmed = this with { QuantisedWarmupShare = FastOnCpuQuantisedWarmupShare };
        var recipe = warmed with { SubsetPixels = FastSubsetPixels, SubsetShare = FastSubsetShare };
        return recipe.SubsetSteps < 1 ? warmed : recipe with { LbfgsAfter = recipe.SubsetSteps };
    }

    /// <summary><see cref="FastOnCpu"/>'s 8-bit fine-tuning warm-up share (<see cref="QuantisedWarmupShare"/>). Its peak stays
    /// <see cref="DefaultQuantisedLrScale"/> of the lr: 5e-5 instead of 2.5e-4 was faster on synthetic frames (3.16x against
    /// 2.58x) and slower on real ones (3.04x against 4.15x; results/benchmarks.md).</summary>
    public const double FastOnCpuQuantisedWarmupShare = 0.05;

    /// <summary>
    /// The reference recipe (the authors' code) over <paramref name="steps"/> steps: standard SIREN
    /// init, Adam lr 2e-4, cosine over all steps, full batch, best weights of the second half.
    /// </summary>
    public static TrainingOptions Reference(int steps) => new(Steps: steps);

    public void Validate()
    {
        if (Steps < 1) throw new Imaging.InputException($"steps must be at least 1, got {Steps}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new Imaging.InputException($"learning rate must be positive, got {LearningRate}");
        if (InitScale is not null && LearnedInit is not null) throw new Imaging.InputException("a learned initialisation and an init scale exclude each other: the scale applies to random weights");
        if (InitScale is { } a && (!(a > 0) || double.IsInfinity(a))) throw new Imaging.InputException($"init scale must be positive, got {a}");
        if (!(QuantisedLrScale > 0) || double.IsInfinity(QuantisedLrScale)) throw new Imaging.InputException($"the fine-tuning's learning-rate scale must be positive, got {QuantisedLrScale}");
        if (!(QuantisedWarmupShare >= 0 && QuantisedWarmupShare < 1)) throw new Imaging.InputException($"the fine-tuning's warm-up share must be in [0, 1), got {QuantisedWarmupShare}");
        if (WarmupSteps < 0 || WarmupSteps >= Steps) throw new Imaging.InputException($"warm-up steps must be in [0, steps), got {WarmupSteps} of {Steps}");
        if (LbfgsAfter is { } k && (k < 0 || k >= Steps)) throw new Imaging.InputException($"L-BFGS must start within the steps: after {k} of {Steps}");
        if (PixelChunk is { } chunk && chunk < 1) throw new Imaging.InputException($"the pixel chunk must be at least 1 pixel, got {chunk}");
        if (SubsetPixels is { } sp && sp < 1) throw new Imaging.InputException($"a pixel subset must hold at least 1 pixel, got {sp}");
        if (!(SubsetShare >= 0 && SubsetShare <= 1)) throw new Imaging.InputException($"the share of steps on pixel subsets must be in [0, 1], got {SubsetShare}");
        if ((SubsetPixels is null) != (SubsetShare == 0)) throw new Imaging.InputException("pixel subsets need both their size and their share of the steps");
        if (LbfgsHistory < 1 || LbfgsHistory > 1000) throw new Imaging.InputException($"the L-BFGS history must be 1 to 1,000 pairs, got {LbfgsHistory}");
        if (TargetPsnrDb is { } t && (!(t > 0) || t > 200)) throw new Imaging.InputException($"target_psnr_db must be in (0, 200] dB, got {t}");
    }

    /// <summary>
    /// The record's text (cache keys hash it): the fields of the reference recipe always, the fast
    /// recipe's only when set, so that settings from before they existed keep their keys.
    /// </summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        builder.Append(c, $"Steps = {Steps}, LearningRate = {LearningRate}, CosineSchedule = {CosineSchedule}, KeepBestOfSecondHalf = {KeepBestOfSecondHalf}, ");
        builder.Append(c, $"Beta1 = {Beta1}, Beta2 = {Beta2}, Epsilon = {Epsilon}");
        if (InitScale is { } a) builder.Append(c, $", InitScale = {a}");
        if (WarmupSteps != 0) builder.Append(c, $", WarmupSteps = {WarmupSteps}");
        if (TargetPsnrDb is { } t) builder.Append(c, $", TargetPsnrDb = {t}");
        if (LearnedInit is { } init) builder.Append(c, $", LearnedInit = {init.Fingerprint}");
        if (QuantisedLrScale != DefaultQuantisedLrScale) builder.Append(c, $", QuantisedLrScale = {QuantisedLrScale}");
        if (LbfgsAfter is { } k) builder.Append(c, $", LbfgsAfter = {k}, LbfgsHistory = {LbfgsHistory}");
        if (PixelChunk is { } chunk) builder.Append(c, $", PixelChunk = {chunk}");
        if (SubsetPixels is { } sp) builder.Append(c, $", SubsetPixels = {sp}, SubsetShare = {SubsetShare}");
        if (QuantisedWarmupShare != 0) builder.Append(c, $", QuantisedWarmupShare = {QuantisedWarmupShare}");
        return true;
    }

    /// <summary>Starts <paramref name="net"/> as these options say: from the learned initialisation of its shape, or random weights.</summary>
    public void Initialise(BatchedSiren net, TorchSharp.torch.Generator cpuGenerator)
    {
        if (LearnedInit is { } init) net.Initialise(init.For(net.Shape));
        else net.Initialise(cpuGenerator, InitScale);
    }

    /// <summary>The options of a quantised network's fine-tuning over <paramref name="steps"/> steps: Adam at
    /// <see cref="QuantisedLrScale"/> of the peak, warmed up over <see cref="QuantisedWarmupShare"/> of the steps, on whole
    /// frames (with pixel subsets for 60% of its steps a frame of eight ended 0.3-0.7 dB short of its target:
    /// results/benchmarks.md).</summary>
    public TrainingOptions FineTuning(int steps) => this with
    {
        Steps = steps, LearningRate = LearningRate * QuantisedLrScale, WarmupSteps = Math.Min((int)(QuantisedWarmupShare * steps), steps - 1),
        LbfgsAfter = null, SubsetPixels = null, SubsetShare = 0,
    };

    /// <summary>
    /// The float fit before Residual-INR's first layer is fixed at its 8-bit values and the other layers are refitted
    /// (<see cref="Refit"/>; <see cref="Codecs.InrCodec"/>, with a target): the Adam phase alone (its schedule and pixel
    /// subsets as they were), since the L-BFGS phase is the refit; without an L-BFGS phase, the whole fit. A method, not a
    /// property, so that a scenario's options serialise as they did.
    /// </summary>
    public TrainingOptions BeforeRefit() => LbfgsAfter is { } adam && adam > 0
        ? this with { Steps = adam, LbfgsAfter = null, WarmupSteps = Math.Min(WarmupSteps, adam / 2), SubsetShare = (double)SubsetSteps / adam }
        : this;

    /// <summary>
    /// The options of the refit around Residual-INR's fixed first layer, for a recipe with an L-BFGS phase (null without
    /// one): that phase, L-BFGS from the first step on whole frames, for at most a tenth of the recipe's steps. On eight
    /// synthetic frames at 2,000 steps a fifth took 6.6 s more (32.6 against 26.0 s), every frame there either way: a frame
    /// the refit leaves short is one whose O-INR does much of the work, and the rounds after it judge it with that share.
    /// Adam recipes have none: an Adam refit of a tenth of the steps before the fine-tuning made the <c>adam</c> recipe
    /// slower at 300 steps on a CPU (9.3 s against 8.7 s; results/benchmarks.md). On an H100 the recipe with this refit
    /// reached the reference's PSNR 4.54x faster than the reference, Adam 0.93x (results/gpu-h100-2026-11-26b).
    /// </summary>
    public TrainingOptions? Refit() => LbfgsAfter is { } adam && adam > 0
        ? this with { Steps = Math.Max(1, Steps / 10), LbfgsAfter = 0, SubsetPixels = null, SubsetShare = 0, WarmupSteps = 0 }
        : null;

    public double LearningRateAt(int step) => !CosineSchedule ? LearningRate
        : WarmupSteps > 0 ? LearningRateSchedule.WarmupCosine(LearningRate, step, WarmupSteps, Steps)
        : LearningRateSchedule.Cosine(LearningRate, step, Steps);

    /// <summary>
    /// The MSE in network units ([-1, 1], 2 wide, i.e. 255 levels) that <see cref="TargetPsnrDb"/> means:
    /// PSNR = 10 log10(2² / MSE).
    /// </summary>
    public double? TargetMse => TargetPsnrDb is { } t ? Psnr.ToMse(t) : null;
}

/// <summary>PSNR against MSE in network units, where the image's 0..255 range spans [-1, 1].</summary>
public static class Psnr
{
    public static double FromMse(double mse) => 10 * Math.Log10(4 / mse);
    public static double ToMse(double psnrDb) => 4 / Math.Pow(10, psnrDb / 10);
}
