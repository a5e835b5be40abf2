using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Learning.Tests;

/// <summary>A small synthetic dataset, generated once per test run, as frames and boxes at 80x45.</summary>
public static class SyntheticFrames
{
    public const int Width = 80, Height = 45;
    private static readonly Lazy<(List<RgbImage> Images, List<Box?> Boxes, List<string> Sequences)> All = new(Generate);

    public static (List<RgbImage> Images, List<Box?> Boxes, List<string> Sequences) Get() => All.Value;

    private static (List<RgbImage>, List<Box?>, List<string>) Generate()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rinr-learning-tests-" + Environment.ProcessId);
        var dataset = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 4, Frames: 12, Width: Width, Height: Height), dir);
        var images = new List<RgbImage>();
        var boxes = new List<Box?>();
        var sequences = new List<string>();
        foreach (var frame in dataset.AllFrames)
        {
            images.Add(ImageFiles.Load(frame.ImagePath));
            boxes.Add(frame.Box);
            sequences.Add(frame.Sequence);
        }
        Directory.Delete(dir, true);
        return (images, boxes, sequences);
    }
}
