using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;

namespace ResidualInr.Imaging.Tests;

public class QualityTests
{
    private static RgbImage Flat(int w, int h, byte v)
    {
        var img = new RgbImage(w, h);
        Array.Fill(img.Pixels, v);
        return img;
    }

    [Fact]
    public void Psnr_matches_hand_computed_values()
    {
        // Every sample off by 5: MSE 25, PSNR = 10 log10(65025 / 25) = 34.1514 dB.
        Assert.Equal(34.1514, ImageQuality.Psnr(Flat(10, 10, 100), Flat(10, 10, 105)), 4);
        // Off by 16 on a quarter of the 48 samples: MSE 64, PSNR = 10 log10(65025 / 64) = 30.0690 dB.
        var a = Flat(4, 4, 0);
        var b = Flat(4, 4, 0);
        for (int i = 0; i < 48; i += 4) b.Pixels[i] = 16;
        Assert.Equal(30.0690, ImageQuality.Psnr(a, b), 4);
        Assert.Equal(double.PositiveInfinity, ImageQuality.Psnr(a, a));
    }

    [Fact]
    public void Box_psnr_splits_object_and_background()
    {
        var a = Flat(20, 20, 50);
        var b = a.Clone();
        // Error of 10 inside the box [5,10) x [5,10), error of 1 outside it.
        for (int y = 0; y < 20; y++) for (int x = 0; x < 20; x++) for (int c = 0; c < 3; c++)
            b[x, y, c] = (byte)(x is >= 5 and < 10 && y is >= 5 and < 10 ? 60 : 51);
        var box = new Box(5, 5, 5, 5);
        Assert.Equal(ImageQuality.PsnrFromMse(100), ImageQuality.PsnrInside(a, b, box), 9);
        Assert.Equal(ImageQuality.PsnrFromMse(1), ImageQuality.PsnrOutside(a, b, box), 9);
        double whole = (25 * 100 + 375 * 1) / 400.0;
        Assert.Equal(ImageQuality.PsnrFromMse(whole), ImageQuality.Psnr(a, b), 9);
    }

    [Fact]
    public void Ssim_is_one_for_identical_images_and_drops_with_noise()
    {
        var img = Fixtures.Pattern(48, 48);
        Assert.Equal(1.0, ImageQuality.Ssim(img, img), 9);
        var noisy = img.Clone();
        var rng = new Random(1);
        for (int i = 0; i < noisy.Pixels.Length; i++) noisy.Pixels[i] = (byte)Math.Clamp(noisy.Pixels[i] + rng.Next(-40, 41), 0, 255);
        var ssim = ImageQuality.Ssim(img, noisy);
        Assert.InRange(ssim, 0.05, 0.9);
        var jpeg = JpegCodec.Decode(new JpegCodec(95).Encode(img));
        Assert.True(ImageQuality.Ssim(img, jpeg) > ssim);
    }

    [Fact]
    public void Iou_and_size_groups_follow_their_definitions()
    {
        var a = new Box(0, 0, 10, 10);
        Assert.Equal(1.0, a.Iou(a));
        Assert.Equal(25.0 / 175.0, a.Iou(new Box(5, 5, 10, 10)), 12);
        Assert.Equal(0.0, a.Iou(new Box(20, 20, 5, 5)));
        var g = SizeGroups.Default;
        Assert.Equal([1, 1, 2, 2, 3, 3, 4], new[] { 10.0, 1000, 1001, 3000, 3001, 10000, 10001 }.Select(g.GroupOf));
    }
}
