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
/// <para>
/// Two rules for small objects (README, "Codecs"): a box with no more values (3 per pixel) than its
/// O-INR has parameters trains for <see cref="SmallBoxStepFactor"/> times the steps, in a fit of its
/// own; and a residual O-INR is sent only if, quantised and composed as the decoder composes it, it
/// lowers the box's squared error below the background's alone. A frame whose O-INR is dropped
/// carries no object network, which is how the decoder knows. Direct mode (an ablation) keeps every
/// O-INR: it exists to show what fitting the raw object costs, which the check would hide.
/// </para>
/// </summary>
public static class ObjectInrFitter
{
    /// <summary>
    /// Why: an O-INR with at least as many parameters as its box has values can fit the residual
    /// almost exactly, but the optimiser gets there slowly. A 10x3 O-INR fitted to 2x3 or 4x4 px of
    /// random values in [-1, 1] (lr 1e-3, cosine) was still at MSE 0.003-0.02 after 300 steps and
    /// below 1e-5 after 1,000, so at the run's step count a tiny object kept an error of about a tenth
    /// of Q, worse than a large NeRV's. Such a box costs at most 94 px per step (group 1), so four
    /// times its steps is less work than one 1,000 px box of the same group at the normal count.
    /// </summary>
    public const int SmallBoxStepFactor = 4;

    /// <summary>Whether <paramref name="box"/> has no more values (3 per pixel) than an O-INR of <paramref name="shape"/> has parameters.</summary>
    public static bool IsSmallBox(PixelRect box, SirenShape shape) => 3 * box.Area <= shape.ParameterCount;

    /// <param name="backgrounds">Per frame, the decoded background in network units ([-1, 1], H*W*3 interleaved): needed in residual mode for frames with a box; they also decide whether a residual O-INR is worth sending.</param>
    /// <param name="cost">Optional per frame: adds the steps and seconds of the frame's object INR.</param>
    /// <param name="targetMse">Optional per frame: the frame's target MSE in image units. A residual O-INR stops when the whole
    /// frame reaches it: the background's error outside the box, which the O-INR cannot change, plus Q times the O-INR's
    /// error inside it (a frame whose background alone is too far off outside the box runs to the step cap). A direct
    /// O-INR stops when its box reaches it.</param>
    /// <param name="onStep">Optional, per step of each group's fit: the step and each member's object-region PSNR in image units.</param>
    /// <param name="boxErrors">Optional, per frame: filled for each residual frame with a box (<see cref="BoxError"/>).</param>
    public static (NetworkPayload Net, float Q)?[] Fit(IReadOnlyList<FrameToEncode> frames, IReadOnlyList<float[]?>? backgrounds, ObjectEncoding mode,
        ObjectInrGroups groups, TrainingOptions training, int bits, Device device, Generator generator,
        FitCost? cost = null, IReadOnlyList<double>? targetMse = null, Action<int, double[]>? onStep = null, BoxError[]? boxErrors = null)
    {
        if (boxErrors is not null && boxErrors.Length != frames.Count) throw new ArgumentException($"boxErrors has {boxErrors.Length} entries for {frames.Count} frames");
        var result = new (NetworkPayload, float)?[frames.Count];
        if (mode == ObjectEncoding.None) return result;
        var withBox = Enumerable.Range(0, frames.Count).Where(i => frames[i].Box is { IsEmpty: false }).ToArray();
        // Small boxes of a group fit apart from its larger ones: same shape, more steps.
        foreach (var group in withBox.GroupBy(i => FitKey(frames[i].Box!.Value, groups)))
        {
            var members = group.ToArray();
            var shape = groups.ShapeFor(group.Key.Group);
            var options = group.Key.Small ? training with { Steps = training.Steps * SmallBoxStepFactor } : training;
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
            training.Initialise(net, generator);
            var (coords, mask) = InrDecoder.BoxCoordinates(boxes, device);
            var target = tensor(targets, [members.Length, pmax, 3]).to(device);
            // A residual O-INR's error in image units is Q/127.5 times its own (its target is the residual over Q).
            var scale = members.Select((_, j) => mode == ObjectEncoding.Residual ? Math.Pow(qs[j] / 127.5, 2) : 1.0).ToArray();
            var goal = targetMse is null ? null
                : members.Select((i, j) => scale[j] <= 0 ? double.PositiveInfinity
                    : mode == ObjectEncoding.Residual ? BoxBudget(frames[i].Image, boxes[j], backgrounds![i]!, targetMse[i]) / scale[j]
                    : targetMse[i] / scale[j]).ToArray();
            var groupCost = cost is null ? null : new FitCost(members.Length);
            SirenTrainer.Fit(net, coords, target, mask, options, onStep is null ? null : (step, mse) => onStep(step, mse.Select((e, j) => Psnr.FromMse(e * scale[j])).ToArray()),
                cost: groupCost, targetMse: goal);
            if (groupCost is not null) groupCost.AddTo(cost!, members);
            var role = mode == ObjectEncoding.Residual ? NetworkRole.ObjectResidual : NetworkRole.ObjectDirect;
            var fitted = Enumerable.Range(0, members.Length).Select(j => Quantise(role, shape, net.Export(j), bits)).ToArray();
            var errors = mode == ObjectEncoding.Residual
                ? ComposedBoxErrors(members.Select(i => frames[i].Image).ToArray(), boxes, members.Select(i => backgrounds![i]!).ToArray(), fitted, qs, device)
                : null;
            for (int j = 0; j < members.Length; j++)
            {
                if (errors is not null && boxErrors is not null) boxErrors[members[j]] = errors[j];
                if (errors is null || errors[j].Improves) result[members[j]] = (fitted[j], qs[j]);
            }
        }
        return result;
    }

