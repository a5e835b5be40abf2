using System.Globalization;
using System.Text.Json.Nodes;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Datasets.Samples;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Cli.Samples;

/// <summary>Where a sample's boxes come from; written to <c>sample.json</c> as <c>boxes</c>.</summary>
public enum SampleBoxes { Annotated, Derived, None }

/// <summary>What <c>rinr dataset fetch</c> was asked for beyond the name.</summary>
/// <param name="Segments">For a video sample: cut it into this many sequences of consecutive frames.</param>
public sealed record FetchOptions(int Segments = 1);

/// <summary>What a sample's builder gets: the package, its unpacked files (keyed by wanted suffix) and the folder to fill.</summary>
public sealed record SampleBuild(DebianPackage Package, IReadOnlyDictionary<string, string> Files, string OutDir, FetchOptions Options);

/// <summary>
/// A sample dataset made from a Debian package's real camera footage or photos.
/// <paramref name="Licence"/> is the <c>License:</c> value that the package's <c>debian/copyright</c> gives for the
/// files used; fetching checks that the file still says so.
/// </summary>
public sealed record SampleDataset(
    string Name, string Package, string Licence, string ApproxDownload, SampleBoxes Boxes, DatasetFormat Layout,
    string Description, IReadOnlyList<string> Files, Func<SampleBuild, string> Build, bool IsVideo = false)
{
    /// <summary>The package's copyright file, unpacked with the data so its licence can be checked and shipped.</summary>
    public string CopyrightFile => $"/usr/share/doc/{Package}/copyright";
}

/// <summary>The samples <c>rinr dataset fetch</c> knows, each with its licence, and how each is turned into a dataset.</summary>
public static class SampleCatalog
{
    // Declared before All, which reads them when the class initialises.
    private const string LabelmeVideoDir = "/examples/video_annotation/data_annotated";
    private const string LabelmePhotoDir = "/examples/bbox_detection/data_annotated";
    private static readonly string[] LabelmeVideoFrames = ["00000100", "00000101", "00000102", "00000103", "00000104"];
    private static readonly string[] LabelmePhotos = ["2011_000003", "2011_000006", "2011_000025"];

    public static readonly IReadOnlyList<SampleDataset> All =
    [
        new("vtest", "opencv-doc", "Apache-2.0 AND BSD-3-Clause", "96 MB", SampleBoxes.Derived, DatasetFormat.Otb,
            "OpenCV's vtest.avi: a static campus camera, 795 frames at 768x576, people walking; boxes derived by background subtraction",
            ["/examples/data/vtest.avi"], BuildVtest, IsVideo: true),
        new("labelme", "labelme-examples", "GPL-3+", "10 MB", SampleBoxes.Annotated, DatasetFormat.DacSdc,
            "labelme's examples with their real hand-drawn annotations: 5 frames of a car on a track (1000x563) and 3 VOC 2011 photos (people, bus)",
            [.. LabelmeVideoFrames.SelectMany(n => new[] { $"{LabelmeVideoDir}/{n}.jpg", $"{LabelmeVideoDir}/{n}.json" }),
             .. LabelmePhotos.SelectMany(n => new[] { $"{LabelmePhotoDir}/{n}.jpg", $"{LabelmePhotoDir}/{n}.json" })],
            BuildLabelme),
        new("kodak", "librust-tiff-dev", "MIT", "1.4 MB", SampleBoxes.None, DatasetFormat.Otb,
            "two photos of the Kodak image suite (kodim02, kodim07; 768x512), no objects: for codec benchmarks",
            ["/tests/benches/kodim02-lzw.tif", "/tests/benches/kodim07-lzw.tif"], BuildKodak),
    ];

