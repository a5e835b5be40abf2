using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Cli.Output;
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
            using var csv = new CsvReader(reader, CsvOutput.Configuration);
            csv.Read();
            csv.ReadHeader();
            string[] needed = requireTimings ? ["sequence", "frame", "codec", "payload_bytes", "decode_s_per_frame"] : ["sequence", "frame", "codec", "payload_bytes"];
            var missing = needed.FirstOrDefault(h => !csv.HeaderRecord!.Contains(h));
            if (missing is not null) throw new InputException(path, 1, $"not a rinr metrics.csv: no '{missing}' column");
            // The class map that writes metrics.csv reads it back; only the checks are here.
            csv.Context.RegisterClassMap<FrameMetricsMap>();
            var rows = new List<FrameMetrics>();
            while (csv.Read())
            {
                var row = csv.GetRecord<FrameMetrics>();
                bool timingOk = !requireTimings || (double.IsFinite(row.DecodeSecondsPerFrame) && row.DecodeSecondsPerFrame >= 0);
                if (row.PayloadBytes < 0 || !timingOk)
                    throw new InputException(path, csv.Parser.Row, "payload_bytes and decode_s_per_frame must be finite and non-negative");
                rows.Add(row);
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
    /// Each frame also knows its sequence (<see cref="FrameSizes.SequenceOf"/>), which a video codec's
    /// per-sequence fog encode groups by.
    /// </summary>
    public static FrameSizes? Sizes(IReadOnlyList<FrameMetrics>? jpeg, IReadOnlyList<FrameMetrics>? inr, int devices, long fixedJpeg, long fixedInr)
    {
        if (jpeg is null && inr is null) return null;
        var keys = (jpeg ?? inr)!.Select(r => (r.Sequence, r.Frame)).ToList();
        var jpegRows = jpeg?.ToDictionary(r => (r.Sequence, r.Frame));
        var inrRows = inr?.ToDictionary(r => (r.Sequence, r.Frame));
        var table = new Dictionary<(string, int), FrameSize>();
        foreach (var key in keys)
        {
            FrameMetrics? j = null, i = null;
            if (jpegRows is not null && !jpegRows.TryGetValue(key, out j)) throw new InputException($"--jpeg-metrics has no row for {key.Sequence} frame {key.Frame}");
            if (inrRows is not null && !inrRows.TryGetValue(key, out i)) throw new InputException($"--inr-metrics has no row for {key.Sequence} frame {key.Frame}");
            // The object PSNRs go with the sizes: the hybrid fog weighs them (NaN for a fixed size, or a frame without a box).
            table[key] = new FrameSize(j?.PayloadBytes ?? fixedJpeg, i?.PayloadBytes ?? fixedInr, j?.PsnrObjectDb ?? double.NaN, i?.PsnrObjectDb ?? double.NaN);
        }
        var perDevice = Enumerable.Range(0, devices)
            .Select(d => (IReadOnlyList<(string, int)>)keys.Where((_, k) => k % devices == d).DefaultIfEmpty(keys[d % keys.Count]).ToList())
            .ToList();
        return FrameSizes.FromTable(table, perDevice, key => key.Item1);
    }
}
