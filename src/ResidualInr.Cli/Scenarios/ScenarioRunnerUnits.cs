using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ResidualInr.Cli.Accuracy;
using ResidualInr.Cli.Caching;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Commands;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Sharding;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Learning.Experiments;
using ResidualInr.Simulation.Results;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// The scenario's work as units (<see cref="WorkPlan"/>), each one entry of the shared cache: what <c>rinr run</c> runs all
/// of in order, <c>rinr run --shard I/N</c> a share of, and <c>rinr merge</c> assembles. A single run and a merge report
/// through the same code from the same kind of entries, so their outputs agree byte for byte.
/// <para>
/// Entry names hash everything that determines the entry (and the names of the entries it was made from), so an entry
/// once complete is never rebuilt or replaced: a unit that finds its entry skips, and a unit run twice leaves one copy.
/// </para>
/// </summary>
public sealed partial class ScenarioRunner
{
    /// <summary>The plan of this scenario (the dataset is generated or read first: the encode units follow its frame count).</summary>
    public WorkPlan Plan(TimingProfile? estimates)
    {
        StoredProfiles();
        return Plan(LoadDataset(), estimates);
    }

    private WorkPlan Plan(Dataset dataset, TimingProfile? estimates)
    {
        if (scenario.Learning is not null && _heldOut.Count == 0 && dataset.Sequences.All(sq => sq.Frames.Count <= scenario.FramesPerDevice))
            throw new InputException(scenario.File, null, $"learning: every frame of the dataset is encoded (frames_per_device: {scenario.FramesPerDevice}), " +
                "so none is left to test the detector on; give the dataset more frames per sequence, hold out whole sequences (learning.test_sequences) or remove 'learning'");
        return WorkPlan.For(scenario, dataset, unitFrames, transfers, estimates);
    }

    /// <summary>
    /// Runs <paramref name="units"/> (a shard's share, or the units named by <c>--units</c>) in plan order, each into the
    /// cache. A unit whose entry is there is skipped; a unit whose inputs (earlier stages) are not yet there waits for them
    /// for at most <paramref name="wait"/>, then fails naming them. Writes no output folder: <c>rinr merge</c> does.
    /// </summary>
    public (int Ran, int Skipped) RunUnits(Func<WorkPlan, IReadOnlyList<WorkUnit>> select, TimeSpan wait)
    {
        StoredProfiles();
        var dataset = LoadDataset();
        var plan = Plan(dataset, null);
        var units = select(plan);
        int ran = 0, skipped = 0;
        var pendingSimulations = new List<SimulateUnit>();
        foreach (var unit in units)
        {
            if (Done(unit, plan, dataset))
            {
                output.WriteLine($"unit {unit.Index} ({unit.Kind.ToName()} {unit.What}): done, skipped");
                skipped++;
                continue;
            }
            WaitFor(unit, Inputs(unit, plan), plan, dataset, wait);
            switch (unit)
            {
                case EncodeUnit e: RunEncode(e, dataset); break;
                case LearnUnit l: RunLearn(l, dataset, EncodedFolders(plan, dataset)); break;
                case SimulateUnit s: pendingSimulations.Add(s); break;
            }
            if (unit is not SimulateUnit) output.WriteLine($"unit {unit.Index} ({unit.Kind.ToName()} {unit.What}): done");
            ran++;
        }
        if (pendingSimulations.Count > 0) RunSimulations(pendingSimulations, plan, dataset);
        return (ran, skipped);
    }

