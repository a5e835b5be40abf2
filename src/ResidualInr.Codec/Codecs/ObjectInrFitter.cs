using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Quantization;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Codecs;

/// <summary>
/// Fits the object INRs of a batch of frames, whatever made their backgrounds (a per-frame B-INR or
/// a sequence's NeRV): one stacked fit per size group, boxes padded to the group's largest and
/// masked. In residual mode the target is (background - original) / Q inside the box, with the
/// background exactly as the decoder will reconstruct it; in direct mode it is the object's RGB.
/// </summary>
public static class ObjectInrFitter
{
    /// <param name="backgrounds">Per frame, the decoded background in network units ([-1, 1], H*W*3 interleaved); needed in residual mode for frames with a box.</param>
    /// <param name="cost">Optional per frame: adds the steps and seconds of the frame's object INR.</param>
    /// <param name="targetMse">Optional per frame: the object region's target MSE in image units; a residual O-INR stops
    /// when Q times its error reaches it.</param>
    /// <param name="onStep">Optional, per step of each group's fit: the step and each member's object-region PSNR in image units.</param>
    public static (NetworkPayload Net, float Q)?[] Fit(IReadOnlyList<FrameToEncode> frames, IReadOnlyList<float[]?>? backgrounds, ObjectEncoding mode,
        ObjectInrGroups groups, TrainingOptions training, int bits, Device device, Generator generator,
        FitCost? cost = null, IReadOnlyList<double>? targetMse = null, Action<int, double[]>? onStep = null)
    {
        var result = new (NetworkPayload, float)?[frames.Count];
        if (mode == ObjectEncoding.None) return result;
        var withBox = Enumerable.Range(0, frames.Count).Where(i => frames[i].Box is { IsEmpty: false }).ToArray();
        foreach (var group in withBox.GroupBy(i => groups.GroupOf(frames[i].Box!.Value)))
        {
            var members = group.ToArray();
            var shape = groups.ShapeFor(group.Key);
            var boxes = members.Select(i => frames[i].Box!.Value).ToArray();
            int pmax = boxes.Max(b => b.Area);
            var targets = new float[members.Length * pmax * 3];
            var qs = new float[members.Length];
            for (int j = 0; j < members.Length; j++)
            {
                var background = mode == ObjectEncoding.Residual
                    ? backgrounds?[members[j]] ?? throw new ArgumentException($"frame {members[j]} needs its background for a residual object INR")
                    : null;
                qs[j] = FillTarget(frames[members[j]].Image, boxes[j], background, targets.AsSpan(j * pmax * 3, boxes[j].Area * 3));
            }

            using var scope = NewDisposeScope();
            using var net = new BatchedSiren(shape, members.Length, device);
            net.Initialise(generator, training.InitScale);
            var (coords, mask) = InrDecoder.BoxCoordinates(boxes, device);
            var target = tensor(targets, [members.Length, pmax, 3]).to(device);
            // A residual O-INR's error in image units is Q/127.5 times its own (its target is the residual over Q).
            var scale = members.Select((_, j) => mode == ObjectEncoding.Residual ? Math.Pow(qs[j] / 127.5, 2) : 1.0).ToArray();
            var goal = targetMse is null ? null
                : members.Select((i, j) => scale[j] > 0 ? targetMse[i] / scale[j] : double.PositiveInfinity).ToArray();
            var groupCost = cost is null ? null : new FitCost(members.Length);
            SirenTrainer.Fit(net, coords, target, mask, training, onStep is null ? null : (step, mse) => onStep(step, mse.Select((e, j) => Psnr.FromMse(e * scale[j])).ToArray()),
                cost: groupCost, targetMse: goal);
            if (groupCost is not null)
                for (int j = 0; j < members.Length; j++) { cost!.Steps[members[j]] += groupCost.Steps[j]; cost.Seconds[members[j]] += groupCost.Seconds[j]; }
            var role = mode == ObjectEncoding.Residual ? NetworkRole.ObjectResidual : NetworkRole.ObjectDirect;
            for (int j = 0; j < members.Length; j++)
                result[members[j]] = (Quantise(role, shape, net.Export(j), bits), qs[j]);
        }
        return result;
    }

    /// <summary>
    /// Writes the O-INR's target for one box and returns Q. Residual mode: (background − original) / Q
    /// with Q = max |background − original| in 8-bit units, so the target spans [-1, 1]. Direct mode:
    /// the object's RGB in [-1, 1], Q = 0.
    /// </summary>
    private static float FillTarget(RgbImage image, PixelRect box, float[]? background, Span<float> target)
    {
        int w = image.Width;
        if (background is null)
        {
            for (int y = 0; y < box.H; y++)
            for (int x = 0; x < box.W; x++)
            for (int c = 0; c < 3; c++)
                target[(y * box.W + x) * 3 + c] = image[box.X + x, box.Y + y, c] / 127.5f - 1f;
            return 0;
        }
        float q = 0;
        for (int y = 0; y < box.H; y++)
        for (int x = 0; x < box.W; x++)
        for (int c = 0; c < 3; c++)
        {
            int f = ((box.Y + y) * w + box.X + x) * 3 + c;
            float r = Math.Clamp(InrDecoder.ToPixel(background[f]), 0f, 255f) - image.Pixels[f];
            target[(y * box.W + x) * 3 + c] = r;
            q = Math.Max(q, Math.Abs(r));
        }
        if (q > 0) for (int i = 0; i < target.Length; i++) target[i] /= q;
        return q;
    }

    public static NetworkPayload Quantise(NetworkRole role, SirenShape shape, float[][] weights, int bits) =>
        new(role, shape, weights.Select(t => QuantizedTensor.Quantize(t, bits)).ToArray());
}
