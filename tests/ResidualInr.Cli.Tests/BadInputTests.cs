using System.Diagnostics;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Quantization;
using ResidualInr.Codec.Siren;

namespace ResidualInr.Cli.Tests;

/// <summary>Bad input is a one-line error and exit code 2, with memory bounded, whatever the file claims.</summary>
public class BadInputTests
{
    private static void AssertOneLineInputError((int Exit, string Out, string Err) result, string file)
    {
        Assert.True(result.Exit == 2, $"exit {result.Exit}: {result.Err}");
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"rinr: {file}", lines[0]);
    }

    private static (int Exit, string Out, string Err) RunBounded(params string[] args)
    {
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = CliRunner.Run(args);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < 200L << 20, $"{allocated >> 20} MB allocated");
        using var self = Process.GetCurrentProcess();
        Assert.True(self.WorkingSet64 < 3L << 30, $"working set {self.WorkingSet64 >> 20} MB");
        return result;
    }

    private static NetworkPayload Network(SirenShape shape) =>
        new(NetworkRole.Background, shape, shape.Layers.SelectMany(l => new[] { l.In * l.Out, l.Out }).Select(n => QuantizedTensor.Quantize(new float[n], 8)).ToArray());

    [Theory]
    [InlineData(8192, 8192)]
    [InlineData(4097, 4097)]
    public void Decoding_a_small_rinr_that_claims_a_huge_frame_is_an_input_error(int width, int height)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-bad-").FullName;
        try
        {
            var file = Path.Combine(dir, "huge.rinr");
            File.WriteAllBytes(file, PayloadFormat.Write(new InrPayload("rapid-inr", width, height, null, 0, [Network(new SirenShape(24, 10))])));
            Assert.True(new FileInfo(file).Length < 8000);
            var result = RunBounded("decode", file, "--out", Path.Combine(dir, "x.png"));
            AssertOneLineInputError(result, file);
            Assert.Contains($"{width}x{height}", result.Err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Decoding_a_rnrv_whose_frame_needs_huge_activations_is_an_input_error()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-bad-").FullName;
        try
        {
            var shape = new NervShape(4096, 4096, 4, 4, 1, [8, 8, 8, 8], [1, 1, 1, 1024]);
            var tensors = shape.Layers.SelectMany(l => new[] { l.Weights, l.Bias }).Select(n => QuantizedTensor.Quantize(new float[n], 8)).ToList();
            var file = Path.Combine(dir, "huge.rnrv");
            File.WriteAllBytes(file, SequencePayloadFormat.Write(new SequencePayload("nerv", shape, tensors, [new SequenceFrame(0, null, 0, null)])));
            AssertOneLineInputError(RunBounded("decode", file, "--out", Path.Combine(dir, "x.png")), file);
        }
        finally { Directory.Delete(dir, true); }
    }
}

public class ImageBadInputCliTests
{
    private static void AssertOneLineInputError((int Exit, string Out, string Err) result, string file, string reason)
    {
        Assert.True(result.Exit == 2, $"exit {result.Exit}: {result.Err}");
        var lines = result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"rinr: {file}", lines[0]);
        Assert.Contains(reason, lines[0]);
    }

    /// <summary>A real JPEG whose SOF0 header is patched to claim 65500x65500.</summary>
    private static byte[] HugeJpeg(byte[] jpeg)
    {
        var bytes = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < bytes.Length; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
            {
                bytes[i + 5] = 0xFF; bytes[i + 6] = 0xDC; bytes[i + 7] = 0xFF; bytes[i + 8] = 0xDC;
                return bytes;
            }
        throw new InvalidOperationException("no SOF marker");
    }

    private static (string Dir, string Data, string[] Images) Synth()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-bad-").FullName;
        var data = Path.Combine(dir, "data");
        Assert.Equal(0, CliRunner.Run("dataset", "synth", "--out", data, "--sequences", "1", "--frames", "3", "--size", "64x48").Exit);
        var images = Directory.GetFiles(data, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, images.Length);
        return (dir, data, images);
    }

    [Fact]
    public void A_jpeg_claiming_65500x65500_is_an_input_error_in_dataset_info_encode_and_decode()
    {
        var (dir, data, images) = Synth();
        try
        {
            var huge = images[1];
            File.WriteAllBytes(huge, HugeJpeg(File.ReadAllBytes(huge)));
            AssertOneLineInputError(CliRunner.Run("dataset", "info", data), huge, "65500x65500");
            AssertOneLineInputError(CliRunner.Run("encode", "--codec", "jpeg", "--dataset", data, "--out", Path.Combine(dir, "enc")), huge, "65500x65500");
            AssertOneLineInputError(CliRunner.Run("decode", huge, "--out", Path.Combine(dir, "x.png")), huge, "65500x65500");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(32, 24)]
    public void A_frame_of_another_size_in_a_sequence_is_an_input_error_in_dataset_info_and_encode(int w, int h)
    {
        var (dir, data, images) = Synth();
        try
        {
            var odd = images[1];
            File.WriteAllBytes(odd, new ResidualInr.Imaging.Images.JpegCodec(90).Encode(new ResidualInr.Imaging.Images.RgbImage(w, h)));
            var reason = $"frame is {w}x{h}, the sequence's frames are 64x48";
            AssertOneLineInputError(CliRunner.Run("dataset", "info", data), odd, reason);
            AssertOneLineInputError(CliRunner.Run("encode", "--codec", "jpeg", "--dataset", data, "--out", Path.Combine(dir, "enc")), odd, reason);
            Assert.False(File.Exists(Path.Combine(dir, "enc", "metrics.csv")));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Decode_to_an_existing_folder_or_an_empty_path_is_an_input_error_naming_the_option()
    {
        var (dir, _, images) = Synth();
        try
        {
            var folder = Path.Combine(dir, "folder");
            Directory.CreateDirectory(folder);
            var result = CliRunner.Run("decode", images[0], "--out", folder);
            AssertOneLineInputError(result, "--out", "folder");
            Assert.Contains(folder, result.Err);
            AssertOneLineInputError(CliRunner.Run("decode", images[0], "--out", ""), "--out", "empty");
        }
        finally { Directory.Delete(dir, true); }
    }
}
