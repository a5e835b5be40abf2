using System.Globalization;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Cli.Commands;

/// <summary>What <c>rinr dataset info</c> reports about a dataset.</summary>
public sealed record DatasetSummary(
    Dataset Dataset,
    IReadOnlyDictionary<string, int> Resolutions,
    int[] FramesPerGroup,
    int AbsentFrames,
    SizeGroups Groups,
    int JpegQuality,
    double MeanJpegBytes)
{
    public static DatasetSummary Compute(Dataset dataset, JpegCodec jpeg, SizeGroups groups, IProgress<int>? progress = null)
    {
        var perGroup = new int[groups.Count];
        int absent = 0, done = 0;
        long jpegBytes = 0;
        foreach (var frame in dataset.AllFrames)
        {
            if (frame.Box is { } box) perGroup[groups.GroupOf(box.Area) - 1]++;
            else absent++;
            jpegBytes += jpeg.Encode(ImageFiles.Load(frame.ImagePath)).Length;
            progress?.Report(++done);
        }
        var resolutions = dataset.Sequences
            .GroupBy(s => $"{s.Width}x{s.Height}")
            .ToDictionary(g => g.Key, g => g.Sum(s => s.Frames.Count));
        return new DatasetSummary(dataset, resolutions, perGroup, absent, groups, jpeg.Quality,
            dataset.FrameCount == 0 ? 0 : (double)jpegBytes / dataset.FrameCount);
    }

    public void Print(TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"dataset:     {Dataset.Root} ({Dataset.Format.ToString().ToLowerInvariant()})");
        output.WriteLine($"sequences:   {Dataset.Sequences.Count}");
        output.WriteLine($"frames:      {Dataset.FrameCount} ({AbsentFrames} with the target absent)");
        output.WriteLine($"resolution:  {string.Join(", ", Resolutions.Select(r => $"{r.Key} ({r.Value} frames)"))}");
        output.WriteLine("box area by INR size group:");
        int most = Math.Max(1, FramesPerGroup.Max());
        for (int g = 1; g <= Groups.Count; g++)
        {
            int n = FramesPerGroup[g - 1];
            output.WriteLine($"  group {g} ({Groups.Describe(g),-11} px): {n,7}  {new string('#', (int)Math.Round(40.0 * n / most))}");
        }
        output.WriteLine(string.Create(inv, $"mean JPEG bytes at quality {JpegQuality}: {MeanJpegBytes:F0}"));
    }
}
