using System.Xml.Linq;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Tests;

/// <summary>
/// The readers on real files (RealData/README.md): frames of OpenCV's vtest.avi camera, RGB JPEG and grayscale PNG,
/// with the boxes `rinr dataset fetch vtest` derived for them, and labelme's real VOC XML annotation of a photo.
/// Each test lays the real files out the way the benchmark does and reads them back.
/// </summary>
public class RealDataReaderTests
{
    private static string Real(string relative) => Path.Combine(AppContext.BaseDirectory, "RealData", relative);

    private static readonly string[] RgbFrames = [.. Enumerable.Range(1, 4).Select(i => Real($"vtest/rgb-{i:D4}.jpg"))];
    private static readonly string[] GrayFrames = [.. Enumerable.Range(1, 4).Select(i => Real($"vtest/gray-{i:D4}.png"))];
    private static readonly string[] BoxLines = File.ReadAllLines(Real("vtest/boxes.txt"));
    private static readonly Box[] Boxes = [.. BoxLines.Select(l => l.Split(',').Select(double.Parse).ToArray()).Select(v => new Box(v[0], v[1], v[2], v[3]))];

    private static void Copy(IReadOnlyList<string> frames, string folder, IEnumerable<string> names)
    {
        Directory.CreateDirectory(folder);
        int i = 0;
        foreach (var name in names) File.Copy(frames[i++ % frames.Count], Path.Combine(folder, name));
    }

    [Fact]
    public void An_OTB_sequence_of_real_RGB_frames_with_four_digit_names_reads_at_either_level()
    {
        using var dir = new TempDir();
        Copy(RgbFrames, dir["campus/img"], Fixtures.Numbered(1, 4, 4));
        File.WriteAllLines(dir["campus/groundtruth_rect.txt"], BoxLines);
        foreach (var path in new[] { dir.Path, dir["campus"] })
        {
            var seq = DatasetLoader.Load(path).Sequences.Single();
            Assert.Equal(("campus", 192, 144), (seq.Name, seq.Width, seq.Height));
            Assert.Equal(Boxes, seq.Frames.Select(f => f.Box!.Value));
            Assert.EndsWith("0004.jpg", seq.Frames[3].ImagePath);
        }
        var image = RgbImage.Load(DatasetLoader.Load(dir["campus"]).Sequences[0].Frames[0].ImagePath);
        Assert.Contains(Enumerable.Range(0, 192), x => image[x, 70, 0] != image[x, 70, 2]); // colour survives
    }

    [Fact]
    public void Real_grayscale_frames_with_five_digit_names_are_read_as_RGB_with_equal_channels()
    {
        using var dir = new TempDir();
        Copy(GrayFrames, dir["campus-gray/img"], Fixtures.Numbered(1, 4, 5, "png"));
        File.WriteAllLines(dir["campus-gray/groundtruth_rect.txt"], BoxLines.Take(3).Append("NaN,NaN,NaN,NaN"));
        var seq = DatasetLoader.Load(dir["campus-gray"], DatasetFormat.Otb).Sequences.Single();
        Assert.Equal([1, 2, 3, 4], seq.Frames.Select(f => f.Index));
        Assert.EndsWith("00004.png", seq.Frames[3].ImagePath);
        Assert.Null(seq.Frames[3].Box);
        var image = RgbImage.Load(seq.Frames[1].ImagePath);
        Assert.Equal((192, 144), (image.Width, image.Height));
        for (int y = 0; y < 144; y += 7)
        for (int x = 0; x < 192; x += 7)
        {
            Assert.Equal(image[x, y, 0], image[x, y, 1]);
            Assert.Equal(image[x, y, 0], image[x, y, 2]);
        }
    }

