using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ResidualInr.Imaging.Datasets;

/// <summary>
/// DAC-SDC: one folder per sub-category (<c>whale1/</c>) holding <c>NNNN.jpg</c> and a
/// Pascal-VOC style <c>NNNN.xml</c> with exactly one object. Corners are inclusive pixel
/// indices, so width = xmax - xmin + 1; some tools write floats, which are accepted.
/// The class label is the object name without its trailing digits.
/// </summary>
public static class DacSdcReader
{
    /// <summary>
    /// Reads a DAC-SDC root (one sub-folder per sub-category) or, when <paramref name="root"/> itself holds
    /// <c>.xml</c> annotations, that one sub-category folder.
    /// </summary>
    public static Dataset Read(string root)
    {
        if (!Directory.Exists(root)) throw new InputException(root, null, "dataset folder not found");
        var folders = IsCategoryFolder(root)
            ? [root]
            : Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToArray();
        var sequences = new List<Sequence>();
        foreach (var dir in folders)
        {
            var name = OtbReader.FolderName(dir);
            var images = AnnotationParsing.NumberedImages(dir);
            // Why: an annotation without its image is an error like an image without its annotation,
            // also in a folder that has no images at all (that folder used to be skipped silently).
            var annotated = images.Values.Select(i => Path.ChangeExtension(i, ".xml")).ToHashSet(StringComparer.Ordinal);
            var orphan = Directory.GetFiles(dir, "*.xml").Order(StringComparer.Ordinal).FirstOrDefault(x => !annotated.Contains(x));
            if (orphan is not null) throw new InputException(orphan, null, "annotation has no image beside it");
            if (images.Count == 0) continue;
            var (w, h) = AnnotationParsing.SequenceSize(images.Values);
            var frames = new List<Frame>(images.Count);
            foreach (var (number, image) in images)
            {
                var xml = Path.ChangeExtension(image, ".xml");
                var (box, label, line) = ReadAnnotation(xml);
                frames.Add(new Frame(name, number, image, AnnotationParsing.CheckInside(box, w, h, xml, line), label));
            }
            sequences.Add(new Sequence(name, w, h, frames));
        }
        if (sequences.Count == 0) throw new InputException(root, null, "no DAC-SDC folders with numbered images and .xml annotations");
        return new Dataset(root, DatasetFormat.DacSdc, sequences);
    }

    /// <summary>
    /// The annotation this reader reads back as <paramref name="box"/>: a VOC-style document with one object,
    /// inclusive corners (xmax = x + w - 1).
    /// </summary>
    public static string FormatAnnotation(string fileName, int width, int height, string objectName, Box box) =>
        new XDocument(new XElement("annotation",
            new XElement("filename", fileName),
            new XElement("size", new XElement("width", width), new XElement("height", height), new XElement("depth", 3)),
            new XElement("object",
                new XElement("name", objectName),
                new XElement("bndbox",
                    new XElement("xmin", Number(box.X)), new XElement("ymin", Number(box.Y)),
                    new XElement("xmax", Number(box.Right - 1)), new XElement("ymax", Number(box.Bottom - 1)))))).ToString() + "\n";

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="dir"/> is one DAC-SDC sub-category: <c>.xml</c> annotations directly inside.</summary>
    public static bool IsCategoryFolder(string dir) => Directory.GetFiles(dir, "*.xml").Length > 0;

    private static (Box Box, string Label, int Line) ReadAnnotation(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, null, "annotation file not found");
        XDocument doc;
        try { doc = XDocument.Load(path, LoadOptions.SetLineInfo); }
        catch (XmlException e) { throw new InputException(path, e.LineNumber, $"malformed XML: {e.Message}"); }

        var objects = doc.Root?.Elements("object").ToList() ?? [];
        if (objects.Count != 1) throw new InputException(path, null, $"expected exactly one <object>, found {objects.Count}");
        var obj = objects[0];
        var box = obj.Element("bndbox") ?? throw new InputException(path, LineOf(obj), "<object> has no <bndbox>");
        double Read(string tag)
        {
            var e = box.Element(tag) ?? throw new InputException(path, LineOf(box), $"<bndbox> has no <{tag}>");
            if (!double.TryParse(e.Value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new InputException(path, LineOf(e), $"<{tag}> '{e.Value.Trim()}' is not a finite number");
            return v;
        }
        double xmin = Read("xmin"), ymin = Read("ymin"), xmax = Read("xmax"), ymax = Read("ymax");
        if (xmax < xmin || ymax < ymin)
            throw new InputException(path, LineOf(box), $"box corners are reversed: ({xmin},{ymin})-({xmax},{ymax})");
        var name = obj.Element("name")?.Value.Trim() ?? "";
        var label = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        return (new Box(xmin, ymin, xmax - xmin + 1, ymax - ymin + 1), label, LineOf(box));
    }

    private static int LineOf(XObject o) => o is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;
}
