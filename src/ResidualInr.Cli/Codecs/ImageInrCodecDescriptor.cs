using System.Globalization;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using TorchSharp;

namespace ResidualInr.Cli.Codecs;

/// <summary>
/// Settings of a per-frame INR codec; null takes the run's INR defaults (the scenario's 'inr'
/// section) or, for the O-INRs and quantisation-aware steps, the codec's own rule.
/// </summary>
public sealed record InrSettings(int? Steps = null, double? LearningRate = null, int? QatSteps = null, int? ObjectSteps = null,
    SirenShape? BackgroundShape = null, bool WarmStart = false) : CodecSettings;

/// <summary>
/// The per-frame INR codecs (Rapid-INR and the Residual-INR ablation ladder): one <c>.rinr</c>
/// payload per frame, trained in stacked batches. <see cref="CodecCatalog"/> holds each variant's networks.
/// </summary>
public sealed class ImageInrCodecDescriptor(string id, string summary) : CodecDescriptor(id, CodecKind.Frame, summary)
{
    public override CodecSettings DefaultSettings { get; } = new InrSettings();
    private static readonly Key Steps = Key.Int("steps", null, "Adam steps per INR.", 1) with { DefaultNote = "inr.steps" };
    private static readonly Key Lr = Key.Double("lr", null, "Adam learning rate.", 1e-9, 1) with { DefaultNote = "inr.lr" };
    private static readonly Key QatSteps = Key.Int("qat_steps", null, "Quantisation-aware fine-tuning steps of a background stored below 32 bits; 0 turns it off.", 0) with { DefaultNote = "steps" };
    private static readonly Key ObjectSteps = Key.Int("object_steps", null, "Adam steps of the object INRs.", 1) with { DefaultNote = "steps" };

    public override IReadOnlyList<Key> SettingKeys { get; } = [Steps, Lr, QatSteps, ObjectSteps];

    public override CodecSettings ParseSettings(YamlSection s) =>
        new InrSettings(s.OptionalInt(Steps), s.OptionalDouble(Lr), s.OptionalInt(QatSteps), s.OptionalInt(ObjectSteps));

    public override CodecSettings FromCommandLine(EncodeCommandValues v) =>
        new InrSettings(v.Steps, v.LearningRate, v.QatSteps, v.ObjectSteps, v.BackgroundShape, v.WarmStart);

    /// <summary>A warm-started frame starts from its predecessor's weights, so a warm-started encode is one unit.</summary>
    public override bool Sliceable(CodecSettings settings) => !((InrSettings)settings).WarmStart;

    /// <summary>The codec's INR settings: the codec's own values over the run's defaults.</summary>
    public InrCodecSettings Resolve(CodecSettings settings, TrainingOptions defaults)
    {
        var s = (InrSettings)settings;
        var training = defaults with { Steps = s.Steps ?? defaults.Steps, LearningRate = s.LearningRate ?? defaults.LearningRate };
        var objectTraining = s.ObjectSteps is { } os ? training with { Steps = os } : null;
        var resolved = CodecCatalog.InrSettings(Id, training, s.WarmStart, objectTraining, s.BackgroundShape, s.QatSteps);
        resolved.Validate();
        return resolved;
    }

    public override string? Describe(CodecSettings settings, int width, int height)
    {
        var s = CodecCatalog.InrSettings(Id, new TrainingOptions(), background: ((InrSettings)settings).BackgroundShape);
        return string.Create(CultureInfo.InvariantCulture, $"{Id}: background SIREN {s.Background} ({s.Background.ParameterCount:N0} parameters, {s.BackgroundBits} bits)");
    }

    public override IReadOnlyList<FrameMetrics> Encode(CodecSettings settings, EncodeJob job, IProgress<double>? framesDone) =>
        EncodeRunner.Run(job.Dataset, new InrCodec(Resolve(settings, job.InrDefaults), job.Device), job.Options, job.Directory, framesDone);

    public override bool Recognises(ReadOnlySpan<byte> payload) => PayloadFormat.LooksLikeInrPayload(payload);

    public override RgbImage DecodeFile(byte[] payload, string path, torch.Device device, int? frame) =>
        new InrDecoder(device).Decode([PayloadFormat.Read(payload, path)])[0];

    public override IFrameSource OpenFrameSource(string key, EncodedFolder folder, IReadOnlyList<(string Sequence, int Frame)> keys, torch.Device device)
    {
        var rows = folder.Frames.ToDictionary(r => (r.Sequence, r.Frame));
        var payloads = keys.Select(k => folder.PayloadFile(rows[k])).Select(file => PayloadFormat.Read(File.ReadAllBytes(file), file)).ToList();
        return new InrFrameSource(key, payloads, device);
    }
}