    /// <summary>
    /// Writes the outputs from the cache alone, as a single <c>rinr run</c> would; units missing from the cache are an
    /// input error listing their indices with the command that runs them.
    /// </summary>
    /// <param name="wait">How long to wait for missing units to arrive (a merge started beside its shards); zero fails at once.</param>
    public IReadOnlyList<SweepResult> Merge(string rerunCommand, TimeSpan wait)
    {
        var (stored, fog, edge) = StoredProfiles();
        var dataset = LoadDataset();
        var plan = Plan(dataset, null);
        var clock = Stopwatch.StartNew();
        var missing = plan.Units.Where(u => !Done(u, plan, dataset)).ToList();
        if (missing.Count > 0 && wait > TimeSpan.Zero)
            output.WriteLine($"merge: waiting for {missing.Count} of {plan.Units.Count} units to reach the cache {cache.Root}, for at most {Seconds(wait)} s (--wait-s)");
        while (missing.Count > 0 && clock.Elapsed < wait)
        {
            Interrupt.ThrowIfRequested();
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(2, Math.Max(0.05, (wait - clock.Elapsed).TotalSeconds))));
            missing = missing.Where(u => !Done(u, plan, dataset)).ToList();
        }
        if (missing.Count > 0)
        {
            var listed = string.Join("; ", missing.Take(20).Select(u => $"{u.Index} ({u.Kind.ToName()} {u.What})")) + (missing.Count > 20 ? $"; and {missing.Count - 20} more" : "");
            throw new InputException(scenario.File, null, $"{missing.Count} of {plan.Units.Count} units are not in the cache {cache.Root}: {listed}; " +
                $"run them with: {rerunCommand} --units {string.Join(",", missing.Select(u => u.Index))}");
        }
        using var folder = OutputFolder.Begin(outDir, [scenario.File, scenario.Dataset.Path, cache.Root], Interrupt.Token);
        _dir = folder.Staging;
        var encoded = EncodedFolders(plan, dataset);
        var metrics = encoded.ToDictionary(e => e.Key, e => e.Value.Frames);
        var accuracy = scenario.Learning is null ? null : AssembleAccuracy(plan, dataset);
        var profile = (stored ?? MeasuredProfile(metrics, accuracy?.Rows)).WithRoles(fog, edge);
        var points = Points(metrics, profile);
        var results = plan.Simulations.Select(u => new SweepResult(points[u.Point], ReadSimulation(u, plan, dataset))).ToList();
        foreach (var u in plan.Simulations.Where(u => points[u.Point].WritesTransfers))
            File.Copy(Path.Combine(cache.PathOf(SimulationEntry(u, plan, dataset)), TransfersPart), Sweep.PartPath(_dir, u.Point));
        var written = Report(metrics, profile, accuracy, results);
        run?.Finish(_dir);
        folder.Commit();
        return written;
    }

    // ---- entry names -------------------------------------------------------------------------------------------

    /// <summary>
    /// A codec's whole encode: the key hashes the dataset's files (names, sizes, times), every codec setting and the encoder revision. The
    /// entry's metrics.csv keeps the measured encode and decode times, so a cached run reuses them too.
    /// </summary>
    private string EncodeEntry(CodecSpec codec, Dataset dataset) =>
        $"{codec.Key}-{ResultCache.Key(DatasetFingerprint(dataset), codec, InrDefaults(), scenario.FrameWidth, scenario.FrameHeight,
            scenario.FramesPerDevice, scenario.Inr.Batch, scenario.Seed, Codec.Codecs.CodecCatalog.EncoderRevision)}";

    /// <summary>A slice's entry; a whole unit's entry is the codec's.</summary>
    private string EntryOf(EncodeUnit unit, Dataset dataset) => unit.Whole
        ? EncodeEntry(unit.Codec, dataset)
        : string.Create(CultureInfo.InvariantCulture, $"{EncodeEntry(unit.Codec, dataset)}-batches-{unit.FirstBatch}-{unit.BatchCount}");

    /// <summary>
    /// A detector's result: the key hashes the encode entries (which hash their data and settings), the learning settings
    /// (held-out sequences included), the source and seed; "detections": entries hold detections.csv since the intervals.
    /// Pretrained weights enter by their content hash, not their path: new weights under the old name are a new entry, and
    /// the same weights elsewhere are the same one.
    /// </summary>
    private string LearnEntry(LearnUnit unit, Dataset dataset)
    {
        var learning = scenario.Learning!;
        return $"learning-{ResultCache.Key(EncodeNames(dataset), learning with { Pretrained = null }, learning.Detector, unit.Source, unit.Seed, "detections", PretrainedHash)}";
    }

    /// <summary>
    /// The pretrained weights' content hash ("scratch" without), read once: entry names are asked for every unit and, while
    /// a shard or merge waits, every few seconds, and hashing the weights file each time would be the slowest part of that.
    /// </summary>
    private string PretrainedHash => _pretrainedHash ??= scenario.Learning?.Pretrained is { } p
        ? PretrainedModels.Read(p, scenario.Learning.Detector.Width, scenario.FrameWidth, scenario.FrameHeight, Environment.CurrentDirectory, "learning.width").ContentHash
        : "scratch";

    private string? _pretrainedHash;

    /// <summary>
    /// A sweep point's result: the key hashes the scenario (not its paths), the entries the point's sizes and timings come
    /// from (the encodes, and the learning when the profile is measured from it) or the stored profile, and the point.
    /// </summary>
    private string SimulationEntry(SimulateUnit unit, WorkPlan plan, Dataset dataset)
    {
        var (stored, fog, edge) = StoredProfiles();
        var timings = stored is null ? "measured|" + string.Join("|", plan.Learns.Select(l => LearnEntry(l, dataset))) : stored.WithRoles(fog, edge).ToJson();
        return $"simulation-{ResultCache.Key(RunMetadata.Canonical(scenario with { File = "", Output = "" }), EncodeNames(dataset), timings,
            unit.Point, unit.Shape.Label, unit.Shape.WritesTransfers)}";
    }

    /// <summary>Every codec's encode entry; computed once per dataset (each name stats every dataset file, and is asked for per unit and per poll).</summary>
    private string EncodeNames(Dataset dataset)
    {
        if (_encodeNames is { } known && ReferenceEquals(known.Dataset, dataset)) return known.Names;
        var names = string.Join("|", scenario.Codecs.Select(c => EncodeEntry(c, dataset)));
        _encodeNames = (dataset, names);
        return names;
    }

    private (Dataset Dataset, string Names)? _encodeNames;

    private bool Done(WorkUnit unit, WorkPlan plan, Dataset dataset) => unit switch
    {
        // A codec's assembled (or whole) encode holds every slice's frames.
        EncodeUnit e => cache.Has(EntryOf(e, dataset)) || cache.Has(EncodeEntry(e.Codec, dataset)),
        LearnUnit l => cache.Has(LearnEntry(l, dataset)),
        SimulateUnit s => cache.Has(SimulationEntry(s, plan, dataset)),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "unknown unit"),
    };

    /// <summary>
    /// The units whose entries a unit reads: learning trains on every codec's frames (all encodes); a sweep point needs the
    /// encodes' sizes, and with a measured profile (no timing.profile) their timings and the learning stage's training times.
    /// </summary>
    private IReadOnlyList<WorkUnit> Inputs(WorkUnit unit, WorkPlan plan) => unit switch
    {
        EncodeUnit => [],
        LearnUnit => plan.Encodes.ToList<WorkUnit>(),
        SimulateUnit => scenario.Timing.ProfilePath is null ? [.. plan.Encodes, .. plan.Learns] : plan.Encodes.ToList<WorkUnit>(),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "unknown unit"),
    };

    /// <summary>Polls the cache until every input is there (another shard or task makes them), for at most <paramref name="wait"/>.</summary>
    private void WaitFor(WorkUnit unit, IReadOnlyList<WorkUnit> inputs, WorkPlan plan, Dataset dataset, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            var missing = inputs.Where(u => !Done(u, plan, dataset)).ToList();
            if (missing.Count == 0) return;
            var names = $"{string.Join(", ", missing.Take(10).Select(u => u.Index))}{(missing.Count > 10 ? $" and {missing.Count - 10} more" : "")} ({string.Join("/", missing.Select(u => u.Kind.ToName()).Distinct())})";
            if (clock.Elapsed >= wait)
                throw new InputException(scenario.File, null,
                    $"unit {unit.Index} ({unit.Kind.ToName()} {unit.What}) gave up after {Seconds(clock.Elapsed)} s (--wait-s) waiting for units {names} " +
                    "to reach the cache; run them first (rinr run --units, or the earlier --stage as an array this one depends on)");
            if (!told)
                output.WriteLine(
                    $"unit {unit.Index} ({unit.Kind.ToName()} {unit.What}) waits for units {names} from other shards, for at most {Seconds(wait)} s (--wait-s); " +
                    "with a throttled array, run the stages as dependent arrays (--stage) instead");
            told = true;
            Interrupt.ThrowIfRequested();
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(2, Math.Max(0.05, (wait - clock.Elapsed).TotalSeconds))));
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);

    // ---- encode units ------------------------------------------------------------------------------------------

    private void RunEncode(EncodeUnit unit, Dataset dataset)
    {
        if (cache.Has(EncodeEntry(unit.Codec, dataset)) && !unit.Whole) return; // the codec's assembled encode already holds this slice
        var codec = unit.Codec;
        var dir = cache.GetOrBuild(EntryOf(unit, dataset), staging =>
        {
            var options = new EncodeOptions(scenario.FrameWidth, scenario.FrameHeight, scenario.Inr.Batch, scenario.Seed, scenario.FramesPerDevice,
                unit.Whole ? 0 : unit.FirstBatch, unit.Whole ? 0 : unit.BatchCount);
            var job = new EncodeJob(dataset, options, staging, ComputeDevice.Resolve(scenario.Inr.Device), InrDefaults(), output);
            var what = unit.Whole ? codec.Key : $"{codec.Key} (frames {unit.FirstFrame}-{unit.FirstFrame + unit.Frames - 1})";
            var metrics = ConsoleProgress.RunFractional($"Encoding with {what}", unit.Frames, p => codec.Codec.Encode(codec.Settings, job, p));
            CsvOutput.Write<FrameMetrics, FrameMetricsMap>(Path.Combine(staging, "metrics.csv"), metrics);
            CodecCommands.PrintSummary(output, codec.Key, metrics);
        }, out bool built, output);
        if (!built) output.WriteLine($"{codec.Key}: cached ({dir})");
    }

    /// <summary>
    /// Every codec's encode as one folder: a whole unit's entry, or the codec's entry assembled from its slices (payload
    /// files copied, metrics rows in slice order, which is the whole encode's order). Assembling is deterministic, so two
    /// machines assembling at once write the same bytes and the first rename stands.
    /// </summary>
    private Dictionary<CodecSpec, EncodedFolder> EncodedFolders(WorkPlan plan, Dataset dataset) => scenario.Codecs.ToDictionary(c => c, codec =>
    {
        var dir = cache.GetOrBuild(EncodeEntry(codec, dataset), staging =>
        {
            var rows = new List<FrameMetrics>();
            foreach (var slice in plan.Encodes.Where(u => u.Codec == codec))
            {
                var from = cache.PathOf(EntryOf(slice, dataset));
                if (slice.Whole || !Directory.Exists(from))
                    throw new InvalidOperationException($"encode unit {slice.Index} ({slice.What}) is not in the cache {cache.Root}; its inputs were checked before");
                foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var relative = Path.GetRelativePath(from, file);
                    if (relative == "metrics.csv") continue;
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(staging, relative))!);
                    File.Copy(file, Path.Combine(staging, relative));
                }
                rows.AddRange(CodecMetricsFile.Read(Path.Combine(from, "metrics.csv")));
            }
            CsvOutput.Write<FrameMetrics, FrameMetricsMap>(Path.Combine(staging, "metrics.csv"), rows);
        }, out _, output);
        return new EncodedFolder(dir, CodecMetricsFile.Read(Path.Combine(dir, "metrics.csv")));
    });

    // ---- learning units ----------------------------------------------------------------------------------------

    private void RunLearn(LearnUnit unit, Dataset dataset, IReadOnlyDictionary<CodecSpec, EncodedFolder> encoded)
    {
        var learning = scenario.Learning!;
        var dir = cache.GetOrBuild(LearnEntry(unit, dataset), staging =>
        {
            // The whole dataset: the held-out test sequences are in it, not in the encodes.
            var results = AccuracyStage.Run(_whole ?? dataset, encoded.Select(e => (e.Key.Key, e.Value)).ToList(), learning.Detector, [unit.Seed], learning.TestFrames,
                ComputeDevice.Resolve(learning.Device), output, unit.Source, _heldOut, learning.Pretrained);
            AccuracyFile.WriteResults(staging, results);
        }, out bool built, output);
        if (!built) output.WriteLine($"learning {unit.What}: cached ({dir})");
    }

    /// <summary>
    /// accuracy.csv's rows and detections.csv's answers from the learning units, in the order one stage over every source
    /// gives them: the mean-box baseline once per seed, then each source (codecs, then the originals) per seed. Each unit
    /// scored the baseline too.
    /// </summary>
    private AccuracyResults AssembleAccuracy(WorkPlan plan, Dataset dataset)
    {
        var byUnit = plan.Learns.Select(u => (Unit: u, Results: AccuracyFile.ReadResults(cache.PathOf(LearnEntry(u, dataset))))).ToList();
        var rows = new List<AccuracyRow>();
        var detections = new List<TestDetection>();
        foreach (var seed in byUnit.Select(u => u.Unit.Seed).Distinct())
        {
            var first = byUnit.First(u => u.Unit.Seed == seed).Results;
            rows.Add(first.Rows.Single(r => r.Codec == AccuracyExperiment.MeanBoxBaseline));
            detections.AddRange(first.Detections.Where(d => d.Codec == AccuracyExperiment.MeanBoxBaseline && d.Seed == seed));
        }
        foreach (var (unit, results) in byUnit)
        {
            rows.Add(results.Rows.Single(r => r.Codec == unit.Source));
            detections.AddRange(results.Detections.Where(d => d.Codec == unit.Source));
        }
        return new AccuracyResults(rows, detections);
    }

    // ---- simulation units --------------------------------------------------------------------------------------

    /// <summary>Simulates the points a jobs-wide chunk at a time through the one <see cref="Sweep"/>, each result stored as soon as its chunk ends.</summary>
    private void RunSimulations(IReadOnlyList<SimulateUnit> units, WorkPlan plan, Dataset dataset)
    {
        var (stored, fog, edge) = StoredProfiles();
        var encoded = EncodedFolders(plan, dataset);
        var metrics = encoded.ToDictionary(e => e.Key, e => e.Value.Frames);
        var accuracy = scenario.Learning is not null && stored is null ? AssembleAccuracy(plan, dataset) : null;
        var profile = (stored ?? MeasuredProfile(metrics, accuracy?.Rows)).WithRoles(fog, edge);
        var points = Points(metrics, profile);
        foreach (var chunk in units.Chunk(Math.Max(1, jobs)))
        {
            // A point that writes transfers streams them into a part file, kept in its entry beside result.json.
            var parts = Directory.CreateTempSubdirectory("rinr-transfers-").FullName;
            try
            {
                var results = Sweep.Run(chunk.Select(u => points[u.Point]).ToList(), jobs, transfersDir: parts);
                for (int i = 0; i < chunk.Length; i++)
                {
                    var json = JsonSerializer.Serialize(results[i].Result, ResultJson);
                    var part = Sweep.PartPath(parts, i);
                    cache.GetOrBuild(SimulationEntry(chunk[i], plan, dataset), staging =>
                    {
                        AtomicFile.WriteAllText(Path.Combine(staging, "result.json"), json);
                        if (File.Exists(part)) File.Move(part, Path.Combine(staging, TransfersPart));
                    }, out _, output);
                    output.WriteLine($"unit {chunk[i].Index} (simulate {chunk[i].What}): done");
                }
            }
            finally { ScratchPaths.TryDelete(parts); }
        }
    }

    /// <summary>A simulation entry's transfers.csv rows (no header), when its point writes transfers.</summary>
    private const string TransfersPart = "transfers.part";

    private SimulationResult ReadSimulation(SimulateUnit unit, WorkPlan plan, Dataset dataset)
    {
        var file = Path.Combine(cache.PathOf(SimulationEntry(unit, plan, dataset)), "result.json");
        try
        {
            return JsonSerializer.Deserialize<SimulationResult>(File.ReadAllText(file), ResultJson)
                   ?? throw new InputException(file, null, "empty simulation result");
        }
        catch (JsonException e)
        {
            throw new InputException(file, null, $"not a rinr simulation result ({e.Message.Split('\n')[0]}); delete the entry and rerun unit {unit.Index}");
        }
    }

    /// <summary>
    /// Simulation results as stored in the cache: doubles are written in their shortest round-trip form, so a result read
    /// back is bit-identical to the one simulated (NaN and infinities by name).
    /// </summary>
    private static readonly JsonSerializerOptions ResultJson = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
