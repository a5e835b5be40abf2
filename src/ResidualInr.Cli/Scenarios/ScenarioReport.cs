using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Simulation.Strategies;
using ResidualInr.Simulation.Network;
using System.Globalization;
using System.Text;
using ResidualInr.Cli.Commands;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Learning.Detector;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Metrics;

namespace ResidualInr.Cli.Scenarios;

/// <summary>report.md: the codec table, bytes on air against serverless JPEG at every N, and where training at the fog wins.</summary>
public static class ScenarioReport
{
    public static string Render(Scenario scenario, IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, IReadOnlyList<SweepResult> results,
        IReadOnlyList<AccuracySummary>? accuracy = null, Output.RunMetadata? run = null, string? codecsFrom = null, IReadOnlyList<BreakEvenRow>? breakEven = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# {scenario.Name}");
        sb.AppendLine();
        if (run is not null)
        {
            sb.Append(run.MarkdownHeader());
            if (codecsFrom is not null) sb.AppendLine($"- codec results and timing profile taken from `{codecsFrom}` (nothing encoded in this run)");
            sb.AppendLine();
        }
        sb.AppendLine(string.Create(inv, $"{scenario.FramesPerDevice} new frames per device per round at {scenario.FrameWidth}x{scenario.FrameHeight}, " +
            $"{scenario.Network.Channel.CapacityBytesPerSecond / 1e6:0.###} MB/s {scenario.Network.Downlink.ToName()} downlink, " +
            $"loss {scenario.Network.Channel.LossProbability:0.###}, seed {scenario.Seed}."));
        sb.AppendLine();
        sb.AppendLine($"Channel model: {scenario.Network.ChannelText()}.");
        sb.AppendLine();
        sb.AppendLine("## Codecs (means over the encoded frames)");
        sb.AppendLine();
        sb.AppendLine("| codec | payload bytes | PSNR whole dB | background dB | object dB |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (codec, rows) in metrics)
            sb.AppendLine(string.Create(inv, $"| {codec.Key} | {rows.Average(r => r.PayloadBytes):N0} | {rows.Select(r => r.PsnrWholeDb).FiniteMean():F2} | " +
                $"{rows.Select(r => r.PsnrBackgroundDb).FiniteMean():F2} | {rows.Select(r => r.PsnrObjectDb).FiniteMean():F2} |"));
        sb.AppendLine();
        sb.AppendLine("## Bytes on air, and the reduction against serverless JPEG (jpeg-p2p)");
        sb.AppendLine();
        sb.AppendLine("| devices | strategy (payload) | bytes on air | completion s | reduction vs jpeg-p2p |");
        sb.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var r in results.OrderBy(r => r.Result.Summary.Devices))
        {
            var s = r.Result.Summary;
            var p2p = results.FirstOrDefault(o => o.Result.Summary.Devices == s.Devices && o.Result.Summary.Strategy == SharingStrategy.JpegP2p)?.Result.Summary.BytesOnAir;
            var factor = p2p is > 0 && s.BytesOnAir > 0 ? string.Create(inv, $"{(double)p2p.Value / s.BytesOnAir:F2}x") : "-";
            sb.AppendLine(string.Create(inv, $"| {s.Devices} | {r.Label} | {s.BytesOnAir:N0} | {s.MakespanSeconds:F2} | {factor} |"));
        }
        sb.AppendLine();
        sb.AppendLine("## Training at the fog against training at the edge");
        sb.AppendLine();
        var fog = results.Where(r => r.Result.Summary.Strategy == SharingStrategy.TrainFog).ToList();
        foreach (var edge in results.Where(r => r.Result.Summary.Strategy == SharingStrategy.InrTrainEdge).GroupBy(r => r.Codec))
        foreach (var model in fog.GroupBy(f => f.ModelBytes))
        {
            var wins = edge.Where(e => model.Any(f => f.Result.Summary.Devices == e.Result.Summary.Devices && f.Result.Summary.BytesOnAir < e.Result.Summary.BytesOnAir))
                .Select(e => e.Result.Summary.Devices).Order().ToList();
            string m = string.Create(inv, $"{model.Key:N0}-byte model");
            sb.AppendLine(wins.Count == 0
                ? $"- Against {edge.Key} payloads, training at the edge needs fewer bytes than sending a {m} at every N simulated."
                : $"- Against {edge.Key} payloads, training at the fog and sending a {m} needs fewer bytes at N = {string.Join(", ", wins)}.");
        }
        AppendRecommendation(sb, Recommendation.For(results, JpegCodec(metrics), accuracy, scenario.ObjectiveOrDefault), scenario.ObjectiveOrDefault, accuracy is not null);
        if (breakEven is { Count: > 0 }) AppendBreakEven(sb, breakEven, scenario);
        if (accuracy is not null) AppendAccuracy(sb, accuracy, scenario.Learning!);
        return sb.ToString();
    }

    /// <summary>The JPEG codec's key (what devices train on when they train on JPEGs), or null when the scenario has none.</summary>
    internal static string? JpegCodec(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics) =>
        metrics.Keys.FirstOrDefault(c => c.Codec is JpegCodecDescriptor)?.Key;

