using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Metrics;

/// <summary>
/// Reconstruction quality. PSNR uses peak 255 and the mean squared error over all three
/// channels; identical images give +infinity. The object/background split is the box's pixel
/// rectangle (<see cref="Box.ToPixelRect"/>) and its complement.
/// </summary>
public static class ImageQuality
{
    public static double Psnr(RgbImage reference, RgbImage test) => PsnrFromMse(Mse(reference, test, null, inside: true));

    public static double PsnrInside(RgbImage reference, RgbImage test, Box box)
        => PsnrFromMse(Mse(reference, test, box.ToPixelRect(reference.Width, reference.Height), inside: true));

    public static double PsnrOutside(RgbImage reference, RgbImage test, Box box)
        => PsnrFromMse(Mse(reference, test, box.ToPixelRect(reference.Width, reference.Height), inside: false));

    public static double PsnrFromMse(double mse) => mse <= 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);

    /// <summary>Mean squared error in 8-bit units; NaN when the region has no pixels.</summary>
    public static double Mse(RgbImage a, RgbImage b, PixelRect? rect, bool inside)
    {
        RequireSameSize(a, b);
        double sum = 0;
        long count = 0;
        for (int y = 0; y < a.Height; y++)
        for (int x = 0; x < a.Width; x++)
        {
            if (rect is { } r && r.Contains(x, y) != inside) continue;
            int i = (y * a.Width + x) * 3;
            for (int c = 0; c < 3; c++)
            {
                double d = a.Pixels[i + c] - b.Pixels[i + c];
                sum += d * d;
            }
            count += 3;
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>
    /// Mean SSIM (Wang et al. 2004): 11x11 Gaussian window with sigma 1.5, K1 = 0.01, K2 = 0.03,
    /// computed per channel on valid windows and averaged.
    /// </summary>
    public static double Ssim(RgbImage a, RgbImage b)
    {
        RequireSameSize(a, b);
        const int radius = 5;
        const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
        int w = a.Width, h = a.Height;
        if (w < 2 * radius + 1 || h < 2 * radius + 1) throw new ArgumentException($"SSIM needs at least 11x11 pixels, got {w}x{h}");
        var kernel = new double[2 * radius + 1];
        double ks = 0;
        for (int i = -radius; i <= radius; i++) ks += kernel[i + radius] = Math.Exp(-i * i / (2 * 1.5 * 1.5));
        for (int i = 0; i < kernel.Length; i++) kernel[i] /= ks;

        double total = 0;
        for (int c = 0; c < 3; c++)
        {
            var x = Channel(a, c); var y = Channel(b, c);
            var xx = new double[x.Length]; var yy = new double[x.Length]; var xy = new double[x.Length];
            for (int i = 0; i < x.Length; i++) { xx[i] = x[i] * x[i]; yy[i] = y[i] * y[i]; xy[i] = x[i] * y[i]; }
            var mx = Blur(x, w, h, kernel); var my = Blur(y, w, h, kernel);
            var sxx = Blur(xx, w, h, kernel); var syy = Blur(yy, w, h, kernel); var sxy = Blur(xy, w, h, kernel);
            double sum = 0;
            int n = 0;
            for (int row = radius; row < h - radius; row++)
            for (int col = radius; col < w - radius; col++)
            {
                int i = row * w + col;
                double vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i], cov = sxy[i] - mx[i] * my[i];
                sum += (2 * mx[i] * my[i] + c1) * (2 * cov + c2) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
                n++;
            }
            total += sum / n;
        }
        return total / 3;
    }

    private static double[] Channel(RgbImage img, int c)
    {
        var v = new double[img.PixelCount];
        for (int i = 0; i < v.Length; i++) v[i] = img.Pixels[3 * i + c];
        return v;
    }

    // Separable blur; only the centre (valid) region is read afterwards, so edges are left approximate.
    private static double[] Blur(double[] src, int w, int h, double[] k)
    {
        int r = k.Length / 2;
        var tmp = new double[src.Length];
        var dst = new double[src.Length];
        for (int y = 0; y < h; y++)
        for (int x = r; x < w - r; x++)
        {
            double s = 0;
            for (int j = -r; j <= r; j++) s += k[j + r] * src[y * w + x + j];
            tmp[y * w + x] = s;
        }
        for (int y = r; y < h - r; y++)
        for (int x = r; x < w - r; x++)
        {
            double s = 0;
            for (int j = -r; j <= r; j++) s += k[j + r] * tmp[(y + j) * w + x];
            dst[y * w + x] = s;
        }
        return dst;
    }

    private static void RequireSameSize(RgbImage a, RgbImage b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"images differ in size: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
    }
}
