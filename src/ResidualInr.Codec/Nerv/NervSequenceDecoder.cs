using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Payloads;
using ResidualInr.Imaging.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// A sequence payload loaded for decoding: the dequantised NeRV lives on the device, and any subset
/// of frames decodes as one batch (NeRV forward, then the frames' object INRs composed into their boxes).
/// </summary>
public sealed class NervSequenceDecoder : IDisposable
{
    private readonly NervNetwork _net;
    private readonly InrDecoder _objects;
    private readonly Device _device;
    private readonly long _batchActivations;

    public NervSequenceDecoder(SequencePayload payload, Device device, long batchActivations = 1L << 26)
    {
        Payload = payload;
        _device = device;
        _batchActivations = batchActivations;
        _net = new NervNetwork(payload.Shape, device);
        _net.Import(payload.Tensors.Select(t => t.Dequantize()).ToList());
        _net.eval();
        _objects = new InrDecoder(device);
    }

    public SequencePayload Payload { get; }
    public int FrameCount => Payload.Frames.Count;

    /// <summary>Frames at the given positions (0-based, in time order) as [B, H, W, 3] in [0, 255] on the device.</summary>
    public Tensor Decode(IReadOnlyList<int> positions)
    {
        var shape = Payload.Shape;
        var frames = empty([positions.Count, shape.FrameHeight, shape.FrameWidth, 3], device: _device);
        // Why: the forward pass holds every frame's activations at once, so frames go through in
        // batches of at most batchActivations elements (at least one frame) whatever the caller asks for.
        int perBatch = (int)Math.Clamp(_batchActivations / Math.Max(1, shape.ActivationsPerFrame), 1, int.MaxValue);
        for (int start = 0; start < positions.Count; start += perBatch)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            using var full = 255f.ToScalar();
            var batch = positions.Skip(start).Take(perBatch).ToArray();
            var times = tensor(batch.Select(p => NervNetwork.TimeOf(p, FrameCount)).ToArray()).to(_device);
            var decoded = _net.forward(times).mul(full).permute(0, 2, 3, 1).contiguous();
            _objects.ComposeObjects(decoded, batch.Select((p, j) => (p, j))
                .Where(x => Payload.Frames[x.p].Object is not null)
                .Select(x => new ObjectToCompose(x.j, Payload.Frames[x.p].Object!, Payload.Frames[x.p].Box!.Value, Payload.Frames[x.p].Q)).ToList());
            frames.narrow(0, start, batch.Length).copy_(decoded);
        }
        return frames;
    }

    /// <summary>The frames at <paramref name="positions"/> (default: every frame) as 8-bit images.</summary>
    public IReadOnlyList<RgbImage> DecodeImages(IReadOnlyList<int>? positions = null)
    {
        int w = Payload.Shape.FrameWidth, h = Payload.Shape.FrameHeight, per = w * h * 3;
        positions ??= Enumerable.Range(0, FrameCount).ToArray();
        var images = new List<RgbImage>(positions.Count);
        foreach (var chunk in positions.Chunk(16))
        {
            using var scope = NewDisposeScope();
            var bytes = Decode(chunk).round_().to(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray();
            for (int j = 0; j < chunk.Length; j++) images.Add(new RgbImage(w, h, bytes.AsSpan(j * per, per).ToArray()));
        }
        return images;
    }

    public void Dispose() => _net.Dispose();
}
