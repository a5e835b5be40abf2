using ResidualInr.Imaging.Datasets;

namespace ResidualInr.Imaging.Tests;

/// <summary>
/// A user may point at one sequence, at a folder of sequences, at a UAV123 root, at a DAC-SDC root or at one
/// DAC-SDC sub-category: each is recognised without <c>--format</c>, and the named format reads it too.
/// </summary>
public class PointAtAnyLevelTests
{
    private static void OtbSequence(TempDir dir, string name, int frames = 3)
    {
        Fixtures.WriteImages(dir[$"{name}/img"], Fixtures.Numbered(1, frames, 4));
        File.WriteAllLines(dir[$"{name}/groundtruth_rect.txt"], Enumerable.Range(1, frames).Select(i => $"{i},2,10,8"));
    }

    [Fact]
    public void A_single_OTB_sequence_folder_is_one_sequence_named_after_the_folder()
    {
        using var dir = new TempDir();
        OtbSequence(dir, "Walk");
        var seq = Path.Combine(dir.Path, "Walk");
        Assert.Equal(DatasetFormat.Otb, DatasetLoader.Detect(seq));
        foreach (var path in new[] { seq, seq + "/" })
            foreach (var format in new DatasetFormat?[] { null, DatasetFormat.Otb })
            {
                var ds = DatasetLoader.Load(path, format);
                Assert.Equal("Walk", ds.Sequences.Single().Name);
                Assert.Equal([new Box(1, 2, 10, 8), new Box(2, 2, 10, 8), new Box(3, 2, 10, 8)], ds.Sequences[0].Frames.Select(f => f.Box));
            }
    }

    [Fact]
    public void A_single_two_target_sequence_folder_still_becomes_two_sequences()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["Jogging/img"], Fixtures.Numbered(1, 2, 4));
        File.WriteAllText(dir["Jogging/groundtruth_rect.1.txt"], "1,1,5,5\n1,1,5,5\n");
        File.WriteAllText(dir["Jogging/groundtruth_rect.2.txt"], "9,9,5,5\n9,9,5,5\n");
        Assert.Equal(["Jogging.1", "Jogging.2"], DatasetLoader.Load(dir["Jogging"]).Sequences.Select(s => s.Name));
    }

    [Fact]
    public void A_single_sequence_from_the_toolkit_table_keeps_its_sub_range()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["Tiger1/img"], Fixtures.Numbered(1, 354, 4), 16, 16);
        File.WriteAllLines(dir["Tiger1/groundtruth_rect.txt"], Enumerable.Repeat("1,1,4,4", 349));
        Assert.Equal(6, DatasetLoader.Load(dir["Tiger1"]).Sequences.Single().Frames[0].Index);
    }

    [Fact]
    public void The_parent_of_sequences_reads_every_sequence()
    {
        using var dir = new TempDir();
        OtbSequence(dir, "Walk");
        OtbSequence(dir, "Bolt", 2);
        var ds = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.Otb, ds.Format);
        Assert.Equal(["Bolt", "Walk"], ds.Sequences.Select(s => s.Name));
    }

    [Fact]
    public void A_DAC_SDC_root_and_one_of_its_category_folders_are_both_recognised()
    {
        using var dir = new TempDir();
        foreach (var cat in new[] { "boat1", "person2" })
        {
            Fixtures.WriteImages(dir[cat], ["0001.jpg", "0002.jpg"]);
            foreach (var n in new[] { "0001", "0002" })
                File.WriteAllText(dir[$"{cat}/{n}.xml"], $"<annotation><object><name>{cat}</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>10</xmax><ymax>12</ymax></bndbox></object></annotation>");
        }
        var root = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.DacSdc, root.Format);
        Assert.Equal(["boat1", "person2"], root.Sequences.Select(s => s.Name));
        Assert.Equal(DatasetFormat.DacSdc, DatasetLoader.Detect(dir["person2"]));
        var one = DatasetLoader.Load(dir["person2"], DatasetFormat.DacSdc);
        Assert.Equal("person2", one.Sequences.Single().Name);
        Assert.Equal("person", one.Sequences[0].Frames[0].Label);
        Assert.Equal(new Box(1, 2, 10, 11), one.Sequences[0].Frames[1].Box);
    }

    [Fact]
    public void A_UAV123_root_is_recognised_before_anything_inside_it()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["data_seq/UAV123/boat1"], Fixtures.Numbered(1, 2, 6));
        File.WriteAllText(dir["anno/UAV123/boat1.txt"], "1,1,4,4\nNaN,NaN,NaN,NaN\n");
        Assert.Equal(DatasetFormat.Uav123, DatasetLoader.Detect(dir.Path));
        Assert.Null(DatasetLoader.Load(dir.Path).Sequences.Single().Frames[1].Box);
    }

    [Fact]
    public void A_folder_of_plain_images_is_an_error_that_names_the_layouts_looked_for()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["photos"], ["a.jpg"]);
        var e = Assert.Throws<InputException>(() => DatasetLoader.Load(dir.Path));
        Assert.StartsWith($"{dir.Path}: cannot tell the dataset format", e.Message);
        Assert.Contains("groundtruth_rect.txt", e.Message);
        Assert.Contains("pass --format", e.Message);
        Assert.Contains("no OTB sequences found", Assert.Throws<InputException>(() => DatasetLoader.Load(dir.Path, DatasetFormat.Otb)).Message);
    }
}
