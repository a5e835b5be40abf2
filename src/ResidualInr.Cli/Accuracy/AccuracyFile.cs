using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Imaging;
using ResidualInr.Learning.Experiments;

namespace ResidualInr.Cli.Accuracy;

/// <summary>Reads accuracy.csv back (the learning stage's cache).</summary>
public static class AccuracyFile
{
    public static IReadOnlyList<AccuracyRow> Read(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
            var rows = new List<AccuracyRow>();
            csv.Read();
            csv.ReadHeader();
            while (csv.Read())
                rows.Add(new AccuracyRow(csv.GetField("codec")!, csv.GetField<int>("seed"), csv.GetField<int>("train_frames"), csv.GetField<int>("test_frames"),
                    csv.GetField<double>("map50_95"), csv.GetField<double>("map50"), csv.GetField<double>("mean_iou"),
                    csv.GetField<double>("train_s_per_epoch"), csv.GetField<double>("decode_s_per_epoch")));
            if (rows.Count == 0) throw new InputException(path, null, "no rows");
            return rows;
        }
        catch (CsvHelperException e)
        {
            throw new InputException(path, e.Context?.Parser?.Row, $"not a rinr accuracy.csv ({e.Message.Split('\n')[0].Trim()})");
        }
    }
}
