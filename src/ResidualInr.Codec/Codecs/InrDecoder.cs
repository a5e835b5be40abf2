using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Codecs;

/// <summary>
/// Decodes INR payloads in batches, on the compute device: all background networks of one shape
/// run as one stacked forward pass, then all object networks of one shape (boxes padded to the
/// largest), then each frame's object is composed into its box with tensor ops. Training code can
/// take the result as a tensor without a trip through 8-bit images.
/// </summary>
/// <summary>An object network to compose into frame <paramref name="Frame"/> of a batch.</summary>
public sealed record ObjectToCompose(int Frame, NetworkPayload Network, PixelRect Box, float Q);

public sealed class InrDecoder(Device device, int tilePixels = InrDecoder.DefaultTilePixels)
{
    /// <summary>
    /// Coordinates per forward pass, over all networks of a batch: decoding runs tile by tile so its
    /// working memory is bounded by the tile (2^18 coordinates x 24 floats = 24 MB per activation)
    /// whatever frame size a payload claims, not by the frame. Tiling gives the same pixels.
    /// </summary>
    public const int DefaultTilePixels = 1 << 18;

    /// <summary>Network outputs in [-1, 1] map to 8-bit values in [0, 255].</summary>
    public static float ToPixel(float output) => (output + 1f) * 127.5f;

    /// <summary><see cref="ToPixel"/> clamped to [0, 255]: a background value as the decoded frame holds it before rounding to 8 bits.</summary>
    public static float ToClampedPixel(float output) => Math.Clamp(ToPixel(output), 0f, 255f);

    /// <summary>Decodes to 8-bit images (frames may differ in size).</summary>
    public IReadOnlyList<RgbImage> Decode(IReadOnlyList<InrPayload> payloads)
    {
        var images = new RgbImage[payloads.Count];
        foreach (var group in Enumerable.Range(0, payloads.Count).GroupBy(i => (payloads[i].FrameWidth, payloads[i].FrameHeight)))
        {
            var members = group.ToArray();
            var (w, h) = group.Key;
            using var scope = NewDisposeScope();
            var pixels = DecodeToTensor(members.Select(i => payloads[i]).ToList()).round_().to(ScalarType.Byte).cpu().contiguous();
            var bytes = pixels.data<byte>().ToArray();
            int per = w * h * 3;
            for (int j = 0; j < members.Length; j++)
                images[members[j]] = new RgbImage(w, h, bytes.AsSpan(j * per, per).ToArray());
        }
        return images;
    }

