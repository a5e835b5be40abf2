using System.Globalization;
using CsvHelper.Configuration;
using ResidualInr.Cli.Accuracy;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Learning.Experiments;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Sharding;

/// <summary>The stages of a scenario's work, in the order they depend on one another.</summary>
public enum UnitKind { Encode, Learn, Simulate }

public static class UnitKindNames
{
    public static string ToName(this UnitKind kind) => kind switch
    {
        UnitKind.Encode => "encode",
        UnitKind.Learn => "learn",
        UnitKind.Simulate => "simulate",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown unit kind"),
    };

    public static UnitKind Parse(string name, string option)
    {
        foreach (var kind in Enum.GetValues<UnitKind>())
            if (kind.ToName() == name) return kind;
        throw new InputException($"{option} '{name}' is not one of {string.Join(", ", Enum.GetValues<UnitKind>().Select(v => v.ToName()))}");
    }
}

/// <summary>One piece of a scenario's work with its place in the plan; its result is one entry of the shared cache.</summary>
/// <param name="EstimatedSeconds">From the timing profile; null where the profile has no figure for it (see <c>rinr plan</c>).</param>
public abstract record WorkUnit(int Index, double? EstimatedSeconds)
{
    public abstract UnitKind Kind { get; }

    /// <summary>What the unit does, in a few words (the plan's <c>what</c> column).</summary>
    public abstract string What { get; }
}

/// <summary>
/// A codec's encode of batches <paramref name="FirstBatch"/> .. + <paramref name="BatchCount"/> (every batch of the codec
/// when <paramref name="Whole"/>): frames <paramref name="FirstFrame"/> .. + <paramref name="Frames"/> of the encode order.
/// </summary>
public sealed record EncodeUnit(int Index, double? EstimatedSeconds, CodecSpec Codec, bool Whole, int FirstBatch, int BatchCount, int FirstFrame, int Frames)
    : WorkUnit(Index, EstimatedSeconds)
{
    public override UnitKind Kind => UnitKind.Encode;
    public override string What => Whole
        ? $"{Codec.Key} all {Frames} frames"
        : $"{Codec.Key} frames {FirstFrame}-{FirstFrame + Frames - 1} (batches {FirstBatch}-{FirstBatch + BatchCount - 1})";
}

/// <summary>A detector trained on one source's frames (a codec key, or <see cref="AccuracyExperiment.Original"/>) from one seed, and scored.</summary>
public sealed record LearnUnit(int Index, double? EstimatedSeconds, string Source, int Seed) : WorkUnit(Index, EstimatedSeconds)
{
    public override UnitKind Kind => UnitKind.Learn;
    public override string What => $"{Source} seed {Seed}";
}

/// <summary>One sweep point: its place in the sweep (<paramref name="Point"/>, the order of summary.csv) and its shape.</summary>
public sealed record SimulateUnit(int Index, double? EstimatedSeconds, int Point, PointShape Shape) : WorkUnit(Index, EstimatedSeconds)
{
    public override UnitKind Kind => UnitKind.Simulate;
    public override string What => Shape.Label;
}

