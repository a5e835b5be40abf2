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
    /// <summary>
    /// A device's training time per frame and epoch when it trains on frames from <paramref name="codec"/>:
    /// measured by the learning stage (data loading included) where it ran, else the scenario's figure.
    /// </summary>
    public double EdgeTrainSecondsFor(string codec) =>
        EdgeTrainSecondsPerFrameEpochByCodec?.GetValueOrDefault(codec, EdgeTrainSecondsPerFrameEpoch) ?? EdgeTrainSecondsPerFrameEpoch;

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
            return profile;
        }
        catch (JsonException e)
        {
            throw new InputException(path, (int?)(e.LineNumber + 1), $"not a timing profile: {e.Message.Split('\n')[0]}");
        }
    }
}
