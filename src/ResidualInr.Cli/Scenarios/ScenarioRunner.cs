using System.Globalization;
using System.Text;
using ResidualInr.Cli.Accuracy;
using ResidualInr.Cli.Caching;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Commands;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Sharding;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// Runs a scenario end to end: encodes the dataset with every codec, trains the detectors, builds
/// or reads the timing profile, simulates every devices x strategy x codec point through the one
/// <see cref="Sweep"/>, and writes codecs.csv, the sweep's CSVs, profile.json, report.md and plots.
/// Finished work (dataset, encodes with their timings, learning) comes from the shared
/// <see cref="ResultCache"/>, so the same scenario into another folder gives the same CSVs.
/// </summary>
/// <param name="codecsFrom">
/// An earlier run's output folder whose codecs.csv, profile.json and (with a learning stage)
/// accuracy.csv stand in for the encodes, the measured timings and the detectors: the simulation,
/// report and plots are re-made without encoding or training (e.g. on a machine without the GPU that
/// made them, or after a change to the simulation or the outputs). Null: encode and train.
/// </param>
/// <param name="run">Where the run came from (version, commit, config hash, machine): report.md opens with it.</param>
/// <param name="unitFrames">Frames per encode unit (<see cref="Sharding.WorkPlan"/>); 0 encodes each codec as one unit.</param>
public sealed partial class ScenarioRunner(Scenario scenario, string outDir, int jobs, TextWriter output, ResultCache cache, TransferOutput transfers = TransferOutput.None,
    string? codecsFrom = null, RunMetadata? run = null, int unitFrames = 0)
{
    /// <summary>Where the files are written: a staging folder beside <c>outDir</c>, swapped in whole at the end of <see cref="Run"/>.</summary>
    private string _dir = outDir;

    /// <summary>
    /// Everything is written into a staging folder that replaces <c>outDir</c> as a whole once the run is
    /// done (<see cref="OutputFolder"/>): a run that dies or fails leaves the earlier set untouched.
    /// </summary>
    public IReadOnlyList<SweepResult> Run()
    {
        using var folder = OutputFolder.Begin(outDir, [scenario.File, scenario.Dataset.Path, cache.Root], Interrupt.Token);
        _dir = folder.Staging;
        var results = codecsFrom is null ? RunFromScratch() : RunFrom(codecsFrom);
        run?.Finish(_dir); // run.json belongs to the set it describes
        folder.Commit();
        return results;
    }

    /// <summary>Re-simulates from an earlier run's codec results, timing profile and accuracy; nothing is encoded or trained.</summary>
    private IReadOnlyList<SweepResult> RunFrom(string earlier)
    {
        Learning.Experiments.AccuracyResults? accuracy = null;
        if (scenario.Learning is not null)
        {
            var accuracyFile = Path.Combine(earlier, "accuracy.csv");
            if (!File.Exists(accuracyFile))
                throw new InputException(accuracyFile, null, "learning: the earlier run has no accuracy.csv to take the detectors' results from; remove 'learning' or run without --codecs-from");
            accuracy = AccuracyFile.ReadResults(earlier);
        }
        var codecsFile = Path.Combine(earlier, "codecs.csv");
        var rows = CodecMetricsFile.Read(codecsFile, requireTimings: false);
        var metrics = scenario.Codecs.ToDictionary(c => c, c =>
        {
            var mine = rows.Where(r => r.Codec == c.Key).ToList();
            return mine.Count > 0 ? (IReadOnlyList<FrameMetrics>)mine : throw new InputException(codecsFile, null, $"no rows for codec '{c.Key}' of the scenario");
        });
        var (stored, fog, edge) = StoredProfiles();
        var profile = (stored ?? TimingProfile.Read(Path.Combine(earlier, "profile.json"))).WithRoles(fog, edge);
        profile.Require(EncodedCodecs, DecodedCodecs);
        return Report(metrics, profile, accuracy, null);
    }

    /// <summary>Runs every unit of the plan here, in order (each cached), then assembles and reports them as <c>rinr merge</c> does.</summary>
    private IReadOnlyList<SweepResult> RunFromScratch()
    {
        // A stored profile is checked before any encode: a codec it lacks is an input error now, not after an hour.
        var (stored, fog, edge) = StoredProfiles();
        var dataset = LoadDataset();
        var plan = Plan(dataset, null);
        foreach (var unit in plan.Encodes) RunEncode(unit, dataset);
        var encoded = EncodedFolders(plan, dataset);
        foreach (var unit in plan.Learns) RunLearn(unit, dataset, encoded);
        var metrics = encoded.ToDictionary(e => e.Key, e => e.Value.Frames);
        var accuracy = scenario.Learning is null ? null : AssembleAccuracy(plan, dataset);
        var profile = (stored ?? MeasuredProfile(metrics, accuracy?.Rows)).WithRoles(fog, edge);
        return Report(metrics, profile, accuracy, null);
    }

    /// <summary>The INR codecs, whose frames the fog encodes (the fog's profile needs their batch costs).</summary>
    private IEnumerable<string> EncodedCodecs => scenario.Codecs.Where(c => c.Codec is not JpegCodecDescriptor).Select(c => c.Key);
    /// <summary>Every codec: devices decode JPEGs and INR payloads (the edge's profile needs their decode times).</summary>
    private IEnumerable<string> DecodedCodecs => scenario.Codecs.Select(c => c.Key);

    /// <summary>
    /// The stored profiles the scenario names (timing.profile, timing.fog, timing.edge), each checked for
    /// the figures its role supplies before any encode: a codec one lacks is an input error now, not after an hour.
    /// </summary>
    private (TimingProfile? Stored, TimingProfile? Fog, TimingProfile? Edge) StoredProfiles()
    {
        var t = scenario.Timing;
        var stored = t.ProfilePath is { } p ? TimingProfile.Read(p) : null;
        var fog = t.FogProfilePath is { } f ? TimingProfile.Read(f) : null;
        var edge = t.EdgeProfilePath is { } e ? TimingProfile.Read(e) : null;
        fog?.RequireFog(EncodedCodecs);
        edge?.RequireEdge(DecodedCodecs);
        if (fog is null) stored?.RequireFog(EncodedCodecs);
        if (edge is null) stored?.RequireEdge(DecodedCodecs);
        return (stored, fog, edge);
    }

    /// <summary>Writes codecs.csv, profile.json and the accuracy files, simulates the sweep, and writes its CSVs, report.md and plots.</summary>
    /// <param name="simulated">The sweep's results from the cache (<c>rinr merge</c>), or null to simulate the sweep here.</param>
    private IReadOnlyList<SweepResult> Report(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, TimingProfile profile,
        Learning.Experiments.AccuracyResults? accuracy, IReadOnlyList<SweepResult>? simulated)
    {
        AtomicFile.WriteAllText(Path.Combine(_dir, "profile.json"), profile.ToJson());
        CsvOutput.Write<FrameMetrics, CodecSummaryMap>(Path.Combine(_dir, "codecs.csv"), metrics.Values.SelectMany(m => m));
        var summary = accuracy is null ? null : AccuracyFile.Write(_dir, accuracy, scenario.Seed);

        // Simulated here, points that write transfers stream them into _dir; from the cache, their parts were copied there.
        var results = simulated ?? Sweep.Run(Points(metrics, profile), jobs, transfersDir: _dir);
        var csvs = Sweep.WriteCsvs(_dir, results);
        var breakEven = BreakEvens(metrics, profile);
        AtomicFile.WriteAllText(Path.Combine(_dir, "report.md"), ScenarioReport.Render(scenario, metrics, results, summary, run, codecsFrom, breakEven));
        var plots = Plots.ScenarioPlots.WriteAll(_dir, scenario, metrics, results, summary);
        var learned = summary is null ? "" : accuracy!.Detections.Count > 0 ? "accuracy.csv, detections.csv, accuracy_summary.csv, " : "accuracy.csv, accuracy_summary.csv, ";
        output.WriteLine($"wrote codecs.csv, {string.Join(", ", csvs)}, {learned}profile.json, report.md and {plots.Count} plot files to {outDir}");
        return results;
    }

    /// <summary>
    /// The dataset the codecs encode: the scenario's, less its last learning.test_sequences sequences, which are held out
    /// whole for the detector's test (<see cref="_heldOut"/>; the learning stage reads them from <see cref="_whole"/>).
    /// </summary>
    private Dataset LoadDataset()
    {
        var whole = LoadWholeDataset();
        _whole = whole;
        int k = scenario.Learning?.TestSequences ?? 0;
        if (k == 0)
        {
            _heldOut = new HashSet<string>();
            return whole;
        }
        int count = whole.Sequences.Count;
        if (k >= count)
            throw new InputException(scenario.File, null, $"learning.test_sequences: {k} held-out sequences leave none of the dataset's {count} to encode");
        _heldOut = whole.Sequences.Skip(count - k).Select(s => s.Name).ToHashSet();
        return whole with { Sequences = whole.Sequences.Take(count - k).ToList() };
    }

    private IReadOnlySet<string> _heldOut = new HashSet<string>();
    private Dataset? _whole;

    private Dataset LoadWholeDataset()
    {
        var spec = scenario.Dataset;
        if (spec.Synthetic is not { } options) return DatasetLoader.Load(spec.Path!, spec.Format);
        var dir = cache.GetOrBuild("dataset-" + ResultCache.Key(options), staging =>
            ConsoleProgress.Run("Generating the synthetic dataset", options.Sequences * options.Frames, p => SyntheticDataset.Generate(options, staging, p)),
            out _, output);
        return OtbReader.Read(dir);
    }

    private TrainingOptions InrDefaults() => scenario.Inr.Training;

    /// <summary>Timings measured here: encode and decode from the encodes, and edge training per codec from the learning stage when it ran.</summary>
    private TimingProfile MeasuredProfile(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, IReadOnlyList<Learning.Experiments.AccuracyRow>? accuracy)
    {
        // The encodes ran in batches of inr.batch (and a last, partial one): each batch size seen is a measured point t(b).
        var profile = TimingProfile.FromMeasurements(ComputeDevice.Describe(ComputeDevice.Resolve(scenario.Inr.Device)), scenario.Inr.Batch,
            metrics.Select(m => (m.Key.Key, m.Value)), scenario.Training.EdgeSecondsPerFrameEpoch, scenario.Training.FogSecondsPerFrameEpoch);
        if (accuracy is null) return profile;
        // The detector's epoch time over its training frames, data loading included, averaged over seeds.
        var perCodec = accuracy.Where(r => r.TrainFrames > 0 && r.TrainSecondsPerEpoch > 0)
            .GroupBy(r => r.Codec).ToDictionary(g => g.Key, g => g.Average(r => r.TrainSecondsPerEpoch / r.TrainFrames));
        return profile with { EdgeTrainSecondsPerFrameEpochByCodec = perCodec };
    }

    /// <summary>The sweep's points in <see cref="PointShape.Of"/>'s order, sized by the encodes and timed by the profile.</summary>
    private List<SweepPoint> Points(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, TimingProfile profile)
    {
        var (jpeg, _) = PointShape.Carriers(scenario);
        return PointShape.Of(scenario, transfers)
            .Select(p => Point(p.Devices, p.Strategy, p.Carrier, metrics[p.Carrier], new(jpeg!, metrics[jpeg!]), p.ModelBytes, profile, p.WritesTransfers))
            .ToList();
    }

    /// <summary>
    /// One sweep point: N devices, a strategy, what it carries, the scenario's network, arrivals and fog batching, the profile's timings.
    /// <para>
    /// A video codec (<see cref="CodecKind.Sequence"/>: one NeRV per sequence) is encoded per sequence
    /// (<see cref="ComputeTimings.SequenceFit"/>): the fog fits a sequence once that round's frames of it are in.
    /// Its profile table is read as t(L), seconds to encode a sequence of L frames: the encodes time a
    /// whole sequence (encode_s_per_frame is that time / L, encode_batch_frames is L), so each observed
    /// sequence length is a measured point, and other lengths follow <see cref="BatchCost"/>'s rule (one
    /// length measured: a cost per frame of the sequence). The object INRs are inside that measurement,
    /// so no separate object-INR cost is played (<see cref="ComputeTimings.FogEncode"/> null).
    /// </para>
    /// </summary>
    private SweepPoint Point(int n, SharingStrategy strategy, CodecSpec codec, IReadOnlyList<FrameMetrics> rows,
        KeyValuePair<CodecSpec, IReadOnlyList<FrameMetrics>> jpeg, long? model, TimingProfile profile, bool writesTransfers)
    {
        bool encodes = PointShape.CarriesInr(strategy), perSequence = codec.Codec.Kind == CodecKind.Sequence;
        var timings = new ComputeTimings(
            FogEncode: encodes && !perSequence ? profile.FogEncodeFor(codec.Key) : null,
            SequenceFit: encodes && perSequence ? profile.FogEncodeFor(codec.Key) : null,
            EdgeJpegDecodeSeconds: profile.EdgeDecodeSecondsFor(jpeg.Key.Key),
            EdgeInrDecodeSeconds: profile.EdgeDecodeSecondsFor(codec.Key),
            EdgeTrainSecondsPerFrameEpoch: profile.EdgeTrainSecondsFor(codec.Key),
            // A hybrid's devices train on JPEG frames too, at the JPEG codec's measured rate.
            EdgeTrainJpegSecondsPerFrameEpoch: strategy == SharingStrategy.Hybrid ? profile.EdgeTrainSecondsFor(jpeg.Key.Key) : null,
            FogTrainSecondsPerFrameEpoch: profile.FogTrainSecondsPerFrameEpoch,
            Epochs: scenario.Training.Epochs,
            ModelBytes: model ?? 0);
        var sizes = CodecMetricsFile.Sizes(jpeg.Value, PointShape.CarriesInr(strategy) ? rows : null, n, 0, 0)!;
        return new SweepPoint(codec.Key, model, new SimulationConfig(n, scenario.FramesPerDevice, strategy, sizes, scenario.Network.Downlink,
            scenario.Network.Topology, scenario.Network.Channel, timings, 0, scenario.Seed, RecordTransfers: false,
            Arrivals: scenario.Arrivals, Batching: scenario.Fog, Energy: scenario.Energy, BroadcastRepair: scenario.Network.Repair,
            Hybrid: scenario.Hybrid, Objective: scenario.ObjectiveOrDefault.Minimise), writesTransfers);
    }

    /// <summary>
    /// For every N and INR codec, the fog encode time per frame at which inr-train-edge stops finishing
    /// before jpeg-p2p, found with the simulator (<see cref="BreakEven"/>), whether or not the scenario lists those strategies.
    /// </summary>
    private IReadOnlyList<BreakEvenRow> BreakEvens(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, TimingProfile profile)
    {
        var (jpegCodec, inrs) = PointShape.Carriers(scenario);
        if (jpegCodec is null) return [];
        var j = new KeyValuePair<CodecSpec, IReadOnlyList<FrameMetrics>>(jpegCodec, metrics[jpegCodec]);
        var cases = (from n in scenario.Devices.Distinct()
                     from inr in inrs
                     select new BreakEvenCase(n, inr.Key,
                         Point(n, SharingStrategy.JpegP2p, j.Key, j.Value, j, null, profile, false).Config,
                         Point(n, SharingStrategy.InrTrainEdge, inr, metrics[inr], j, null, profile, false).Config,
                         MeasuredSecondsPerFrame(inr, profile))).ToList();
        return BreakEven.FindAll(cases, jobs);
    }

    /// <summary>
    /// The profile's encode time per frame: in a full batch (t(max_batch) / max_batch), or for a video codec per
    /// frame of its longest measured sequence (t(L) / L).
    /// </summary>
    private double MeasuredSecondsPerFrame(CodecSpec codec, TimingProfile profile)
    {
        var cost = profile.FogEncodeFor(codec.Key);
        int size = codec.Codec.Kind == CodecKind.Sequence ? cost.Points[^1].Size : scenario.Fog.MaxBatch;
        return cost.SecondsFor(size) / size;
    }

    private static string DatasetFingerprint(Dataset dataset)
    {
        var sb = new StringBuilder();
        foreach (var f in dataset.AllFrames)
        {
            var info = new FileInfo(f.ImagePath);
            sb.Append(CultureInfo.InvariantCulture, $"{f.Sequence}/{f.Index}:{info.Length}:{info.LastWriteTimeUtc.Ticks}:{f.Box};");
        }
        return sb.ToString();
    }
}
