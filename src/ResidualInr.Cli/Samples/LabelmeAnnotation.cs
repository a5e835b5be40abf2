using System.Globalization;
using System.Text.Json;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Samples;

/// <summary>
/// A labelme JSON annotation (<c>imageWidth</c>, <c>imageHeight</c>, <c>shapes[]</c> with <c>label</c> and
/// <c>points</c>): each shape becomes the box bounding its points, whatever its type (rectangle, polygon).
/// </summary>
public sealed record LabelmeAnnotation(int Width, int Height, IReadOnlyList<(string Label, Box Box)> Objects)
{
    public static LabelmeAnnotation Read(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            int width = Required(root, "imageWidth", path).GetInt32(), height = Required(root, "imageHeight", path).GetInt32();
            var objects = new List<(string, Box)>();
            foreach (var shape in Required(root, "shapes", path).EnumerateArray())
            {
                var label = Required(shape, "label", path).GetString() ?? "";
                var points = Required(shape, "points", path).EnumerateArray().Select(p => (X: p[0].GetDouble(), Y: p[1].GetDouble())).ToList();
                if (points.Count < 2) throw new InputException(path, null, $"shape '{label}' has {points.Count} point(s); a box needs 2");
                double x0 = points.Min(p => p.X), y0 = points.Min(p => p.Y), x1 = points.Max(p => p.X), y1 = points.Max(p => p.Y);
                if (x1 <= x0 || y1 <= y0) throw new InputException(path, null, $"shape '{label}' has no area");
                objects.Add((label, new Box(x0, y0, x1 - x0, y1 - y0)));
            }
            if (objects.Count == 0) throw new InputException(path, null, "no shapes");
            return new LabelmeAnnotation(width, height, objects);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new InputException(path, null, $"not a labelme annotation: {e.Message}");
        }
    }

    private static JsonElement Required(JsonElement e, string name, string path) =>
        e.TryGetProperty(name, out var v) ? v : throw new InputException(path, null, $"field '{name}' is missing");
}