    private static void AppendRecommendation(StringBuilder sb, IReadOnlyList<RecommendationAtN> perN, ObjectiveSpec objective, bool withAccuracy)
    {
        var inv = CultureInfo.InvariantCulture;
        string what = objective.Minimise switch
        {
            Minimise.Bytes => "bytes on air",
            Minimise.Time => "completion time",
            Minimise.Energy => "energy",
            _ => throw new ArgumentOutOfRangeException(nameof(objective)),
        };
        sb.AppendLine();
        sb.AppendLine("## Recommendation");
        sb.AppendLine();
        sb.AppendLine(withAccuracy
            ? string.Create(inv, $"Per N, the strategies on the Pareto front of bytes on air, completion time, energy and accuracy (no other strategy is at least as good in all four and better in one), ") +
              string.Create(inv, $"and the winner under the scenario's objective: the least {what} among the strategies whose mAP50-95 is at most {objective.AccuracyLossMax:0.###} below the most accurate one's ") +
              "(`objective: { minimise, accuracy_loss_max }`). Accuracy is the mean ± sample std over seeds of a detector trained on the frames the strategy delivers: " +
              "the JPEGs (jpeg-p2p, jpeg-fog, train-fog), the INR codec's (inr-train-edge), for train-auto those of the strategy it chose, and for hybrid, which mixes both, " +
              "the lower of the two (the detector was not trained on the mix)."
            : string.Create(inv, $"Per N, the strategies on the Pareto front of bytes on air, completion time and energy (no other strategy is at least as good in all three and better in one), ") +
              string.Create(inv, $"and the winner under the scenario's objective: the least {what} (`objective: {{ minimise }}`). ") +
              "This scenario has no learning stage, so accuracy is not compared (add `learning` to weigh it).");
        sb.AppendLine("Strategies where no device completed are left out; equal points (train-auto and the strategy it chose) are both on the front.");
        sb.AppendLine();
        sb.AppendLine(withAccuracy
            ? "| devices | strategy (payload) | bytes on air | completion s | energy J | mAP50-95 | |"
            : "| devices | strategy (payload) | bytes on air | completion s | energy J | |");
        sb.AppendLine(withAccuracy ? "|---:|---|---:|---:|---:|---:|---|" : "|---:|---|---:|---:|---:|---|");
        foreach (var n in perN)
            foreach (var p in n.Front)
            {
                var accuracyCell = withAccuracy ? string.Create(inv, $" {p.AccuracyMean:F3} ± {p.AccuracyStd:F3} |") : "";
                sb.AppendLine(string.Create(inv, $"| {n.Devices} | {p.Result.Label} | {p.Bytes:N0} | {p.Seconds:F2} | {p.Joules:N1} |{accuracyCell} {(ReferenceEquals(p, n.Winner) ? "**winner**" : "")} |"));
            }
        sb.AppendLine();
        foreach (var n in perN)
        {
            if (n.Winner is not { } w)
            {
                sb.AppendLine($"- N = {n.Devices}: no strategy completed, nothing to recommend.");
                continue;
            }
            // The winner is always admissible; it is on the front unless an equal-cost point ties with it.
            sb.AppendLine(string.Create(inv, $"- N = {n.Devices}: **{w.Result.Label}**, {w.Bytes:N0} bytes on air, {w.Seconds:F2} s, {w.Joules:N1} J") +
                (w.AccuracyMean is { } a ? string.Create(inv, $", mAP50-95 {a:F3} ± {w.AccuracyStd:F3}.") : "."));
        }
    }

