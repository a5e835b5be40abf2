using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Quantization;
using ResidualInr.Imaging.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// NeRV and Residual-NeRV. A sequence is encoded as:
/// <list type="number">
/// <item>one NeRV fitted to all its frames (mini-batches of frames);</item>
/// <item>quantising it and decoding every frame exactly as the decoder will;</item>
/// <item>for Residual-NeRV, the object INRs on the residual inside each box, grouped by box size
/// and fitted as in Residual-INR (<see cref="ObjectInrFitter"/>);</item>
/// <item>writing one container for the sequence (<see cref="SequencePayloadFormat"/>).</item>
/// </list>
/// </summary>
public sealed class NervCodec : ISequenceCodec
{
    private readonly Device _device;

    public NervCodec(NervCodecSettings settings, Device device)
    {
        settings.Validate();
        Settings = settings;
        _device = device;
    }

    public NervCodecSettings Settings { get; }
    public string Name => Settings.Name;
    public string PayloadExtension => ".rnrv";

    /// <summary>Called after every NeRV epoch with the epoch (1-based) and its loss.</summary>
    public Action<int, double>? OnEpoch { get; set; }

    /// <summary>Weights to start the NeRV from instead of a fresh initialisation (fine-tuning when a sequence grows).</summary>
    public IReadOnlyList<float[]>? StartFrom { get; set; }

    public SequenceEncoding EncodeSequence(IReadOnlyList<FrameToEncode> frames, int seed)
    {
        if (frames.Count == 0) throw new ArgumentException("no frames");
        int w = frames[0].Image.Width, h = frames[0].Image.Height;
        if (frames.Any(f => f.Image.Width != w || f.Image.Height != h || f.Sequence != frames[0].Sequence))
            throw new ArgumentException("a sequence's frames must have one size and one sequence name");
        var shape = Settings.ShapeFor(w, h);

        torch.random.manual_seed(seed);
        QuantizedTensor[] quantised;
        using (var net = new NervNetwork(shape, _device))
        using (var scope = NewDisposeScope())
        {
            if (StartFrom is not null) net.Import(StartFrom);
            var targets = FrameTensors.FromImages(frames.Select(f => f.Image).ToList(), _device);
            NervTrainer.Fit(net, targets, Settings.Training, seed, OnEpoch);
            LastWeights = net.Export();
            quantised = LastWeights.Select(t => QuantizedTensor.Quantize(t, Settings.Bits)).ToArray();
        }

        var entries = frames.Select(f => new SequenceFrame(f.Index, f.Box is { IsEmpty: false } b ? b : null, 0, null)).ToList();
        if (Settings.Object != ObjectEncoding.None)
        {
            // The residual is taken against the background as the decoder will see it: from the quantised NeRV.
            float[]?[] backgrounds = new float[]?[frames.Count];
            using (var decoder = new NervSequenceDecoder(new SequencePayload(Name, shape, quantised, entries), _device))
            using (var scope = NewDisposeScope())
            {
                var withBox = Enumerable.Range(0, frames.Count).Where(i => entries[i].Box is not null).ToArray();
                using var toNetwork = (1f / 127.5f).ToScalar();
                using var one = 1f.ToScalar();
                foreach (var chunk in withBox.Chunk(16))
                {
                    var decoded = decoder.Decode(chunk).mul(toNetwork).sub(one).cpu().contiguous().data<float>().ToArray();
                    int per = w * h * 3;
                    for (int j = 0; j < chunk.Length; j++) backgrounds[chunk[j]] = decoded.AsSpan(j * per, per).ToArray();
                }
            }
            using var generator = new torch.Generator((ulong)seed);
            var objects = ObjectInrFitter.Fit(frames, backgrounds, Settings.Object, Settings.Groups, Settings.ObjectTraining, Settings.ObjectBits, _device, generator);
            for (int i = 0; i < frames.Count; i++)
                if (objects[i] is { } o) entries[i] = entries[i] with { Q = o.Q, Object = o.Net };
        }

        var payload = new SequencePayload(Name, shape, quantised, entries);
        var container = SequencePayloadFormat.Write(payload, out var shares);
        return new SequenceEncoding(container, frames.Select((f, i) => new SequenceFrameShare(f, shares[i].Shared + shares[i].Own, shares[i].Shared,
            entries[i].Object is { } o ? PayloadFormat.NetworkBytes(o) : 0, f.Box is { IsEmpty: false } b ? Settings.Groups.GroupOf(b) : 0)).ToList());
    }

    /// <summary>The unquantised NeRV weights of the last sequence encoded (to fine-tune from).</summary>
    public float[][]? LastWeights { get; private set; }

    public IReadOnlyList<RgbImage> DecodeSequence(byte[] container, string? file = null)
    {
        using var decoder = new NervSequenceDecoder(SequencePayloadFormat.Read(container, file), _device);
        return decoder.DecodeImages();
    }
}
