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
