using System.CommandLine;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Cli.Samples;
using ResidualInr.Cli.Output;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr dataset synth</c>, <c>rinr dataset info</c> and <c>rinr dataset fetch</c>.</summary>
public static class DatasetCommands
{
    public static Command Build()
    {
        var command = new Command("dataset", "Create the synthetic dataset, fetch a real sample, or describe a dataset folder.");
        command.Subcommands.Add(BuildSynth());
        command.Subcommands.Add(BuildInfo());
        command.Subcommands.Add(BuildFetch());
        return command;
    }

    private static Command BuildSynth()
    {
        var outDir = new Option<string>("--out") { Description = "Folder to write (OTB layout: SEQ/img/0001.jpg and SEQ/groundtruth_rect.txt).", Required = true };
        var sequences = new Option<int>("--sequences") { Description = "Number of sequences; sequence k aims at size group (k mod 4)+1, so 4 covers all groups.", DefaultValueFactory = _ => 4 }
            .Within(Scenarios.ScenarioKeys.Synthetic.Sequences);
        var frames = new Option<int>("--frames") { Description = "Frames per sequence.", DefaultValueFactory = _ => 30 }
            .Within(Scenarios.ScenarioKeys.Synthetic.Frames);
        var size = new Option<string>("--size") { Description = "Frame size WxH in pixels.", DefaultValueFactory = _ => "320x180" };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed writes byte-identical files.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("synth", "Generate the embedded default dataset: textured scenes, camera motion, one moving object per sequence with exact boxes.")
        {
            outDir, sequences, frames, size, seed,
        };
        cmd.SetAction(parse =>
        {
            var (w, h) = TextValues.Size(parse.GetValue(size)!, "--size");
            var options = new SyntheticOptions(parse.GetValue(sequences), parse.GetValue(frames), w, h, parse.GetValue(seed));
            options.Validate();
            Scenarios.ScenarioKeys.Synthetic.CheckTotal(options.Sequences, options.Frames, "--sequences x --frames");
            var dir = parse.GetValue(outDir)!;
            var dataset = ConsoleProgress.Run("Generating frames", options.Sequences * options.Frames,
                progress => SyntheticDataset.Generate(options, dir, progress));
            parse.InvocationConfiguration.Output.WriteLine(
                $"wrote {dataset.FrameCount} frames in {dataset.Sequences.Count} sequences ({w}x{h}) to {dir}");
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    private static Command BuildInfo()
    {
        var path = new Argument<string>("path") { Description = "Dataset folder." };
        var format = new Option<string?>("--format") { Description = "otb, uav123 or dacsdc; detected from the layout when omitted." };
        var quality = new Option<int>("--quality") { Description = "JPEG quality (1-100) for the mean JPEG size.", DefaultValueFactory = _ => 90 };
        var cmd = new Command("info", "Describe a dataset: frames, resolution, box areas by INR size group, mean JPEG bytes.")
        {
            path, format, quality,
        };
        cmd.SetAction(parse =>
        {
            var fmt = parse.GetValue(format) is { } f ? DatasetLoader.ParseFormat(f) : (DatasetFormat?)null;
            var jpeg = new JpegCodec(parse.GetValue(quality));
            var dataset = DatasetLoader.Load(parse.GetValue(path)!, fmt);
            var info = ConsoleProgress.Run("Encoding frames as JPEG", dataset.FrameCount,
                progress => DatasetSummary.Compute(dataset, jpeg, SizeGroups.Default, progress));
            info.Print(parse.InvocationConfiguration.Output);
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    private static Command BuildFetch()
    {
        var name = new Argument<string?>("name") { Description = "Sample to fetch (see --list).", Arity = ArgumentArity.ZeroOrOne };
        var outDir = new Option<string?>("--out") { Description = "Folder to write (replaced whole): the dataset, README.md, sample.json, COPYRIGHT.debian, contact_sheet.png, run.json." };
        var list = new Option<bool>("--list") { Description = "List the samples with their licence, download size and boxes, and exit." };
        var segments = new Option<int>("--segments") { Description = "Video samples: cut the video into this many sequences of consecutive frames (more sequences, more frames encoded by a scenario).", DefaultValueFactory = _ => 1 };
        var cmd = new Command("fetch", "Make a sample dataset from real camera frames or photos in a Debian package (apt-get download + dpkg-deb, no install; "
            + "videos need ffmpeg, which scripts/rinr installs on first use). Boxes are the package's real annotations where it has them, "
            + "otherwise derived (background subtraction, said in sample.json and README.md) or none.")
        {
            name, outDir, list, segments,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(list))
            {
                output.WriteLine($"{"name",-8} {"licence",-28} {"download",-9} {"boxes",-10} {"layout",-7} description");
                foreach (var s in SampleCatalog.All)
                    output.WriteLine($"{s.Name,-8} {s.Licence,-28} {s.ApproxDownload,-9} {s.Boxes.ToString().ToLowerInvariant(),-10} {s.Layout.ToString().ToLowerInvariant(),-7} {s.Description} (Debian package {s.Package})");
                return RinrApp.ExitOk;
            }
            var sample = SampleCatalog.Get(parse.GetValue(name) ?? throw new InputException("name a sample to fetch (rinr dataset fetch --list shows them)"));
            var target = parse.GetValue(outDir) ?? throw new InputException("--out is required: the folder to write the sample to");
            var options = new FetchOptions(parse.GetValue(segments));
            var run = RunMetadata.Start(parse);
            using var folder = OutputFolder.Begin(target, null, Interrupt.Token);
            var dataset = SampleCatalog.Fetch(sample, options, folder.Staging);
            run.Finish(folder.Staging);
            folder.Commit();
            output.WriteLine($"wrote {sample.Name}: {dataset.FrameCount} frames in {dataset.Sequences.Count} sequence(s), "
                + $"{dataset.AllFrames.Count(f => f.Box is not null)} with a box ({sample.Boxes.ToString().ToLowerInvariant()}), licence {sample.Licence}, to {folder.Target}");
            return RinrApp.ExitOk;
        });
        return cmd;
    }
}
