using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Output;

/// <summary>CSV files with units in their column names, written through a temporary file and a rename.</summary>
public static class CsvOutput
{
    /// <summary>How every rinr CSV is written and read: invariant culture (a '.' decimal point, ',' separators).</summary>
    public static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture);

    public static void Write<T, TMap>(string path, IEnumerable<T> rows) where TMap : ClassMap<T>
    {
        AtomicFile.Write(path, writer =>
        {
            using var csv = new CsvWriter(writer, Configuration, leaveOpen: true);
            csv.Context.RegisterClassMap<TMap>();
            csv.WriteRecords(rows);
        });
    }
}

/// <summary>
/// Reading immutable records back with the maps that write them: CsvHelper builds a positional
/// record through its constructor, so each constructor parameter takes the column name (and
/// optional default) of the member map of the same name. One map names every column, for both directions.
/// </summary>
public static class RecordMaps
{
    public static void ReadThroughConstructor<T>(this ClassMap<T> map)
    {
        var ctor = typeof(T).GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        foreach (var parameter in ctor.GetParameters())
        {
            var member = map.MemberMaps.FirstOrDefault(m => m.Data.Member?.Name == parameter.Name)
                         ?? throw new InvalidOperationException($"{typeof(T).Name}: no column is mapped for constructor parameter {parameter.Name}");
            var parameterMap = new ParameterMap(parameter);
            foreach (var name in member.Data.Names) parameterMap.Data.Names.Add(name);
            parameterMap.Data.IsNameSet = true;
            if (member.Data.IsDefaultSet)
            {
                parameterMap.Data.IsOptional = true;
                parameterMap.Data.Default = member.Data.Default;
                parameterMap.Data.IsDefaultSet = true;
            }
            map.ParameterMaps.Add(parameterMap);
        }
    }
}

public class FrameMetricsMap : ClassMap<FrameMetrics>
{
    public FrameMetricsMap()
    {
        // Defaults apply when reading: a file may lack the optional columns (codecs.csv has no timings or paths).
        Map(m => m.Sequence).Name("sequence");
        Map(m => m.Frame).Name("frame");
        Map(m => m.Codec).Name("codec");
        Map(m => m.PayloadBytes).Name("payload_bytes");
        Map(m => m.BackgroundBytes).Name("bg_inr_bytes").Default(0);
        Map(m => m.ObjectBytes).Name("obj_inr_bytes").Default(0);
        Map(m => m.PsnrWholeDb).Name("psnr_whole_db").Default(double.NaN);
        Map(m => m.PsnrBackgroundDb).Name("psnr_bg_db").Default(double.NaN);
        Map(m => m.PsnrObjectDb).Name("psnr_obj_db").Default(double.NaN);
        Map(m => m.EncodeSecondsPerFrame).Name("encode_s_per_frame").Default(double.NaN);
        Map(m => m.DecodeSecondsPerFrame).Name("decode_s_per_frame").Default(double.NaN);
        Map(m => m.SizeGroup).Name("size_group").Default(0);
        Map(m => m.PayloadFile).Name("payload_file").Default("");
        // The frames encoded together with this one (encode_s_per_frame is that batch's time over them); 0 in older files.
        Map(m => m.EncodeBatchFrames).Name("encode_batch_frames").Default(0);
        // This frame's own training steps and share of the batch's encode time (target quality stops frames at different steps); absent in older files.
        Map(m => m.EncodeSteps).Name("encode_steps").Default(0);
        Map(m => m.EncodeFrameSeconds).Name("encode_frame_s").Default(double.NaN);
        this.ReadThroughConstructor();
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
        Map(m => m.EncodeBatchFrames).Ignore();
        Map(m => m.EncodeSteps).Ignore();
        Map(m => m.EncodeFrameSeconds).Ignore();
    }
}
