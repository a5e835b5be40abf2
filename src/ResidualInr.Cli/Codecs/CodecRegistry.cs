using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using TorchSharp;

namespace ResidualInr.Cli.Codecs;

/// <summary>
/// Every codec the tool knows, one registration line each. The scenario loader, <c>rinr encode</c>,
/// <c>rinr decode</c>, <c>rinr train</c>, the learning stage and the timing profiles all find codecs
/// here; nothing else lists codec names. A lookup that misses throws an input error naming the key.
/// </summary>
public static class CodecRegistry
{
    public static IReadOnlyList<CodecDescriptor> All { get; } =
    [
        new JpegCodecDescriptor(),
        new ImageInrCodecDescriptor("rapid-inr", "Rapid-INR baseline: one 10x28 SIREN per frame, 16-bit"),
        new ImageInrCodecDescriptor("residual-inr", "Residual-INR: 8-bit B-INR (quantisation-aware fine-tuned) + 16-bit residual O-INR"),
        new ImageInrCodecDescriptor("residual-inr-bg", "ablation: the smaller B-INR alone, 16-bit"),
        new ImageInrCodecDescriptor("residual-inr-direct", "ablation: B-INR + an O-INR fitting the object's RGB, both 16-bit"),
        new ImageInrCodecDescriptor("residual-inr-16bit", "ablation: B-INR + residual O-INR, both 16-bit"),
        new VideoInrCodecDescriptor("nerv", "NeRV: one 8-bit network per sequence"),
        new VideoInrCodecDescriptor("residual-nerv", "Residual-NeRV: a smaller 8-bit NeRV + 16-bit residual O-INRs per frame"),
    ];

    public static IReadOnlyList<string> Ids { get; } = All.Select(c => c.Id).ToArray();

    public static bool TryGet(string id, out CodecDescriptor codec)
    {
        codec = All.FirstOrDefault(c => c.Id == id)!;
        return codec is not null;
    }

    /// <summary>The codec with this id (e.g. <c>residual-inr</c>); an unknown id is an input error listing the known ones.</summary>
    public static CodecDescriptor Get(string id) =>
        TryGet(id, out var codec) ? codec : throw new InputException($"unknown codec '{id}'{Hint(id)}");

    /// <summary>The codec whose metrics.csv rows or profile entries are named <paramref name="key"/> (e.g. <c>jpeg-q90</c>).</summary>
    public static CodecDescriptor ForKey(string key, string? file = null) =>
        All.FirstOrDefault(c => c.OwnsKey(key)) ?? throw new InputException(file, null, $"unknown codec '{key}'{Hint(key)}");

    /// <summary>The codec family whose payload format <paramref name="payload"/> is in.</summary>
    public static CodecDescriptor ForPayload(byte[] payload, string path) =>
        All.FirstOrDefault(c => c.Recognises(payload))
        ?? throw new Codec.Payloads.PayloadException(path, "neither a rinr payload, a rinr sequence container nor a JPEG");

    /// <summary>Decodes one payload file of any registered format.</summary>
    public static RgbImage DecodeFile(byte[] payload, string path, torch.Device device, int? frame) =>
        ForPayload(payload, path).DecodeFile(payload, path, device, frame);

    internal static string Hint(string id) =>
        Scenarios.YamlSection.DidYouMean(id, Ids) is { } best ? $" (did you mean '{best}'?)" : $" (expected one of: {string.Join(", ", Ids)})";
}
