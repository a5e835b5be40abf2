using ResidualInr.Imaging.Datasets;

namespace ResidualInr.Imaging.Tests;

public class OtbReaderTests
{
    [Fact]
    public void Reads_comma_tab_and_space_separated_boxes_with_nan_frames_kept()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["Walk/img"], Fixtures.Numbered(1, 4, 4));
        File.WriteAllText(dir["Walk/groundtruth_rect.txt"], "1,2,10,8\n3\t4\t10\t8\n5 6  10 8\nNaN,NaN,NaN,NaN\n");
        var ds = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.Otb, ds.Format);
        var frames = ds.Sequences.Single().Frames;
        Assert.Equal([new Box(1, 2, 10, 8), new Box(3, 4, 10, 8), new Box(5, 6, 10, 8), (Box?)null], frames.Select(f => f.Box));
        Assert.Equal([1, 2, 3, 4], frames.Select(f => f.Index));
    }

    [Fact]
    public void Sequences_may_start_late_use_five_digit_names_or_png()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["Late/img"], Fixtures.Numbered(300, 3, 4));
        File.WriteAllText(dir["Late/groundtruth_rect.txt"], "1,1,5,5\n2,2,5,5\n3,3,5,5\n");
        Fixtures.WriteImages(dir["Five/img"], Fixtures.Numbered(1, 2, 5, "png"));
        File.WriteAllText(dir["Five/groundtruth_rect.txt"], "1,1,5,5\n2,2,5,5\n");
        var ds = OtbReader.Read(dir.Path);
        Assert.Equal([300, 301, 302], ds.Sequences.Single(s => s.Name == "Late").Frames.Select(f => f.Index));
        Assert.EndsWith("00002.png", ds.Sequences.Single(s => s.Name == "Five").Frames[1].ImagePath);
    }

    [Fact]
    public void Known_sub_range_sequences_use_the_toolkit_table()
    {
        using var dir = new TempDir();
        // Tiger1 is annotated from frame 6 to 354 of its folder.
        Fixtures.WriteImages(dir["Tiger1/img"], Fixtures.Numbered(1, 354, 4), 16, 16);
        File.WriteAllLines(dir["Tiger1/groundtruth_rect.txt"], Enumerable.Repeat("1,1,4,4", 349));
        var frames = OtbReader.Read(dir.Path).Sequences.Single().Frames;
        Assert.Equal(349, frames.Count);
        Assert.Equal(6, frames[0].Index);
        Assert.EndsWith("0006.jpg", frames[0].ImagePath);
    }

    [Fact]
    public void Two_target_sequences_become_two_sequences()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["Jogging/img"], Fixtures.Numbered(1, 2, 4));
        File.WriteAllText(dir["Jogging/groundtruth_rect.1.txt"], "1,1,5,5\n1,1,5,5\n");
        File.WriteAllText(dir["Jogging/groundtruth_rect.2.txt"], "9,9,5,5\n9,9,5,5\n");
        var ds = OtbReader.Read(dir.Path);
        Assert.Equal(["Jogging.1", "Jogging.2"], ds.Sequences.Select(s => s.Name));
        Assert.Equal(new Box(9, 9, 5, 5), ds.Sequences[1].Frames[0].Box);
    }

    [Theory]
    [InlineData("1,2,3\n1,1,5,5\n", 1, "expected 4 values")]
    [InlineData("1,1,5,5\n1,abc,5,5\n", 2, "not a number")]
    [InlineData("1,1,5,5\n1,NaN,5,5\n", 2, "mixes NaN")]
    [InlineData("1,1,5,5\n1,1,0,5\n", 2, "must be positive")]
    [InlineData("1,1,5,5\n100,100,5,5\n", 2, "outside")]
    public void Malformed_lines_are_reported_with_file_and_line(string content, int line, string reason)
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["S/img"], Fixtures.Numbered(1, 2, 4));
        File.WriteAllText(dir["S/groundtruth_rect.txt"], content);
        var e = Assert.Throws<InputException>(() => OtbReader.Read(dir.Path));
        Assert.StartsWith($"{dir["S/groundtruth_rect.txt"]}:{line}: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Count_mismatch_and_missing_folder_are_errors()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["S/img"], Fixtures.Numbered(1, 3, 4));
        File.WriteAllText(dir["S/groundtruth_rect.txt"], "1,1,5,5\n1,1,5,5\n");
        var e = Assert.Throws<InputException>(() => OtbReader.Read(dir.Path));
        Assert.Contains("2 annotations for 3 images", e.Message);
        Assert.Throws<InputException>(() => DatasetLoader.Load(dir["nope"]));
    }

    [Fact]
    public void Boxes_crossing_an_edge_are_clipped()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["S/img"], Fixtures.Numbered(1, 1, 4), 48, 32);
        File.WriteAllText(dir["S/groundtruth_rect.txt"], "-2,20,10,20\n");
        Assert.Equal(new Box(0, 20, 8, 12), OtbReader.Read(dir.Path).Sequences[0].Frames[0].Box);
    }
}

