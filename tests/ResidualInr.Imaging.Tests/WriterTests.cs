using ResidualInr.Imaging.Datasets;

namespace ResidualInr.Imaging.Tests;

/// <summary>What the OTB and DAC-SDC writers write, their readers read back unchanged.</summary>
public class WriterTests
{
    [Fact]
    public void OTB_annotations_round_trip_boxes_fractions_and_absent_targets()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["S/img"], Fixtures.Numbered(1, 3, 4));
        Box?[] boxes = [new Box(1.25, 2, 10, 8.5), null, new Box(0, 0, 48, 32)];
        OtbReader.WriteAnnotations(dir["S"], boxes);
        Assert.Equal("1.25,2,10,8.5\nNaN,NaN,NaN,NaN\n0,0,48,32\n", File.ReadAllText(dir["S/groundtruth_rect.txt"]));
        Assert.Equal(boxes, OtbReader.Read(dir["S"]).Sequences[0].Frames.Select(f => f.Box));
    }

    [Fact]
    public void A_DAC_SDC_annotation_writes_inclusive_corners_and_reads_back_the_same_box()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["boat3"], ["0007.jpg"]);
        var box = new Box(3.5, 4, 20, 10.25);
        var xml = DacSdcReader.FormatAnnotation("0007.jpg", 48, 32, "boat3", box);
        Assert.Contains("<xmin>3.5</xmin>", xml);
        Assert.Contains("<xmax>22.5</xmax>", xml);   // inclusive: 3.5 + 20 - 1
        Assert.Contains("<ymax>13.25</ymax>", xml);
        File.WriteAllText(dir["boat3/0007.xml"], xml);
        var frame = DacSdcReader.Read(dir.Path).Sequences.Single().Frames.Single();
        Assert.Equal((box, "boat", 7), (frame.Box!.Value, frame.Label, frame.Index));
    }
}