/// <summary>
/// A sweep point before the encodes give it sizes: devices, strategy, the codec it carries, the model size (train-fog)
/// and whether its transfers go to transfers.csv. <see cref="PointShape.Of"/> is the one place the sweep's order is decided.
/// </summary>
public sealed record PointShape(int Devices, SharingStrategy Strategy, CodecSpec Carrier, long? ModelBytes, bool WritesTransfers)
{
    public string Label => ModelBytes is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"{Devices} devices {Strategy.ToName()} ({Carrier.Key}, M = {m / 1e6:0.###} MB)")
        : $"{Devices} devices {Strategy.ToName()} ({Carrier.Key})";

    /// <summary>
    /// Every devices x strategy x carrier (x model size for train-fog and train-auto) point, in sweep order: inr-train-edge,
    /// hybrid and train-auto carry each INR codec (hybrid and train-auto only the per-frame ones: they decide frame by frame
    /// or price the encode per frame batch, and a video codec is fitted per sequence), the other strategies the JPEG codec
    /// (devices upload JPEGs in every fog strategy, so it is needed unless only inr-train-edge runs with no INR codec).
    /// </summary>
    public static IReadOnlyList<PointShape> Of(Scenario scenario, Sweeps.TransferOutput transfers)
    {
        var (jpeg, inrs) = Carriers(scenario);
        int largest = scenario.Devices.Max();
        var points = new List<PointShape>();
        foreach (var n in scenario.Devices)
        foreach (var strategy in scenario.Strategies)
        {
            IEnumerable<CodecSpec> carriers = strategy switch
            {
                SharingStrategy.InrTrainEdge => inrs,
                SharingStrategy.Hybrid or SharingStrategy.TrainAuto => inrs.Where(i => i.Codec.Kind != CodecKind.Sequence),
                _ => jpeg is { } j ? [j] : [],
            };
            foreach (var codec in carriers)
            foreach (var model in UsesModel(strategy) ? scenario.Training.ModelBytes.Select(m => (long?)m) : [null])
                points.Add(new PointShape(n, strategy, codec, model, Sweeps.TransferOutputs.Includes(transfers, n, largest)));
        }
        return points;
    }

    /// <summary>Strategies that may send a model, so run once per model size.</summary>
    public static bool UsesModel(SharingStrategy s) => s is SharingStrategy.TrainFog or SharingStrategy.TrainAuto;

    /// <summary>Strategies whose fog sends INR payloads, so run once per INR codec, and whose devices decode them.</summary>
    public static bool CarriesInr(SharingStrategy s) => s is SharingStrategy.InrTrainEdge or SharingStrategy.Hybrid or SharingStrategy.TrainAuto;

    /// <summary>The JPEG codec (null when the scenario has none and needs none) and the INR codecs, in the scenario's order.</summary>
    public static (CodecSpec? Jpeg, List<CodecSpec> Inrs) Carriers(Scenario scenario)
    {
        var jpegs = scenario.Codecs.Where(c => c.Codec is JpegCodecDescriptor).ToList();
        var inrs = scenario.Codecs.Where(c => c.Codec is not JpegCodecDescriptor).ToList();
        if (jpegs.Count == 0 && (scenario.Strategies.Any(s => s != SharingStrategy.InrTrainEdge) || inrs.Count > 0))
            throw new InputException(scenario.File, null, "codecs: the JPEG codec is needed (devices upload JPEGs in every fog strategy); add 'jpeg:'");
        if (jpegs.Count > 1)
            throw new InputException(scenario.File, null, "codecs: list one JPEG codec (devices store and upload one JPEG quality)");
        return (jpegs.Count == 1 ? jpegs[0] : null, inrs);
    }
}

/// <summary>
/// A scenario's work as deterministic units, always in the same order: the encode units (each codec in the scenario's
/// order, cut into slices of whole batches of about <c>--unit-frames</c> frames where the codec allows,
/// <see cref="CodecDescriptor.Sliceable"/>), then the learning units (each codec, then the original frames, x each seed),
/// then the simulation units (the sweep points in sweep order). <c>rinr run --shard I/N</c> runs the units whose index
/// mod N is I; the plan depends only on the scenario, the dataset's frame counts and the unit size, so every machine of a
/// cluster computes the same one.
/// </summary>
public sealed class WorkPlan
{
    private WorkPlan(IReadOnlyList<WorkUnit> units) => Units = units;

    public IReadOnlyList<WorkUnit> Units { get; }

    public IEnumerable<EncodeUnit> Encodes => Units.OfType<EncodeUnit>();
    public IEnumerable<LearnUnit> Learns => Units.OfType<LearnUnit>();
    public IEnumerable<SimulateUnit> Simulations => Units.OfType<SimulateUnit>();

