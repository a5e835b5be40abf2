using System.Diagnostics;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Metrics;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Evaluation;

/// <summary>One point of a fit's PSNR curve: the recipe, the stage (background, refit, qat, object), the step counted over the whole encode, seconds since it began, mean PSNR over the stage's networks.</summary>
public sealed record ConvergencePoint(string Recipe, string Stage, int Step, double Seconds, double PsnrDb);

/// <summary>One recipe's whole encode of the frames: per-frame decoded PSNR and steps, the wall time and the process's CPU time (steadier on a shared machine).</summary>
public sealed record RecipeResult(string Recipe, double Seconds, double CpuSeconds, IReadOnlyList<double> PsnrDb, IReadOnlyList<int> Steps, IReadOnlyList<int> PayloadBytes)
{
    public double MeanPsnrDb => PsnrDb.Average();
    public double MeanSteps => Steps.Average();
}

/// <summary>Both recipes on the same frames, and the speed-up of the project's recipe to the reference's quality.</summary>
public sealed record ConvergenceResult(RecipeResult Reference, RecipeResult Project, IReadOnlyList<ConvergencePoint> Curve)
{
    /// <summary>The project's recipe got every frame to the reference's decoded PSNR (to 0.05 dB, the 8-bit rounding of the decode).</summary>
    public bool Reached => Project.PsnrDb.Zip(Reference.PsnrDb).All(p => p.First >= p.Second - ConvergenceBenchmark.ToleranceDb);
    public double TimeSpeedUp => Reference.Seconds / Project.Seconds;
    public double StepSpeedUp => Reference.MeanSteps / Project.MeanSteps;
    public double CpuSpeedUp => Reference.CpuSeconds / Project.CpuSeconds;
}

/// <summary>
/// Encodes the same frames with the reference recipe (the authors': <see cref="TrainingOptions.Reference"/>)
/// and with the project's recipe in one process, and measures what the project's recipe needs to
/// reach the reference's final quality. The quality is that of the real payload, decoded: PSNR of the
/// whole frame. The project's recipe runs with each frame's target set to the PSNR the reference
/// reached on it (plus a small margin for the rounding between the fit and the decoded 8-bit frame),
/// so every network stops as soon as it is there; its steps are capped at the reference's.
/// Steps per frame count every fit of the frame (background, quantisation-aware fine-tuning, object INR).
/// </summary>
public sealed class ConvergenceBenchmark(Device device, Action<string>? log = null)
{
    /// <summary>How far under the reference's PSNR a frame may land and still count as there (decoding rounds to 8 bits).</summary>
    public const double ToleranceDb = 0.05;

    /// <summary>Added to each frame's target so that the rounding between the fit and the decoded frame does not leave it short.</summary>
    public const double MarginDb = 0.05;

    public ConvergenceResult Run(string codec, IReadOnlyList<FrameToEncode> frames, TrainingOptions reference, TrainingOptions project, int seed)
    {
        if (!CodecCatalog.InrNames.Contains(codec)) throw new Imaging.InputException($"--codec '{codec}' is not a per-frame INR codec (one of: {string.Join(", ", CodecCatalog.InrNames)})");
        reference.Validate();
        project.Validate();
        // Warm-up (allocator, kernels), so that neither recipe pays for the first run.
        new InrCodec(CodecCatalog.InrSettings(codec, reference with { Steps = 2 }), device).EncodeBatch(frames, seed);

        var curve = new List<ConvergencePoint>();
        log?.Invoke($"reference recipe: {reference.Steps} steps at lr {reference.LearningRate:G3}");
        var referenceResult = Encode("reference", codec, frames, reference, null, seed, curve);
        var targets = frames.Select((f, i) => (f, i)).ToDictionary(x => (x.f.Sequence, x.f.Index), x => referenceResult.PsnrDb[x.i] + MarginDb);
        log?.Invoke($"project recipe: up to {project.Steps} steps, each frame until the reference's PSNR");
        var projectResult = Encode("project", codec, frames, project, targets, seed, curve);
        return new ConvergenceResult(referenceResult, projectResult, curve);
    }

    private RecipeResult Encode(string recipe, string codecName, IReadOnlyList<FrameToEncode> frames, TrainingOptions training,
        IReadOnlyDictionary<(string, int), double>? targets, int seed, List<ConvergencePoint> curve)
    {
        var codec = new InrCodec(CodecCatalog.InrSettings(codecName, training), device) { FrameTargetPsnrDb = targets };
        int step = 0;
        var clock = new Stopwatch();
        codec.OnFitStep = (stage, _, psnr) => curve.Add(new(recipe, stage, ++step, clock.Elapsed.TotalSeconds, psnr.Average()));
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        clock.Start();
        var encoded = codec.EncodeBatch(frames, seed);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
        var psnrs = frames.Select((f, i) => ImageQuality.Psnr(f.Image, decoded[i])).ToList();
        return new RecipeResult(recipe, seconds, cpuSeconds, psnrs, encoded.Select(e => e.Steps).ToList(), encoded.Select(e => e.Payload.Length).ToList());
    }
}