    /// <summary>Decodes frames of one size to a [B, H, W, 3] float tensor in [0, 255] on the compute device.</summary>
    public Tensor DecodeToTensor(IReadOnlyList<InrPayload> payloads)
    {
        int w = payloads[0].FrameWidth, h = payloads[0].FrameHeight;
        if (payloads.Any(p => p.FrameWidth != w || p.FrameHeight != h))
            throw new ArgumentException("DecodeToTensor needs frames of one size");
        var frames = zeros([payloads.Count, h, w, 3], device: device);
        // Explicit scalars held by using: TorchSharp's implicit number-to-Scalar conversion can be
        // finalised by the GC while libtorch still reads it (a training run crashed on that).
        using var one = 1f.ToScalar();
        using var halfRange = 127.5f.ToScalar();
        using var zero = 0f.ToScalar();
        using var full = 255f.ToScalar();
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            foreach (var group in Enumerable.Range(0, payloads.Count).GroupBy(i => payloads[i].Background.Shape))
            {
                var members = group.ToArray();
                using var net = Load(group.Key, members.Select(i => payloads[i].Background).ToArray());
                var pixels = ForwardTiled(net, w * h, (start, count) => CoordinateGrid.For(w, h, device, start, count)).add_(one).mul_(halfRange).clamp_(zero, full).view(members.Length, h, w, 3);
                frames.index_copy_(0, tensor(members.Select(i => (long)i).ToArray(), device: device), pixels);
            }
        }
        ComposeObjects(frames, Enumerable.Range(0, payloads.Count).Where(i => payloads[i].Object is not null)
            .Select(i => new ObjectToCompose(i, payloads[i].Object!, payloads[i].Box!.Value, payloads[i].Q)).ToList());
        return frames;
    }

    /// <summary>
    /// Runs every object network (grouped by shape, boxes padded to the largest) and composes it
    /// into its frame of <paramref name="frames"/> ([B, H, W, 3] in [0, 255], in place): residual
    /// O-INRs subtract Q times their output from the background, direct ones replace the box.
    /// </summary>
    public void ComposeObjects(Tensor frames, IReadOnlyList<ObjectToCompose> objects)
    {
        using var one = 1f.ToScalar();
        using var halfRange = 127.5f.ToScalar();
        using var zero = 0f.ToScalar();
        using var full = 255f.ToScalar();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var group in objects.GroupBy(o => o.Network.Shape))
        {
            var members = group.ToArray();
            using var net = Load(group.Key, members.Select(m => m.Network).ToArray());
            var boxes = members.Select(m => m.Box).ToArray();
            var output = ForwardTiled(net, boxes.Max(b => b.Area), (start, count) => BoxCoordinates(boxes, device, start, count).Coords);
            for (int j = 0; j < members.Length; j++)
            {
                var m = members[j];
                var obj = output[j].narrow(0, 0, m.Box.Area).view(m.Box.H, m.Box.W, 3);
                var region = frames[m.Frame].narrow(0, m.Box.Y, m.Box.H).narrow(1, m.Box.X, m.Box.W);
                using var q = m.Q.ToScalar();
                // Residual: object = background - Q * O-INR. Direct: the O-INR is the object.
                var composed = m.Network.Role == NetworkRole.ObjectResidual ? region - obj.mul(q) : obj.add(one).mul_(halfRange);
                region.copy_(composed.clamp_(zero, full));
            }
        }
    }

    /// <summary>Background network outputs, [H*W*3] interleaved, in network units, per payload (the encoder's view of the B-INR).</summary>
    public float[][] DecodeBackgrounds(IReadOnlyList<InrPayload> payloads)
    {
        var result = new float[payloads.Count][];
        foreach (var group in Enumerable.Range(0, payloads.Count)
                     .GroupBy(i => (payloads[i].Background.Shape, payloads[i].FrameWidth, payloads[i].FrameHeight)))
        {
            var members = group.ToArray();
            var (shape, w, h) = group.Key;
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            using var net = Load(shape, members.Select(i => payloads[i].Background).ToArray());
            var output = ForwardTiled(net, w * h, (start, count) => CoordinateGrid.For(w, h, device, start, count)).cpu().contiguous().data<float>().ToArray();
            int per = w * h * 3;
            for (int j = 0; j < members.Length; j++) result[members[j]] = output.AsSpan(j * per, per).ToArray();
        }
        return result;
    }

    /// <summary>
    /// Coordinates of every box's pixels in the box's own [-1, 1] frame, padded to the largest box:
    /// [B, Pmax, 2], and a [B, Pmax, 1] mask of the real pixels.
    /// </summary>
    public static (Tensor Coords, Tensor Mask) BoxCoordinates(IReadOnlyList<PixelRect> boxes, Device device) =>
        BoxCoordinates(boxes, device, 0, boxes.Max(b => b.Area));

    /// <summary>Padded pixels <paramref name="start"/> .. start + count - 1 of <see cref="BoxCoordinates(IReadOnlyList{PixelRect}, Device)"/>: one tile.</summary>
    public static (Tensor Coords, Tensor Mask) BoxCoordinates(IReadOnlyList<PixelRect> boxes, Device device, int start, int count)
    {
        var coords = new float[boxes.Count * count * 2];
        var mask = new float[boxes.Count * count];
        for (int j = 0; j < boxes.Count; j++)
        {
            var b = boxes[j];
            for (int i = 0, p = start; i < count && p < b.Area; i++, p++)
            {
                int x = p % b.W, y = p / b.W, k = j * count + i;
                coords[2 * k] = -1f + (2f * x + 1f) / b.W;
                coords[2 * k + 1] = -1f + (2f * y + 1f) / b.H;
                mask[k] = 1f;
            }
        }
        return (tensor(coords, [boxes.Count, count, 2]).to(device), tensor(mask, [boxes.Count, count, 1]).to(device));
    }

    /// <summary>
    /// Fewest coordinates per network in one pass. Why: CPU matrix multiplies with fewer than ~32
    /// rows take another kernel whose sums round differently, so a tail tile of 12 pixels came out
    /// 1 ulp off; with every pass at least this long (the last tile overlaps its predecessor rather
    /// than running short) tiled and one-pass decodes give the same floats.
    /// </summary>
    public const int MinTilePixels = 256;

    /// <summary>
    /// The networks' outputs, [B, pixels, out], computed tile by tile: each pass sees about
    /// tilePixels coordinates over the whole batch (at least <see cref="MinTilePixels"/> per network),
    /// so memory is bounded by the tile and the output, never by the frame size times the network's width.
    /// </summary>
    private Tensor ForwardTiled(BatchedSiren net, int pixels, Func<int, int, Tensor> coordinates)
    {
        var output = empty([net.Batch, pixels, net.Shape.Out], device: device);
        int tile = Math.Min(pixels, Math.Max(MinTilePixels, tilePixels / net.Batch));
        for (int next = 0; next < pixels; next += tile)
        {
            int start = Math.Min(next, pixels - tile); // the last tile ends at the last pixel, full length
            using var scope = NewDisposeScope();
            output.narrow(1, start, tile).copy_(net.Forward(coordinates(start, tile)));
        }
        return output;
    }

    /// <summary>Stacks the dequantised networks layer by layer on the CPU, then moves each layer over in one copy.</summary>
    private BatchedSiren Load(SirenShape shape, IReadOnlyList<NetworkPayload> networks)
    {
        var net = new BatchedSiren(shape, networks.Count, device);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int l = 0; l < shape.Layers.Count; l++)
        {
            var (fin, fout) = shape.Layers[l];
            var weights = new float[networks.Count * fin * fout];
            var biases = new float[networks.Count * fout];
            for (int j = 0; j < networks.Count; j++)
            {
                networks[j].Tensors[2 * l].Dequantize().CopyTo(weights, j * fin * fout);
                networks[j].Tensors[2 * l + 1].Dequantize().CopyTo(biases, j * fout);
            }
            net.Weights[l].copy_(tensor(weights, [networks.Count, fin, fout]).to(device));
            net.Biases[l].copy_(tensor(biases, [networks.Count, 1, fout]).to(device));
        }
        return net;
    }
}
