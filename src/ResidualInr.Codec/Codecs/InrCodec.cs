using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Quantization;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Codecs;

/// <summary>
/// Rapid-INR and Residual-INR (and the ablation variants) as one codec driven by
/// <see cref="InrCodecSettings"/>. A batch of frames is encoded as:
/// <list type="number">
/// <item>one stacked fit of every frame's background INR;</item>
/// <item>quantising it and reconstructing the background exactly as the decoder will;</item>
/// <item>for frames with a box, one stacked fit per size group of the object INRs, on the
/// residual (normalised by Q = max |residual|) or on the raw object, with padded boxes masked out;</item>
/// <item>quantising and writing the payload container.</item>
/// </list>
/// </summary>
public sealed class InrCodec : IFrameCodec
{
    private readonly Device _device;
    private readonly InrDecoder _decoder;
    private readonly Dictionary<string, float[][]> _previousBackground = new();

    public InrCodec(InrCodecSettings settings, Device device)
    {
        settings.Validate();
        Settings = settings;
        _device = device;
        _decoder = new InrDecoder(device);
    }

    public InrCodecSettings Settings { get; }
    public string Name => Settings.Name;
    public string PayloadExtension => ".rinr";

    /// <summary>Per-step MSE of the background fit of the last batch (for measurements such as warm-start savings).</summary>
    public Action<int, float[]>? OnBackgroundStep { get; set; }

    /// <summary>
    /// Per-frame target PSNR (dB), instead of the training options' <see cref="TrainingOptions.TargetPsnrDb"/>
    /// for the frames it names (by sequence and index): measurements that ask each frame for a
    /// quality it reached elsewhere (<c>rinr bench convergence</c>).
    /// </summary>
    public IReadOnlyDictionary<(string Sequence, int Index), double>? FrameTargetPsnrDb { get; set; }

    /// <summary>Per step of every fit of the last batch: which stage, the step and the per-network PSNR in image units (measurements).</summary>
    public Action<string, int, double[]>? OnFitStep { get; set; }

    /// <summary>Fraction (0..1) of the current batch's background fit done, for progress bars.</summary>
    public Action<double>? OnBatchProgress { get; set; }

    public IReadOnlyList<EncodedFrame> EncodeBatch(IReadOnlyList<FrameToEncode> frames, int seed)
    {
        if (frames.Count == 0) return [];
        int w = frames[0].Image.Width, h = frames[0].Image.Height;
        if (frames.Any(f => f.Image.Width != w || f.Image.Height != h))
            throw new ArgumentException("every frame of a batch must have the same size");
        using var generator = new TorchSharp.torch.Generator((ulong)seed);

        var cost = new FitCost(frames.Count);
        var background = FitBackgrounds(frames, w, h, generator, cost);
        var objects = Settings.Object == ObjectEncoding.None
            ? new (NetworkPayload Net, float Q)?[frames.Count]
            : FitObjects(frames, background, generator, cost);

        return frames.Select((f, i) =>
        {
            var networks = new List<NetworkPayload> { background[i] };
            float q = 0;
            if (objects[i] is { } o) { networks.Add(o.Net); q = o.Q; }
            var payload = new InrPayload(Name, w, h, objects[i] is null ? null : f.Box, q, networks);
            int group = f.Box is { } box ? Settings.Groups.GroupOf(box) : 0;
            return new EncodedFrame(f, PayloadFormat.Write(payload), PayloadFormat.NetworkBytes(background[i]),
                objects[i] is { } oo ? PayloadFormat.NetworkBytes(oo.Net) : 0, group, cost.Steps[i], cost.Seconds[i]);
        }).ToList();
    }

    public IReadOnlyList<RgbImage> DecodeBatch(IReadOnlyList<byte[]> payloads) =>
        _decoder.Decode(payloads.Select(p => PayloadFormat.Read(p)).ToList());

    /// <summary>Each frame's target MSE in image units (network units of [-1, 1]), or null when no frame has a target.</summary>
    private double[]? TargetMse(IReadOnlyList<FrameToEncode> frames)
    {
        if (Settings.Training.TargetPsnrDb is null && FrameTargetPsnrDb is null) return null;
        return frames.Select(f => FrameTargetPsnrDb is not null && FrameTargetPsnrDb.TryGetValue((f.Sequence, f.Index), out var db) ? Psnr.ToMse(db)
            : Settings.Training.TargetMse ?? 0).ToArray();
    }