public class Uav123ReaderTests
{
    [Fact]
    public void Sub_range_sequences_take_their_frames_from_the_table()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["data_seq/UAV123/bird1"], Fixtures.Numbered(1, 1477, 6), 16, 16);
        File.WriteAllLines(dir["anno/UAV123/bird1_2.txt"], Enumerable.Range(0, 1477 - 775 + 1).Select(i => i == 3 ? "NaN,NaN,NaN,NaN" : "1,1,4,4"));
        Fixtures.WriteImages(dir["data_seq/UAV123/uav2"], Fixtures.Numbered(1, 3, 6));
        File.WriteAllText(dir["anno/UAV123/uav2.txt"], "1,1,4,4\n2,2,4,4\n3,3,4,4\n");
        var ds = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.Uav123, ds.Format);
        var bird = ds.Sequences.Single(s => s.Name == "bird1_2");
        Assert.Equal(703, bird.Frames.Count);
        Assert.Equal(775, bird.Frames[0].Index);
        Assert.EndsWith("000775.jpg", bird.Frames[0].ImagePath);
        Assert.Null(bird.Frames[3].Box);
        Assert.Equal(3, ds.Sequences.Single(s => s.Name == "uav2").Frames.Count);
    }

    [Fact]
    public void A_frame_without_its_image_names_the_annotation_line()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["data_seq/UAV123/boat1"], ["000001.jpg", "000003.jpg"]);
        File.WriteAllText(dir["anno/UAV123/boat1.txt"], "1,1,4,4\n1,1,4,4\n1,1,4,4\n");
        var e = Assert.Throws<InputException>(() => Uav123Reader.Read(dir.Path));
        Assert.StartsWith($"{dir["anno/UAV123/boat1.txt"]}:2: frame 2 has no image", e.Message);
    }
}

public class DacSdcReaderTests
{
    private static string Xml(string name, string xmin, string ymin, string xmax, string ymax) =>
        $"<annotation><size><width>48</width><height>32</height></size><object><name>{name}</name>" +
        $"<bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax></bndbox></object></annotation>";

    [Fact]
    public void Inclusive_corners_and_float_coordinates_become_boxes_and_labels_drop_digits()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["whale1"], ["0001.jpg", "0002.jpg"]);
        File.WriteAllText(dir["whale1/0001.xml"], Xml("whale1", "10", "5", "19", "14"));
        File.WriteAllText(dir["whale1/0002.xml"], Xml("whale12", "10.5", "5.0", "19.5", "14.0"));
        var ds = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.DacSdc, ds.Format);
        var frames = ds.Sequences.Single().Frames;
        Assert.Equal(new Box(10, 5, 10, 10), frames[0].Box);
        Assert.Equal(new Box(10.5, 5, 10, 10), frames[1].Box);
        Assert.All(frames, f => Assert.Equal("whale", f.Label));
    }

    [Fact]
    public void Malformed_xml_and_missing_annotation_are_errors()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["car3"], ["0001.jpg"]);
        File.WriteAllText(dir["car3/0001.xml"], "<annotation><object>\n<bndbox><xmin>1</xmin></object>");
        var e = Assert.Throws<InputException>(() => DacSdcReader.Read(dir.Path));
        Assert.Contains("malformed XML", e.Message);
        File.WriteAllText(dir["car3/0001.xml"], Xml("car3", "1", "1", "nan", "5"));
        Assert.Contains("not a finite number", Assert.Throws<InputException>(() => DacSdcReader.Read(dir.Path)).Message);
        File.Delete(dir["car3/0001.xml"]);
        Fixtures.WriteImages(dir["car3"], ["0002.jpg"]);
        File.WriteAllText(dir["car3/0002.xml"], Xml("car3", "1", "1", "5", "5"));
        Assert.Contains("annotation file not found", Assert.Throws<InputException>(() => DacSdcReader.Read(dir.Path)).Message);
    }
}
