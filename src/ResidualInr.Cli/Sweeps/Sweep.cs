using System.Globalization;
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
public sealed record SweepPoint(string Codec, long? ModelBytes, SimulationConfig Config);

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
/// and writes summary.csv, devices.csv and transfers.csv in one schema (scenarios/README.md).
/// </summary>
public static class Sweep
{
    /// <param name="pointsDone">Where to report points finished (from worker threads); null draws the sweep's own progress bar.
    /// A caller that already shows a bar (a soak running many sweeps) passes its own, since bars do not nest.</param>
    public static IReadOnlyList<SweepResult> Run(IReadOnlyList<SweepPoint> points, int jobs, IProgress<int>? pointsDone = null)
    {
        foreach (var p in points)
        {
            try { p.Config.Validate(); }
            catch (ArgumentException e) { throw new InputException(e.Message); }
        }
        return pointsDone is not null
            ? Simulate(points, jobs, pointsDone)
            : ConsoleProgress.Run("Simulating", points.Count, progress => Simulate(points, jobs, progress));
    }

    private static SweepResult[] Simulate(IReadOnlyList<SweepPoint> points, int jobs, IProgress<int> progress)
    {
        var results = new SweepResult[points.Count];
        int done = 0;
        Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs), CancellationToken = Interrupt.Token }, i =>
        {
            results[i] = new SweepResult(points[i], FogSimulation.Run(points[i].Config));
            progress.Report(Interlocked.Increment(ref done));
        });
        return results;
    }

    public static readonly IReadOnlyList<string> Files = ["summary.csv", "devices.csv", "transfers.csv"];

    /// <summary>Writes the three CSVs; transfers only of the points that recorded them.</summary>
    public static void WriteCsvs(string dir, IReadOnlyList<SweepResult> results)
    {
        CsvOutput.Write<SummaryRow, SummaryRowMap>(Path.Combine(dir, "summary.csv"), results.Select(r => new SummaryRow(r)));
        CsvOutput.Write<DeviceRow, DeviceRowMap>(Path.Combine(dir, "devices.csv"),
            results.SelectMany(r => r.Result.Devices.Select(d => new DeviceRow(r, d))));
        CsvOutput.Write<TransferRow, TransferRowMap>(Path.Combine(dir, "transfers.csv"),
            results.SelectMany(r => r.Result.Transfers.Select(t => new TransferRow(r, t))));
    }
}
