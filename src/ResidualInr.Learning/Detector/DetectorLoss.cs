using ResidualInr.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Detector;

/// <summary>
/// The training target and loss. The cell holding the box's centre should win the softmax over all
/// cells (cross-entropy), and that cell's box should match the truth: L1 on centre offset and size
/// plus (1 - GIoU). Frames without an object add nothing.
/// </summary>
/// <remarks>
/// Constants enter as tensors or as scalars held in a <c>using</c>, never through TorchSharp's implicit
/// number-to-Scalar conversion: that Scalar can be finalised by the GC while libtorch still reads
/// it, which crashed a long run with "Unknown scalar type".
/// </remarks>
public static class DetectorLoss
{
    public const double BoxL1Weight = 5.0;

    /// <summary>Targets for a batch: the responsible cell per frame (-1 without an object) and [B, 4] (offset x, offset y, w/W, h/H).</summary>
    public static (long[] Cells, float[] Targets) Targets(IReadOnlyList<Box?> boxes, int frameWidth, int frameHeight, int rows, int cols)
    {
        var cells = new long[boxes.Count];
        var targets = new float[boxes.Count * 4];
        for (int i = 0; i < boxes.Count; i++)
        {
            if (boxes[i] is not { } b || b.W <= 0 || b.H <= 0) { cells[i] = -1; continue; }
            double cx = b.X + b.W / 2, cy = b.Y + b.H / 2;
            int col = Math.Clamp((int)(cx / SingleObjectDetector.CellPixels), 0, cols - 1);
            int row = Math.Clamp((int)(cy / SingleObjectDetector.CellPixels), 0, rows - 1);
            cells[i] = row * cols + col;
            targets[4 * i] = (float)Math.Clamp(cx / SingleObjectDetector.CellPixels - col, 0, 1);
            targets[4 * i + 1] = (float)Math.Clamp(cy / SingleObjectDetector.CellPixels - row, 0, 1);
            targets[4 * i + 2] = (float)(b.W / frameWidth);
            targets[4 * i + 3] = (float)(b.H / frameHeight);
        }
        return (cells, targets);
    }

    /// <summary>The mean loss over frames with an object; null when the batch has none.</summary>
    public static Tensor? Compute(Tensor head, IReadOnlyList<Box?> boxes, int frameWidth, int frameHeight)
    {
        int rows = (int)head.shape[2], cols = (int)head.shape[3];
        var (cells, targets) = Targets(boxes, frameWidth, frameHeight, rows, cols);
        var keep = Enumerable.Range(0, cells.Length).Where(i => cells[i] >= 0).ToArray();
        if (keep.Length == 0) return null;
        var device = head.device;
        int k = keep.Length;
        var kept = head.index_select(0, tensor(keep.Select(i => (long)i).ToArray(), device: device)).flatten(2); // [K, 5, cells]
        var cellIndex = keep.Select(i => cells[i]).ToArray();
        var cell = tensor(cellIndex, device: device);
        var targetValues = keep.SelectMany(i => targets.AsSpan(i * 4, 4).ToArray()).ToArray();
        var target = tensor(targetValues, [k, 4]).to(device);

        var score = nn.functional.cross_entropy(kept[.., 0], cell);
        var chosen = kept.gather(2, cell.view(k, 1, 1).expand(k, SingleObjectDetector.HeadChannels, 1)).squeeze(2)[.., 1..].sigmoid(); // [K, 4]
        var l1 = (chosen - target).abs().mean();
        var (toCorners, offsets) = CornerTransform(cellIndex, cols, frameWidth, frameHeight, device);
        var giou = GeneralisedIou(chosen.matmul(toCorners) + offsets, target.matmul(toCorners) + offsets);
        using var weight = BoxL1Weight.ToScalar();
        return score + l1.mul(weight) - giou.mean(); // 1 - GIoU up to the constant 1, which moves no gradient
    }

    /// <summary>
    /// (offset x, offset y, w/W, h/H) at a cell to corners (x0, y0, x1, y1) in frame fractions, as
    /// box @ M + offsets (IoU does not change when an axis is scaled, so fractions will do).
    /// </summary>
    private static (Tensor M, Tensor Offsets) CornerTransform(long[] cells, int cols, int frameWidth, int frameHeight, Device device)
    {
        float sx = (float)SingleObjectDetector.CellPixels / frameWidth, sy = (float)SingleObjectDetector.CellPixels / frameHeight;
        var m = new float[]
        {
            sx, 0, sx, 0,
            0, sy, 0, sy,
            -0.5f, 0, 0.5f, 0,
            0, -0.5f, 0, 0.5f,
        };
        var offsets = new float[cells.Length * 4];
        for (int i = 0; i < cells.Length; i++)
        {
            long col = cells[i] % cols, row = cells[i] / cols;
            offsets[4 * i] = offsets[4 * i + 2] = col * sx;
            offsets[4 * i + 1] = offsets[4 * i + 3] = row * sy;
        }
        return (tensor(m, [4, 4]).to(device), tensor(offsets, [cells.Length, 4]).to(device));
    }

    /// <summary>GIoU of corner boxes [K, 4] (x0, y0, x1, y1) of positive area, per row.</summary>
    public static Tensor GeneralisedIou(Tensor a, Tensor b)
    {
        var inter = (minimum(a[.., 2], b[.., 2]) - maximum(a[.., 0], b[.., 0])).relu() * (minimum(a[.., 3], b[.., 3]) - maximum(a[.., 1], b[.., 1])).relu();
        var areaA = (a[.., 2] - a[.., 0]) * (a[.., 3] - a[.., 1]);
        var areaB = (b[.., 2] - b[.., 0]) * (b[.., 3] - b[.., 1]);
        var union = areaA + areaB - inter;
        var hull = (maximum(a[.., 2], b[.., 2]) - minimum(a[.., 0], b[.., 0])) * (maximum(a[.., 3], b[.., 3]) - minimum(a[.., 1], b[.., 1]));
        return inter / union - (hull - union) / hull;
    }
}
