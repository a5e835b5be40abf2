using System.Text.Json.Nodes;
using ResidualInr.Cli.Samples;
using ResidualInr.Imaging;

namespace ResidualInr.Cli.Tests;

/// <summary><c>rinr dataset fetch</c>: samples of real frames from Debian packages, with their licences.</summary>
public class FetchCommandTests
{
    [Fact]
    public void List_names_every_sample_with_its_licence_download_size_and_kind_of_boxes()
    {
        var (exit, output, _) = CliRunner.Run("dataset", "fetch", "--list");
        Assert.Equal(0, exit);
        Assert.Matches(@"vtest\s+Apache-2\.0 AND BSD-3-Clause\s+96 MB\s+derived\s+otb\s+.*opencv-doc", output);
        Assert.Matches(@"labelme\s+GPL-3\+\s+10 MB\s+annotated\s+dacsdc\s+.*labelme-examples", output);
        Assert.Matches(@"kodak\s+MIT\s+1\.4 MB\s+none\s+otb\s+.*librust-tiff-dev", output);
    }

    [Theory]
    [InlineData("dataset", "fetch", "nope", "--out", "/tmp/rinr-never")]             // unknown sample
    [InlineData("dataset", "fetch", "kodak")]                                        // --out missing
    [InlineData("dataset", "fetch", "--out", "/tmp/rinr-never")]                     // no name
    [InlineData("dataset", "fetch", "kodak", "--segments", "2", "--out", "/tmp/rinr-never")] // not a video
    [InlineData("dataset", "fetch", "vtest", "--segments", "0", "--out", "/tmp/rinr-never")]
    public void Bad_requests_exit_with_2_and_one_line_before_anything_is_downloaded(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rinr: ", err);
        Assert.False(Directory.Exists("/tmp/rinr-never"));
    }

    [Fact]
    public void An_unknown_sample_names_the_known_ones()
    {
        var e = Assert.Throws<InputException>(() => SampleCatalog.Get("OTB100"));
        Assert.Equal("unknown sample 'OTB100' (known: vtest, labelme, kodak; see rinr dataset fetch --list)", e.Message);
        Assert.Same(SampleCatalog.All[0], SampleCatalog.Get("VTEST"));
    }

    [Fact]
    public void Help_explains_where_the_frames_come_from_and_what_the_boxes_are()
    {
        var (exit, output, _) = CliRunner.Run("dataset", "fetch", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("Debian package", output);
        Assert.Contains("derived", output);
        Assert.Contains("--segments", output);
        Assert.Contains("--list", output);
    }

    [Fact]
    public void A_real_labelme_annotation_gives_the_box_bounding_each_shape()
    {
        // labelme-examples' video frame 00000100 (RealData/README.md in the Imaging tests): a car, two track polygons.
        var note = LabelmeAnnotation.Read(Path.Combine(AppContext.BaseDirectory, "RealData", "labelme", "00000100.json"));
        Assert.Equal((1000, 563), (note.Width, note.Height));
        Assert.Equal(["track", "track", "car"], note.Objects.Select(o => o.Label));
        var car = note.Objects[2].Box;
        Assert.InRange(car.X, 900, 910);
        Assert.InRange(car.W, 90, 100);
        Assert.All(note.Objects, o => Assert.True(o.Box.W > 0 && o.Box.H > 0));
    }

    [Fact]
    public void A_labelme_file_without_shapes_is_an_input_error_naming_the_file_and_field()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("rinr-labelme-").FullName, "a.json");
        try
        {
            File.WriteAllText(file, """{"imageWidth": 10, "imageHeight": 10}""");
            Assert.Equal($"{file}: field 'shapes' is missing", Assert.Throws<InputException>(() => LabelmeAnnotation.Read(file)).Message);
            File.WriteAllText(file, "{ not json");
            Assert.StartsWith($"{file}: not a labelme annotation", Assert.Throws<InputException>(() => LabelmeAnnotation.Read(file)).Message);
        }
        finally { Directory.Delete(Path.GetDirectoryName(file)!, true); }
    }

    /// <summary>Downloads from the Debian archive (CI has it) and needs ffmpeg (scripts/test installs it).</summary>
    [Fact]
    [Trait("Category", "Acceptance")]
    public void Fetching_each_sample_writes_a_readable_dataset_with_its_licence_boxes_and_contact_sheet()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-fetch-test-").FullName;
        try
        {
            foreach (var (name, args, boxes, frames) in new[]
            {
                ("labelme", Array.Empty<string>(), "annotated", 8),
                ("kodak", Array.Empty<string>(), "none", 2),
                ("vtest", new[] { "--segments", "3" }, "derived", 795),
            })
            {
                var outDir = Path.Combine(dir, name);
                var (exit, output, err) = CliRunner.Run(["dataset", "fetch", name, "--out", outDir, .. args]);
                Assert.True(exit == 0, err);
                Assert.Contains($"wrote {name}: {frames} frames", output);
                var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sample.json")))!;
                Assert.Equal(boxes, (string?)sample["boxes"]);
                Assert.Equal(SampleCatalog.Get(name).Licence, (string?)sample["licence"]);
                Assert.Contains("License: " + SampleCatalog.Get(name).Licence, File.ReadAllText(Path.Combine(outDir, "COPYRIGHT.debian")));
                Assert.Contains($"**Boxes: {boxes}.**", File.ReadAllText(Path.Combine(outDir, "README.md")));
                Assert.True(new FileInfo(Path.Combine(outDir, "contact_sheet.png")).Length > 1000);
                (exit, output, err) = CliRunner.Run("dataset", "info", outDir);
                Assert.True(exit == 0, err);
                Assert.Contains($"frames:      {frames} ", output);
            }
            Assert.Equal(3, Directory.GetDirectories(Path.Combine(dir, "vtest")).Length);
            Assert.Contains("Not annotations", File.ReadAllText(Path.Combine(dir, "vtest", "README.md")));
            // Fetching into an earlier sample's folder replaces it whole: none of labelme's folders are left.
            Assert.Equal(0, CliRunner.Run("dataset", "fetch", "kodak", "--out", Path.Combine(dir, "labelme")).Exit);
            Assert.Equal(["kodak"], Directory.GetDirectories(Path.Combine(dir, "labelme")).Select(Path.GetFileName));
        }
        finally { Directory.Delete(dir, true); }
    }
}
