using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ResidualInr.Imaging;

namespace ResidualInr.Learning.Detector;

/// <summary>What a saved detector was made for: the sidecar <c>NAME.pt.json</c> beside the weights.</summary>
/// <param name="Sha256">Of the weights file: a sidecar that does not belong to its weights is an error, not a silent mismatch.</param>
/// <param name="Command">The command line that made the weights, so they can be reproduced.</param>
public sealed record DetectorWeightsInfo(
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("frame_width")] int FrameWidth,
    [property: JsonPropertyName("frame_height")] int FrameHeight,
    [property: JsonPropertyName("parameters")] long Parameters,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("frames")] int Frames,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("seed")] int Seed);

/// <summary>
/// A detector's weights on disk (TorchSharp's module format) with a JSON sidecar saying which detector
/// and frame size they fit. Loading checks the sidecar against what the caller builds before libtorch
/// reads a byte, so a wrong file is a one-line input error ("width 8, learning.width is 16"), not a shape
/// error deep inside TorchSharp.
/// </summary>
public sealed class DetectorWeights
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private DetectorWeights(string path, byte[] bytes, DetectorWeightsInfo info)
    {
        Path = path;
        Bytes = bytes;
        Info = info;
    }

    public string Path { get; }

    /// <summary>The weights file's bytes (tens to hundreds of kB), read once.</summary>
    public byte[] Bytes { get; }

    public DetectorWeightsInfo Info { get; }

    /// <summary>SHA-256 of the weights, lower-case hex: what a cache key should hold, not the path.</summary>
    public string ContentHash => Info.Sha256;

    public static string SidecarPath(string weightsPath) => weightsPath + ".json";

    /// <summary>Writes <paramref name="model"/>'s weights and the sidecar, each whole or not at all.</summary>
    public static DetectorWeightsInfo Save(SingleObjectDetector model, string path, int width, int frameWidth, int frameHeight,
        string command, int frames, int epochs, int seed)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) model.save(writer);
        var bytes = stream.ToArray();
        var info = new DetectorWeightsInfo(width, frameWidth, frameHeight, model.ParameterCount, Hash(bytes), command, frames, epochs, seed);
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllBytes(path, bytes);
        AtomicFile.WriteAllText(SidecarPath(path), JsonSerializer.Serialize(info, Json) + "\n");
        return info;
    }

    /// <summary>Reads the weights and their sidecar; a missing, unreadable or mismatched pair is an <see cref="InputException"/>.</summary>
    public static DetectorWeights Read(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, null, "pretrained detector weights not found");
        var sidecar = SidecarPath(path);
        if (!File.Exists(sidecar))
            throw new InputException(sidecar, null, "missing: pretrained weights need the sidecar 'rinr pretrain' writes beside them (width, frame size, hash)");
        DetectorWeightsInfo? info;
        try { info = JsonSerializer.Deserialize<DetectorWeightsInfo>(File.ReadAllText(sidecar)); }
        catch (JsonException e) { throw new InputException(sidecar, null, $"not a detector sidecar ({e.Message.Split('\n')[0]})"); }
        if (info is null || info.Width < 1 || info.FrameWidth < 1 || info.FrameHeight < 1 || string.IsNullOrEmpty(info.Sha256))
            throw new InputException(sidecar, null, "not a detector sidecar (width, frame_width, frame_height and sha256 are required)");
        var bytes = File.ReadAllBytes(path);
        var hash = Hash(bytes);
        if (hash != info.Sha256)
            throw new InputException(path, null, $"the weights' SHA-256 is {hash[..12]}..., the sidecar says {info.Sha256[..Math.Min(12, info.Sha256.Length)]}...: the two files do not belong together");
        return new DetectorWeights(path, bytes, info);
    }

    /// <summary>
    /// Checks that these weights fit a detector of <paramref name="width"/> on <paramref name="frameWidth"/> x
    /// <paramref name="frameHeight"/> frames. The frame size matters although the network is convolutional: its box
    /// sizes are fractions of the frame and its receptive field is tuned to objects at that scale.
    /// </summary>
    /// <param name="widthSetting">How the caller names its width, for the message (e.g. "learning.width").</param>
    public void CheckFits(int width, int frameWidth, int frameHeight, string widthSetting = "the detector width")
    {
        if (Info.Width != width)
            throw new InputException(Path, null, $"pretrained detector has width {Info.Width}, {widthSetting} is {width}");
        if (Info.FrameWidth != frameWidth || Info.FrameHeight != frameHeight)
            throw new InputException(Path, null, $"pretrained detector was trained on {Info.FrameWidth}x{Info.FrameHeight} frames, these are {frameWidth}x{frameHeight}");
    }

    /// <summary>Copies the weights into <paramref name="model"/> (same width, checked).</summary>
    public void LoadInto(SingleObjectDetector model)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(Bytes));
            model.load(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException or NotImplementedException)
        {
            throw new InputException(Path, null, $"cannot load these weights into the detector ({e.Message.Split('\n')[0]})");
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