    /// <summary>
    /// The MSE (image units, per value) the box may keep for the whole frame to reach <paramref name="frameTargetMse"/>:
    /// the frame's error budget less what the decoded background leaves outside the box, spread over the box's values;
    /// 0 when the outside alone is over budget (then no O-INR error is small enough).
    /// </summary>
    public static double BoxBudget(RgbImage image, PixelRect box, float[] background, double frameTargetMse)
    {
        double budget = frameTargetMse * image.Pixels.Length - SquaredErrorOutside(image, box, background) / PixelUnitsSquared;
        return Math.Max(0, budget / (3.0 * box.Area));
    }

    /// <summary>8-bit units squared per image unit squared (an image unit spans 127.5 levels).</summary>
    public const double PixelUnitsSquared = 127.5 * 127.5;

    /// <summary>The squared error (8-bit units, summed over the values) of the decoded <paramref name="background"/> (network
    /// units, H*W*3 interleaved) against the original outside <paramref name="box"/>: all of the frame without a box.</summary>
    public static double SquaredErrorOutside(RgbImage image, PixelRect? box, float[] background)
    {
        double outside = 0;
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
        for (int x = 0; x < w; x++)
        {
            if (box is { } b && b.Contains(x, y)) continue;
            for (int c = 0; c < 3; c++)
            {
                int f = (y * w + x) * 3 + c;
                double e = Math.Round(InrDecoder.ToClampedPixel(background[f])) - image.Pixels[f];
                outside += e * e;
            }
        }
        return outside;
    }

    private static (int Group, bool Small) FitKey(PixelRect box, ObjectInrGroups groups)
    {
        int group = groups.GroupOf(box);
        return (group, IsSmallBox(box, groups.ShapeFor(group)));
    }

