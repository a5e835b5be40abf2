using System.Diagnostics;
using ResidualInr.Codec.Codecs;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;

namespace ResidualInr.Codec.Evaluation;

/// <param name="Width">Frames are resized to Width x Height before encoding; boxes scale with them.</param>
/// <param name="Batch">Frames encoded (and decoded) together in one stacked step.</param>
/// <param name="MaxFrames">Encode only the first frames of each sequence (0 = all).</param>
/// <param name="FirstBatch">Encode only batches from this one on (a work unit of a sharded run, see <see cref="BatchCount"/>).</param>
/// <param name="BatchCount">Encode only this many batches from <see cref="FirstBatch"/> (0 = to the end). A batch keeps its
/// index in the whole encode, and with it its seed, so a slice's payloads are those of the same frames in a whole encode.</param>
public sealed record EncodeOptions(int Width, int Height, int Batch = 8, int Seed = 1, int MaxFrames = 0, int FirstBatch = 0, int BatchCount = 0)
{
    public void Validate()
    {
        if (Width < 8 || Height < 8 || Width > 4096 || Height > 4096) throw new InputException($"--size {Width}x{Height} is out of range (8..4096 per side)");
        if (Batch < 1) throw new InputException($"--batch must be at least 1, got {Batch}");
        if (MaxFrames < 0) throw new InputException($"--frames must be 0 (all) or more, got {MaxFrames}");
        if (FirstBatch < 0 || BatchCount < 0) throw new ArgumentException($"batch slice {FirstBatch}+{BatchCount} is negative");
    }

    /// <summary>Whether the batch with this index (in the whole encode) is in the slice to encode.</summary>
    public bool InSlice(int batchIndex) => batchIndex >= FirstBatch && (BatchCount == 0 || batchIndex < FirstBatch + BatchCount);

    /// <summary>Whether only a slice of the batches is encoded.</summary>
    public bool Sliced => FirstBatch > 0 || BatchCount > 0;

    /// <summary>The frames of a sequence that get encoded: the first <see cref="MaxFrames"/>, or all.</summary>
    public IEnumerable<Frame> FramesOf(Sequence sequence) => MaxFrames > 0 ? sequence.Frames.Take(MaxFrames) : sequence.Frames;

    /// <summary>How many frames of the dataset get encoded.</summary>
    public int FrameCount(Dataset dataset) => dataset.Sequences.Sum(s => MaxFrames > 0 ? Math.Min(MaxFrames, s.Frames.Count) : s.Frames.Count);
}

/// <summary>
/// Encodes a dataset with one codec: resizes frames, encodes them in batches, writes one payload
/// file per frame, decodes every payload back (timed, batched) and measures PSNR against the
/// resized original: whole frame, background (outside the box) and object (inside it).
/// </summary>
public static class EncodeRunner
{
    /// <param name="framesDone">Frames finished, fractional while a batch trains (the background fit counts for 90% of a batch).</param>
    public static IReadOnlyList<FrameMetrics> Run(Dataset dataset, IFrameCodec codec, EncodeOptions options, string outDir, IProgress<double>? framesDone = null)
    {
        options.Validate();
        var frames = dataset.Sequences
            .SelectMany(s => options.FramesOf(s).Select(f => (Sequence: s, Frame: f)))
            .ToList();
        bool warm = codec is InrCodec { Settings.WarmStart: true };
        // A warm-started frame starts from its predecessor's weights, which a slice would not have.
        if (warm && options.Sliced) throw new ArgumentException("a warm-started encode cannot be sliced into batches");
        var metrics = new List<FrameMetrics>(frames.Count);
        int done = 0, batchIndex = 0;
        foreach (var batch in Batches(frames, options.Batch, warm))
        {
            if (!options.InSlice(batchIndex))
            {
                batchIndex++;
                continue;
            }
            var inputs = batch.Select(p => Prepare(p.Sequence, p.Frame, options)).ToList();
            if (codec is InrCodec inr) inr.OnBatchProgress = fraction => framesDone?.Report(done + 0.9 * fraction * inputs.Count);
            var clock = Stopwatch.StartNew();
            var encoded = codec.EncodeBatch(inputs, StableSeed.Derive(options.Seed, batchIndex++));
            double batchSeconds = clock.Elapsed.TotalSeconds, encodeSeconds = batchSeconds / inputs.Count;
            // A frame's own time: its share of the training steps, plus an even share of the rest (quantising, writing).
            double untrained = Math.Max(0, batchSeconds - encoded.Sum(e => e.TrainingSeconds)) / inputs.Count;

            clock.Restart();
            var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
            double decodeSeconds = clock.Elapsed.TotalSeconds / inputs.Count;

            for (int i = 0; i < encoded.Count; i++)
            {
                var e = encoded[i];
                var file = Path.Combine(outDir, Sanitise(e.Frame.Sequence), $"{e.Frame.Index:D6}{codec.PayloadExtension}");
                AtomicFile.WriteAllBytes(file, e.Payload);
                var (whole, bg, obj) = Quality(e.Frame, decoded[i]);
                metrics.Add(new FrameMetrics(e.Frame.Sequence, e.Frame.Index, codec.Name, e.Payload.Length, e.BackgroundBytes, e.ObjectBytes,
                    whole, bg, obj, encodeSeconds, decodeSeconds,
                    e.SizeGroup, Path.GetRelativePath(outDir, file), inputs.Count, e.Steps, e.Steps > 0 ? e.TrainingSeconds + untrained : double.NaN));
            }
            done += inputs.Count;
            framesDone?.Report(done);
        }
        return metrics;
    }

