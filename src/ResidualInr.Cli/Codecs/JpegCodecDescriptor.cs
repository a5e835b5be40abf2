using System.Globalization;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using TorchSharp;

namespace ResidualInr.Cli.Codecs;

/// <param name="Quality">libjpeg quality, 1-100.</param>
public sealed record JpegSettings(int Quality = 90) : CodecSettings;

/// <summary>The JPEG baseline: what devices store and upload; its key carries the quality (<c>jpeg-q90</c>).</summary>
public sealed class JpegCodecDescriptor() : CodecDescriptor("jpeg", CodecKind.Frame, "JPEG (SkiaSharp/libjpeg-turbo) at a given quality")
{
    private const string Prefix = "jpeg-q";

    public override CodecSettings DefaultSettings { get; } = new JpegSettings();
    private static readonly Key Quality = Key.Int("quality", 90, "JPEG quality.", 1, 100);

    public override IReadOnlyList<Key> SettingKeys { get; } = [Quality];

    public override CodecSettings ParseSettings(YamlSection section) => new JpegSettings(section.Int(Quality));

    public override CodecSettings FromCommandLine(EncodeCommandValues values) => new JpegSettings(values.JpegQuality);

    public override string KeyFor(CodecSettings settings) => Prefix + Settings(settings).Quality.ToString(CultureInfo.InvariantCulture);

    public override bool OwnsKey(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) && int.TryParse(key.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q is >= 1 and <= 100;

    public override IReadOnlyList<FrameMetrics> Encode(CodecSettings settings, EncodeJob job, IProgress<double>? framesDone)
    {
        var quality = Settings(settings).Quality;
        if (quality is < 1 or > 100) throw new Imaging.InputException($"JPEG quality must be between 1 and 100, got {quality}");
        return EncodeRunner.Run(job.Dataset, new JpegFrameCodec(quality), job.Options, job.Directory, framesDone);
    }

    public override bool Recognises(ReadOnlySpan<byte> payload) => payload.Length >= 2 && payload[0] == 0xFF && payload[1] == 0xD8;

    public override RgbImage DecodeFile(byte[] payload, string path, torch.Device device, int? frame) => JpegCodec.Decode(payload, path);

    public override IFrameSource OpenFrameSource(string key, EncodedFolder folder, IReadOnlyList<(string Sequence, int Frame)> keys, torch.Device device)
    {
        var rows = folder.Frames.ToDictionary(r => (r.Sequence, r.Frame));
        var files = keys.Select(k => folder.PayloadFile(rows[k])).ToList();
        return new JpegFrameSource(key, files.Select(File.ReadAllBytes).ToList(), files);
    }

    private static JpegSettings Settings(CodecSettings settings) => (JpegSettings)settings;
}
