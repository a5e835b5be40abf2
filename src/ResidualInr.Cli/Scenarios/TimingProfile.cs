using System.Text.Json;
using System.Text.Json.Serialization;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// Measured compute times the simulator plays out. They live only here (never in the CSVs), so
/// a rerun with the same profile reproduces every CSV byte for byte.
/// <para>
/// A profile belongs to hardware in a <see cref="Role"/>: <c>fog</c> (the GPU that encodes: a table of
/// measured batch sizes to seconds per codec, <c>fog_encode_batch_seconds</c>, and the fog's training
/// time), <c>edge</c> (a device: decode seconds per frame per codec and its training time), or
/// <c>fog+edge</c> (one machine measured both, as a scenario run or an old profile does).
/// </para>
/// <para>
/// For a video codec (one NeRV per sequence, <see cref="Codecs.CodecKind.Sequence"/>) the table's sizes are
/// frames per sequence: t(L) is the seconds to encode a whole sequence of L frames (its NeRV with the
/// object INRs), which the simulation plays as one fit per sequence (<see cref="ComputeTimings.SequenceFit"/>).
/// Measured encodes give exactly that: a sequence's frames carry its time / L and encode_batch_frames = L.
/// </para>
/// <para>
/// Old profiles (before batch tables) hold <c>fog_batch</c> and <c>fog_encode_seconds_per_batch</c>: they
/// are read as one measured point per codec, t(fog_batch) = that figure (<see cref="BatchCost.Measured"/>),
/// and written back in the new form.
/// </para>
/// </summary>
public sealed record TimingProfile(
    string Device,
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, double>>? FogEncodeBatchSeconds,
    IReadOnlyDictionary<string, double>? EdgeDecodeSecondsPerFrame,
    double EdgeTrainSecondsPerFrameEpoch,
    double FogTrainSecondsPerFrameEpoch,
    IReadOnlyDictionary<string, double>? EdgeTrainSecondsPerFrameEpochByCodec = null,
    string Role = TimingProfile.BothRoles)
{
    public const string FogRole = "fog", EdgeRole = "edge", BothRoles = "fog+edge";

    /// <summary>Where the profile was read from (null when measured in this run), for error messages.</summary>
    [JsonIgnore]
    public string? Source { get; init; }

    /// <summary>Old profiles only: the batch size <see cref="FogEncodeSecondsPerBatch"/> was measured at. Never written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FogBatch { get; init; }

    /// <summary>Old profiles only: seconds per batch of <see cref="FogBatch"/> frames, per codec. Never written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? FogEncodeSecondsPerBatch { get; init; }

    /// <summary>t(b) of the fog's encode with the codec, from the measured points; a codec the profile lacks is an input error.</summary>
    public BatchCost FogEncodeFor(string codec)
    {
        var table = FogEncodeBatchSeconds ?? throw Missing("fog_encode_batch_seconds", codec, []);
        if (!table.TryGetValue(codec, out var points)) throw Missing("fog_encode_batch_seconds", codec, table.Keys);
        try { return new BatchCost(points.OrderBy(p => p.Key).Select(p => (p.Key, p.Value))); }
        catch (ArgumentException e) { throw new InputException(Source, null, $"fog_encode_batch_seconds.{codec}: {e.Message}"); }
    }

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

    /// <summary>Checks up front that the profile has the fog figures <paramref name="encoded"/> (the INR codecs) need.</summary>
    public void RequireFog(IEnumerable<string> encoded)
    {
        foreach (var codec in encoded) FogEncodeFor(codec);
    }

    /// <summary>Checks up front that the profile has the decode times <paramref name="decoded"/> (every codec) need.</summary>
    public void RequireEdge(IEnumerable<string> decoded)
    {
        foreach (var codec in decoded) EdgeDecodeSecondsFor(codec);
    }

    /// <summary>Both checks, so a run fails before its encodes.</summary>
    public void Require(IEnumerable<string> encoded, IEnumerable<string> decoded)
    {
        RequireFog(encoded);
        RequireEdge(decoded);
    }

    /// <summary>
    /// This profile with the fog's figures (encode table, fog training) from <paramref name="fog"/> and the
    /// devices' (decode, edge training) from <paramref name="edge"/>, where given: what the simulation uses.
    /// </summary>
    public TimingProfile WithRoles(TimingProfile? fog, TimingProfile? edge)
    {
        if (fog is null && edge is null) return this;
        var f = fog ?? this;
        var e = edge ?? this;
        return new TimingProfile($"fog: {f.Device}; edge: {e.Device}", f.FogEncodeBatchSeconds, e.EdgeDecodeSecondsPerFrame,
            e.EdgeTrainSecondsPerFrameEpoch, f.FogTrainSecondsPerFrameEpoch, e.EdgeTrainSecondsPerFrameEpochByCodec, BothRoles);
    }

    private double Lookup(IReadOnlyDictionary<string, double>? table, string field, string codec) =>
        table is not null && table.TryGetValue(codec, out var seconds) ? seconds : throw Missing(field, codec, table?.Keys ?? []);

    private InputException Missing(string field, string codec, IEnumerable<string> has) =>
        new(Source, null, $"timing profile ({Role}, {Device}) has no {field} for codec '{codec}' (it has: {(has.Any() ? string.Join(", ", has.Order()) : "none")})");

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // A file for people: "fog+edge", not "fog\u002Bedge".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The measured points per batch size: frames encoded in a batch of b carry the batch's time / b
    /// (<see cref="FrameMetrics.EncodeSecondsPerFrame"/>), so t(b) = b x their mean. A video codec's batch is a
    /// sequence, so its points are (frames per sequence, mean seconds per sequence) for each length seen. Frames without a
    /// recorded batch size (an older metrics.csv) count as batches of <paramref name="fallbackBatch"/>.
    /// Noise can make a smaller batch look dearer than a bigger one; such a point is lowered to the bigger
    /// batch's time (a batch cannot cost less for holding more frames).
    /// </summary>
    public static SortedDictionary<int, double> BatchPoints(IEnumerable<FrameMetrics> frames, int fallbackBatch)
    {
        var points = new SortedDictionary<int, double>(frames
            .Where(f => double.IsFinite(f.EncodeSecondsPerFrame))
            .GroupBy(f => f.EncodeBatchFrames > 0 ? f.EncodeBatchFrames : fallbackBatch)
            .ToDictionary(g => g.Key, g => g.Key * g.Average(f => f.EncodeSecondsPerFrame)));
        var sizes = points.Keys.ToArray();
        for (int i = sizes.Length - 2; i >= 0; i--)
            points[sizes[i]] = Math.Min(points[sizes[i]], points[sizes[i + 1]]);
        return points;
    }

    /// <summary>
    /// A profile from encodes measured on this machine: per codec, t(b) at every batch size the encodes
    /// ran at (<see cref="BatchPoints"/>), and the mean decode time per frame.
    /// </summary>
    public static TimingProfile FromMeasurements(string device, int batch, IEnumerable<(string Codec, IReadOnlyList<FrameMetrics> Frames)> codecs,
        double edgeTrainSecondsPerFrameEpoch, double fogTrainSecondsPerFrameEpoch, string role = BothRoles)
    {
        var measured = codecs.ToList();
        bool fog = role != EdgeRole, edge = role != FogRole;
        return new TimingProfile(device,
            fog ? measured.ToDictionary(c => c.Codec, c => (IReadOnlyDictionary<int, double>)BatchPoints(c.Frames, batch)) : null,
            edge ? measured.ToDictionary(c => c.Codec, c => c.Frames.Average(f => f.DecodeSecondsPerFrame)) : null,
            edgeTrainSecondsPerFrameEpoch, fogTrainSecondsPerFrameEpoch, Role: role);
    }

    public static TimingProfile Read(string path)
    {
        try
        {
            var profile = JsonSerializer.Deserialize<TimingProfile>(File.ReadAllText(path), Json)
                ?? throw new InputException(path, null, "empty timing profile");
            profile = profile with { Source = path, Role = profile.Role ?? BothRoles };
            if (profile.Role is not (FogRole or EdgeRole or BothRoles))
                throw new InputException(path, null, $"timing profile role '{profile.Role}' is not {FogRole}, {EdgeRole} or {BothRoles}");
            if (profile.FogEncodeBatchSeconds is null && profile.FogEncodeSecondsPerBatch is { } old)
            {
                // An old profile: one measured point per codec, t(fog_batch).
                if (profile.FogBatch is not >= 1) throw new InputException(path, null, "timing profile has fog_encode_seconds_per_batch without a fog_batch >= 1");
                profile = profile with
                {
                    FogEncodeBatchSeconds = old.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<int, double>)new Dictionary<int, double> { [profile.FogBatch.Value] = c.Value }),
                    FogBatch = null,
                    FogEncodeSecondsPerBatch = null,
                };
            }
            if (profile.Role != EdgeRole && profile.FogEncodeBatchSeconds is null)
                throw new InputException(path, null, $"timing profile ({profile.Role}) lacks fog_encode_batch_seconds");
            if (profile.Role != FogRole && profile.EdgeDecodeSecondsPerFrame is null)
                throw new InputException(path, null, $"timing profile ({profile.Role}) lacks edge_decode_seconds_per_frame");
            if ((profile.FogEncodeBatchSeconds?.Values.SelectMany(t => t.Values) ?? []).Concat(profile.EdgeDecodeSecondsPerFrame?.Values ?? [])
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
