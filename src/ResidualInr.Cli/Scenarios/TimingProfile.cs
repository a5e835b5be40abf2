using System.Text.Json;
using System.Text.Json.Serialization;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// Measured compute times the simulator plays out. They live only here (never in the CSVs), so
/// a rerun with the same profile reproduces every CSV byte for byte.
/// </summary>
public sealed record TimingProfile(
    string Device,
    int FogBatch,
    IReadOnlyDictionary<string, double> FogEncodeSecondsPerBatch,
    IReadOnlyDictionary<string, double> EdgeDecodeSecondsPerFrame,
    double EdgeTrainSecondsPerFrameEpoch,
    double FogTrainSecondsPerFrameEpoch,
    IReadOnlyDictionary<string, double>? EdgeTrainSecondsPerFrameEpochByCodec = null)
{
    /// <summary>Where the profile was read from (null when measured in this run), for error messages.</summary>
    [JsonIgnore]
    public string? Source { get; init; }

    /// <summary>Fog GPU seconds to encode one batch with the codec; a codec the profile lacks is an input error.</summary>
    public double FogEncodeSecondsPerBatchFor(string codec) => Lookup(FogEncodeSecondsPerBatch, "fog_encode_seconds_per_batch", codec);

    /// <summary>Device seconds to decode one frame of the codec; a codec the profile lacks is an input error.</summary>
    public double EdgeDecodeSecondsFor(string codec) => Lookup(EdgeDecodeSecondsPerFrame, "edge_decode_seconds_per_frame", codec);

    /// <summary>
    /// A device's training time per frame and epoch when it trains on frames from <paramref name="codec"/>:
    /// measured by the learning stage (data loading included) where it ran, for every codec; the
    /// scenario's single figure only when no learning stage ran at all.
    /// </summary>
    public double EdgeTrainSecondsFor(string codec) => EdgeTrainSecondsPerFrameEpochByCodec is { } byCodec
        ? Lookup(byCodec, "edge_train_seconds_per_frame_epoch_by_codec", codec)
        : EdgeTrainSecondsPerFrameEpoch;

    /// <summary>Checks up front that the profile has every figure <paramref name="codecs"/> need, so a run fails before its encodes.</summary>
    public void Require(IEnumerable<string> codecs)
    {
        foreach (var codec in codecs)
        {
            FogEncodeSecondsPerBatchFor(codec);
            EdgeDecodeSecondsFor(codec);
        }
    }

    private double Lookup(IReadOnlyDictionary<string, double> table, string field, string codec) =>
        table.TryGetValue(codec, out var seconds) ? seconds
            : throw new InputException(Source, null, $"timing profile has no {field} for codec '{codec}' (it has: {string.Join(", ", table.Keys.Order())})");

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// A profile from encodes measured on this machine. Encode time per frame was measured in
    /// batches; a fog batch takes that time for each of the <paramref name="fogBatch"/> frames it holds.
    /// </summary>
    public static TimingProfile FromMeasurements(string device, int fogBatch, IEnumerable<(string Codec, IReadOnlyList<FrameMetrics> Frames)> codecs,
        double edgeTrainSecondsPerFrameEpoch, double fogTrainSecondsPerFrameEpoch)
    {
        var measured = codecs.ToList();
        return new TimingProfile(device, fogBatch,
            measured.ToDictionary(c => c.Codec, c => c.Frames.Average(f => f.EncodeSecondsPerFrame) * fogBatch),
            measured.ToDictionary(c => c.Codec, c => c.Frames.Average(f => f.DecodeSecondsPerFrame)),
            edgeTrainSecondsPerFrameEpoch, fogTrainSecondsPerFrameEpoch);
    }

    public static TimingProfile Read(string path)
    {
        try
        {
            var profile = JsonSerializer.Deserialize<TimingProfile>(File.ReadAllText(path), Json)
                ?? throw new InputException(path, null, "empty timing profile");
            if (profile.FogEncodeSecondsPerBatch is null || profile.EdgeDecodeSecondsPerFrame is null || profile.FogBatch < 1)
                throw new InputException(path, null, "timing profile lacks fog_encode_seconds_per_batch, edge_decode_seconds_per_frame or fog_batch");
            if (profile.FogEncodeSecondsPerBatch.Values.Concat(profile.EdgeDecodeSecondsPerFrame.Values)
                    .Concat(profile.EdgeTrainSecondsPerFrameEpochByCodec?.Values ?? [])
                    .Append(profile.EdgeTrainSecondsPerFrameEpoch).Append(profile.FogTrainSecondsPerFrameEpoch).Any(v => !double.IsFinite(v) || v < 0))
                throw new InputException(path, null, "timing profile has a negative or non-finite time");
            return profile with { Source = path };
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not a timing profile: {e.Message.Split('\n')[0]}");
        }
    }
}