    /// <summary>The sample named <paramref name="name"/>; an unknown name is an input error listing the known ones.</summary>
    public static SampleDataset Get(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InputException($"unknown sample '{name}' (known: {string.Join(", ", All.Select(s => s.Name))}; see rinr dataset fetch --list)");

    /// <summary>
    /// Downloads the sample's package into a scratch folder (deleted afterwards), builds the dataset into
    /// <paramref name="outDir"/> and adds <c>README.md</c>, <c>sample.json</c>, <c>COPYRIGHT.debian</c> and
    /// <c>contact_sheet.png</c>. Returns the dataset as the readers see it.
    /// </summary>
    public static Dataset Fetch(SampleDataset sample, FetchOptions options, string outDir)
    {
        if (options.Segments < 1) throw new InputException($"--segments must be at least 1, got {options.Segments}");
        if (options.Segments > 1 && !sample.IsVideo) throw new InputException($"--segments applies to video samples only; '{sample.Name}' is not one");
        var package = DebianPackage.Find(sample.Package);
        var scratch = Directory.CreateTempSubdirectory("rinr-fetch-").FullName;
        ScratchPaths.Register(scratch);
        try
        {
            var deb = package.Download(scratch);
            var files = package.Extract(deb, Path.Combine(scratch, "root"), [.. sample.Files, sample.CopyrightFile]);
            var copyright = File.ReadAllText(files[sample.CopyrightFile]);
            if (!copyright.Contains("License: " + sample.Licence, StringComparison.Ordinal))
                throw new InputException(files[sample.CopyrightFile], null,
                    $"does not say 'License: {sample.Licence}' any more; check the licence of {sample.Package} {package.Version} before using it");
            File.Copy(files[sample.CopyrightFile], Path.Combine(outDir, "COPYRIGHT.debian"));
            var method = sample.Build(new SampleBuild(package, files, outDir, options));
            var dataset = DatasetLoader.Load(outDir, sample.Layout);
            ConsoleProgress.Run("Drawing the contact sheet", 1, _ =>
            {
                ContactSheet.Render(dataset.AllFrames.ToList()).SavePng(Path.Combine(outDir, ContactSheetFile));
                return 0;
            });
            WriteDescription(sample, package, options, dataset, method, outDir);
            return dataset;
        }
        finally
        {
            ScratchPaths.TryDelete(scratch);
            ScratchPaths.Unregister(scratch);
        }
    }

    public const string ContactSheetFile = "contact_sheet.png";

    private static string BoxesWord(SampleBoxes boxes) => boxes.ToString().ToLowerInvariant();

    private static void WriteDescription(SampleDataset sample, DebianPackage package, FetchOptions options, Dataset dataset, string method, string outDir)
    {
        var json = new JsonObject
        {
            ["name"] = sample.Name,
            ["package"] = package.Name,
            ["package_version"] = package.Version,
            ["licence"] = sample.Licence,
            ["boxes"] = BoxesWord(sample.Boxes),
            ["format"] = sample.Layout.ToString().ToLowerInvariant(),
            ["sequences"] = dataset.Sequences.Count,
            ["frames"] = dataset.FrameCount,
            ["frames_with_box"] = dataset.AllFrames.Count(f => f.Box is not null),
            ["segments"] = options.Segments,
            ["source_files"] = new JsonArray([.. sample.Files.Select(f => (JsonNode)JsonValue.Create(f))]),
            ["method"] = method,
        };
        AtomicFile.WriteAllText(Path.Combine(outDir, "sample.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        var sizes = string.Join(", ", dataset.Sequences.Select(s => $"{s.Width}x{s.Height}").Distinct());
        var readme = $"""
            # {sample.Name}: {sample.Description}

            - **Source:** Debian package `{package.Name}` {package.Version} (`apt-get download {package.Name}`), files
              {string.Join(", ", sample.Files.Select(f => $"`...{f}`"))}.
            - **Licence:** {sample.Licence}, as the package's `debian/copyright` gives it (copied here as `COPYRIGHT.debian`,
              with the copyright holders). Keep that file with any copy of these frames.
            - **Layout:** {sample.Layout switch { DatasetFormat.Otb => "OTB (`SEQ/img/NNNN.jpg` or `.png`, `SEQ/groundtruth_rect.txt`; `NaN,NaN,NaN,NaN` = no box)", DatasetFormat.DacSdc => "DAC-SDC (`CLASSn/NNNN.jpg` + `NNNN.xml`, one object per image)", _ => sample.Layout.ToString() }};
              {dataset.Sequences.Count} sequence(s), {dataset.FrameCount} frames ({sizes}), {dataset.AllFrames.Count(f => f.Box is not null)} with a box.
            - **Boxes: {BoxesWord(sample.Boxes)}.** {method}
            - `{ContactSheetFile}` shows frames spread over the dataset with their boxes in red (a red cross: no box).

            Made by `rinr dataset fetch {sample.Name}{(options.Segments > 1 ? $" --segments {options.Segments}" : "")} --out DIR`; `run.json` records the tool version.

            """;
        AtomicFile.WriteAllText(Path.Combine(outDir, "README.md"), readme);
    }

    // vtest: frames by ffmpeg, boxes by background subtraction.
    private static string BuildVtest(SampleBuild build)
    {
        var video = build.Files["/examples/data/vtest.avi"];
        var frameDir = Path.Combine(Path.GetDirectoryName(video)!, "frames");
        var frames = Ffmpeg.ExtractFrames(video, frameDir, expectedFrames: 795);
        var motion = new MotionBoxOptions();
        var boxes = ConsoleProgress.Run("Deriving boxes (background subtraction)", frames.Count, p => MotionBoxes.Derive(frames, motion, p));
        int segments = Math.Min(build.Options.Segments, frames.Count);
        for (int s = 0; s < segments; s++)
        {
            int first = (int)((long)s * frames.Count / segments), end = (int)((long)(s + 1) * frames.Count / segments);
            var name = segments == 1 ? "vtest" : $"vtest{s + 1:D2}";
            var img = Path.Combine(build.OutDir, name, "img");
            Directory.CreateDirectory(img);
            for (int i = first; i < end; i++) File.Move(frames[i], Path.Combine(img, Path.GetFileName(frames[i])));
            OtbReader.WriteAnnotations(Path.Combine(build.OutDir, name), boxes.Skip(first).Take(end - first));
        }
        return FormattableString.Invariant(
            $"Not annotations: each frame's box is the largest moving object, found by background subtraction (the per-pixel median of {motion.BackgroundFrames} frames spread over the video, on gray frames reduced {motion.Scale}x per side; a pixel moves when it differs by more than {motion.Threshold} of 255; moving pixels grown by {motion.Dilate} and grouped 8-connected; the box bounds the largest group's moving pixels, scaled back). A frame whose largest group has fewer than {motion.MinArea} reduced pixels has no box. People walking past one another can merge into one box, and the largest object changes from frame to frame.");
    }

    // labelme: the car of the video frames as one DAC-SDC folder, and each photo's largest object as a folder of its own.
    private static string BuildLabelme(SampleBuild build)
    {
        var car = Path.Combine(build.OutDir, "car1");
        Directory.CreateDirectory(car);
        int number = 0;
        foreach (var frame in LabelmeVideoFrames)
        {
            var shape = LabelmeAnnotation.Read(build.Files[$"{LabelmeVideoDir}/{frame}.json"]);
            var box = shape.Objects.Single(o => o.Label == "car").Box;
            WriteDacSdc(car, ++number, build.Files[$"{LabelmeVideoDir}/{frame}.jpg"], shape, box);
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var photo in LabelmePhotos)
        {
            var shape = LabelmeAnnotation.Read(build.Files[$"{LabelmePhotoDir}/{photo}.json"]);
            var (label, box) = shape.Objects.OrderByDescending(o => o.Box.Area).First();
            counts[label] = counts.GetValueOrDefault(label) + 1;
            var dir = Path.Combine(build.OutDir, $"{label}{counts[label]}");
            Directory.CreateDirectory(dir);
            WriteDacSdc(dir, 1, build.Files[$"{LabelmePhotoDir}/{photo}.jpg"], shape, box);
        }
        return "Real annotations drawn by hand in labelme: each box bounds the annotated shape (the car's polygon in the video frames, "
            + "the rectangle in the photos). DAC-SDC has one object per image, so each photo keeps only its largest annotated object "
            + "(the others are left out); the video frames' car is the one object of folder car1.";
    }

    private static void WriteDacSdc(string dir, int number, string image, LabelmeAnnotation shape, Box box)
    {
        var name = number.ToString("D4", CultureInfo.InvariantCulture);
        File.Copy(image, Path.Combine(dir, name + ".jpg"));
        var clipped = box.ClipTo(shape.Width, shape.Height);
        AtomicFile.WriteAllText(Path.Combine(dir, name + ".xml"),
            DacSdcReader.FormatAnnotation(name + ".jpg", shape.Width, shape.Height, Path.GetFileName(dir), clipped));
    }

    // kodak: the TIFF photos as PNG frames of one OTB sequence without boxes.
    private static string BuildKodak(SampleBuild build)
    {
        var seq = Path.Combine(build.OutDir, "kodak");
        var img = Path.Combine(seq, "img");
        Directory.CreateDirectory(img);
        var sources = new[] { "/tests/benches/kodim02-lzw.tif", "/tests/benches/kodim07-lzw.tif" };
        ConsoleProgress.Run("Converting TIFF to PNG (ffmpeg)", sources.Length, p =>
        {
            for (int i = 0; i < sources.Length; i++)
            {
                Ffmpeg.ConvertImage(build.Files[sources[i]], Path.Combine(img, $"{i + 1:D4}.png"));
                p.Report(i + 1);
            }
            return 0;
        });
        OtbReader.WriteAnnotations(seq, sources.Select(_ => (Box?)null));
        return "None: photos without annotated objects (every frame's line is NaN,NaN,NaN,NaN), for codec benchmarks "
            + "(whole-image PSNR and bytes); object PSNR and detector accuracy need another sample.";
    }
}
