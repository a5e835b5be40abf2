using ResidualInr.Cli.Codecs;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Training;
using static TorchSharp.torch;

namespace ResidualInr.Cli.Accuracy;

/// <summary>
/// The learning stage shared by <c>rinr train</c> and <c>rinr run</c>. It trains on the frames every
/// codec encoded (the same frames for all), decoded from each codec's payloads and, as the upper
/// reference, from the originals; and it tests on original frames of the dataset that no codec
/// encoded: the frames a device will see next, never shared and never trained on.
/// </summary>
public static class AccuracyStage
{
    /// <param name="encodes">Each encode with its codec key (its rows' codec name, e.g. <c>jpeg-q90</c>).</param>
    /// <param name="only">
    /// Train only on this source (a codec key of <paramref name="encodes"/>, or <see cref="AccuracyExperiment.Original"/>), as one learning
    /// unit of a sharded run does; null trains on every codec and the originals. The frames trained and tested on are the
    /// same either way (every encode decides them), and each source and seed trains alone from its seed, so a unit's row
    /// is the row the whole stage gives.
    /// </param>
    /// <param name="pretrained">Weights every detector is fine-tuned from: <c>default</c> (the shipped ones for the width and
    /// frame size) or a path; null: every detector starts from random weights.</param>
    /// <param name="testSequences">Sequences held out whole (no codec encoded them): the test frames are theirs, unseen
    /// scenes. Empty: the test frames are the frames of the encoded sequences that no codec encoded.</param>
    public static AccuracyResults Run(Dataset dataset, IReadOnlyList<(string Key, EncodedFolder Folder)> encodes, DetectorSettings settings,
        IReadOnlyList<int> seeds, int maxTestFrames, Device device, TextWriter output, string? only = null, IReadOnlySet<string>? testSequences = null,
        string? pretrained = null)
    {
        if (only is not null && only != AccuracyExperiment.Original && encodes.All(e => e.Key != only))
            throw new ArgumentException($"learning source '{only}' is neither a codec of the encodes ({string.Join(", ", encodes.Select(e => e.Key))}) nor '{AccuracyExperiment.Original}'");
        if (encodes.Count == 0) throw new InputException("no codec folders to train on");
        var codecs = encodes.Select(e => e.Folder).ToList();
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
        bool wholeSequences = testSequences is { Count: > 0 };
        if (wholeSequences && trainKeys.Any(k => testSequences!.Contains(k.Name)))
            throw new InputException(dataset.Root, null, $"a held-out test sequence was encoded: {trainKeys.First(k => testSequences!.Contains(k.Name)).Name}");
        var testKeys = EvenlySpaced(byKey.Keys.Where(k => wholeSequences ? testSequences!.Contains(k.Name) : !shared.Contains(k)).ToList(), maxTestFrames);
        if (testKeys.Count == 0)
            throw new InputException(dataset.Root, null, wholeSequences
                ? "the held-out test sequences have no frames"
                : "every frame of the dataset was encoded, so none is left to test on; encode fewer frames per sequence (rinr encode --frames N)");

        var sources = new List<IFrameSource>();
        try
        {
            // Every codec is opened (its frame size checked and taken) even for one unit; only the trained ones are kept.
            sources.AddRange(encodes.Select(e => CodecRegistry.ForKey(e.Key, e.Folder.MetricsFile).OpenFrameSource(e.Key, e.Folder, trainKeys, device)));
            int w = sources[0].Width, h = sources[0].Height;
            var odd = sources.FirstOrDefault(s => s.Width != w || s.Height != h);
            if (odd is not null) throw new InputException($"{odd.Name} frames are {odd.Width}x{odd.Height} but {sources[0].Name} frames are {w}x{h}; encode every codec at one size");
            var weights = pretrained is null ? null : PretrainedModels.Read(pretrained, settings.Width, w, h, Environment.CurrentDirectory, "the detector's width");

            var (trainImages, trainBoxes) = Originals(trainKeys.Select(k => byKey[k]).ToList(), w, h, "Loading training originals");
            var (testImages, testBoxes) = Originals(testKeys.Select(k => byKey[k]).ToList(), w, h, "Loading test frames");
            using var test = new PixelFrameSource("test", testImages, device);
            sources.Add(new PixelFrameSource(AccuracyExperiment.Original, trainImages, device));
            var trained = only is null ? sources : sources.Where(s => s.Name == only).ToList();

            long parameters;
            using (var probe = new Learning.Detector.SingleObjectDetector(settings.Width)) parameters = probe.ParameterCount;
            output.WriteLine($"training on {trainKeys.Count} frames at {w}x{h} ({string.Join(", ", trained.Select(s => s.Name))}), " +
                             $"testing on {testKeys.Count} held-out original frames{(wholeSequences ? $" of {testSequences!.Count} unseen sequences" : "")}, {seeds.Count} seeds x {settings.Epochs} epochs each; " +
                             string.Create(System.Globalization.CultureInfo.InvariantCulture, $"detector of {parameters:N0} parameters") +
                             (weights is null ? ", from scratch" : $", fine-tuned from {weights.Path}"));
            var experiment = new AccuracyExperiment(trainBoxes, test, testBoxes, settings, device, weights);
            return ConsoleProgress.Run("Training detectors", trained.Count * seeds.Count * settings.Epochs, p => experiment.Run(trained, seeds, p));
        }
        finally
        {
            foreach (var source in sources.OfType<IDisposable>()) source.Dispose();
        }
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
