using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Payloads;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Training;
using static TorchSharp.torch;

namespace ResidualInr.Cli.Accuracy;

/// <summary>One codec's encode: the folder its metrics.csv and payloads live in, and the rows of that file.</summary>
public sealed record EncodedCodec(string Directory, IReadOnlyList<FrameMetrics> Frames);

/// <summary>
/// The learning stage shared by <c>rinr train</c> and <c>rinr run</c>. It trains on the frames every
/// codec encoded (the same frames for all), decoded from each codec's payloads and, as the upper
/// reference, from the originals; and it tests on original frames of the dataset that no codec
/// encoded: the frames a device will see next, never shared and never trained on.
/// </summary>
public static class AccuracyStage
{
    public const string Original = "original";

    public static IReadOnlyList<AccuracyRow> Run(Dataset dataset, IReadOnlyList<EncodedCodec> codecs, DetectorSettings settings,
        IReadOnlyList<int> seeds, int maxTestFrames, Device device, TextWriter output)
    {
        if (codecs.Count == 0) throw new InputException("no codec folders to train on");
        var byKey = dataset.Sequences.SelectMany(s => s.Frames.Select(f => (Sequence: s, Frame: f))).ToDictionary(p => (p.Sequence.Name, p.Frame.Index));
        var shared = codecs.Select(c => c.Frames.Select(r => (r.Sequence, r.Frame)).ToHashSet()).Aggregate((a, b) => { a.IntersectWith(b); return a; });
        foreach (var c in codecs)
        {
            var missing = c.Frames.FirstOrDefault(r => !byKey.ContainsKey((r.Sequence, r.Frame)));
            if (missing is not null)
                throw new InputException(Path.Combine(c.Directory, "metrics.csv"), null, $"frame {missing.Frame} of sequence '{missing.Sequence}' is not in the dataset");
            if (c.Frames.Count > shared.Count)
                output.WriteLine($"note: {c.Directory} has {c.Frames.Count - shared.Count} frames another codec lacks; training uses the {shared.Count} all codecs share");
        }
        var trainKeys = byKey.Keys.Where(shared.Contains).ToList(); // dataset order
        if (trainKeys.Count == 0) throw new InputException("the codec folders share no frame, so there is nothing to train on");
        var testKeys = EvenlySpaced(byKey.Keys.Where(k => !shared.Contains(k)).ToList(), maxTestFrames);
        if (testKeys.Count == 0)
            throw new InputException(dataset.Root, null, "every frame of the dataset was encoded, so none is left to test on; encode fewer frames per sequence (rinr encode --frames N)");

        var sources = new List<IFrameSource>();
        try
        {
            sources.AddRange(codecs.Select(c => OpenSource(c, trainKeys, device)));
            int w = sources[0].Width, h = sources[0].Height;
            var odd = sources.FirstOrDefault(s => s.Width != w || s.Height != h);
            if (odd is not null) throw new InputException($"{odd.Name} frames are {odd.Width}x{odd.Height} but {sources[0].Name} frames are {w}x{h}; encode every codec at one size");

            var (trainImages, trainBoxes) = Originals(trainKeys.Select(k => byKey[k]).ToList(), w, h, "Loading training originals");
            var (testImages, testBoxes) = Originals(testKeys.Select(k => byKey[k]).ToList(), w, h, "Loading test frames");
            using var test = new PixelFrameSource("test", testImages, device);
            sources.Add(new PixelFrameSource(Original, trainImages, device));

            long parameters;
            using (var probe = new Learning.Detector.SingleObjectDetector(settings.Width)) parameters = probe.ParameterCount;
            output.WriteLine($"training on {trainKeys.Count} frames at {w}x{h} ({string.Join(", ", sources.Select(s => s.Name))}), " +
                             $"testing on {testKeys.Count} held-out original frames, {seeds.Count} seeds x {settings.Epochs} epochs each; " +
                             string.Create(System.Globalization.CultureInfo.InvariantCulture, $"detector of {parameters:N0} parameters"));
            var experiment = new AccuracyExperiment(trainBoxes, test, testBoxes, settings, device);
            return ConsoleProgress.Run("Training detectors", sources.Count * seeds.Count * settings.Epochs, p => experiment.Run(sources, seeds, p));
        }
        finally
        {
            foreach (var source in sources.OfType<IDisposable>()) source.Dispose();
        }
    }

