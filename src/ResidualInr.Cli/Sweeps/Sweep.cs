using System.Globalization;
using CsvHelper;
using ResidualInr.Cli.Output;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Results;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Sweeps;

/// <summary>
/// One point of a sweep: a simulation configuration and what its strategy carried: the codec
/// whose payloads went on the air (a codec key such as <c>residual-inr</c>, or <c>jpeg</c>/<c>inr</c>
/// for fixed sizes) and, for train-fog, the model size.
/// </summary>
/// <param name="WritesTransfers">Its transfers go to transfers.csv, streamed while it runs (<see cref="TransferOutput"/>).</param>
public sealed record SweepPoint(string Codec, long? ModelBytes, SimulationConfig Config, bool WritesTransfers = false);

/// <summary>
/// Which points write their transfers to transfers.csv. None by default: a unicast sweep has N² transfers, so the file
/// is written only when asked (<c>--transfers</c>: the largest N; <c>--all-transfers</c>: every point).
/// </summary>
public enum TransferOutput { None, LargestDevices, All }

public static class TransferOutputs
{
    public static TransferOutput FromOptions(bool largest, bool all) => all ? TransferOutput.All : largest ? TransferOutput.LargestDevices : TransferOutput.None;

    public static bool Includes(this TransferOutput output, int devices, int largestDevices) =>
        output == TransferOutput.All || (output == TransferOutput.LargestDevices && devices == largestDevices);
}

public sealed record SweepResult(SweepPoint Point, SimulationResult Result)
{
    public string Codec => Point.Codec;
    public long? ModelBytes => Point.ModelBytes;
    public RunSummary Summary => Result.Summary;

    /// <summary>The series a point belongs to in tables and plots, e.g. "inr-train-edge (residual-inr)".</summary>
    public string Label => ModelBytes is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"{Summary.Strategy.ToName()} ({Codec}, M = {m / 1e6:0.###} MB)")
        : $"{Summary.Strategy.ToName()} ({Codec})";
}

/// <summary>
/// The one sweep behind <c>rinr run</c> and <c>rinr simulate</c>: validates every point, simulates
/// them in parallel (each is independent and seeded, so parallelism changes only the wall time),
/// and writes summary.csv, devices.csv and (when asked) transfers.csv in one schema (scenarios/README.md).
/// </summary>
public static class Sweep
{
    /// <param name="pointsDone">Where to report points finished (from worker threads); null draws the sweep's own progress bar.
    /// A caller that already shows a bar (a soak running many sweeps) passes its own, since bars do not nest.</param>
    /// <param name="transfersDir">The folder <see cref="WriteCsvs"/> will write to: points that write their transfers stream
    /// them there as they run, one part file each, so no transfer is held in memory. Needed when any point writes them.</param>
    public static IReadOnlyList<SweepResult> Run(IReadOnlyList<SweepPoint> points, int jobs, IProgress<int>? pointsDone = null, string? transfersDir = null)
    {
        foreach (var p in points)
        {
            try { p.Config.Validate(); }
            catch (ArgumentException e) { throw new InputException(e.Message); }
        }
        if (transfersDir is null && points.Any(p => p.WritesTransfers))
            throw new ArgumentException("points that write their transfers need the folder to write them to", nameof(transfersDir));
        return pointsDone is not null
            ? Simulate(points, jobs, pointsDone, transfersDir)
            : ConsoleProgress.Run("Simulating", points.Count, progress => Simulate(points, jobs, progress, transfersDir));
    }

    private static SweepResult[] Simulate(IReadOnlyList<SweepPoint> points, int jobs, IProgress<int> progress, string? transfersDir)
    {
        var results = new SweepResult[points.Count];
        int done = 0;
        Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs), CancellationToken = Interrupt.Token }, i =>
        {
            var point = points[i];
            if (point.WritesTransfers)
            {
                using var part = new TransferPart(PartPath(transfersDir!, i), point);
                results[i] = new SweepResult(point, FogSimulation.Run(point.Config, part));
            }
            else results[i] = new SweepResult(point, FogSimulation.Run(point.Config));
            progress.Report(Interlocked.Increment(ref done));
        });
        return results;
    }

    /// <summary>Where point <paramref name="point"/> (its index in the sweep) streams its transfers.csv rows until <see cref="WriteCsvs"/> assembles them.</summary>
    public static string PartPath(string dir, int point) => Path.Combine(dir, $".transfers-{point:D6}.part");

    /// <summary>
    /// Writes summary.csv and devices.csv, and transfers.csv when a point wrote its transfers: the header, then each
    /// point's part in sweep order (parts were written in parallel; the order makes the file the same for any --jobs).
    /// Returns the names of the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteCsvs(string dir, IReadOnlyList<SweepResult> results)
    {
        CsvOutput.Write<SummaryRow, SummaryRowMap>(Path.Combine(dir, "summary.csv"), results.Select(r => new SummaryRow(r)));
        CsvOutput.Write<DeviceRow, DeviceRowMap>(Path.Combine(dir, "devices.csv"),
            results.SelectMany(r => r.Result.Devices.Select(d => new DeviceRow(r, d))));
        var parts = results.Select((r, i) => (r.Point, Path: PartPath(dir, i))).Where(p => p.Point.WritesTransfers).Select(p => p.Path).ToList();
        if (parts.Count == 0) return ["summary.csv", "devices.csv"];
        AtomicFile.Write(Path.Combine(dir, "transfers.csv"), writer =>
        {
            using (var csv = new CsvWriter(writer, CsvOutput.Configuration, leaveOpen: true))
            {
                csv.Context.RegisterClassMap<TransferRowMap>();
                csv.WriteHeader<TransferRow>();
                csv.NextRecord();
            }
            var buffer = new char[1 << 16];
            foreach (var part in parts)
            {
                using var reader = File.OpenText(part);
                for (int n; (n = reader.Read(buffer, 0, buffer.Length)) > 0;) writer.Write(buffer, 0, n);
            }
        });
        foreach (var part in parts) File.Delete(part);
        return ["summary.csv", "devices.csv", "transfers.csv"];
    }

    /// <summary>One point's transfers.csv rows (no header), written as the simulation hands them over.</summary>
    private sealed class TransferPart : ITransferSink, IDisposable
    {
        private readonly SweepPoint _point;
        private readonly StreamWriter _file;
        private readonly CsvWriter _csv;

        public TransferPart(string path, SweepPoint point)
        {
            _point = point;
            _file = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), bufferSize: 1 << 16);
            _csv = new CsvWriter(_file, CsvOutput.Configuration);
            _csv.Context.RegisterClassMap<TransferRowMap>();
        }

        public void Add(TransferRecord transfer)
        {
            _csv.WriteRecord(new TransferRow(_point, transfer));
            _csv.NextRecord();
        }

        public void Dispose() => _csv.Dispose(); // flushes and closes the file
    }
}
