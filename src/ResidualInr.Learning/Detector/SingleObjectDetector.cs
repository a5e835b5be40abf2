using ResidualInr.Imaging;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Detector;

/// <summary>
/// A small single-object detector, YOLO-like on one scale. Four stride-2 conv blocks take the frame
/// to a grid of cells 16 pixels apart, a dilated block widens the view, and a 1x1 head gives every
/// cell a score and a box: the box's centre as an offset inside the cell and its width and height as
/// fractions of the frame. The detection is the best-scoring cell's box; its confidence is that
/// cell's softmax probability over all cells, since there is exactly one object to find.
/// </summary>
public sealed class SingleObjectDetector : nn.Module<Tensor, Tensor>
{
    public const int CellPixels = 16;

    /// <summary>Channels of the head: score, centre x and y in the cell, width, height.</summary>
    public const int HeadChannels = 5;

    private readonly Sequential _backbone;
    private readonly Conv2d _head;

    /// <param name="width">Channels of the first block; later blocks have 2, 4 and 6 times as many.</param>
    public SingleObjectDetector(int width = 16) : base(nameof(SingleObjectDetector))
    {
        _backbone = nn.Sequential(
            Block(3, width, stride: 2),
            Block(width, 2 * width, stride: 2),
            Block(2 * width, 4 * width, stride: 2),
            Block(4 * width, 6 * width, stride: 2),
            Block(6 * width, 6 * width, stride: 1, dilation: 2));
        _head = nn.Conv2d(6 * width, HeadChannels, 1);
        RegisterComponents();
        // TorchSharp 0.107's GroupNorm leaves its scale and shift uninitialised (we saw 3e15); set PyTorch's defaults.
        using var _ = no_grad();
        foreach (var norm in modules().OfType<GroupNorm>())
        {
            norm.weight!.fill_(1);
            norm.bias!.zero_();
        }
    }

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Images [B, 3, H, W] in [0, 1] to raw head outputs [B, 5, rows, cols].</summary>
    public override Tensor forward(Tensor images) => _head.forward(_backbone.forward(images));

    /// <summary>
    /// Head outputs [B, 5, rows, cols] to the best cell's box per image, (x, y, w, h) in pixels of a
    /// <paramref name="frameWidth"/> x <paramref name="frameHeight"/> frame, clipped to it, with its confidence.
    /// The arithmetic after the argmax is done in C#: it is a handful of numbers per image.
    /// </summary>
    public static IReadOnlyList<(Box Box, double Confidence)> Decode(Tensor head, int frameWidth, int frameHeight)
    {
        using var scope = NewDisposeScope();
        long b = head.shape[0], cols = head.shape[3];
        var flat = head.flatten(2); // [B, 5, rows*cols]
        var (confidence, cell) = flat[.., 0].softmax(1).max(1);
        var chosen = flat.gather(2, cell.view(b, 1, 1).expand(b, HeadChannels, 1)).squeeze(2).sigmoid().cpu().data<float>().ToArray(); // [B, 5]
        var cells = cell.cpu().data<long>().ToArray();
        var confidences = confidence.cpu().data<float>().ToArray();
        var result = new (Box, double)[b];
        for (int i = 0; i < b; i++)
        {
            double cx = (cells[i] % cols + chosen[5 * i + 1]) * CellPixels, cy = (cells[i] / cols + chosen[5 * i + 2]) * CellPixels;
            double w = chosen[5 * i + 3] * frameWidth, h = chosen[5 * i + 4] * frameHeight;
            result[i] = (new Box(cx - w / 2, cy - h / 2, w, h).ClipTo(frameWidth, frameHeight), confidences[i]);
        }
        return result;
    }

    /// <summary>Detections for frames [B, 3, H, W], in eval mode.</summary>
    public IReadOnlyList<(Box Box, double Confidence)> Predict(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        bool wasTraining = training;
        eval();
        var detections = Decode(forward(images), (int)images.shape[3], (int)images.shape[2]);
        train(wasTraining);
        return detections;
    }

    private static Sequential Block(int inChannels, int outChannels, int stride, int dilation = 1) => nn.Sequential(
        nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: dilation, dilation: dilation, bias: false),
        // Group norm behaves the same in training and evaluation, which matters with batches of a few frames.
        nn.GroupNorm(Math.Max(1, outChannels / 8), outChannels),
        nn.SiLU());
}
