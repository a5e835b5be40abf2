using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ResidualInr.Cli.Accuracy;
using ResidualInr.Cli.Commands;
using ResidualInr.Cli.Output;
using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>One simulated sweep point: which codec's payloads the strategy carried (and the model size, for train-fog).</summary>
public sealed record SweepResult(string Codec, long? ModelBytes, SimulationResult Result)
{
    public string Label => ModelBytes is { } m
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Result.Summary.Strategy} ({Codec}, M = {m / 1e6:0.###} MB)")
        : $"{Result.Summary.Strategy} ({Codec})";
}

/// <summary>
/// Runs a scenario end to end: encodes the dataset with every codec (cached by content), builds or
/// reads the timing profile, simulates every devices x strategy x codec point in parallel, and
/// writes codecs.csv, summary.csv, devices.csv, transfers.csv, profile.json and report.md.
/// </summary>
public sealed class ScenarioRunner(Scenario scenario, string outDir, int jobs, TextWriter output, bool allTransfers = false)
{
    public IReadOnlyList<SweepResult> Run()
    {
        Directory.CreateDirectory(outDir);
        var cacheDir = Path.Combine(outDir, "cache");
        var dataset = LoadDataset(cacheDir);
        if (scenario.Learning is not null && dataset.Sequences.All(sq => sq.Frames.Count <= scenario.FramesPerDevice))
            throw new InputException(scenario.File, null, $"learning: every frame of the dataset is encoded (frames_per_device: {scenario.FramesPerDevice}), " +
                "so none is left to test the detector on; give the dataset more frames per sequence or remove 'learning'");
        var encoded = scenario.Codecs.ToDictionary(c => c, c => EncodeCached(c, dataset, cacheDir));
        var metrics = encoded.ToDictionary(e => e.Key, e => e.Value.Frames);
        var accuracy = scenario.Learning is { } learning ? LearnCached(learning, dataset, encoded.Values.ToList(), cacheDir) : null;
        var profile = scenario.Timing.ProfilePath is { } p ? TimingProfile.Read(p) : MeasuredProfile(metrics, accuracy);
        AtomicFile.WriteAllText(Path.Combine(outDir, "profile.json"), profile.ToJson());
        CsvOutput.Write<FrameMetrics, CodecSummaryMap>(Path.Combine(outDir, "codecs.csv"), metrics.Values.SelectMany(m => m));
        var summary = accuracy is null ? null : AccuracyFile.Write(outDir, accuracy);

        var results = Simulate(metrics, profile);
        CsvOutput.Write<SweepRow, SweepRowMap>(Path.Combine(outDir, "summary.csv"), results.Select(r => new SweepRow(r.Codec, r.ModelBytes, r.Result.Summary)));
        CsvOutput.Write<DeviceRow, DeviceRowMap>(Path.Combine(outDir, "devices.csv"),
            results.SelectMany(r => r.Result.Devices.Select(d => new DeviceRow(r.Label, r.Result.Summary.Devices, d))));
        CsvOutput.Write<TransferRow, TransferRowMap>(Path.Combine(outDir, "transfers.csv"),
            results.SelectMany(r => r.Result.Transfers.Select(t => new TransferRow(r.Label, r.Result.Summary.Devices, t))));
        AtomicFile.WriteAllText(Path.Combine(outDir, "report.md"), ScenarioReport.Render(scenario, metrics, results, summary));
        var plots = Plots.ScenarioPlots.WriteAll(outDir, scenario, metrics, results, summary);
        var learned = summary is null ? "" : "accuracy.csv, accuracy_summary.csv, ";
        output.WriteLine($"wrote codecs.csv, summary.csv, devices.csv, transfers.csv, {learned}profile.json, report.md and {plots.Count} plot files to {outDir}");
        return results;
    }

    /// <summary>
    /// Trains and scores the detectors unless the same encodes, settings and seeds were learned from
    /// before: the key hashes the codec cache folders (which hash their data and settings) and the
    /// learning settings. Reading the rows back keeps a rerun's CSVs and profile byte-identical.
    /// </summary>
    private IReadOnlyList<Learning.Experiments.AccuracyRow> LearnCached(LearningSpec learning, Dataset dataset, IReadOnlyList<EncodedCodec> encoded, string cacheDir)
    {
        var seeds = Enumerable.Range(scenario.Seed, learning.Seeds).ToList();
        var key = Hash(string.Join("|", encoded.Select(e => Path.GetFileName(e.Directory)).Append(learning.ToString()).Append(learning.Detector.ToString())
            .Append(string.Join(",", seeds))));
        var file = Path.Combine(cacheDir, $"learning-{key}", "accuracy.csv");
        if (File.Exists(file))
        {
            output.WriteLine($"learning: cached ({Path.GetDirectoryName(file)})");
            return AccuracyFile.Read(file);
        }
        var rows = AccuracyStage.Run(dataset, encoded, learning.Detector, seeds, learning.TestFrames, ComputeDevice.Resolve(learning.Device), output);
        CsvOutput.Write<Learning.Experiments.AccuracyRow, AccuracyRowMap>(file, rows);
        return rows;
    }

    private Dataset LoadDataset(string cacheDir)
    {
        var spec = scenario.Dataset;
        if (spec.Synthetic is { } options)
        {
            var dir = Path.Combine(cacheDir, "dataset-" + Hash(options.ToString()));
            if (Directory.Exists(dir)) return OtbReader.Read(dir);
            var tmp = dir + ".partial";
            if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
            ConsoleProgress.Run("Generating the synthetic dataset", options.Sequences * options.Frames, p => SyntheticDataset.Generate(options, tmp, p));
            Directory.Move(tmp, dir);
            return OtbReader.Read(dir);
        }
        return DatasetLoader.Load(spec.Path!, spec.Format);
    }

    /// <summary>
    /// Encodes with one codec unless a finished encode of the same data and settings is cached:
    /// the key hashes the dataset's files (names, sizes, times) and every codec setting.
    /// </summary>
    private EncodedCodec EncodeCached(CodecSpec codec, Dataset dataset, string cacheDir)
    {
        var training = Training(codec);
        var key = Hash(string.Join("|", DatasetFingerprint(dataset), codec.ToString(), training.ToString(),
            scenario.FrameWidth, scenario.FrameHeight, scenario.FramesPerDevice, scenario.Inr.Batch, scenario.Seed));
        var dir = Path.Combine(cacheDir, $"{codec.Name}-{key}");
        var metricsFile = Path.Combine(dir, "metrics.csv");
        if (File.Exists(metricsFile))
        {
            output.WriteLine($"{codec.Name}: cached ({dir})");
            return new EncodedCodec(dir, CodecMetricsFile.Read(metricsFile));
        }
        var device = ComputeDevice.Resolve(scenario.Inr.Device);
        var options = new EncodeOptions(scenario.FrameWidth, scenario.FrameHeight, scenario.Inr.Batch, scenario.Seed, scenario.FramesPerDevice);
        int total = options.FrameCount(dataset);
        var objectTraining = codec.ObjectSteps is { } os ? training with { Steps = os } : null;
        IReadOnlyList<FrameMetrics> metrics;
        if (CodecCatalog.IsSequenceCodec(codec.Name))
        {
            // A video codec encodes each sequence's first frames_per_device frames as one sequence.
            var defaults = new Codec.Nerv.NervTrainingOptions();
            var nervTraining = defaults with { Epochs = codec.Epochs ?? defaults.Epochs, LearningRate = codec.LearningRate ?? defaults.LearningRate };
            var sequenceCodec = CodecCatalog.CreateSequenceCodec(codec.Name, nervTraining,
                objectTraining ?? new TrainingOptions(Steps: scenario.Inr.Steps, LearningRate: scenario.Inr.LearningRate), device);
            metrics = ConsoleProgress.RunFractional($"Encoding with {codec.Name}", total, p => EncodeRunner.RunSequences(dataset, sequenceCodec, options, dir, p));
        }
        else
        {
            var frameCodec = CodecCatalog.Create(codec.Name, training, device, codec.JpegQuality, objectTraining: objectTraining, quantizationAwareSteps: codec.QatSteps);
            metrics = ConsoleProgress.RunFractional($"Encoding with {frameCodec.Name}", total, p => EncodeRunner.Run(dataset, frameCodec, options, dir, p));
        }
        CsvOutput.Write<FrameMetrics, FrameMetricsMap>(metricsFile, metrics); // written last: its presence marks a finished encode
        CodecCommands.PrintSummary(output, metrics[0].Codec, metrics);
        return new EncodedCodec(dir, metrics);
    }

    private TrainingOptions Training(CodecSpec codec) =>
        new(Steps: codec.Steps ?? scenario.Inr.Steps, LearningRate: codec.LearningRate ?? scenario.Inr.LearningRate);

    /// <summary>Timings measured here: encode and decode from the encodes, and edge training per codec from the learning stage when it ran.</summary>
    private TimingProfile MeasuredProfile(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, IReadOnlyList<Learning.Experiments.AccuracyRow>? accuracy)
    {
        var profile = TimingProfile.FromMeasurements(ComputeDevice.Describe(ComputeDevice.Resolve(scenario.Inr.Device)), scenario.Training.FogBatch,
            metrics.Select(m => (CodecName(m.Key), m.Value)), scenario.Training.EdgeSecondsPerFrameEpoch, scenario.Training.FogSecondsPerFrameEpoch);
        if (accuracy is null) return profile;
        // The detector's epoch time over its training frames, data loading included, averaged over seeds.
        var perCodec = accuracy.Where(r => r.TrainFrames > 0 && r.TrainSecondsPerEpoch > 0)
            .GroupBy(r => r.Codec).ToDictionary(g => g.Key, g => g.Average(r => r.TrainSecondsPerEpoch / r.TrainFrames));
        return profile with { EdgeTrainSecondsPerFrameEpochByCodec = perCodec };
    }

    public static string CodecName(CodecSpec c) => c.Name == "jpeg" ? $"jpeg-q{c.JpegQuality}" : c.Name;

    private List<SweepResult> Simulate(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, TimingProfile profile)
    {
        var jpeg = metrics.FirstOrDefault(m => m.Key.Name == "jpeg");
        var inrs = metrics.Where(m => m.Key.Name != "jpeg").ToList();
        var needsJpeg = scenario.Strategies.Any(s => s != SharingStrategy.InrTrainEdge) || inrs.Count > 0;
        if (needsJpeg && jpeg.Value is null)
            throw new InputException(scenario.File, null, "codecs: the JPEG codec is needed (devices upload JPEGs in every fog strategy); add 'jpeg:'");
        int largest = scenario.Devices.Max();
        var points = new List<(string Codec, long? ModelBytes, SimulationConfig Config)>();
        foreach (var n in scenario.Devices)
        foreach (var strategy in scenario.Strategies)
        {
            var carriers = strategy == SharingStrategy.InrTrainEdge ? inrs : [jpeg];
            foreach (var (codec, rows) in carriers)
            foreach (var model in strategy == SharingStrategy.TrainFog ? scenario.Training.ModelBytes.Select(m => (long?)m) : [null])
            {
                string name = CodecName(codec);
                var timings = new ComputeTimings(
                    FogEncodeSecondsPerBatch: profile.FogEncodeSecondsPerBatch.GetValueOrDefault(name),
                    FogBatchSize: profile.FogBatch,
                    EdgeJpegDecodeSeconds: profile.EdgeDecodeSecondsPerFrame.GetValueOrDefault(CodecName(jpeg.Key)),
                    EdgeInrDecodeSeconds: profile.EdgeDecodeSecondsPerFrame.GetValueOrDefault(name),
                    EdgeTrainSecondsPerFrameEpoch: profile.EdgeTrainSecondsFor(name),
                    FogTrainSecondsPerFrameEpoch: profile.FogTrainSecondsPerFrameEpoch,
                    Epochs: scenario.Training.Epochs,
                    ModelBytes: model ?? 0);
                var sizes = CodecMetricsFile.Sizes(jpeg.Value, strategy == SharingStrategy.InrTrainEdge ? rows : null, n, 0, 0)!;
                points.Add((name, model, new SimulationConfig(n, scenario.FramesPerDevice, strategy, sizes, scenario.Network.Downlink, scenario.Network.Topology,
                    scenario.Network.Channel, timings, 0, scenario.Seed, RecordTransfers: allTransfers || n == largest)));
            }
        }
        var results = new SweepResult[points.Count];
        ConsoleProgress.Run("Simulating", points.Count, progress =>
        {
            int done = 0;
            Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i =>
            {
                results[i] = new SweepResult(points[i].Codec, points[i].ModelBytes, FogSimulation.Run(points[i].Config));
                progress.Report(Interlocked.Increment(ref done));
            });
            return 0;
        });
        return results.ToList();
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

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
}
