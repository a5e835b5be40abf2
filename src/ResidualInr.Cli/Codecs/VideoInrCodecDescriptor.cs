using System.Globalization;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using TorchSharp;

namespace ResidualInr.Cli.Codecs;

/// <summary>
/// Settings of a video codec: the NeRV's epochs, learning rate and frames per step (null: the NeRV
/// defaults), and the object INRs' steps (null: the run's INR defaults).
/// </summary>
public sealed record NervSettings(int? Epochs = null, double? LearningRate = null, int? ObjectSteps = null, int? Batch = null) : CodecSettings;

/// <summary>
/// The video codecs (NeRV, Residual-NeRV): one <c>.rnrv</c> container per sequence holding the
/// sequence's network and every frame's object INR; a frame's payload is its share of the container.
/// </summary>
public sealed class VideoInrCodecDescriptor(string id, string summary) : CodecDescriptor(id, CodecKind.Sequence, summary)
{
    public override CodecSettings DefaultSettings { get; } = new NervSettings();
    private static readonly Key Lr = Key.Double("lr", null, "NeRV Adam learning rate.", 1e-9, 1) with { DefaultNote = "3e-3" };
    private static readonly Key ObjectSteps = Key.Int("object_steps", null, "Adam steps of the object INRs.", 1) with { DefaultNote = "inr.steps" };
    private static readonly Key Epochs = Key.Int("epochs", null, "NeRV epochs over the sequence.", 1, 100_000) with { DefaultNote = "300" };

    public override IReadOnlyList<Key> SettingKeys { get; } = [Lr, ObjectSteps, Epochs];

    public override CodecSettings ParseSettings(YamlSection s) => new NervSettings(s.OptionalInt(Epochs), s.OptionalDouble(Lr), s.OptionalInt(ObjectSteps));

    public override CodecSettings FromCommandLine(EncodeCommandValues v) => new NervSettings(v.Epochs, v.NervLearningRate, v.ObjectSteps, v.NervBatch);

    /// <summary>The codec: the NeRV's training from the settings over its defaults; object INRs from the run's INR defaults.</summary>
    public NervCodec Create(CodecSettings settings, TrainingOptions inrDefaults, torch.Device device)
    {
        var s = (NervSettings)settings;
        var defaults = new NervTrainingOptions();
        var training = defaults with
        {
            Epochs = s.Epochs ?? defaults.Epochs,
            LearningRate = s.LearningRate ?? defaults.LearningRate,
            BatchSize = s.Batch ?? defaults.BatchSize,
        };
        var objectTraining = s.ObjectSteps is { } os ? inrDefaults with { Steps = os } : inrDefaults;
        return CodecCatalog.CreateSequenceCodec(Id, training, objectTraining, device);
    }

    public override string? Describe(CodecSettings settings, int width, int height)
    {
        var shape = CodecCatalog.CreateSequenceCodec(Id, new NervTrainingOptions(), new TrainingOptions(), torch.CPU).Settings.ShapeFor(width, height);
        return string.Create(CultureInfo.InvariantCulture, $"{Id}: NeRV {shape} ({shape.ParameterCount:N0} parameters)");
    }

    public override IReadOnlyList<FrameMetrics> Encode(CodecSettings settings, EncodeJob job, IProgress<double>? framesDone) =>
        EncodeRunner.RunSequences(job.Dataset, Create(settings, job.InrDefaults, job.Device), job.Options, job.Directory, framesDone);

    public override bool Recognises(ReadOnlySpan<byte> payload) => SequencePayloadFormat.LooksLikeSequencePayload(payload);

    public override RgbImage DecodeFile(byte[] payload, string path, torch.Device device, int? frame)
    {
        var sequence = SequencePayloadFormat.Read(payload, path);
        int index = frame ?? sequence.Frames[0].Index;
        int position = PositionOf(sequence, index)
            ?? throw new InputException(path, null, $"--frame {index}: the container holds frames {string.Join(", ", sequence.Frames.Select(f => f.Index))}");
        using var decoder = new NervSequenceDecoder(sequence, device);
        return decoder.DecodeImages([position])[0];
    }

    /// <summary>Each row names its sequence's container; a frame is found in it by its dataset index.</summary>
    public override IFrameSource OpenFrameSource(string key, EncodedFolder folder, IReadOnlyList<(string Sequence, int Frame)> keys, torch.Device device)
    {
        var rows = folder.Frames.ToDictionary(r => (r.Sequence, r.Frame));
        var containers = new Dictionary<string, SequencePayload>();
        var frames = new List<(SequencePayload, int)>(keys.Count);
        foreach (var k in keys)
        {
            var file = folder.PayloadFile(rows[k]);
            if (!containers.TryGetValue(file, out var container))
                containers[file] = container = SequencePayloadFormat.Read(File.ReadAllBytes(file), file);
            int position = PositionOf(container, k.Frame) ?? throw new InputException(file, null, $"the sequence payload has no frame {k.Frame}");
            frames.Add((container, position));
        }
        return new NervFrameSource(key, frames, device);
    }

    private static int? PositionOf(SequencePayload sequence, int frameIndex)
    {
        for (int i = 0; i < sequence.Frames.Count; i++)
            if (sequence.Frames[i].Index == frameIndex) return i;
        return null;
    }
}
