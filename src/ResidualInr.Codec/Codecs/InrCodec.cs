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
        var targetMse = TargetMse(frames);
        NetworkPayload[] background;
        (NetworkPayload Net, float Q)?[] objects;
        using (var scope = NewDisposeScope())
        {
            using var net = new BatchedSiren(Settings.Background, frames.Count, _device);
            var coords = CoordinateGrid.For(w, h, _device);
            var targets = stack(frames.Select(f => ImageTargets(f.Image)).ToArray()).to(_device);
            bool toTargets = FineTunes && targetMse is not null && Settings.Object == ObjectEncoding.Residual;
            var refit = toTargets ? Settings.Training.Refit() : null;
            var floatFit = refit is null ? Settings.Training : Settings.Training.BeforeRefit();
            FitFloatBackgrounds(net, frames, coords, targets, generator, cost, targetMse, floatFit);
            if (toTargets)
                (background, objects) = EncodeToTargets(net, frames, coords, targets, generator, cost, targetMse!, refit, floatFit.Steps);
            else
            {
                if (FineTunes) FineTune(net, Enumerable.Range(0, frames.Count).ToArray(), coords, targets, targetMse, null, Settings.QuantizationAwareSteps, cost);
                background = Enumerable.Range(0, frames.Count).Select(i => QuantiseBackground(net, i)).ToArray();
                objects = Settings.Object == ObjectEncoding.None
                    ? new (NetworkPayload Net, float Q)?[frames.Count]
                    : FitObjects(frames, background, generator, cost, targetMse);
            }
            if (Settings.WarmStart)
                for (int i = 0; i < frames.Count; i++) _previousBackground[frames[i].Sequence] = net.Export(i);
        }

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

    /// <summary>The background is stored below 32 bits and fine-tuned through fake quantisation (Residual-INR's 8-bit B-INR).</summary>
    private bool FineTunes => Settings.QuantizationAwareSteps > 0 && Settings.BackgroundBits < 32;

    /// <summary>Steps of a batch's background fits for progress: the float fit, then the fine-tuning's cap.</summary>
    private double ProgressSteps => Settings.Training.Steps + (FineTunes ? Settings.QuantizationAwareSteps : 0);

    private void FitFloatBackgrounds(BatchedSiren net, IReadOnlyList<FrameToEncode> frames, Tensor coords, Tensor targets, Generator generator, FitCost cost, double[]? targetMse,
        TrainingOptions training)
    {
        Settings.Training.Initialise(net, generator);
        if (Settings.WarmStart)
            for (int i = 0; i < frames.Count; i++)
                if (_previousBackground.TryGetValue(frames[i].Sequence, out var previous)) net.Import(i, previous);
        SirenTrainer.Fit(net, coords, targets, null, training, Observe("background", OnBackgroundStep),
            onStepDone: step => OnBatchProgress?.Invoke((step + 1) / ProgressSteps), cost: cost, targetMse: targetMse);
    }

    /// <summary>
    /// Fine-tunes the backgrounds <paramref name="rows"/> of <paramref name="net"/> through fake quantisation for up to
    /// <paramref name="steps"/> steps, each stopping at its <paramref name="targetMse"/> (judged by <paramref name="scoreWeights"/>,
    /// [rows, P, 1], when given). Returns the steps each row took. <paramref name="stepsBefore"/>: fine-tuning steps already
    /// taken (earlier rounds), for the progress bar.
    /// </summary>
    private int[] FineTune(BatchedSiren net, int[] rows, Tensor coords, Tensor targets, IReadOnlyList<double>? targetMse, Tensor? scoreWeights, int steps,
        FitCost cost, int stepsBefore = 0) =>
        TrainRows(net, rows, coords, targets, targetMse, scoreWeights, Settings.Training.FineTuning(steps), "qat", p => FakeQuantizer.Apply(p, Settings.BackgroundBits), 0, cost,
            Settings.Training.Steps + stepsBefore);

    /// <summary>
    /// Trains the backgrounds <paramref name="rows"/> of <paramref name="net"/> with <paramref name="options"/> (through
    /// <paramref name="parameterView"/>, the first <paramref name="frozenLayers"/> layers fixed), each stopping at its
    /// <paramref name="targetMse"/> (judged by <paramref name="scoreWeights"/>, [rows, P, 1], when given). Returns the steps
    /// each row took. <paramref name="progressFrom"/>: the batch's steps before this fit, for the progress bar.
    /// </summary>
    private int[] TrainRows(BatchedSiren net, int[] rows, Tensor coords, Tensor targets, IReadOnlyList<double>? targetMse, Tensor? scoreWeights,
        TrainingOptions options, string stage, Func<Tensor, Tensor>? parameterView, int frozenLayers, FitCost cost, int progressFrom)
    {
        using var scope = NewDisposeScope();
        bool whole = rows.SequenceEqual(Enumerable.Range(0, net.Batch));  // every row, in order: the net itself
        using var part = whole ? null : new BatchedSiren(Settings.Background, rows.Length, _device);
        var tuned = part ?? net;
        if (part is not null)
            for (int k = 0; k < rows.Length; k++) part.Import(k, net.Export(rows[k]));
        var rowTargets = whole ? targets : targets.index_select(0, tensor(rows.Select(r => (long)r).ToArray(), device: _device));
        var partCost = new FitCost(rows.Length);
        SirenTrainer.Fit(tuned, coords, rowTargets, null, options, Observe(stage, null), parameterView: parameterView,
            onStepDone: step => OnBatchProgress?.Invoke(Math.Min(1, (progressFrom + step + 1) / ProgressSteps)), cost: partCost,
            targetMse: targetMse, scoreWeights: scoreWeights, frozenLayers: frozenLayers);
        partCost.AddTo(cost, rows);
        if (part is not null)
            for (int k = 0; k < rows.Length; k++) net.Import(rows[k], part.Export(k));
        return partCost.Steps;
    }

    /// <summary>Rounds of <see cref="EncodeToTargets"/> that fine-tune (after the first object fit, which needs none).</summary>
    public const int FineTuneRounds = 2;

    /// <summary>
    /// How much lower (as a ratio of MSEs: 0.15 dB) than the frame's target the fine-tuning aims. The share of a box's error
    /// an O-INR leaves varies from one fit to the next (random starts); aiming exactly at the target left 7 of 8 frames just
    /// short after the first round's O-INRs, aiming 0.15 dB lower 4 of 8 (results/benchmarks.md).
    /// </summary>
    public static readonly double FineTuneMargin = Math.Pow(10, 0.15 / 10);

    /// <summary>
    /// How much lower (as a ratio of MSEs: 0.25 dB) than the frame's target the refit over the fixed first layer aims: about
    /// what quantising the other layers then costs (0.16 to 0.28 dB on five of eight synthetic frames, up to 0.8 dB on
    /// the others; results/benchmarks.md). A frame that falls short is brought there by its O-INR or the fine-tuning.
    /// </summary>
    public static readonly double RefitHeadroom = Math.Pow(10, 0.25 / 10);

    /// <summary>
    /// Residual-INR with a target per frame, in two parts.
    /// <para>With a <paramref name="refit"/> (a recipe with an L-BFGS phase, whose Adam phase was the float fit:
    /// <see cref="TrainingOptions.BeforeRefit()"/>), the other layers are refitted around a fixed first layer. Quantising a
    /// fitted 8-bit background costs most in its first layer: the other layers' errors are small and a later layer can
    /// absorb them, while a first-layer error shifts the phase and frequency of a sine feature, which nothing after it can
    /// undo. So the biases are wrapped (<see cref="BatchedSiren.WrapPhases"/>), the first layer is rounded to the values its
    /// payload will hold and fixed, and the other layers are fitted around it in float by L-BFGS (at most a tenth of the
    /// recipe's steps) until the frame is <see cref="RefitHeadroom"/> above its target.</para>
    /// <para>Then the fine-tuning rounds. The 8-bit background alone need not reach the frame's target: its O-INR takes
    /// most of the error left in the box. So the fine-tuning stops as soon as the frame, with the share of the box's error
    /// its O-INR leaves, would be there, instead of running to its cap. Round 0 quantises the background as it is and fits
    /// the O-INRs against it; a frame that is there is done without any fine-tuning. The others fine-tune, each judged by
    /// its error outside the box plus its box's error times the share its O-INR left this round
    /// (<see cref="ObjectInrFitter.BoxError.Remaining"/>), and their O-INRs are fitted again against the new backgrounds.
    /// A frame still short after <see cref="FineTuneRounds"/> rounds, or with the fine-tuning's steps spent, keeps what it has.
    /// Each round's fine-tuning is a fit of its own (Adam from rest, cosine over the steps left).</para>
    /// </summary>
    private (NetworkPayload[] Background, (NetworkPayload Net, float Q)?[] Objects) EncodeToTargets(BatchedSiren net, IReadOnlyList<FrameToEncode> frames,
        Tensor coords, Tensor targets, Generator generator, FitCost cost, double[] targetMse, TrainingOptions? refit, int floatSteps)
    {
        int n = frames.Count;
        var everyRow = Enumerable.Range(0, n).ToArray();
        if (refit is not null)
        {
            net.WrapPhases();
            FixFirstLayer(net);
            TrainRows(net, everyRow, coords, targets, targetMse.Select(m => m / RefitHeadroom).ToArray(), null, refit, "refit", null, 1, cost, floatSteps);
        }
        var background = Enumerable.Range(0, n).Select(i => QuantiseBackground(net, i)).ToArray();
        var objects = new (NetworkPayload Net, float Q)?[n];
        var tunedSteps = new int[n];
        var pending = everyRow;
        for (int round = 0; ; round++)
        {
            var decoded = _decoder.DecodeBackgrounds(pending.Select(i => BackgroundOnly(frames[i], background[i])).ToList());
            var boxErrors = new ObjectInrFitter.BoxError[pending.Length];
            var pendingFrames = pending.Select(i => frames[i]).ToList();
            var fitted = FitObjects(pendingFrames, decoded, generator, cost, pending, pending.Select(i => targetMse[i]).ToArray(), boxErrors);
            var behind = new List<int>(); // positions in pending
            for (int k = 0; k < pending.Length; k++)
            {
                int i = pending[k];
                objects[i] = fitted[k];
                var box = HasBox(frames[i]) ? boxErrors[k].Sent : 0;
                double mse = (ObjectInrFitter.SquaredErrorOutside(frames[i].Image, frames[i].Box, decoded[k]) + box) / (frames[i].Image.Pixels.Length * ObjectInrFitter.PixelUnitsSquared);
                if (mse > targetMse[i]) behind.Add(k);
            }
            int stepsTaken = behind.Select(k => tunedSteps[pending[k]]).DefaultIfEmpty(0).Max();
            int stepsLeft = Settings.QuantizationAwareSteps - stepsTaken;
            if (behind.Count == 0 || round == FineTuneRounds || stepsLeft <= 0) break;

            var rows = behind.Select(k => pending[k]).ToArray();
            using var scoreWeights = BoxScoreWeights(rows.Select(i => frames[i]).ToList(), behind.Select(k => boxErrors[k]).ToList());
            var took = FineTune(net, rows, coords, targets, rows.Select(i => targetMse[i] / FineTuneMargin).ToArray(), scoreWeights, stepsLeft, cost, stepsTaken);
            for (int r = 0; r < rows.Length; r++)
            {
                tunedSteps[rows[r]] += took[r];
                background[rows[r]] = QuantiseBackground(net, rows[r]);
            }
            pending = rows;
        }
        return (background, objects);
    }

    /// <summary>
    /// The fine-tuning's score weights [frames, P, 1]: 1 outside a frame's box, and inside it the share of the box's error
    /// its O-INR leaves (<see cref="ObjectInrFitter.BoxError.Remaining"/>; 1 for a frame without a box).
    /// </summary>
    private Tensor BoxScoreWeights(IReadOnlyList<FrameToEncode> frames, IReadOnlyList<ObjectInrFitter.BoxError> boxErrors)
    {
        int pixels = frames[0].Image.PixelCount, width = frames[0].Image.Width, height = frames[0].Image.Height;
        var weights = new float[frames.Count * pixels];
        Array.Fill(weights, 1f);
        for (int r = 0; r < frames.Count; r++)
        {
            if (!HasBox(frames[r])) continue;
            var b = frames[r].Box!.Value;
            int x0 = Math.Max(b.X, 0), x1 = Math.Min(b.X + b.W, width);  // the part of the box inside the frame
            for (int y = Math.Max(b.Y, 0); y < Math.Min(b.Y + b.H, height) && x1 > x0; y++)
                Array.Fill(weights, (float)boxErrors[r].Remaining, r * pixels + y * width + x0, x1 - x0);
        }
        return tensor(weights, [frames.Count, pixels, 1]).to(_device);
    }

    /// <summary>Rounds each background's first layer (weights and biases) to the values its payload will hold, in place.</summary>
    private void FixFirstLayer(BatchedSiren net)
    {
        for (int i = 0; i < net.Batch; i++)
        {
            var tensors = net.Export(i);
            for (int t = 0; t < 2; t++) tensors[t] = QuantizedTensor.Quantize(tensors[t], Settings.BackgroundBits).Dequantize();
            net.Import(i, tensors);
        }
    }

    private static bool HasBox(FrameToEncode frame) => frame.Box is { IsEmpty: false };

    private InrPayload BackgroundOnly(FrameToEncode frame, NetworkPayload background) =>
        new(Name, frame.Image.Width, frame.Image.Height, null, 0, [background]);

    private NetworkPayload QuantiseBackground(BatchedSiren net, int index) =>
        Quantise(NetworkRole.Background, Settings.Background, net.Export(index), Settings.BackgroundBits);

    /// <summary>The per-step callback of a background fit: the given one, plus <see cref="OnFitStep"/> in PSNR.</summary>
    private Action<int, float[]>? Observe(string stage, Action<int, float[]>? also) =>
        OnFitStep is null && also is null ? null : (step, mse) =>
        {
            also?.Invoke(step, mse);
            OnFitStep?.Invoke(stage, step, mse.Select(e => Psnr.FromMse(e)).ToArray());
        };

    /// <summary>The object INRs of <paramref name="frames"/> against their quantised backgrounds (decoded here, as the decoder will).</summary>
    private (NetworkPayload Net, float Q)?[] FitObjects(IReadOnlyList<FrameToEncode> frames, NetworkPayload[] background, Generator generator, FitCost cost, double[]? targetMse)
    {
        // The residual is taken against the background as the decoder will see it: quantised.
        float[]?[]? reconstructed = null;
        if (Settings.Object == ObjectEncoding.Residual)
        {
            reconstructed = new float[]?[frames.Count];
            var withBox = Enumerable.Range(0, frames.Count).Where(i => HasBox(frames[i])).ToArray();
            var decoded = _decoder.DecodeBackgrounds(withBox.Select(i => BackgroundOnly(frames[i], background[i])).ToList());
            for (int k = 0; k < withBox.Length; k++) reconstructed[withBox[k]] = decoded[k];
        }
        return FitObjects(frames, reconstructed, generator, cost, Enumerable.Range(0, frames.Count).ToArray(), targetMse, null);
    }

    /// <param name="rows">Each frame's position in the batch (for <paramref name="cost"/>).</param>
    private (NetworkPayload Net, float Q)?[] FitObjects(IReadOnlyList<FrameToEncode> frames, IReadOnlyList<float[]?>? decodedBackgrounds, Generator generator,
        FitCost cost, int[] rows, double[]? targetMse, ObjectInrFitter.BoxError[]? boxErrors)
    {
        var partCost = new FitCost(frames.Count);
        var fitted = ObjectInrFitter.Fit(frames, decodedBackgrounds, Settings.Object, Settings.Groups, Settings.ObjectTrainingOrDefault, Settings.ObjectBits, _device, generator,
            partCost, targetMse, OnFitStep is null ? null : (step, psnr) => OnFitStep("object", step, psnr), boxErrors);
        partCost.AddTo(cost, rows);
        return fitted;
    }

    /// <summary>[H*W, 3] targets in [-1, 1].</summary>
    private static Tensor ImageTargets(RgbImage image) => tensor(NetworkUnits.FromImage(image), [image.PixelCount, 3]);

    private static NetworkPayload Quantise(NetworkRole role, SirenShape shape, float[][] weights, int bits) => ObjectInrFitter.Quantise(role, shape, weights, bits);
}
