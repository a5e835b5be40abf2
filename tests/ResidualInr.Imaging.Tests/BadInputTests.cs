using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Tests;

/// <summary>Images and dataset folders that lie about themselves: one-line input errors, never a crash or a silent drop.</summary>
public class ImageBadInputTests
{
    /// <summary>A real small JPEG whose SOF0 header is patched to claim <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static byte[] JpegClaiming(int width, int height)
    {
        var bytes = new JpegCodec(90).Encode(Fixtures.Pattern(16, 16));
        for (int i = 2; i + 9 < bytes.Length; i++)
        {
            // SOF0 (FF C0) or SOF2 (FF C2): length (2), precision (1), height (2), width (2), big-endian.
            if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2)
            {
                bytes[i + 5] = (byte)(height >> 8); bytes[i + 6] = (byte)height;
                bytes[i + 7] = (byte)(width >> 8); bytes[i + 8] = (byte)width;
                return bytes;
            }
        }
        throw new InvalidOperationException("no SOF marker in the JPEG");
    }

    [Theory]
    [InlineData(65500, 65500)]
    [InlineData(65500, 16)]
    [InlineData(10000, 10000)]
    public void A_jpeg_claiming_a_huge_frame_is_an_input_error_before_any_pixel_is_decoded(int width, int height)
    {
        using var dir = new TempDir();
        var path = dir["huge.jpg"];
        File.WriteAllBytes(path, JpegClaiming(width, height));
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InputException>(() => ImageFiles.Load(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains($"{width}x{height}", e.Message);
        e = Assert.Throws<InputException>(() => ImageFiles.ReadSize(path));
        Assert.Contains($"{width}x{height}", e.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(32, 24)]
    public void A_frame_of_another_size_than_its_sequence_is_an_input_error_naming_it(int w, int h)
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["Walk/img"], Fixtures.Numbered(1, 3, 4));
        Fixtures.WriteImages(dir["Walk/img"], ["0002.jpg"], w, h);
        File.WriteAllText(dir["Walk/groundtruth_rect.txt"], "1,2,10,8\n3,4,10,8\n5,6,10,8\n");
        var e = Assert.Throws<InputException>(() => DatasetLoader.Load(dir.Path));
        Assert.Equal($"{dir["Walk/img/0002.jpg"]}: frame is {w}x{h}, the sequence's frames are 48x32", e.Message);
    }

    [Fact]
    public void Uav123_and_dacsdc_frames_of_another_size_are_input_errors_too()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["data_seq/UAV123/boat1"], Fixtures.Numbered(1, 3, 6));
        Fixtures.WriteImages(dir["data_seq/UAV123/boat1"], ["000003.jpg"], 320, 240);
        File.WriteAllText(dir["anno/UAV123/boat1.txt"], "1,1,4,4\n1,1,4,4\n1,1,4,4\n");
        Assert.Contains("frame is 320x240, the sequence's frames are 48x32", Assert.Throws<InputException>(() => Uav123Reader.Read(dir.Path)).Message);

        using var dac = new TempDir();
        Fixtures.WriteImages(dac["car1"], ["0001.jpg", "0002.jpg"]);
        Fixtures.WriteImages(dac["car1"], ["0002.jpg"], 1, 1);
        foreach (var n in new[] { "0001", "0002" })
            File.WriteAllText(dac[$"car1/{n}.xml"], "<annotation><object><name>car1</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>");
        Assert.StartsWith($"{dac["car1/0002.jpg"]}: frame is 1x1", Assert.Throws<InputException>(() => DacSdcReader.Read(dac.Path)).Message);
    }

    [Fact]
    public void A_dacsdc_annotation_without_its_image_is_an_error_even_in_a_folder_with_no_images()
    {
        using var dir = new TempDir();
        Fixtures.WriteImages(dir["car1"], ["0001.jpg"]);
        const string xml = "<annotation><object><name>car1</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>";
        File.WriteAllText(dir["car1/0001.xml"], xml);
        File.WriteAllText(dir["whale2/0007.xml"], xml);
        var e = Assert.Throws<InputException>(() => DacSdcReader.Read(dir.Path));
        Assert.Equal($"{dir["whale2/0007.xml"]}: annotation has no image beside it", e.Message);
    }
}
