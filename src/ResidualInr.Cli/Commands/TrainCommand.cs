using System.CommandLine;
using System.Globalization;
using ResidualInr.Cli.Accuracy;
using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Codec.Devices;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Training;

namespace ResidualInr.Cli.Commands;

/// <summary><c>rinr train</c>: the accuracy each codec buys, from folders written by <c>rinr encode</c>.</summary>
public static class TrainCommand
{
    public static Command Build()
    {
        var dataset = new Option<string>("--dataset") { Description = "The dataset the codec folders were encoded from (its frames that no codec encoded are the test set).", Required = true };
        var format = new Option<string?>("--format") { Description = "otb, uav123 or dacsdc; detected when omitted." };
        var codecs = new Option<string[]>("--codecs") { Description = "Folders written by 'rinr encode' (each holds metrics.csv and payloads).", Required = true, AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<string>("--out") { Description = "Folder for accuracy.csv and accuracy_summary.csv.", Required = true };
        var defaults = new DetectorSettings();
        var epochs = new Option<int>("--epochs") { Description = "Epochs per detector.", DefaultValueFactory = _ => defaults.Epochs };
        var seeds = new Option<int>("--seeds") { Description = "Detectors per codec, seeds SEED, SEED+1, ... (means, std and the bootstrap intervals are over these).", DefaultValueFactory = _ => ScenarioKeys.Learning.DefaultSeeds };
        var seed = new Option<int>("--seed") { Description = "First seed.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch") { Description = "Frames per training step.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (warm-up, then cosine).", DefaultValueFactory = _ => defaults.LearningRate };
        var testFrames = new Option<int>("--test-frames") { Description = "At most this many held-out frames, spread evenly over the dataset.", DefaultValueFactory = _ => 512 };
        var device = new Option<string>("--device") { Description = "Training device, cpu or cuda (INR payloads decode there too).", DefaultValueFactory = _ => "cpu" };
        var pretrained = new Option<string?>("--pretrained")
        {
            Description = "Fine-tune every detector from these weights: 'default' (the shipped models/detector-16-WxH.pt for the frames' size) or a file written by 'rinr pretrain'. Omitted: from random weights.",
        };
        var cmd = new Command("train", "Train a small single-object detector on each codec's decoded frames (and on the originals) for several seeds; " +
                                       "score mAP50-95, mAP50 and mean IoU on held-out original frames, and time each epoch's decoding and training.")
        {
            dataset, format, codecs, outDir, epochs, seeds, seed, batch, lr, testFrames, device, pretrained,
        };
        cmd.SetAction(parse =>
        {
            var run = RunMetadata.Start(parse, parse.GetValue(seed), ComputeDevice.Describe(ComputeDevice.Resolve(parse.GetValue(device))));
            var settings = defaults with { Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr) };
            settings.Validate();
            int count = parse.GetValue(seeds);
            if (count < 1 || count > 1000) throw new InputException($"--seeds must be between 1 and 1000, got {count}");
            int max = parse.GetValue(testFrames);
            if (max < 1) throw new InputException($"--test-frames must be at least 1, got {max}");
            var fmt = parse.GetValue(format) is { } f ? DatasetLoader.ParseFormat(f) : (DatasetFormat?)null;
            // The accuracy files are staged beside --out and swapped in whole at the end (OutputFolder).
            using var folder = OutputFolder.Begin(parse.GetValue(outDir)!, [parse.GetValue(dataset), .. parse.GetValue(codecs)!], Interrupt.Token);
            var data = DatasetLoader.Load(parse.GetValue(dataset)!, fmt);
            var encoded = parse.GetValue(codecs)!.Select(EncodedFolder.Read).Select(f => (f.CodecKey, f)).ToList();
            var output = parse.InvocationConfiguration.Output;
            var results = AccuracyStage.Run(data, encoded, settings, Enumerable.Range(parse.GetValue(seed), count).ToList(), max,
                ComputeDevice.Resolve(parse.GetValue(device)), output, pretrained: parse.GetValue(pretrained));
            var dir = parse.GetValue(outDir)!;
            var summary = AccuracyFile.Write(folder.Staging, results, parse.GetValue(seed));
            run.Finish(folder.Staging);
            folder.Commit();
            PrintTable(output, summary);
            output.WriteLine($"wrote accuracy.csv, detections.csv and accuracy_summary.csv to {dir}");
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    public static void PrintTable(TextWriter output, IReadOnlyList<AccuracySummary> summary)
    {
        output.WriteLine($"{"codec",-20} {"mAP50-95",15} {"95% interval",15} {"vs original",22} {"mAP50",15} {"mean IoU",15} {"s/epoch",8} {"decode s",9}");
        foreach (var s in summary)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Codec,-20} {$"{s.Map50To95Mean:F3} ± {s.Map50To95Std:F3}",15} {$"[{s.Map50To95Ci.Low:F3}, {s.Map50To95Ci.High:F3}]",15} " +
                $"{$"{s.Map50To95DiffVsOriginal:+0.000;-0.000;0.000} [{s.Map50To95DiffCi.Low:F3}, {s.Map50To95DiffCi.High:F3}]",22} " +
                $"{$"{s.Map50Mean:F3} ± {s.Map50Std:F3}",15} {$"{s.MeanIouMean:F3} ± {s.MeanIouStd:F3}",15} {s.TrainSecondsPerEpoch,8:F3} {s.DecodeSecondsPerEpoch,9:F3}"));
    }
}
