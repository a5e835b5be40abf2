using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Cli.Output;
using ResidualInr.Imaging;
using ResidualInr.Learning.Experiments;

namespace ResidualInr.Cli.Accuracy;

/// <summary>
/// accuracy.csv, detections.csv and accuracy_summary.csv: written by <c>rinr train</c> and <c>rinr run</c>; accuracy.csv
/// and detections.csv are read back as the learning stage's cache and by <c>rinr run --codecs-from</c>.
/// </summary>
public static class AccuracyFile
{
    /// <summary>Writes the three files into <paramref name="dir"/> and returns the summary.</summary>
    /// <param name="seed">Seeds the bootstrap (the run's seed): the same results give the same intervals.</param>
    public static IReadOnlyList<AccuracySummary> Write(string dir, AccuracyResults results, int seed)
    {
        Directory.CreateDirectory(dir);
        var summary = AccuracySummary.Of(results.Rows, results.Detections, seed);
        WriteResults(dir, results);
        CsvOutput.Write<AccuracySummary, AccuracySummaryMap>(Path.Combine(dir, "accuracy_summary.csv"), summary);
        return summary;
    }

    /// <summary>accuracy.csv and (when there are any) detections.csv: what the learning stage measured.</summary>
    public static void WriteResults(string dir, AccuracyResults results)
    {
        CsvOutput.Write<AccuracyRow, AccuracyRowMap>(Path.Combine(dir, "accuracy.csv"), results.Rows);
        if (results.Detections.Count > 0)
            CsvOutput.Write<DetectionRow, DetectionRowMap>(Path.Combine(dir, "detections.csv"), results.Detections.Select(DetectionRow.Of));
    }

    /// <summary>
    /// accuracy.csv of <paramref name="dir"/> and its detections.csv when there is one: a run made before intervals has
    /// none, and its summary then has no intervals (the report says so).
    /// </summary>
    public static AccuracyResults ReadResults(string dir)
    {
        var rows = Read(Path.Combine(dir, "accuracy.csv"));
        var detectionsFile = Path.Combine(dir, "detections.csv");
        var detections = File.Exists(detectionsFile)
            ? ReadCsv<DetectionRow, DetectionRowMap>(detectionsFile, "detections.csv").Select(r => r.ToDetection()).ToList()
            : [];
        return new AccuracyResults(rows, detections);
    }

    public static IReadOnlyList<AccuracyRow> Read(string path) => ReadCsv<AccuracyRow, AccuracyRowMap>(path, "accuracy.csv");

    private static List<T> ReadCsv<T, TMap>(string path, string kind) where TMap : ClassMap<T>
    {
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, CsvOutput.Configuration);
            // The same class map that writes the file reads it: one place names the columns.
            csv.Context.RegisterClassMap<TMap>();
            var rows = csv.GetRecords<T>().ToList();
            if (rows.Count == 0) throw new InputException(path, null, "no rows");
            return rows;
        }
        catch (CsvHelperException e)
        {
            throw new InputException(path, e.Context?.Parser?.Row, $"not a rinr {kind} ({e.Message.Split('\n')[0].Trim()})");
        }
    }
}
