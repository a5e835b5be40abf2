using BenchmarkDotNet.Attributes;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Benchmarks;

/// <summary>
/// JPEG encode and decode throughput of the baseline codec (SkiaSharp / libjpeg-turbo) on
/// synthetic frames at the paper's 640x360 and at 320x180. Images/s = 1 / mean time.
/// </summary>
[MemoryDiagnoser]
public class JpegBenchmarks
{
    [Params("640x360", "320x180")]
    public string Size { get; set; } = "640x360";

    private RgbImage _frame = null!;
    private byte[] _jpeg = null!;
    private readonly JpegCodec _codec = new(90);

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('x');
        var dir = Directory.CreateTempSubdirectory("rinr-bench-").FullName;
        var ds = SyntheticDataset.Generate(new SyntheticOptions(1, 1, int.Parse(parts[0]), int.Parse(parts[1]), Seed: 1), dir);
        _frame = RgbImage.Load(ds.Sequences[0].Frames[0].ImagePath);
        _jpeg = _codec.Encode(_frame);
        Directory.Delete(dir, true);
    }

    [Benchmark]
    public int Encode() => _codec.Encode(_frame).Length;

    [Benchmark]
    public int Decode() => JpegCodec.Decode(_jpeg).Width;
}
