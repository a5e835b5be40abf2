using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Datasets.Samples;

/// <param name="Scale">Frames are reduced by this factor per side (block mean of gray values) before anything else.</param>
/// <param name="BackgroundFrames">The background is the per-pixel median of this many frames, spread evenly over the video.</param>
/// <param name="Threshold">A pixel moves when its gray value differs from the background by more than this (0-255).</param>
/// <param name="Dilate">Moving pixels are grown by this many reduced pixels before they are grouped, so one person split by
/// a thin gap stays one object; the box is drawn round the moving pixels themselves.</param>
/// <param name="MinArea">A group of fewer moving reduced pixels is noise: a frame whose largest group is smaller gets no box.</param>
public sealed record MotionBoxOptions(int Scale = 4, int BackgroundFrames = 51, int Threshold = 35, int Dilate = 1, int MinArea = 12)
{
    public void Validate()
    {
        if (Scale < 1) throw new ArgumentOutOfRangeException(nameof(Scale), Scale, "at least 1");
        if (BackgroundFrames < 1) throw new ArgumentOutOfRangeException(nameof(BackgroundFrames), BackgroundFrames, "at least 1");
        if (Threshold is < 0 or > 254) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "0..254");
        if (Dilate < 0) throw new ArgumentOutOfRangeException(nameof(Dilate), Dilate, "at least 0");
        if (MinArea < 1) throw new ArgumentOutOfRangeException(nameof(MinArea), MinArea, "at least 1");
    }
}

/// <summary>
/// Boxes derived from a static camera by background subtraction: the per-pixel median over frames is the
/// background, pixels far from it move, and the largest 8-connected group of moving pixels is the frame's object.
/// Deterministic (no randomness, no learned model); a frame where nothing moves enough gets no box.
/// Derived boxes are not annotations: a sample built with them says so (<c>boxes: derived</c>).
/// </summary>
public static class MotionBoxes
{
    /// <summary>Reduced gray planes of the frames, then <see cref="Derive(IReadOnlyList{byte[]}, int, int, int, int, MotionBoxOptions)"/>.</summary>
    public static IReadOnlyList<Box?> Derive(IReadOnlyList<string> imagePaths, MotionBoxOptions options, IProgress<int>? framesRead = null)
    {
        options.Validate();
        if (imagePaths.Count == 0) throw new ArgumentException("no frames", nameof(imagePaths));
        var (width, height) = AnnotationParsing.SequenceSize(imagePaths);
        var planes = new List<byte[]>(imagePaths.Count);
        foreach (var path in imagePaths)
        {
            planes.Add(ReducedGray(RgbImage.Load(path), options.Scale));
            framesRead?.Report(planes.Count);
        }
        return Derive(planes, width / options.Scale, height / options.Scale, width, height, options);
    }

    /// <summary>
    /// Boxes for frames given as gray planes of <paramref name="w"/> x <paramref name="h"/> reduced pixels, in the
    /// full frame's coordinates (<paramref name="fullWidth"/> x <paramref name="fullHeight"/>, each reduced pixel
    /// covering <see cref="MotionBoxOptions.Scale"/> full ones per side).
    /// </summary>
    public static IReadOnlyList<Box?> Derive(IReadOnlyList<byte[]> planes, int w, int h, int fullWidth, int fullHeight, MotionBoxOptions options)
    {
        options.Validate();
        if (planes.Any(p => p.Length != w * h)) throw new ArgumentException($"every plane must hold {w}x{h} values", nameof(planes));
        var background = MedianBackground(planes, w, h, options.BackgroundFrames);
        var boxes = new Box?[planes.Count];
        for (int i = 0; i < planes.Count; i++)
        {
            var moving = new bool[w * h];
            for (int p = 0; p < moving.Length; p++) moving[p] = Math.Abs(planes[i][p] - background[p]) > options.Threshold;
            if (LargestGroup(moving, w, h, options.Dilate, options.MinArea) is not { } r) continue;
            int s = options.Scale;
            boxes[i] = new Box(r.X * s, r.Y * s, r.W * s, r.H * s).ClipTo(fullWidth, fullHeight);
        }
        return boxes;
    }

    /// <summary>Per-pixel median of <paramref name="count"/> planes spread evenly over the list (the lower median for an even count).</summary>
    public static byte[] MedianBackground(IReadOnlyList<byte[]> planes, int w, int h, int count)
    {
        int n = Math.Min(count, planes.Count);
        var picked = Enumerable.Range(0, n).Select(k => planes[n == 1 ? 0 : (int)((long)k * (planes.Count - 1) / (n - 1))]).ToArray();
        var background = new byte[w * h];
        var histogram = new int[256];
        for (int p = 0; p < background.Length; p++)
        {
            Array.Clear(histogram);
            foreach (var plane in picked) histogram[plane[p]]++;
            int half = (n + 1) / 2, seen = 0, v = 0;
            while ((seen += histogram[v]) < half) v++;
            background[p] = (byte)v;
        }
        return background;
    }

    /// <summary>
    /// The bounding rectangle of the moving pixels in the largest 8-connected group of the mask grown by
    /// <paramref name="dilate"/>; null when that group has fewer than <paramref name="minArea"/> moving pixels.
    /// Ties go to the group found first in row-major order.
    /// </summary>
    public static PixelRect? LargestGroup(bool[] moving, int w, int h, int dilate, int minArea)
    {
        var grown = Grow(moving, w, h, dilate);
        var label = new int[w * h];
        var stack = new Stack<int>();
        PixelRect? best = null;
        int bestCount = 0, next = 0;
        for (int start = 0; start < grown.Length; start++)
        {
            if (!grown[start] || label[start] != 0) continue;
            next++;
            int count = 0, x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
            label[start] = next;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop(), px = p % w, py = p / w;
                if (moving[p])
                {
                    count++;
                    x0 = Math.Min(x0, px); y0 = Math.Min(y0, py); x1 = Math.Max(x1, px); y1 = Math.Max(y1, py);
                }
                for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int qx = px + dx, qy = py + dy;
                    if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
                    int q = qy * w + qx;
                    if (grown[q] && label[q] == 0) { label[q] = next; stack.Push(q); }
                }
            }
            if (count > bestCount)
            {
                bestCount = count;
                best = new PixelRect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
            }
        }
        return bestCount >= minArea ? best : null;
    }

    private static bool[] Grow(bool[] mask, int w, int h, int radius)
    {
        if (radius == 0) return mask;
        var grown = new bool[mask.Length];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            if (!mask[y * w + x]) continue;
            for (int yy = Math.Max(0, y - radius); yy <= Math.Min(h - 1, y + radius); yy++)
            for (int xx = Math.Max(0, x - radius); xx <= Math.Min(w - 1, x + radius); xx++)
                grown[yy * w + xx] = true;
        }
        return grown;
    }

    /// <summary>Gray (ITU-R BT.601 luma) of each <paramref name="scale"/> x <paramref name="scale"/> block; a partial last row or column of blocks is dropped.</summary>
    public static byte[] ReducedGray(RgbImage image, int scale)
    {
        int w = image.Width / scale, h = image.Height / scale;
        var plane = new byte[w * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double sum = 0;
            for (int yy = y * scale; yy < (y + 1) * scale; yy++)
            for (int xx = x * scale; xx < (x + 1) * scale; xx++)
                sum += 0.299 * image[xx, yy, 0] + 0.587 * image[xx, yy, 1] + 0.114 * image[xx, yy, 2];
            plane[y * w + x] = (byte)Math.Round(sum / (scale * scale));
        }
        return plane;
    }
}
