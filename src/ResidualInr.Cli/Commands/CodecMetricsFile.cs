using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Commands;

/// <summary>Reads a codec's metrics.csv back, to feed measured sizes and timings to the simulator.</summary>
public static class CodecMetricsFile
{
    /// <param name="requireTimings">False for a run's codecs.csv, which keeps sizes and quality but not the timings (those live in profile.json).</param>
    public static IReadOnlyList<FrameMetrics> Read(string path, bool requireTimings = true)
    {
        if (!File.Exists(path)) throw new InputException(path, null, "metrics file not found");
        try
        {
            using var reader = new StreamReader(path);
            using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
            csv.Read();
            csv.ReadHeader();
            string[] needed = requireTimings ? ["sequence", "frame", "codec", "payload_bytes", "decode_s_per_frame"] : ["sequence", "frame", "codec", "payload_bytes"];
            var missing = needed.FirstOrDefault(h => !csv.HeaderRecord!.Contains(h));
            if (missing is not null) throw new InputException(path, 1, $"not a rinr metrics.csv: no '{missing}' column");
            var rows = new List<FrameMetrics>();
            while (csv.Read())
            {
                int line = csv.Parser.Row;
                var bytes = csv.GetField<int>("payload_bytes");
                var decode = requireTimings ? csv.GetField<double>("decode_s_per_frame") : csv.TryGetField<double>("decode_s_per_frame", out var d) ? d : 0;
                if (bytes < 0 || !double.IsFinite(decode) || decode < 0)
                    throw new InputException(path, line, "payload_bytes and decode_s_per_frame must be finite and non-negative");
                double Optional(string column) => csv.TryGetField<double>(column, out var v) ? v : double.NaN;
                rows.Add(new FrameMetrics(csv.GetField("sequence")!, csv.GetField<int>("frame"), csv.GetField("codec")!, bytes,
                    csv.TryGetField<int>("bg_inr_bytes", out var bg) ? bg : 0, csv.TryGetField<int>("obj_inr_bytes", out var obj) ? obj : 0,
                    Optional("psnr_whole_db"), Optional("psnr_bg_db"), Optional("psnr_obj_db"), Optional("encode_s_per_frame"), decode,
                    csv.TryGetField<int>("size_group", out var g) ? g : 0, csv.TryGetField<string>("payload_file", out var f) ? f ?? "" : ""));
            }
            if (rows.Count == 0) throw new InputException(path, null, "no frames in the metrics file");
            return rows;
        }
        catch (CsvHelperException e)
        {
            throw new InputException(path, e.Context?.Parser?.Row, $"not a rinr metrics.csv ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    /// <summary>
    /// Per-frame sizes keyed by (sequence, frame), frames dealt to the N devices in turn (the
    /// interleaved split). A side without a metrics file keeps its fixed size. Null when neither file is given.
    /// </summary>
    public static FrameSizes? Sizes(IReadOnlyList<FrameMetrics>? jpeg, IReadOnlyList<FrameMetrics>? inr, int devices, long fixedJpeg, long fixedInr)
    {
        if (jpeg is null && inr is null) return null;
        var keys = (jpeg ?? inr)!.Select(r => (r.Sequence, r.Frame)).ToList();
        var jpegBytes = jpeg?.ToDictionary(r => (r.Sequence, r.Frame), r => (long)r.PayloadBytes);
        var inrBytes = inr?.ToDictionary(r => (r.Sequence, r.Frame), r => (long)r.PayloadBytes);
        var table = new Dictionary<(string, int), FrameSize>();
        foreach (var key in keys)
        {
            long j = fixedJpeg, i = fixedInr;
            if (jpegBytes is not null && !jpegBytes.TryGetValue(key, out j)) throw new InputException($"--jpeg-metrics has no row for {key.Sequence} frame {key.Frame}");
            if (inrBytes is not null && !inrBytes.TryGetValue(key, out i)) throw new InputException($"--inr-metrics has no row for {key.Sequence} frame {key.Frame}");
            table[key] = new FrameSize(j, i);
        }
        var perDevice = Enumerable.Range(0, devices)
            .Select(d => (IReadOnlyList<(string, int)>)keys.Where((_, k) => k % devices == d).DefaultIfEmpty(keys[d % keys.Count]).ToList())
            .ToList();
        return FrameSizes.FromTable(table, perDevice);
    }
}