    private static IFrameSource OpenSource(EncodedCodec codec, IReadOnlyList<(string Sequence, int Frame)> keys, Device device)
    {
        var rows = codec.Frames.ToDictionary(r => (r.Sequence, r.Frame));
        var name = codec.Frames[0].Codec;
        if (CodecCatalog.IsSequenceCodec(name)) return OpenSequenceSource(codec, name, rows, keys, device);
        var files = new List<string>(keys.Count);
        var payloads = new List<byte[]>(keys.Count);
        foreach (var key in keys)
        {
            var row = rows[key];
            if (string.IsNullOrEmpty(row.PayloadFile))
                throw new InputException(Path.Combine(codec.Directory, "metrics.csv"), null, $"no payload_file for frame {key.Frame} of '{key.Sequence}'");
            var file = Path.Combine(codec.Directory, row.PayloadFile);
            if (!File.Exists(file)) throw new InputException(file, null, "payload file not found");
            files.Add(file);
            payloads.Add(File.ReadAllBytes(file));
        }
        if (PayloadFormat.LooksLikeInrPayload(payloads[0]))
            return new InrFrameSource(name, payloads.Select((p, i) => PayloadFormat.Read(p, files[i])).ToList(), device);
        return new JpegFrameSource(name, payloads, files);
    }

    /// <summary>A video codec's frames: each row names its sequence's container; a frame is found in it by its index.</summary>
    private static IFrameSource OpenSequenceSource(EncodedCodec codec, string name, Dictionary<(string, int), FrameMetrics> rows,
        IReadOnlyList<(string Sequence, int Frame)> keys, Device device)
    {
        var containers = new Dictionary<string, SequencePayload>();
        var frames = new List<(SequencePayload, int)>(keys.Count);
        foreach (var key in keys)
        {
            var file = Path.Combine(codec.Directory, rows[key].PayloadFile);
            if (!containers.TryGetValue(file, out var container))
            {
                if (!File.Exists(file)) throw new InputException(file, null, "sequence payload file not found");
                containers[file] = container = SequencePayloadFormat.Read(File.ReadAllBytes(file), file);
            }
            int position = container.Frames.ToList().FindIndex(f => f.Index == key.Frame);
            if (position < 0) throw new InputException(file, null, $"the sequence payload has no frame {key.Frame}");
            frames.Add((container, position));
        }
        return new NervFrameSource(name, frames, device);
    }

    /// <summary>
    /// Original frames resized to the codecs' size, with their boxes scaled and clipped (null: no object or NaN).
    /// Not EncodeRunner.Prepare: that rounds boxes out to whole pixels for the O-INRs, the detector's truth keeps them exact.
    /// </summary>
    private static (List<RgbImage> Images, List<Box?> Boxes) Originals(IReadOnlyList<(Sequence Sequence, Frame Frame)> frames, int w, int h, string stage)
    {
        var images = new List<RgbImage>(frames.Count);
        var boxes = new List<Box?>(frames.Count);
        ConsoleProgress.Run(stage, frames.Count, progress =>
        {
            foreach (var (_, frame) in frames)
            {
                var original = ImageFiles.Load(frame.ImagePath);
                images.Add(original.Width == w && original.Height == h ? original : original.Resize(w, h));
                Box? box = frame.Box is { } b ? b.Scale((double)w / original.Width, (double)h / original.Height).ClipTo(w, h) : null;
                boxes.Add(box is { W: > 0, H: > 0 } ? box : null);
                progress.Report(images.Count);
            }
            return 0;
        });
        return (images, boxes);
    }

    /// <summary>At most <paramref name="max"/> items, spread evenly over the list (all when it is short enough).</summary>
    private static List<T> EvenlySpaced<T>(List<T> items, int max) =>
        items.Count <= max ? items : Enumerable.Range(0, max).Select(i => items[(int)((long)i * items.Count / max)]).ToList();
}
