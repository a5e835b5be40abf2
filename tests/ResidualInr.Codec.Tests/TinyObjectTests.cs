using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;
using Xunit.Abstractions;

namespace ResidualInr.Codec.Tests;

/// <summary>
/// Objects of a few pixels (issue 15: a real camera's people at 160x90 are 3-5 px wide), for every
/// codec with object INRs: what an O-INR adds inside the box, measured by decoding the real payload
/// with and without its object networks (same background, so the O-INR is the only difference).
/// </summary>
public class TinyObjectTests(ITestOutputHelper output)
{
    private static readonly TorchSharp.torch.Device Cpu = ComputeDevice.Resolve("cpu");

    /// <summary>The object sizes the issue asks for: 1x1, 2x3 and 4x4 pixels.</summary>
    private static readonly (int W, int H)[] Sizes = [(1, 1), (2, 3), (4, 4)];

    /// <summary>
    /// A 48x32 frame: a smooth gradient with a mild texture, and a w x h object of two saturated
    /// colours in a checker (so its residual is not one constant) whose box is exactly its pixels.
    /// </summary>
    private static FrameToEncode Frame(int w, int h, int index, int x0, int y0)
    {
        var image = new RgbImage(48, 32);
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 48; x++)
        {
            image[x, y, 0] = (byte)(60 + 2 * x + 8 * Math.Sin(y * 0.7));
            image[x, y, 1] = (byte)(90 + 3 * y);
            image[x, y, 2] = (byte)(140 - x - y + 6 * Math.Cos(x * 0.5));
        }
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            bool odd = (x + y) % 2 == 1;
            image[x0 + x, y0 + y, 0] = odd ? (byte)250 : (byte)20;
            image[x0 + x, y0 + y, 1] = odd ? (byte)30 : (byte)240;
            image[x0 + x, y0 + y, 2] = odd ? (byte)200 : (byte)10;
        }
        return new FrameToEncode("tiny", index, image, new PixelRect(x0, y0, w, h));
    }

    private static List<FrameToEncode> Frames() =>
        Sizes.Select((s, i) => Frame(s.W, s.H, i + 1, 10 + 9 * i, 8 + 5 * i)).ToList();

    private static double ObjectPsnr(FrameToEncode frame, RgbImage decoded)
    {
        var b = frame.Box!.Value;
        return ImageQuality.PsnrInside(frame.Image, decoded, new Box(b.X, b.Y, b.W, b.H));
    }

    [Theory]
    [InlineData("residual-inr")]
    [InlineData("residual-inr-16bit")]
    [InlineData("residual-inr-direct")]
    public void An_image_codec_s_object_inr_lifts_a_1x1_2x3_and_4x4_object_above_its_background_alone(string name)
    {
        var frames = Frames();
        var codec = CodecCatalog.Create(name, new TrainingOptions(Steps: 80, LearningRate: 1e-3), Cpu, objectTraining: new TrainingOptions(Steps: 150, LearningRate: 1e-3));
        var encoded = codec.EncodeBatch(frames, seed: 1);
        var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
        // The same payloads without their O-INRs: the background the O-INR was fitted against.
        var bare = codec.DecodeBatch(encoded.Select(e =>
        {
            var p = PayloadFormat.Read(e.Payload);
            return PayloadFormat.Write(p with { Box = null, Q = 0, Networks = [p.Background] });
        }).ToList());
        for (int i = 0; i < frames.Count; i++)
        {
            double with = ObjectPsnr(frames[i], decoded[i]), without = ObjectPsnr(frames[i], bare[i]);
            output.WriteLine($"{name} {Sizes[i].W}x{Sizes[i].H}: object {without:F2} dB -> {with:F2} dB, O-INR {encoded[i].ObjectBytes} bytes");
            Assert.True(PayloadFormat.Read(encoded[i].Payload).Object is not null, $"{Sizes[i]}: no O-INR sent");
            AssertFitsAlmostExactly(name, Sizes[i], without, with);
        }
    }

    [Fact]
    public void Residual_nerv_s_object_inrs_lift_1x1_2x3_and_4x4_objects_above_its_nerv_alone()
    {
        // One sequence whose three frames hold the three objects; a deliberately small NeRV at 48x32.
        var frames = Frames();
        var settings = new NervCodecSettings("residual-nerv", 16, 4, 8, 8, ObjectEncoding.Residual, 16, ObjectInrGroups.Default,
            new NervTrainingOptions(30, 3e-3, BatchSize: 1), new TrainingOptions(Steps: 150, LearningRate: 1e-3));
        var codec = new NervCodec(settings, Cpu);
        var encoded = codec.EncodeSequence(frames, seed: 1);
        var decoded = codec.DecodeSequence(encoded.Container);
        var payload = SequencePayloadFormat.Read(encoded.Container);
        var bare = codec.DecodeSequence(SequencePayloadFormat.Write(payload with { Frames = payload.Frames.Select(f => f with { Object = null, Q = 0 }).ToList() }));
        for (int i = 0; i < frames.Count; i++)
        {
            double with = ObjectPsnr(frames[i], decoded[i]), without = ObjectPsnr(frames[i], bare[i]);
            output.WriteLine($"residual-nerv {Sizes[i].W}x{Sizes[i].H}: object {without:F2} dB -> {with:F2} dB, O-INR {encoded.Frames[i].ObjectBytes} bytes");
            Assert.NotNull(payload.Frames[i].Object);
            AssertFitsAlmostExactly("residual-nerv", Sizes[i], without, with);
        }
    }

    /// <summary>
    /// The spec: the object is never worse with its O-INR than without; and since a 283-parameter
    /// O-INR has more parameters than these boxes have values (3 to 48), it must fit the residual
    /// almost exactly, to at least 35 dB (an RMS error under 4.6 of 255). Before the small-box rule
    /// these objects came out at 22-28 dB after 150 object steps.
    /// </summary>
    private static void AssertFitsAlmostExactly(string codec, (int W, int H) size, double without, double with)
    {
        Assert.True(with >= without, $"{codec} {size.W}x{size.H}: object {without:F2} dB without the O-INR, {with:F2} dB with it");
        Assert.True(with >= 35, $"{codec} {size.W}x{size.H}: object {with:F2} dB with the O-INR (from {without:F2} dB without)");
    }

    [Fact]
    public void Crops_of_one_and_two_pixels_get_pixel_centre_coordinates_not_a_division_by_w_minus_1()
    {
        // -1 + (2x + 1) / W: a 1 px side sits at 0, a 2 px side at -1/2 and 1/2, a 3 px side at -2/3, 0, 2/3.
        var (coords, mask) = InrDecoder.BoxCoordinates([new PixelRect(5, 5, 1, 1), new PixelRect(0, 0, 2, 3)], Cpu);
        var c = coords.data<float>().ToArray();
        var m = mask.data<float>().ToArray();
        Assert.Equal(new[] { 0f, 0f }, c[..2]);                                    // the 1x1 box's only pixel
        Assert.Equal(new[] { 1f, 0f, 0f, 0f, 0f, 0f }, m[..6]);                    // padded to the 2x3 box's 6 pixels
        float third = 2f / 3f;
        Assert.Equal(new[] { -0.5f, -third, 0.5f, -third, -0.5f, 0f, 0.5f, 0f, -0.5f, third, 0.5f, third }, c[12..], new FloatTolerance(1e-6f));
        Assert.All(m[6..], v => Assert.Equal(1f, v));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float v) => 0;
    }

    [Fact]
    public void A_box_is_small_when_it_has_no_more_values_than_its_o_inr_has_parameters()
    {
        var group1 = ObjectInrGroups.Default.ShapeFor(1);
        Assert.Equal(283, group1.ParameterCount);                                // 2*10+10 + 2*(10*10+10) + 10*3+3
        Assert.True(ObjectInrFitter.IsSmallBox(new PixelRect(0, 0, 2, 47), group1));  // 94 px = 282 values
        Assert.False(ObjectInrFitter.IsSmallBox(new PixelRect(0, 0, 5, 19), group1)); // 95 px = 285 values
        Assert.True(ObjectInrFitter.IsSmallBox(new PixelRect(0, 0, 1, 1), group1));
    }

    /// <summary>A background that is the original exactly (network units).</summary>
    private static float[] Exact(RgbImage image) => image.Pixels.Select(p => p / 127.5f - 1f).ToArray();

    /// <summary>A background off the original by a pattern of up to 27 levels (network units).</summary>
    private static float[] Off(RgbImage image) => image.Pixels.Select((p, k) => Math.Clamp(p + (k % 7 - 3) * 9, 0, 255) / 127.5f - 1f).ToArray();

    [Fact]
    public void An_object_inr_that_cannot_lower_the_box_s_error_is_not_sent()
    {
        // Backgrounds that already are the original inside the box leave nothing to correct, so no
        // O-INR can lower the error (it is 0) and none is sent; a background off by a pattern gets one.
        var frames = Frames();
        var training = new TrainingOptions(Steps: 100, LearningRate: 1e-3);
        using var generator = new TorchSharp.torch.Generator(1);
        var exact = ObjectInrFitter.Fit(frames, frames.Select(f => Exact(f.Image)).ToArray(), ObjectEncoding.Residual, ObjectInrGroups.Default, training, 16, Cpu, generator);
        var off = ObjectInrFitter.Fit(frames, frames.Select(f => Off(f.Image)).ToArray(), ObjectEncoding.Residual, ObjectInrGroups.Default, training, 16, Cpu, generator);
        Assert.All(exact, o => Assert.Null(o));
        Assert.All(off, o => Assert.NotNull(o));
    }

    [Fact]
    public void Each_box_reports_its_error_without_and_with_its_o_inr_and_the_share_that_is_left()
    {
        var frames = Frames();
        var training = new TrainingOptions(Steps: 100, LearningRate: 1e-3);
        using var generator = new TorchSharp.torch.Generator(1);
        var exactErrors = new ObjectInrFitter.BoxError[frames.Count];
        var offErrors = new ObjectInrFitter.BoxError[frames.Count];
        ObjectInrFitter.Fit(frames, frames.Select(f => Exact(f.Image)).ToArray(), ObjectEncoding.Residual, ObjectInrGroups.Default, training, 16, Cpu, generator, boxErrors: exactErrors);
        var off = ObjectInrFitter.Fit(frames, frames.Select(f => Off(f.Image)).ToArray(), ObjectEncoding.Residual, ObjectInrGroups.Default, training, 16, Cpu, generator, boxErrors: offErrors);
        for (int i = 0; i < frames.Count; i++)
        {
            // An exact background leaves nothing: no error, nothing sent, all of (no) error left.
            Assert.Equal(0, exactErrors[i].Background);
            Assert.False(exactErrors[i].Improves);
            Assert.Equal(1, exactErrors[i].Remaining);
            // The pattern's squared error over the box, as the decoder rounds it; what is sent leaves a share of it.
            var box = frames[i].Box!.Value;
            double expected = 0;
            for (int y = box.Y; y < box.Y + box.H; y++)
            for (int x = box.X; x < box.X + box.W; x++)
            for (int c = 0; c < 3; c++)
            {
                int k = (y * frames[i].Image.Width + x) * 3 + c;
                double e = Math.Round(InrDecoder.ToClampedPixel(Off(frames[i].Image)[k])) - frames[i].Image.Pixels[k];
                expected += e * e;
            }
            Assert.Equal(expected, offErrors[i].Background, 6);
            Assert.Equal(off[i] is not null, offErrors[i].Improves);
            Assert.Equal(offErrors[i].WithObject / offErrors[i].Background, offErrors[i].Remaining, 12);
            Assert.InRange(offErrors[i].Remaining, 0, 1);
        }
    }
}