    /// <summary>
    /// A box's squared error against the original (8-bit units, summed over its values) as the decoder shows it: the
    /// background alone, and with the residual O-INR decoded from its quantised weights and composed exactly as
    /// <see cref="InrDecoder.ComposeObjects"/> does (clamped, rounded to 8 bits). An O-INR is sent only if it
    /// <see cref="Improves"/> the box.
    /// </summary>
    public readonly record struct BoxError(double Background, double WithObject)
    {
        public bool Improves => WithObject < Background;

        /// <summary>The box's squared error with what is sent: the O-INR where it improves the box, else the background alone.</summary>
        public double Sent => Math.Min(Background, WithObject);

        /// <summary>The share of the background's error in the box that what is sent leaves (1 without a useful O-INR).</summary>
        public double Remaining => Background > 0 ? Sent / Background : 1;
    }

    /// <summary>Per box, its <see cref="BoxError"/>.</summary>
    private static BoxError[] ComposedBoxErrors(RgbImage[] images, PixelRect[] boxes, float[][] backgrounds, NetworkPayload[] nets, float[] qs, Device device)
    {
        int n = boxes.Length, mh = boxes.Max(b => b.H), mw = boxes.Max(b => b.W);
        // Each box's background crop at the top-left of its own [mh, mw] slot, in decoder units [0, 255].
        var crops = new float[n * mh * mw * 3];
        for (int j = 0; j < n; j++)
        {
            var b = boxes[j];
            int w = images[j].Width;
            for (int y = 0; y < b.H; y++)
            for (int x = 0; x < b.W; x++)
            for (int c = 0; c < 3; c++)
                crops[((j * mh + y) * mw + x) * 3 + c] = InrDecoder.ToClampedPixel(backgrounds[j][((b.Y + y) * w + b.X + x) * 3 + c]);
        }
        float[] composed;
        using (var scope = NewDisposeScope())
        {
            var t = tensor(crops, [n, mh, mw, 3]).to(device);
            new InrDecoder(device).ComposeObjects(t, Enumerable.Range(0, n).Select(j => new ObjectToCompose(j, nets[j], new PixelRect(0, 0, boxes[j].W, boxes[j].H), qs[j])).ToList());
            composed = t.round_().cpu().contiguous().data<float>().ToArray();
        }
        var errors = new BoxError[n];
        for (int j = 0; j < n; j++)
        {
            var b = boxes[j];
            int w = images[j].Width;
            double without = 0, with = 0;
            for (int y = 0; y < b.H; y++)
            for (int x = 0; x < b.W; x++)
            for (int c = 0; c < 3; c++)
            {
                int k = ((j * mh + y) * mw + x) * 3 + c;
                double original = images[j].Pixels[((b.Y + y) * w + b.X + x) * 3 + c];
                double bare = Math.Round(crops[k]) - original, fixedUp = composed[k] - original;
                without += bare * bare;
                with += fixedUp * fixedUp;
            }
            errors[j] = new BoxError(without, with);
        }
        return errors;
    }

    /// <summary>A residual O-INR's fitting target for one box, (background − original) / Q in [-1, 1] (row-major, RGB interleaved), and Q.</summary>
    public static (float[] Target, float Q) ResidualTarget(RgbImage image, PixelRect box, float[] background)
    {
        var target = new float[box.Area * 3];
        float q = FillTarget(image, box, background, target);
        return (target, q);
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
                target[(y * box.W + x) * 3 + c] = NetworkUnits.FromPixel(image[box.X + x, box.Y + y, c]);
            return 0;
        }
        float q = 0;
        for (int y = 0; y < box.H; y++)
        for (int x = 0; x < box.W; x++)
        for (int c = 0; c < 3; c++)
        {
            int f = ((box.Y + y) * w + box.X + x) * 3 + c;
            float r = InrDecoder.ToClampedPixel(background[f]) - image.Pixels[f];
            target[(y * box.W + x) * 3 + c] = r;
            q = Math.Max(q, Math.Abs(r));
        }
        if (q > 0) for (int i = 0; i < target.Length; i++) target[i] /= q;
        return q;
    }

    public static NetworkPayload Quantise(NetworkRole role, SirenShape shape, float[][] weights, int bits) =>
        new(role, shape, weights.Select(t => QuantizedTensor.Quantize(t, bits)).ToArray());
}
