using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Tests;

/// <summary>Small images and dataset folders that the tests write for themselves.</summary>
public static class Fixtures
{
    /// <summary>A smooth gradient with a checker, so JPEG size depends visibly on quality.</summary>
    public static RgbImage Pattern(int w, int h, int seed = 0)
    {
        var img = new RgbImage(w, h);
        var rng = new Random(seed);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            bool check = ((x / 4) + (y / 4)) % 2 == 0;
            img[x, y, 0] = (byte)(x * 255 / w);
            img[x, y, 1] = (byte)(y * 255 / h);
            img[x, y, 2] = (byte)((check ? 180 : 60) + rng.Next(20));
        }
        return img;
    }

    public static void WriteImages(string folder, IEnumerable<string> names, int w = 48, int h = 32)
    {
        Directory.CreateDirectory(folder);
        int i = 0;
        foreach (var name in names)
        {
            var path = System.IO.Path.Combine(folder, name);
            if (name.EndsWith(".png")) Pattern(w, h, i++).SavePng(path);
            else Pattern(w, h, i++).SaveJpeg(path, 90);
        }
    }

    public static IEnumerable<string> Numbered(int first, int count, int digits, string ext = "jpg")
        => Enumerable.Range(first, count).Select(n => n.ToString($"D{digits}") + "." + ext);
}
