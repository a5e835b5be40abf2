using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Tests;

public class SyntheticDatasetTests
{
    private static readonly SyntheticOptions Small = new(Sequences: 4, Frames: 5, Width: 160, Height: 90, Seed: 7);

    [Fact]
    public void Same_seed_writes_byte_identical_files_and_another_seed_does_not()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        SyntheticDataset.Generate(Small, a.Path);
        SyntheticDataset.Generate(Small, b.Path);
        SyntheticDataset.Generate(Small with { Seed = 8 }, c.Path);
        var files = Directory.GetFiles(a.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a.Path, f)).Order().ToList();
        Assert.Equal(4 * 5 + 4, files.Count);
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, f)), File.ReadAllBytes(Path.Combine(b.Path, f))));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a.Path, files[0])), File.ReadAllBytes(Path.Combine(c.Path, files[0])));
    }

    [Fact]
    public void Boxes_cover_every_size_group_at_320x180_and_are_exact()
    {
        using var dir = new TempDir();
        var ds = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 4, Frames: 6, Width: 320, Height: 180, Seed: 2), dir.Path);
        var groups = ds.AllFrames.Select(f => SizeGroups.Default.GroupOf(f.Box!.Value.Area)).ToHashSet();
        Assert.Equal([1, 2, 3, 4], groups.Order());
        // Exactness: the object differs from what surrounds it, so the box edge rows/columns
        // inside the box contain object pixels and the box lies inside the image.
        Assert.All(ds.AllFrames, f =>
        {
            var b = f.Box!.Value;
            Assert.True(b.X >= 0 && b.Y >= 0 && b.Right <= 320 && b.Bottom <= 180);
            Assert.Equal(Math.Round(b.X), b.X);
        });
    }

    [Fact]
    public void Frames_are_not_trivially_compressible()
    {
        using var dir = new TempDir();
        var ds = SyntheticDataset.Generate(Small with { Sequences = 1, Frames = 2 }, dir.Path);
        var img = RgbImage.Load(ds.Sequences[0].Frames[0].ImagePath);
        // Real 160x90 frames at quality 90 take several kB; a flat or simple scene takes a few hundred bytes.
        Assert.True(new JpegCodec(90).Encode(img).Length > 4000);
    }

    [Fact]
    public void Bad_options_are_input_errors()
    {
        Assert.Throws<InputException>(() => (Small with { Frames = 0 }).Validate());
        Assert.Throws<InputException>(() => (Small with { Width = 8 }).Validate());
    }
}

public class DeviceSplitTests
{
    private static Dataset Make(params int[] lengths) => new("mem", DatasetFormat.Otb,
        lengths.Select((n, s) => new Sequence($"s{s}", 10, 10,
            Enumerable.Range(1, n).Select(i => new Frame($"s{s}", i, $"s{s}/{i}.jpg", new Box(0, 0, 1, 1))).ToList())).ToList());

    [Fact]
    public void Interleaving_deals_frames_round_robin()
    {
        var split = DeviceSplit.Assign(Make(3, 2), 2, SplitMode.Interleaved);
        Assert.Equal(["s0/1.jpg", "s0/3.jpg", "s1/2.jpg"], split[0].Select(f => f.ImagePath));
        Assert.Equal(["s0/2.jpg", "s1/1.jpg"], split[1].Select(f => f.ImagePath));
    }

    [Fact]
    public void By_sequence_keeps_sequences_whole_balanced_and_deterministic()
    {
        var ds = Make(5, 4, 3, 3, 1);
        var split = DeviceSplit.Assign(ds, 2, SplitMode.BySequence);
        Assert.Equal(ds.FrameCount, split.Sum(d => d.Count));
        // Whole: every sequence is on exactly one device, with all its frames.
        foreach (var seq in ds.Sequences)
        {
            var holder = Assert.Single(split, d => d.Any(f => f.Sequence == seq.Name));
            Assert.Equal(seq.Frames.Count, holder.Count(f => f.Sequence == seq.Name));
        }
        Assert.Equal([8, 8], split.Select(d => d.Count));
        var again = DeviceSplit.Assign(ds, 2, SplitMode.BySequence);
        Assert.Equal(split.Select(d => d.Select(f => f.ImagePath)), again.Select(d => d.Select(f => f.ImagePath)));
        Assert.Throws<InputException>(() => DeviceSplit.Assign(ds, 0, SplitMode.Interleaved));
    }
}