    /// <summary>
    /// Encodes a dataset with a video codec: one container per sequence (SEQ/sequence.rnrv), decoded
    /// back whole (timed) and measured per frame. A frame's payload_bytes is its share of the container
    /// (<see cref="Payloads.SequencePayloadFormat"/>); every frame of a sequence names the same container file.
    /// </summary>
    public static IReadOnlyList<FrameMetrics> RunSequences(Dataset dataset, ISequenceCodec codec, EncodeOptions options, string outDir, IProgress<double>? framesDone = null)
    {
        options.Validate();
        if (options.Sliced) throw new ArgumentException("a video codec's encode cannot be sliced into batches (one network per sequence)");
        var metrics = new List<FrameMetrics>();
        int done = 0, index = 0;
        foreach (var sequence in dataset.Sequences)
        {
            var frames = options.FramesOf(sequence).ToList();
            if (frames.Count == 0) continue;
            var inputs = frames.Select(f => Prepare(sequence, f, options)).ToList();
            if (codec is Nerv.NervCodec nerv)
            {
                int before = done;
                nerv.OnEpoch = (epoch, _) => framesDone?.Report(before + 0.9 * inputs.Count * epoch / nerv.Settings.Training.Epochs);
            }
            var clock = Stopwatch.StartNew();
            var encoded = codec.EncodeSequence(inputs, StableSeed.Derive(options.Seed, index++));
            double encodeSeconds = clock.Elapsed.TotalSeconds / inputs.Count;
            var file = Path.Combine(outDir, Sanitise(sequence.Name), "sequence" + codec.PayloadExtension);
            AtomicFile.WriteAllBytes(file, encoded.Container);

            clock.Restart();
            var decoded = codec.DecodeSequence(encoded.Container, file);
            double decodeSeconds = clock.Elapsed.TotalSeconds / inputs.Count;
            for (int i = 0; i < inputs.Count; i++)
            {
                var share = encoded.Frames[i];
                var (whole, bg, obj) = Quality(inputs[i], decoded[i]);
                metrics.Add(new FrameMetrics(inputs[i].Sequence, inputs[i].Index, codec.Name, share.PayloadBytes, share.BackgroundBytes, share.ObjectBytes,
                    whole, bg, obj, encodeSeconds, decodeSeconds, share.SizeGroup, Path.GetRelativePath(outDir, file), inputs.Count));
            }
            done += inputs.Count;
            framesDone?.Report(done);
        }
        return metrics;
    }

    /// <summary>
    /// Frames in dataset order, B at a time. With warm start, frame t of a sequence must wait for
    /// frame t-1, so batches are waves: frame t of up to B sequences at once.
    /// </summary>
    private static IEnumerable<List<(Sequence Sequence, Frame Frame)>> Batches(List<(Sequence Sequence, Frame Frame)> frames, int size, bool waves)
    {
        if (!waves)
        {
            foreach (var chunk in frames.Chunk(size)) yield return chunk.ToList();
            yield break;
        }
        var byPosition = frames.GroupBy(p => p.Sequence.Name)
            .SelectMany(g => g.Select((p, t) => (p, t)))
            .GroupBy(x => x.t).OrderBy(g => g.Key);
        foreach (var wave in byPosition)
            foreach (var chunk in wave.Select(x => x.p).Chunk(size)) yield return chunk.ToList();
    }

    public static FrameToEncode Prepare(Sequence sequence, Frame frame, EncodeOptions options)
    {
        var original = ImageFiles.Load(frame.ImagePath);
        var image = original.Width == options.Width && original.Height == options.Height ? original : original.Resize(options.Width, options.Height);
        PixelRect? box = null;
        if (frame.Box is { } b)
        {
            var rect = b.Scale((double)options.Width / original.Width, (double)options.Height / original.Height).ToPixelRect(options.Width, options.Height);
            if (!rect.IsEmpty) box = rect;
        }
        return new FrameToEncode(sequence.Name, frame.Index, image, box);
    }

    private static (double Whole, double Background, double Object) Quality(FrameToEncode frame, RgbImage decoded)
    {
        double whole = ImageQuality.Psnr(frame.Image, decoded);
        if (frame.Box is not { } r) return (whole, whole, double.NaN);
        var box = new Box(r.X, r.Y, r.W, r.H);
        return (whole, ImageQuality.PsnrOutside(frame.Image, decoded, box), ImageQuality.PsnrInside(frame.Image, decoded, box));
    }

    private static string Sanitise(string name) => string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c));
}
