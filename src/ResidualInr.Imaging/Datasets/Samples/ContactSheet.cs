using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Datasets.Samples;

/// <summary>
/// A grid of frames with their boxes drawn in red, so that a person can check derived or converted boxes at a glance.
/// Frames without a box get a red cross in their top-left corner instead.
/// </summary>
public static class ContactSheet
{
    /// <summary>
    /// <paramref name="count"/> frames spread evenly over <paramref name="frames"/>, each scaled to
    /// <paramref name="tileWidth"/> pixels wide (height keeps the first frame's aspect), <paramref name="columns"/> per row,
    /// 4 px apart on white.
    /// </summary>
    public static RgbImage Render(IReadOnlyList<Frame> frames, int count = 12, int columns = 4, int tileWidth = 240)
    {
        if (frames.Count == 0) throw new ArgumentException("no frames", nameof(frames));
        int n = Math.Min(count, frames.Count);
        var picked = Enumerable.Range(0, n).Select(k => frames[n == 1 ? 0 : (int)((long)k * (frames.Count - 1) / (n - 1))]).ToList();
        var (fw, fh) = ImageFiles.ReadSize(picked[0].ImagePath);
        int tileHeight = Math.Max(1, (int)Math.Round((double)tileWidth * fh / fw));
        const int gap = 4;
        int cols = Math.Min(columns, n), rows = (n + cols - 1) / cols;
        var sheet = new RgbImage(cols * (tileWidth + gap) + gap, rows * (tileHeight + gap) + gap);
        Array.Fill(sheet.Pixels, (byte)255);
        for (int k = 0; k < n; k++)
        {
            var image = RgbImage.Load(picked[k].ImagePath);
            var tile = image.Resize(tileWidth, tileHeight);
            int ox = gap + (k % cols) * (tileWidth + gap), oy = gap + (k / cols) * (tileHeight + gap);
            for (int y = 0; y < tileHeight; y++)
            for (int x = 0; x < tileWidth; x++)
            for (int c = 0; c < 3; c++)
                sheet[ox + x, oy + y, c] = tile[x, y, c];
            if (picked[k].Box is { } b)
            {
                var r = b.Scale((double)tileWidth / image.Width, (double)tileHeight / image.Height).ToPixelRect(tileWidth, tileHeight);
                Rectangle(sheet, ox + r.X, oy + r.Y, Math.Max(r.W, 1), Math.Max(r.H, 1));
            }
            else
            {
                for (int d = 0; d < 12; d++) { Red(sheet, ox + 2 + d, oy + 2 + d); Red(sheet, ox + 13 - d, oy + 2 + d); }
            }
        }
        return sheet;
    }

    private static void Rectangle(RgbImage image, int x, int y, int w, int h)
    {
        for (int t = 0; t < 2; t++)
        {
            for (int i = 0; i < w; i++) { Red(image, x + i, y + t); Red(image, x + i, y + h - 1 - t); }
            for (int j = 0; j < h; j++) { Red(image, x + t, y + j); Red(image, x + w - 1 - t, y + j); }
        }
    }

    private static void Red(RgbImage image, int x, int y)
    {
        if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) return;
        image[x, y, 0] = 255; image[x, y, 1] = 0; image[x, y, 2] = 0;
    }
}