    private NetworkPayload[] FitBackgrounds(IReadOnlyList<FrameToEncode> frames, int w, int h, Generator generator, FitCost cost)
    {
        using var scope = NewDisposeScope();
        using var net = new BatchedSiren(Settings.Background, frames.Count, _device);
        Settings.Training.Initialise(net, generator);
        if (Settings.WarmStart)
            for (int i = 0; i < frames.Count; i++)
                if (_previousBackground.TryGetValue(frames[i].Sequence, out var previous)) net.Import(i, previous);

        var coords = CoordinateGrid.For(w, h, _device);
        var targets = stack(frames.Select(f => ImageTargets(f.Image)).ToArray()).to(_device);
        bool fineTune = Settings.QuantizationAwareSteps > 0 && Settings.BackgroundBits < 32;
        double totalSteps = Settings.Training.Steps + (fineTune ? Settings.QuantizationAwareSteps : 0);
        var targetMse = TargetMse(frames);
        SirenTrainer.Fit(net, coords, targets, null, Settings.Training, Observe("background", OnBackgroundStep),
            onStepDone: step => OnBatchProgress?.Invoke((step + 1) / totalSteps), cost: cost, targetMse: targetMse);
        if (fineTune)
        {
            // Fine-tuning starts from a fitted network: no warm-up. It trains on whole frames: with pixel subsets for 60% of
            // its steps a frame of eight ended 0.3-0.7 dB short of its target (results/benchmarks.md).
            var options = Settings.Training with { Steps = Settings.QuantizationAwareSteps, LearningRate = Settings.Training.LearningRate * Settings.Training.QuantisedLrScale, WarmupSteps = 0, LbfgsAfter = null, SubsetPixels = null, SubsetShare = 0 };
            SirenTrainer.Fit(net, coords, targets, null, options, Observe("qat", null), parameterView: p => FakeQuantizer.Apply(p, Settings.BackgroundBits),
                onStepDone: step => OnBatchProgress?.Invoke((Settings.Training.Steps + step + 1) / totalSteps), cost: cost, targetMse: targetMse);
        }

        var result = new NetworkPayload[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            var weights = net.Export(i);
            if (Settings.WarmStart) _previousBackground[frames[i].Sequence] = weights;
            result[i] = Quantise(NetworkRole.Background, Settings.Background, weights, Settings.BackgroundBits);
        }
        return result;
    }

    /// <summary>The per-step callback of a background fit: the given one, plus <see cref="OnFitStep"/> in PSNR.</summary>
    private Action<int, float[]>? Observe(string stage, Action<int, float[]>? also) =>
        OnFitStep is null && also is null ? null : (step, mse) =>
        {
            also?.Invoke(step, mse);
            OnFitStep?.Invoke(stage, step, mse.Select(e => Psnr.FromMse(e)).ToArray());
        };

    private (NetworkPayload Net, float Q)?[] FitObjects(IReadOnlyList<FrameToEncode> frames, NetworkPayload[] background, Generator generator, FitCost cost)
    {
        // The residual is taken against the background as the decoder will see it: quantised.
        float[]?[]? reconstructed = null;
        if (Settings.Object == ObjectEncoding.Residual)
        {
            reconstructed = new float[]?[frames.Count];
            var withBox = Enumerable.Range(0, frames.Count).Where(i => frames[i].Box is { IsEmpty: false }).ToArray();
            var decoded = _decoder.DecodeBackgrounds(withBox
                .Select(i => new InrPayload(Name, frames[i].Image.Width, frames[i].Image.Height, null, 0, [background[i]])).ToList());
            for (int k = 0; k < withBox.Length; k++) reconstructed[withBox[k]] = decoded[k];
        }
        return ObjectInrFitter.Fit(frames, reconstructed, Settings.Object, Settings.Groups, Settings.ObjectTrainingOrDefault, Settings.ObjectBits, _device, generator,
            cost, TargetMse(frames), OnFitStep is null ? null : (step, psnr) => OnFitStep("object", step, psnr));
    }

    /// <summary>[H*W, 3] targets in [-1, 1].</summary>
    private static Tensor ImageTargets(RgbImage image) => tensor(NetworkUnits.FromImage(image), [image.PixelCount, 3]);

    private static NetworkPayload Quantise(NetworkRole role, SirenShape shape, float[][] weights, int bits) => ObjectInrFitter.Quantise(role, shape, weights, bits);
}
