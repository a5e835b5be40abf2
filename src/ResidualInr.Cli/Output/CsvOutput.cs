using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Output;

/// <summary>CSV files with units in their column names, written through a temporary file and a rename.</summary>
public static class CsvOutput
{
    public static void Write<T, TMap>(string path, IEnumerable<T> rows) where TMap : ClassMap<T>
    {
        AtomicFile.Write(path, writer =>
        {
            using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture), leaveOpen: true);
            csv.Context.RegisterClassMap<TMap>();
            csv.WriteRecords(rows);
        });
    }
}

public class FrameMetricsMap : ClassMap<FrameMetrics>
{
    public FrameMetricsMap()
    {
        Map(m => m.Sequence).Name("sequence");
        Map(m => m.Frame).Name("frame");
        Map(m => m.Codec).Name("codec");
        Map(m => m.PayloadBytes).Name("payload_bytes");
        Map(m => m.BackgroundBytes).Name("bg_inr_bytes");
        Map(m => m.ObjectBytes).Name("obj_inr_bytes");
        Map(m => m.PsnrWholeDb).Name("psnr_whole_db");
        Map(m => m.PsnrBackgroundDb).Name("psnr_bg_db");
        Map(m => m.PsnrObjectDb).Name("psnr_obj_db");
        Map(m => m.EncodeSecondsPerFrame).Name("encode_s_per_frame");
        Map(m => m.DecodeSecondsPerFrame).Name("decode_s_per_frame");
        Map(m => m.SizeGroup).Name("size_group");
        Map(m => m.PayloadFile).Name("payload_file");
    }
}

/// <summary>codecs.csv: metrics.csv without the timings (those live in profile.json only) and payload paths.</summary>
public sealed class CodecSummaryMap : FrameMetricsMap
{
    public CodecSummaryMap()
    {
        Map(m => m.EncodeSecondsPerFrame).Ignore();
        Map(m => m.DecodeSecondsPerFrame).Ignore();
        Map(m => m.PayloadFile).Ignore();
    }
}
