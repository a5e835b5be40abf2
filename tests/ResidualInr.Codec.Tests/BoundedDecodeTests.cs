using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Quantization;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Tests;

/// <summary>
/// A payload's header decides how much work decoding is; these tests hold the decoders to a bound
/// whatever the header claims (a 6 kB file once claimed 4096x4096 and the decode grew to 23 GB).
/// </summary>
public class BoundedDecodeTests
{
    private static readonly TorchSharp.torch.Device Cpu = ComputeDevice.Resolve("cpu");

    [Theory]
    [InlineData(1)]      // the smallest tiles (InrDecoder.MinTilePixels per network)
    [InlineData(1000)]   // tiles that end mid-row, and a last tile that overlaps its predecessor
    [InlineData(3 * 128)] // whole rows
    public void Tiled_decode_gives_exactly_the_pixels_of_one_pass(int tilePixels)
    {
        // 128x96 frames with a 60x40 box: several tiles for the background and for the object.
        var withObject = PayloadFormat.Read(PayloadFormat.Write(PayloadTests.Sample() with { FrameWidth = 128, FrameHeight = 96, Box = new PixelRect(5, 7, 60, 40) }));
        var backgroundOnly = PayloadFormat.Read(PayloadFormat.Write(PayloadTests.Sample(16, 16, withObject: false) with { FrameWidth = 128, FrameHeight = 96 }));
        var payloads = new[] { withObject, backgroundOnly, withObject with { Box = new PixelRect(70, 50, 33, 21) } };
        var whole = new InrDecoder(Cpu, tilePixels: int.MaxValue).Decode(payloads);
        var tiled = new InrDecoder(Cpu, tilePixels).Decode(payloads);
        for (int i = 0; i < payloads.Length; i++) Assert.Equal(whole[i].Pixels, tiled[i].Pixels);
        var bgWhole = new InrDecoder(Cpu, tilePixels: int.MaxValue).DecodeBackgrounds(payloads);
        var bgTiled = new InrDecoder(Cpu, tilePixels).DecodeBackgrounds(payloads);
        for (int i = 0; i < payloads.Length; i++) Assert.Equal(bgWhole[i], bgTiled[i]);
    }

    [Theory]
    [InlineData(4097, 16)]
    [InlineData(16, 4097)]
    [InlineData(8192, 8192)]
    [InlineData(65535, 65535)]
    public void A_payload_claiming_a_frame_beyond_the_budget_is_an_input_error(int width, int height)
    {
        var bytes = PayloadFormat.Write(PayloadTests.Sample(withObject: false) with { FrameWidth = width, FrameHeight = height });
        var e = Assert.Throws<PayloadException>(() => PayloadFormat.Read(bytes, "big.rinr"));
        Assert.StartsWith("big.rinr: ", e.Message);
        Assert.Contains($"{width}x{height}", e.Message);
    }

    /// <summary>A 4096x4096 NeRV whose last block has 1,024 channels: a ~600 kB file whose one frame needs 68 GB of activations.</summary>
    public static byte[] HugeNerv(int side = 4096, int lastChannels = 1024)
    {
        var shape = new NervShape(side, side, 4, 4, 1, [8, 8, 8, 8], [1, 1, 1, lastChannels]);
        var tensors = shape.Layers.SelectMany(l => new[] { l.Weights, l.Bias }).Select(n => QuantizedTensor.Quantize(new float[n], 8)).ToList();
        return SequencePayloadFormat.Write(new SequencePayload("nerv", shape, tensors, [new SequenceFrame(0, null, 0, null)]));
    }

    [Fact]
    public void A_sequence_payload_whose_frames_need_more_activations_than_the_budget_is_an_input_error()
    {
        var e = Assert.Throws<PayloadException>(() => SequencePayloadFormat.Read(HugeNerv(), "big.rnrv"));
        Assert.StartsWith("big.rnrv: ", e.Message);
        // A frame beyond the size budget is refused by its size.
        var shape = new NervShape(8192, 8192, 4, 4, 1, [8, 8, 8, 8, 2], [1, 1, 1, 1, 1]);
        var tensors = shape.Layers.SelectMany(l => new[] { l.Weights, l.Bias }).Select(n => QuantizedTensor.Quantize(new float[n], 8)).ToList();
        var bytes = SequencePayloadFormat.Write(new SequencePayload("nerv", shape, tensors, [new SequenceFrame(0, null, 0, null)]));
        e = Assert.Throws<PayloadException>(() => SequencePayloadFormat.Read(bytes, "big.rnrv"));
        Assert.Contains("8192x8192", e.Message);
    }

    [Fact]
    public void Nerv_frames_decode_the_same_in_batches_of_one_as_in_one_batch()
    {
        var shape = NervShape.For(32, 18, 8, 2, 4, peLevels: 4);
        var rng = new Random(3);
        var tensors = shape.Layers.SelectMany(l => new[] { l.Weights, l.Bias })
            .Select(n => QuantizedTensor.Quantize(Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), 8)).ToList();
        var payload = new SequencePayload("nerv", shape, tensors, Enumerable.Range(0, 5).Select(i => new SequenceFrame(i, null, 0, null)).ToList());
        using var one = new NervSequenceDecoder(payload, Cpu);
        using var small = new NervSequenceDecoder(payload, Cpu, batchActivations: 1);
        var a = one.DecodeImages();
        var b = small.DecodeImages();
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Pixels, b[i].Pixels);
    }
}
