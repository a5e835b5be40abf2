using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;

namespace ResidualInr.Imaging.Tests;

public class ImageTests
{
    [Fact]
    public void Png_round_trip_is_lossless()
    {
        using var dir = new TempDir();
        var img = Fixtures.Pattern(40, 30);
        img.SavePng(dir["a.png"]);
        Assert.Equal(img.Pixels, RgbImage.Load(dir["a.png"]).Pixels);
    }

    [Fact]
    public void Jpeg_bytes_grow_with_quality_and_decode_close_to_the_original()
    {
        var img = Fixtures.Pattern(96, 64);
        int[] qualities = [10, 30, 50, 70, 90, 100];
        var sizes = qualities.Select(q => new JpegCodec(q).Encode(img).Length).ToArray();
        for (int i = 1; i < sizes.Length; i++) Assert.True(sizes[i] > sizes[i - 1], $"q{qualities[i]}: {sizes[i]} <= {sizes[i - 1]}");
        // A smooth image with different R, G and B survives quality 95 almost untouched
        // (this also catches a channel-order mix-up between RGBA and BGRA).
        var smooth = new RgbImage(64, 48);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) { smooth[x, y, 0] = (byte)(x * 3); smooth[x, y, 1] = (byte)(y * 4); smooth[x, y, 2] = 40; }
        var psnr = ImageQuality.Psnr(smooth, JpegCodec.Decode(new JpegCodec(95).Encode(smooth)));
        Assert.True(psnr > 38, $"PSNR {psnr:F2} dB at quality 95");
    }

    [Fact]
    public void Grayscale_jpeg_loads_as_rgb_with_equal_channels()
    {
        using var dir = new TempDir();
        var img = Fixtures.Pattern(32, 32);
        for (int i = 0; i < img.PixelCount; i++) img.Pixels[3 * i + 1] = img.Pixels[3 * i + 2] = img.Pixels[3 * i];
        // Skia writes a one-channel JPEG when told the source is gray.
        using (var gray = new SkiaSharp.SKBitmap(32, 32, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque))
        {
            for (int y = 0; y < 32; y++) for (int x = 0; x < 32; x++) gray.SetPixel(x, y, new SkiaSharp.SKColor(img[x, y, 0], img[x, y, 0], img[x, y, 0]));
            using var data = gray.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(dir["g.jpg"], data.ToArray());
        }
        var loaded = RgbImage.Load(dir["g.jpg"]);
        Assert.Equal(32, loaded.Width);
        for (int i = 0; i < loaded.PixelCount; i++)
        {
            Assert.Equal(loaded.Pixels[3 * i], loaded.Pixels[3 * i + 1]);
            Assert.Equal(loaded.Pixels[3 * i], loaded.Pixels[3 * i + 2]);
        }
    }

    [Fact]
    public void Corrupt_and_truncated_images_are_input_errors_naming_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["junk.jpg"], "this is not a jpeg");
        var jpeg = new JpegCodec(90).Encode(Fixtures.Pattern(64, 64));
        File.WriteAllBytes(dir["cut.jpg"], jpeg[..(jpeg.Length / 2)]);
        var junk = Assert.Throws<InputException>(() => RgbImage.Load(dir["junk.jpg"]));
        Assert.StartsWith(dir["junk.jpg"], junk.Message);
        var cut = Assert.Throws<InputException>(() => RgbImage.Load(dir["cut.jpg"]));
        Assert.Contains("corrupt", cut.Message);
        Assert.Throws<InputException>(() => RgbImage.Load(dir["missing.jpg"]));
    }

    [Fact]
    public void Crop_copies_the_exact_rectangle_and_resize_keeps_flat_colour()
    {
        var img = Fixtures.Pattern(20, 10);
        var crop = img.Crop(3, 2, 5, 4);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) for (int c = 0; c < 3; c++)
            Assert.Equal(img[x + 3, y + 2, c], crop[x, y, c]);
        Assert.Throws<ArgumentOutOfRangeException>(() => img.Crop(18, 0, 5, 4));

        var flat = new RgbImage(64, 48);
        for (int i = 0; i < flat.PixelCount; i++) { flat.Pixels[3 * i] = 200; flat.Pixels[3 * i + 1] = 100; flat.Pixels[3 * i + 2] = 50; }
        var small = flat.Resize(16, 12);
        Assert.Equal((16, 12), (small.Width, small.Height));
        Assert.All(Enumerable.Range(0, small.PixelCount), i => Assert.Equal(200, small.Pixels[3 * i]));
    }

    [Fact]
    public void Planar_float_view_round_trips()
    {
        var img = Fixtures.Pattern(7, 5);
        var planes = img.ToPlanarFloats();
        Assert.Equal(img.Pixels[3 * 6 + 1] / 255f, planes[35 + 6]);
        Assert.Equal(img.Pixels, RgbImage.FromPlanarFloats(7, 5, planes).Pixels);
    }
}
