using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Cli.Output;
using ResidualInr.Imaging;
using ResidualInr.Learning.Experiments;

namespace ResidualInr.Cli.Accuracy;

/// <summary>accuracy.csv and accuracy_summary.csv: written by <c>rinr train</c> and <c>rinr run</c>, read back as the learning stage's cache.</summary>
public static class AccuracyFile
{
    /// <summary>Writes both files into <paramref name="dir"/> and returns the summary.</summary>
    public static IReadOnlyList<AccuracySummary> Write(string dir, IReadOnlyList<AccuracyRow> rows)
    {
        Directory.CreateDirectory(dir);
        var summary = AccuracySummary.Of(rows);
        CsvOutput.Write<AccuracyRow, AccuracyRowMap>(Path.Combine(dir, "accuracy.csv"), rows);
        CsvOutput.Write<AccuracySummary, AccuracySummaryMap>(Path.Combine(dir, "accuracy_summary.csv"), summary);
        return summary;
    }

    public static IReadOnlyList<AccuracyRow> Read(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
            // The same class map that writes the file reads it: one place names the columns.
            csv.Context.RegisterClassMap<AccuracyRowMap>();
            var rows = csv.GetRecords<AccuracyRow>().ToList();
            if (rows.Count == 0) throw new InputException(path, null, "no rows");
            return rows;
        }
        catch (CsvHelperException e)
        {
            throw new InputException(path, e.Context?.Parser?.Row, $"not a rinr accuracy.csv ({e.Message.Split('\n')[0].Trim()})");
        }
    }
}
