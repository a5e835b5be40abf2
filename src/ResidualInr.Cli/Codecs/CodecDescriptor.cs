using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using TorchSharp;

namespace ResidualInr.Cli.Codecs;

/// <summary>Whether a codec encodes each frame on its own or a whole sequence into one container.</summary>
public enum CodecKind { Frame, Sequence }

/// <summary>A codec's own settings, typed per codec family (parsed from YAML or built from command-line options).</summary>
public abstract record CodecSettings;

/// <summary>
/// One codec chosen for a run: which codec, with which settings. Its <see cref="Key"/> names its
/// rows in metrics.csv and its entries in timing profiles (e.g. <c>jpeg-q90</c>, <c>residual-inr</c>).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(CodecSpecJson))]
public sealed record CodecSpec(CodecDescriptor Codec, CodecSettings Settings)
{
    public string Key => Codec.KeyFor(Settings);

    /// <summary>Canonical text of the codec and its settings, for cache keys and config hashes.</summary>
    public override string ToString() => $"{Codec.Id}:{Settings}";
}

/// <summary>A codec choice in JSON (config hashes) is its canonical text; it is never read back.</summary>
public sealed class CodecSpecJson : System.Text.Json.Serialization.JsonConverter<CodecSpec>
{
    public override CodecSpec Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        throw new NotSupportedException("codec choices are read from scenario YAML, not JSON");

    public override void Write(System.Text.Json.Utf8JsonWriter writer, CodecSpec value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

/// <summary>What every encode needs besides the codec: the frames, where to write, and the run-wide INR defaults.</summary>
/// <param name="InrDefaults">Steps and learning rate of INRs whose codec settings leave them open (the scenario's 'inr' section, or the command's options).</param>
public sealed record EncodeJob(Dataset Dataset, EncodeOptions Options, string Directory, torch.Device Device, TrainingOptions InrDefaults, TextWriter Log);

/// <summary>The encode command's options that a codec family may use; each family reads its own.</summary>
public sealed record EncodeCommandValues(int JpegQuality, int? Steps, double? LearningRate, int? ObjectSteps, int? QatSteps, SirenShape? BackgroundShape,
    bool WarmStart, int Epochs, double NervLearningRate, int NervBatch);

/// <summary>
/// Everything the pipeline needs to know about one codec, in one place: its id, kind, typed
/// settings and their YAML keys, how it encodes, how a payload of it is recognised and decoded,
/// the frame source the learning stage trains from, and its key in timing profiles.
/// Adding a codec is one descriptor (usually a new instance of a family below) and one line in
/// <see cref="CodecRegistry"/>.
/// </summary>
public abstract class CodecDescriptor(string id, CodecKind kind, string summary)
{
    public string Id { get; } = id;
    public CodecKind Kind { get; } = kind;
    public string Summary { get; } = summary;

    /// <summary>The settings a scenario gets when it names the codec with no settings.</summary>
    public abstract CodecSettings DefaultSettings { get; }

    /// <summary>The YAML keys under <c>codecs.&lt;id&gt;</c>, declared once: <see cref="ParseSettings"/> reads through them and the scenario schema is generated from them.</summary>
    public abstract IReadOnlyList<Key> SettingKeys { get; }

    /// <summary>Reads the codec's settings from its scenario section through <see cref="SettingKeys"/> (the caller rejects unknown keys).</summary>
    public abstract CodecSettings ParseSettings(YamlSection section);

    public abstract CodecSettings FromCommandLine(EncodeCommandValues values);

    /// <summary>Name of the codec's rows in metrics.csv and of its entries in timing profiles.</summary>
    public virtual string KeyFor(CodecSettings settings) => Id;

    /// <summary>Whether <paramref name="key"/> (a metrics.csv codec name) names this codec.</summary>
    public virtual bool OwnsKey(string key) => key == Id;

    /// <summary>A one-line description of what will be encoded (network shapes and sizes), or null.</summary>
    public virtual string? Describe(CodecSettings settings, int width, int height) => null;

    /// <summary>
    /// Whether an encode may be cut into slices of batches (<see cref="EncodeOptions.FirstBatch"/>), each a work unit of a
    /// sharded run: true where every batch is encoded alone from its own seed. A video codec fits one network per sequence.
    /// </summary>
    public virtual bool Sliceable(CodecSettings settings) => Kind == CodecKind.Frame;

    /// <summary>Encodes the job's frames, writes payloads under the job's folder, and returns one metrics row per frame.</summary>
    public abstract IReadOnlyList<FrameMetrics> Encode(CodecSettings settings, EncodeJob job, IProgress<double>? framesDone);

    /// <summary>Whether <paramref name="payload"/> is in this codec family's payload format.</summary>
    public abstract bool Recognises(ReadOnlySpan<byte> payload);

    /// <summary>Decodes one frame of a payload file (a container's frame by its dataset index, when <paramref name="frame"/> is given).</summary>
    public abstract RgbImage DecodeFile(byte[] payload, string path, torch.Device device, int? frame);

    /// <summary>
    /// The learning stage's view of an encode: the frames named by <paramref name="keys"/>, decoded
    /// as a device would (JPEG on the CPU, INRs in batches on the training device).
    /// </summary>
    public abstract IFrameSource OpenFrameSource(string key, EncodedFolder folder, IReadOnlyList<(string Sequence, int Frame)> keys, torch.Device device);
}

/// <summary>One codec's encode on disk: the folder its metrics.csv and payloads live in, and the rows of that file.</summary>
public sealed record EncodedFolder(string Directory, IReadOnlyList<FrameMetrics> Frames)
{
    public string MetricsFile => Path.Combine(Directory, "metrics.csv");

    /// <summary>The codec key every row names (a folder holds one codec's encode); rows naming two codecs are an input error.</summary>
    public string CodecKey
    {
        get
        {
            var keys = Frames.Select(f => f.Codec).Distinct().ToList();
            return keys.Count == 1 ? keys[0]
                : throw new Imaging.InputException(MetricsFile, null, $"rows name {keys.Count} codecs ({string.Join(", ", keys)}); one folder holds one codec's encode");
        }
    }

    /// <summary>Reads the folder's metrics.csv.</summary>
    public static EncodedFolder Read(string directory) =>
        new(directory, Commands.CodecMetricsFile.Read(Path.Combine(directory, "metrics.csv")));

    /// <summary>The payload file of one frame; a missing row or file is an input error naming it.</summary>
    public string PayloadFile(FrameMetrics row)
    {
        if (string.IsNullOrEmpty(row.PayloadFile))
            throw new Imaging.InputException(MetricsFile, null, $"no payload_file for frame {row.Frame} of '{row.Sequence}'");
        var file = Path.Combine(Directory, row.PayloadFile);
        if (!File.Exists(file)) throw new Imaging.InputException(file, null, "payload file not found");
        return file;
    }
}
