using System.Globalization;
using System.Text.RegularExpressions;

namespace ResidualInr.Imaging.Datasets;

/// <summary>Shared parsing of "x,y,w,h" annotation lines and of numbered frame files.</summary>
internal static partial class AnnotationParsing
{
    [GeneratedRegex(@"[,\s]+")]
    private static partial Regex Separators();

    /// <summary>
    /// Reads one box per non-empty line. Commas, tabs and spaces all separate values (OTB mixes
    /// them). A line of NaNs means "target absent" and gives null.
    /// </summary>
    public static List<(int Line, Box? Box)> ReadBoxes(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, null, "annotation file not found");
        var result = new List<(int, Box?)>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = Separators().Split(line);
            if (parts.Length != 4)
                throw new InputException(path, lineNo, $"expected 4 values x,y,w,h but found {parts.Length}: '{Shorten(line)}'");
            var v = new double[4];
            for (int i = 0; i < 4; i++)
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                    throw new InputException(path, lineNo, $"'{Shorten(parts[i])}' is not a number");
            int nans = v.Count(double.IsNaN);
            if (nans == 4) { result.Add((lineNo, null)); continue; }
            if (nans > 0) throw new InputException(path, lineNo, "box mixes NaN and numbers; use NaN for all four values when the target is absent");
            if (v.Any(double.IsInfinity)) throw new InputException(path, lineNo, "box has an infinite value");
            if (v[2] <= 0 || v[3] <= 0) throw new InputException(path, lineNo, $"box width and height must be positive, got {v[2]}x{v[3]}");
            result.Add((lineNo, new Box(v[0], v[1], v[2], v[3])));
        }
        return result;
    }

    /// <summary>Image files of a folder keyed by the number in their name (0001.jpg, 00001.png, 000001.jpg).</summary>
    public static SortedDictionary<int, string> NumberedImages(string folder)
    {
        if (!Directory.Exists(folder)) throw new InputException(folder, null, "image folder not found");
        var images = new SortedDictionary<int, string>();
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var ext = Path.GetExtension(file).ToLowerInvariant();
            if (ext is not (".jpg" or ".jpeg" or ".png")) continue;
            if (int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                images[n] = file;
        }
        return images;
    }

    /// <summary>
    /// The size every image of a sequence has, read from each file's header. Why: a tracker sequence
    /// never mixes sizes, and a frame that did (1x1 among 720x576) lost its box silently and put
    /// NaN/Infinity PSNRs into metrics.csv; such a frame is an input error naming it.
    /// </summary>
    public static (int Width, int Height) SequenceSize(IEnumerable<string> images)
    {
        (int Width, int Height)? first = null;
        foreach (var image in images)
        {
            var size = Images.ImageFiles.ReadSize(image);
            first ??= size;
            if (size != first.Value)
                throw new InputException(image, null, $"frame is {size.Width}x{size.Height}, the sequence's frames are {first.Value.Width}x{first.Value.Height}");
        }
        return first ?? throw new ArgumentException("a sequence needs at least one image", nameof(images));
    }

    /// <summary>
    /// Checks a box against its image: a box wholly outside is an error; one that only crosses an
    /// edge (common when a target leaves the view) is clipped to the image.
    /// </summary>
    public static Box? CheckInside(Box? box, int width, int height, string file, int line)
    {
        if (box is not { } b) return null;
        var clipped = b.ClipTo(width, height);
        if (clipped.W <= 0 || clipped.H <= 0)
            throw new InputException(file, line, $"box {b} lies outside the {width}x{height} image");
        return clipped;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
