namespace ResidualInr.Imaging.Datasets;

/// <summary>
/// OTB100: <c>Seq/img/0001.jpg</c> with <c>Seq/groundtruth_rect.txt</c>, one box per frame.
/// Two-target sequences carry <c>groundtruth_rect.1.txt</c> and <c>.2.txt</c> and become two
/// sequences (<c>Jogging.1</c>, <c>Jogging.2</c>) over the same images.
/// </summary>
public static class OtbReader
{
    /// <summary>
    /// Sequences whose annotations cover only part of the image folder, as the OTB toolkit's
    /// sequence table gives them (first and last annotated frame).
    /// </summary>
    private static readonly Dictionary<string, (int First, int Last)> AnnotatedRanges = new(StringComparer.OrdinalIgnoreCase)
    {
        ["David"] = (300, 770),
        ["Football1"] = (1, 74),
        ["Freeman3"] = (1, 460),
        ["Freeman4"] = (1, 283),
        ["Diving"] = (1, 215),
        ["Tiger1"] = (6, 354),
        ["BlurCar1"] = (247, 988),
        ["BlurCar3"] = (3, 359),
        ["BlurCar4"] = (18, 397),
    };

    /// <summary>
    /// Reads a folder of sequences (<c>ROOT/Seq/img/</c>) or, when <paramref name="root"/> is itself a
    /// sequence (<c>img/</c> and <c>groundtruth_rect*.txt</c> directly inside), that one sequence.
    /// </summary>
    public static Dataset Read(string root)
    {
        if (!Directory.Exists(root)) throw new InputException(root, null, "dataset folder not found");
        var folders = IsSequenceFolder(root)
            ? [root]
            : Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        var sequences = new List<Sequence>();
        foreach (var dir in folders)
        {
            var name = FolderName(dir);
            var single = Path.Combine(dir, SingleAnnotation);
            var multi = Directory.GetFiles(dir, "groundtruth_rect.*.txt").OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (File.Exists(single)) sequences.Add(ReadSequence(dir, name, single));
            foreach (var gt in multi)
            {
                var target = Path.GetFileName(gt)["groundtruth_rect.".Length..^".txt".Length];
                sequences.Add(ReadSequence(dir, $"{name}.{target}", gt));
            }
        }
        if (sequences.Count == 0)
            throw new InputException(root, null, "no OTB sequences found (expected img/ and groundtruth_rect.txt in this folder or in its sub-folders)");
        return new Dataset(root, DatasetFormat.Otb, sequences);
    }

    private const string SingleAnnotation = "groundtruth_rect.txt";

    /// <summary>One <c>groundtruth_rect.txt</c> line as this reader reads it back: <c>x,y,w,h</c>, or NaNs for a frame without its target.</summary>
    public static string FormatLine(Box? box) => box is { } b
        ? FormattableString.Invariant($"{b.X},{b.Y},{b.W},{b.H}")
        : "NaN,NaN,NaN,NaN";

    /// <summary>
    /// Writes <c>DIR/groundtruth_rect.txt</c> for frames whose images already lie in <c>DIR/img/</c>,
    /// one line per box in frame order.
    /// </summary>
    public static void WriteAnnotations(string sequenceDir, IEnumerable<Box?> boxes)
        => AtomicFile.WriteAllText(Path.Combine(sequenceDir, SingleAnnotation), string.Concat(boxes.Select(b => FormatLine(b) + "\n")));

    /// <summary>True when <paramref name="dir"/> is one OTB sequence: an <c>img/</c> folder and a <c>groundtruth_rect*.txt</c> beside it.</summary>
    public static bool IsSequenceFolder(string dir)
        => Directory.Exists(Path.Combine(dir, "img")) && HasAnnotation(dir);

    /// <summary>True when <paramref name="dir"/> holds an OTB annotation file (<c>groundtruth_rect.txt</c> or <c>groundtruth_rect.N.txt</c>).</summary>
    public static bool HasAnnotation(string dir)
        => File.Exists(Path.Combine(dir, SingleAnnotation)) || Directory.GetFiles(dir, "groundtruth_rect.*.txt").Length > 0;

    /// <summary>A folder's own name, also for a path given with a trailing separator (<c>Walk/</c>).</summary>
    internal static string FolderName(string dir) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));

    private static Sequence ReadSequence(string dir, string name, string annotationPath)
    {
        var images = AnnotationParsing.NumberedImages(Path.Combine(dir, "img"));
        if (images.Count == 0) throw new InputException(Path.Combine(dir, "img"), null, "no numbered .jpg or .png images");
        var boxes = AnnotationParsing.ReadBoxes(annotationPath);

        // A listed sequence is annotated over a known range; any other starts at its first image
        // (some start at 0300.jpg) and must have exactly one annotation per image.
        var numbers = images.Keys.ToList();
        if (AnnotatedRanges.TryGetValue(FolderName(dir), out var range) && numbers.Count != boxes.Count)
        {
            numbers = Enumerable.Range(range.First, range.Last - range.First + 1).ToList();
            var missing = numbers.FirstOrDefault(n => !images.ContainsKey(n), -1);
            if (missing >= 0) throw new InputException(Path.Combine(dir, "img"), null, $"frame {missing} of the annotated range {range.First}-{range.Last} has no image");
        }
        if (numbers.Count != boxes.Count)
            throw new InputException(annotationPath, null, $"{boxes.Count} annotations for {numbers.Count} images in {Path.Combine(dir, "img")}");

        var (w, h) = AnnotationParsing.SequenceSize(numbers.Select(n => images[n]));
        var frames = new List<Frame>(numbers.Count);
        for (int i = 0; i < numbers.Count; i++)
        {
            var box = AnnotationParsing.CheckInside(boxes[i].Box, w, h, annotationPath, boxes[i].Line);
            frames.Add(new Frame(name, numbers[i], images[numbers[i]], box));
        }
        return new Sequence(name, w, h, frames);
    }
}
