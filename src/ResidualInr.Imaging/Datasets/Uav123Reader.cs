namespace ResidualInr.Imaging.Datasets;

/// <summary>
/// UAV123: <c>anno/UAV123/NAME.txt</c> (x,y,w,h per line, NaN when the target is out of view)
/// and <c>data_seq/UAV123/FOLDER/000001.jpg</c>. Several annotation files cover sub-ranges of one
/// folder; the ranges are not in the files, so they come from the benchmark's table below.
/// </summary>
public static class Uav123Reader
{
    /// <summary>Annotation name to (image folder, first frame, last frame), from the UAV123 benchmark configuration.</summary>
    internal static readonly Dictionary<string, (string Folder, int First, int Last)> SubRanges = new(StringComparer.Ordinal)
    {
        ["bird1_1"] = ("bird1", 1, 253), ["bird1_2"] = ("bird1", 775, 1477), ["bird1_3"] = ("bird1", 1573, 2437),
        ["car1_1"] = ("car1", 1, 751), ["car1_2"] = ("car1", 751, 1627), ["car1_3"] = ("car1", 1627, 2629),
        ["car6_1"] = ("car6", 1, 487), ["car6_2"] = ("car6", 487, 1807), ["car6_3"] = ("car6", 1807, 2953),
        ["car6_4"] = ("car6", 2953, 3925), ["car6_5"] = ("car6", 3925, 4861),
        ["car8_1"] = ("car8", 1, 1357), ["car8_2"] = ("car8", 1357, 2575),
        ["car16_1"] = ("car16", 1, 415), ["car16_2"] = ("car16", 415, 1993),
        ["group1_1"] = ("group1", 1, 1333), ["group1_2"] = ("group1", 1333, 2515),
        ["group1_3"] = ("group1", 2515, 3925), ["group1_4"] = ("group1", 3925, 4873),
        ["group2_1"] = ("group2", 1, 907), ["group2_2"] = ("group2", 907, 1771), ["group2_3"] = ("group2", 1771, 2683),
        ["group3_1"] = ("group3", 1, 1567), ["group3_2"] = ("group3", 1567, 2827),
        ["group3_3"] = ("group3", 2827, 4369), ["group3_4"] = ("group3", 4369, 5527),
        ["person2_1"] = ("person2", 1, 1189), ["person2_2"] = ("person2", 1189, 2623),
        ["person4_1"] = ("person4", 1, 1501), ["person4_2"] = ("person4", 1501, 2743),
        ["person5_1"] = ("person5", 1, 877), ["person5_2"] = ("person5", 877, 2101),
        ["person7_1"] = ("person7", 1, 1249), ["person7_2"] = ("person7", 1249, 2065),
        ["person8_1"] = ("person8", 1, 1075), ["person8_2"] = ("person8", 1075, 1525),
        ["person12_1"] = ("person12", 1, 601), ["person12_2"] = ("person12", 601, 1621),
        ["person14_1"] = ("person14", 1, 847), ["person14_2"] = ("person14", 847, 1813), ["person14_3"] = ("person14", 1813, 2923),
        ["person17_1"] = ("person17", 1, 1501), ["person17_2"] = ("person17", 1501, 2347),
        ["person19_1"] = ("person19", 1, 1243), ["person19_2"] = ("person19", 1243, 2791), ["person19_3"] = ("person19", 2791, 4357),
        ["truck4_1"] = ("truck4", 1, 577), ["truck4_2"] = ("truck4", 577, 1261),
        ["uav1_1"] = ("uav1", 1, 1555), ["uav1_2"] = ("uav1", 1555, 2377), ["uav1_3"] = ("uav1", 2473, 3469),
    };

    /// <summary>True when <paramref name="dir"/> is a UAV123 root (<c>anno/UAV123/</c> inside).</summary>
    public static bool IsRoot(string dir) => Directory.Exists(Path.Combine(dir, "anno", "UAV123"));

    public static Dataset Read(string root)
    {
        var annoDir = Path.Combine(root, "anno", "UAV123");
        var dataDir = Path.Combine(root, "data_seq", "UAV123");
        if (!Directory.Exists(root)) throw new InputException(root, null, "dataset folder not found");
        if (!Directory.Exists(annoDir)) throw new InputException(annoDir, null, "UAV123 annotation folder not found");
        if (!Directory.Exists(dataDir)) throw new InputException(dataDir, null, "UAV123 image folder not found");

        var sequences = new List<Sequence>();
        foreach (var annotationPath in Directory.GetFiles(annoDir, "*.txt").OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(annotationPath);
            var boxes = AnnotationParsing.ReadBoxes(annotationPath);
            var (folder, first, last) = SubRanges.TryGetValue(name, out var sub) ? sub : (name, 1, boxes.Count);
            var folderPath = Path.Combine(dataDir, folder);
            var images = AnnotationParsing.NumberedImages(folderPath);
            int count = last - first + 1;
            if (boxes.Count != count)
                throw new InputException(annotationPath, null, $"{boxes.Count} annotations but frames {first}-{last} of {folder} are {count}");
            if (images.Count == 0) throw new InputException(folderPath, null, "no numbered .jpg or .png images");

            for (int i = 0; i < count; i++)
                if (!images.ContainsKey(first + i))
                    throw new InputException(annotationPath, boxes[i].Line, $"frame {first + i} has no image in {folderPath}");
            var (w, h) = AnnotationParsing.SequenceSize(Enumerable.Range(first, count).Select(n => images[n]));
            var frames = new List<Frame>(count);
            for (int i = 0; i < count; i++)
            {
                int number = first + i;
                var image = images[number];
                var box = AnnotationParsing.CheckInside(boxes[i].Box, w, h, annotationPath, boxes[i].Line);
                frames.Add(new Frame(name, number, image, box));
            }
            sequences.Add(new Sequence(name, w, h, frames));
        }
        if (sequences.Count == 0) throw new InputException(annoDir, null, "no annotation files (*.txt)");
        return new Dataset(root, DatasetFormat.Uav123, sequences);
    }
}