    /// <param name="unitFrames">Frames per encode unit, rounded up to whole batches of inr.batch; 0 makes each codec one unit.</param>
    /// <param name="profile">Where the estimates come from (the scenario's stored profile, or <c>rinr plan --profile</c>); null: no estimates.</param>
    public static WorkPlan For(Scenario scenario, Dataset dataset, int unitFrames, Sweeps.TransferOutput transfers, TimingProfile? profile)
    {
        if (unitFrames < 0) throw new InputException($"--unit-frames must be 0 (one unit per codec) or more, got {unitFrames}");
        var units = new List<WorkUnit>();
        var options = new EncodeOptions(scenario.FrameWidth, scenario.FrameHeight, scenario.Inr.Batch, scenario.Seed, scenario.FramesPerDevice);
        int frames = options.FrameCount(dataset), batch = scenario.Inr.Batch;
        int batches = (frames + batch - 1) / batch;
        int perUnit = unitFrames == 0 ? batches : Math.Max(1, (unitFrames + batch - 1) / batch);
        foreach (var codec in scenario.Codecs)
        {
            if (!codec.Codec.Sliceable(codec.Settings) || perUnit >= batches)
            {
                units.Add(new EncodeUnit(units.Count, EncodeEstimate(profile, codec, frames, batch, 0, batches, codec.Codec.Kind), codec, true, 0, batches, 0, frames));
                continue;
            }
            for (int first = 0; first < batches; first += perUnit)
            {
                int count = Math.Min(perUnit, batches - first);
                int firstFrame = first * batch, unitFrameCount = Math.Min(count * batch, frames - firstFrame);
                units.Add(new EncodeUnit(units.Count, EncodeEstimate(profile, codec, frames, batch, first, count, codec.Codec.Kind), codec, false,
                    first, count, firstFrame, unitFrameCount));
            }
        }
        if (scenario.Learning is { } learning)
        {
            // Every codec trains on the frames all codecs encoded: with the same frame count per codec, all of them.
            foreach (var source in scenario.Codecs.Select(c => c.Key).Append(AccuracyExperiment.Original))
            foreach (var seed in Enumerable.Range(scenario.Seed, learning.Seeds))
                units.Add(new LearnUnit(units.Count, LearnEstimate(profile, source, frames, learning.Detector.Epochs), source, seed));
        }
        var shapes = PointShape.Of(scenario, transfers);
        for (int p = 0; p < shapes.Count; p++)
            units.Add(new SimulateUnit(units.Count, null, p, shapes[p]));
        return new WorkPlan(units);
    }

    /// <summary>t(b) summed over the unit's batches (the last batch of the encode may be partial); a video codec's table is per sequence.</summary>
    private static double? EncodeEstimate(TimingProfile? profile, CodecSpec codec, int frames, int batch, int first, int count, CodecKind kind)
    {
        if (profile?.FogEncodeBatchSeconds is not { } table || !table.ContainsKey(codec.Key)) return null;
        var cost = profile.FogEncodeFor(codec.Key);
        if (kind == CodecKind.Sequence) return cost.SecondsFor(cost.Points[^1].Size) * frames / cost.Points[^1].Size;
        double seconds = 0;
        for (int b = first; b < first + count; b++)
            seconds += cost.SecondsFor(Math.Min(batch, frames - b * batch));
        return seconds;
    }

    /// <summary>The profile's measured training time per frame and epoch for the source, x frames x epochs.</summary>
    private static double? LearnEstimate(TimingProfile? profile, string source, int frames, int epochs) =>
        profile?.EdgeTrainSecondsPerFrameEpochByCodec is { } byCodec && byCodec.TryGetValue(source, out var s) ? s * frames * epochs : null;

    /// <summary>The units <c>--shard I/N</c> runs: index mod N = I, of the given stage only when one is given.</summary>
    public IEnumerable<WorkUnit> Shard(int index, int count, UnitKind? stage) =>
        Units.Where(u => u.Index % count == index && (stage is null || u.Kind == stage));

    /// <summary>The units with these indices; an index outside the plan is an input error naming it.</summary>
    public IReadOnlyList<WorkUnit> Select(IEnumerable<int> indices, UnitKind? stage) => indices.Distinct().Order()
        .Select(i => i >= 0 && i < Units.Count ? Units[i] : throw new InputException($"--units: unit {i} is not in the plan (units 0-{Units.Count - 1}; see 'rinr plan')"))
        .Where(u => stage is null || u.Kind == stage).ToList();
}

/// <summary>One row of <c>rinr plan</c>'s CSV.</summary>
public sealed record PlanRow(int Index, string Kind, string What, double? EstimatedSeconds)
{
    public PlanRow(WorkUnit unit) : this(unit.Index, unit.Kind.ToName(), unit.What, unit.EstimatedSeconds) { }
}

/// <summary>rinr plan: index, kind, what, estimated_s (empty where the profile has no figure).</summary>
public sealed class PlanRowMap : ClassMap<PlanRow>
{
    public PlanRowMap()
    {
        Map(m => m.Index).Name("index");
        Map(m => m.Kind).Name("kind");
        Map(m => m.What).Name("what");
        Map(m => m.EstimatedSeconds).Name("estimated_s").Convert(a => a.Value.EstimatedSeconds is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "");
    }
}
