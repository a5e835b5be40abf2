using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Tests;

/// <summary>Every source hands the detector the same pixels the codec's own decoder produces, in the order asked for.</summary>
public class FrameSourceTests
{
    [Fact]
    public void An_inr_source_decodes_on_the_device_to_the_codec_decoders_pixels()
    {
        var frames = Frames(3);
        var codec = CodecCatalog.Create("residual-inr", new TrainingOptions(Steps: 20, LearningRate: 1e-3), CPU);
        var payloads = codec.EncodeBatch(frames, seed: 1).Select(e => e.Payload).ToList();
        var expected = codec.DecodeBatch(payloads);
        var source = new InrFrameSource("residual-inr", payloads.Select(p => PayloadFormat.Read(p)).ToList(), CPU);
        using var loaded = source.Load([2, 0], CPU);
        Assert.Equal([2L, 3, 18, 32], loaded.shape);
        // The codec's images are rounded to 8 bits; the tensor is not.
        AssertClose(expected[2], loaded[0], 0.5 / 255 + 1e-6);
        AssertClose(expected[0], loaded[1], 0.5 / 255 + 1e-6);
    }

    [Fact]
    public void A_jpeg_source_decodes_each_batch_to_the_jpeg_pixels()
    {
        var frames = Frames(2);
        var jpegs = frames.Select(f => new JpegCodec(90).Encode(f.Image)).ToList();
        var source = new JpegFrameSource("jpeg-q90", jpegs, ["a.jpg", "b.jpg"]);
        using var loaded = source.Load([1], CPU);
        AssertClose(JpegCodec.Decode(jpegs[1]), loaded[0], 1e-6);
    }

    [Fact]
    public void A_corrupt_jpeg_names_its_file()
    {
        var good = new JpegCodec(90).Encode(Frames(1)[0].Image);
        var source = new JpegFrameSource("jpeg-q90", [good, good[..40]], ["good.jpg", "cut.jpg"]);
        var error = Assert.ThrowsAny<InputException>(() => source.Load([0, 1], CPU));
        Assert.Contains("cut.jpg", error.Message);
    }

    private static List<FrameToEncode> Frames(int count)
    {
        var (images, boxes, _) = SyntheticFrames.Get();
        return Enumerable.Range(0, count).Select(i =>
        {
            var image = images[i * 5].Resize(32, 18);
            var box = boxes[i * 5]!.Value.Scale(32.0 / images[i * 5].Width, 18.0 / images[i * 5].Height).ToPixelRect(32, 18);
            return new FrameToEncode("s", i, image, box);
        }).ToList();
    }

    private static void AssertClose(RgbImage image, Tensor chw, double tolerance)
    {
        var values = chw.permute(1, 2, 0).contiguous().data<float>().ToArray();
        Assert.Equal(image.Pixels.Length, values.Length);
        double worst = image.Pixels.Select((p, i) => Math.Abs(p / 255.0 - values[i])).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst * 255:F3}/255");
    }
}