    private static void AppendBreakEven(StringBuilder sb, IReadOnlyList<BreakEvenRow> rows, Scenario scenario)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine();
        sb.AppendLine("## Break-even fog encode time against serverless JPEG");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"The fog encode time per frame below which inr-train-edge's last device finishes training before jpeg-p2p's, ") +
            string.Create(inv, $"found by the simulator: everything as in this scenario except the encode, priced at s per frame (a batch of b frames costs b x s), ") +
            string.Create(inv, $"then bisection on s ({BreakEven.Iterations} steps). \"never\": even a free encode does not finish first. ") +
            string.Create(inv, $"Measured: this run's encode time per frame in a full batch of {scenario.Fog.MaxBatch} (fog.max_batch). ") +
            "Bytes saved: jpeg-p2p's bytes on air minus inr-train-edge's at the break-even.");
        sb.AppendLine();
        sb.AppendLine("| devices | codec | break-even encode s/frame | measured encode s/frame | jpeg-p2p completion s | bytes saved at break-even |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|");
        foreach (var r in rows.OrderBy(r => r.Devices).ThenBy(r => r.Codec, StringComparer.Ordinal))
        {
            string breakEven = double.IsFinite(r.JpegP2pMakespanSeconds) ? r.SecondsPerFrame is { } s ? s.ToString("G4", inv) : "never" : "- (jpeg-p2p completed no device)";
            string saved = r.BytesSaved is { } b ? b.ToString("N0", inv) : "-";
            sb.AppendLine(string.Create(inv, $"| {r.Devices} | {r.Codec} | {breakEven} | {r.MeasuredSecondsPerFrame:G4} | {r.JpegP2pMakespanSeconds:F2} | {saved} |"));
        }
    }

    private static void AppendAccuracy(StringBuilder sb, IReadOnlyList<AccuracySummary> accuracy, LearningSpec learning)
    {
        var inv = CultureInfo.InvariantCulture;
        bool intervals = accuracy.Any(a => double.IsFinite(a.Map50To95Ci.Low));
        sb.AppendLine();
        sb.AppendLine("## Accuracy: a detector trained on each codec's decoded frames");
        sb.AppendLine();
        var heldOut = learning.TestSequences > 0 ? $"the {learning.TestSequences} last sequences of the dataset, held out whole: scenes no codec encoded" : "frames no codec encoded";
        sb.AppendLine(string.Create(inv, $"Tested on held-out original frames ({heldOut}); mean ± sample std over {learning.Seeds} seeds, " +
            $"{learning.Detector.Epochs} epochs each, on {learning.Device}. An epoch's time includes loading its frames: JPEG decoded on the CPU, ") +
            "INR payloads decoded in batches on the training device, originals already in memory.");
        sb.AppendLine();
        sb.AppendLine(PretrainedLine(learning.Pretrained));
        sb.AppendLine();
        if (intervals)
        {
            sb.AppendLine(string.Create(inv, $"Intervals are 95% percentile bootstraps ({AccuracyBootstrap.DefaultReplicates} replicates) over test frames and seeds; ") +
                "\"vs original\" is the paired difference in mAP50-95 to the detector trained on the original frames (same frames and seeds drawn for both).");
            sb.AppendLine();
            sb.AppendLine("| trained on | mAP50-95 | 95% interval | vs original (95% interval) | verdict | mAP50 | mean IoU | s per epoch | of which decoding |");
            sb.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---:|");
            foreach (var a in accuracy)
                sb.AppendLine(string.Create(inv, $"| {a.Codec} | {a.Map50To95Mean:F3} ± {a.Map50To95Std:F3} | [{a.Map50To95Ci.Low:F3}, {a.Map50To95Ci.High:F3}] | " +
                    $"{a.Map50To95DiffVsOriginal:+0.000;-0.000;0.000} [{a.Map50To95DiffCi.Low:+0.000;-0.000;0.000}, {a.Map50To95DiffCi.High:+0.000;-0.000;0.000}] | {Verdict(a)} | " +
                    $"{a.Map50Mean:F3} ± {a.Map50Std:F3} | {a.MeanIouMean:F3} ± {a.MeanIouStd:F3} | {a.TrainSecondsPerEpoch:F3} | {a.DecodeSecondsPerEpoch:F3} |"));
            return;
        }
        sb.AppendLine("No intervals: this run was made from an earlier run's accuracy.csv that has no per-frame detections (detections.csv); run the learning stage again for them.");
        sb.AppendLine();
        sb.AppendLine("| trained on | mAP50-95 | mAP50 | mean IoU | s per epoch | of which decoding |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var a in accuracy)
            sb.AppendLine(string.Create(inv, $"| {a.Codec} | {a.Map50To95Mean:F3} ± {a.Map50To95Std:F3} | {a.Map50Mean:F3} ± {a.Map50Std:F3} | " +
                $"{a.MeanIouMean:F3} ± {a.MeanIouStd:F3} | {a.TrainSecondsPerEpoch:F3} | {a.DecodeSecondsPerEpoch:F3} |"));
    }

    /// <summary>Where every detector started: the pretrained weights (file name, SHA-256 and the command in their sidecar), or random weights.</summary>
    internal static string PretrainedLine(string? pretrained)
    {
        if (pretrained is null) return "Every detector starts from random weights (no `learning.pretrained`).";
        var info = DetectorWeights.Read(pretrained).Info;
        return string.Create(CultureInfo.InvariantCulture, $"Every detector is fine-tuned from `{Path.GetFileName(pretrained)}` (SHA-256 {info.Sha256[..12]}..., {info.Parameters:N0} parameters, made by `{info.Command}`).");
    }

    /// <summary>What the paired interval lets one say against training on originals.</summary>
    internal static string Verdict(AccuracySummary a)
    {
        var inv = CultureInfo.InvariantCulture;
        var d = a.Map50To95DiffCi;
        if (a.Codec == AccuracyExperiment.Original) return "reference";
        if (!double.IsFinite(d.Low)) return "no interval";
        if (d.High < 0) return string.Create(inv, $"loses {-a.Map50To95DiffVsOriginal:F3} mAP50-95 ({-d.High:F3} to {-d.Low:F3})");
        if (d.Low > 0) return string.Create(inv, $"gains {a.Map50To95DiffVsOriginal:F3} mAP50-95 ({d.Low:F3} to {d.High:F3})");
        return "no measurable loss";
    }
}