    [Fact]
    public void A_UAV123_root_of_real_frames_keeps_NaN_frames_and_takes_a_sub_range_from_the_table()
    {
        using var dir = new TempDir();
        // bird1_1 covers frames 1-253 of folder bird1, which holds more frames than that (the real folder has 2437).
        Copy(RgbFrames, dir["data_seq/UAV123/bird1"], Fixtures.Numbered(1, 260, 6));
        File.WriteAllLines(dir["anno/UAV123/bird1_1.txt"], Enumerable.Range(0, 253).Select(i => i % 10 == 9 ? "NaN,NaN,NaN,NaN" : BoxLines[i % 4]));
        Copy(GrayFrames, dir["data_seq/UAV123/person1"], Fixtures.Numbered(1, 4, 6, "png"));
        File.WriteAllLines(dir["anno/UAV123/person1.txt"], BoxLines);
        var ds = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.Uav123, ds.Format);
        var bird = ds.Sequences.Single(s => s.Name == "bird1_1");
        Assert.Equal(253, bird.Frames.Count);
        Assert.Equal((1, 253), (bird.Frames[0].Index, bird.Frames[^1].Index));
        Assert.EndsWith("000253.jpg", bird.Frames[^1].ImagePath);
        Assert.Equal(25, bird.Frames.Count(f => f.Box is null));
        Assert.Null(bird.Frames[9].Box);
        Assert.Equal(Boxes[1], bird.Frames[5].Box);
        Assert.Equal(Boxes, ds.Sequences.Single(s => s.Name == "person1").Frames.Select(f => f.Box!.Value));
    }

    [Fact]
    public void The_real_VOC_annotation_with_two_people_is_refused_and_its_first_person_alone_is_read_with_inclusive_corners()
    {
        using var dir = new TempDir();
        File.Copy(Real("labelme/2011_000003.jpg"), dir["person1/0001.jpg"]);
        File.Copy(Real("labelme/2011_000003.xml"), dir["person1/0001.xml"]);
        var e = Assert.Throws<InputException>(() => DatasetLoader.Load(dir.Path));
        Assert.StartsWith($"{dir["person1/0001.xml"]}: expected exactly one <object>, found 2", e.Message);

        var xml = XDocument.Load(Real("labelme/2011_000003.xml"));
        xml.Root!.Elements("object").Skip(1).Remove();
        xml.Save(dir["person1/0001.xml"]);
        var frame = DatasetLoader.Load(dir["person1"]).Sequences.Single().Frames.Single();
        Assert.Equal("person", frame.Label);
        // <xmin>191.0</xmin> <xmax>313.0</xmax>: 123 pixels wide; ymin 107.369..., ymax 329.369...: 223 high.
        Assert.Equal(191, frame.Box!.Value.X);
        Assert.Equal(123, frame.Box.Value.W, 9);
        Assert.Equal(107.36900369003689, frame.Box.Value.Y, 9);
        Assert.Equal(223, frame.Box.Value.H, 9);
    }

    [Fact]
    public void A_DAC_SDC_root_of_real_RGB_and_grayscale_frames_written_by_the_writer_reads_back()
    {
        using var dir = new TempDir();
        foreach (var (cat, frames, ext) in new[] { ("person1", RgbFrames, "jpg"), ("person2", GrayFrames, "png") })
            for (int i = 0; i < 4; i++)
            {
                File.Copy(frames[i], dir[$"{cat}/{i + 1:D4}.{ext}"]);
                File.WriteAllText(dir[$"{cat}/{i + 1:D4}.xml"], DacSdcReader.FormatAnnotation($"{i + 1:D4}.{ext}", 192, 144, cat, Boxes[i]));
            }
        var ds = DatasetLoader.Load(dir.Path);
        Assert.Equal(DatasetFormat.DacSdc, ds.Format);
        Assert.Equal(["person1", "person2"], ds.Sequences.Select(s => s.Name));
        Assert.All(ds.Sequences, s => Assert.Equal(Boxes, s.Frames.Select(f => f.Box!.Value)));
        Assert.All(ds.AllFrames, f => Assert.Equal("person", f.Label));
    }
}
