using System.Globalization;
using System.Text;
using ResidualInr.Cli.Commands;
using ResidualInr.Codec.Evaluation;

namespace ResidualInr.Cli.Scenarios;

/// <summary>report.md: the codec table, bytes on air against serverless JPEG at every N, and where training at the fog wins.</summary>
public static class ScenarioReport
{
    public static string Render(Scenario scenario, IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics, IReadOnlyList<SweepResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"# {scenario.Name}");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"{scenario.FramesPerDevice} new frames per device per round at {scenario.FrameWidth}x{scenario.FrameHeight}, " +
            $"{scenario.Network.Channel.CapacityBytesPerSecond / 1e6:0.###} MB/s {scenario.Network.Downlink.ToString().ToLowerInvariant()} downlink, " +
            $"loss {scenario.Network.Channel.LossProbability:0.###}, seed {scenario.Seed}."));
        sb.AppendLine();
        sb.AppendLine("## Codecs (means over the encoded frames)");
        sb.AppendLine();
        sb.AppendLine("| codec | payload bytes | PSNR whole dB | background dB | object dB |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (codec, rows) in metrics)
            sb.AppendLine(string.Create(inv, $"| {ScenarioRunner.CodecName(codec)} | {rows.Average(r => r.PayloadBytes):N0} | {rows.Select(r => r.PsnrWholeDb).FiniteMean():F2} | " +
                $"{rows.Select(r => r.PsnrBackgroundDb).FiniteMean():F2} | {rows.Select(r => r.PsnrObjectDb).FiniteMean():F2} |"));
        sb.AppendLine();
        sb.AppendLine("## Bytes on air, and the reduction against serverless JPEG (jpeg-p2p)");
        sb.AppendLine();
        sb.AppendLine("| devices | strategy (payload) | bytes on air | completion s | reduction vs jpeg-p2p |");
        sb.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var r in results.OrderBy(r => r.Result.Summary.Devices))
        {
            var s = r.Result.Summary;
            var p2p = results.FirstOrDefault(o => o.Result.Summary.Devices == s.Devices && o.Result.Summary.Strategy == "jpeg-p2p")?.Result.Summary.BytesOnAir;
            var factor = p2p is > 0 && s.BytesOnAir > 0 ? string.Create(inv, $"{(double)p2p.Value / s.BytesOnAir:F2}x") : "-";
            sb.AppendLine(string.Create(inv, $"| {s.Devices} | {r.Label} | {s.BytesOnAir:N0} | {s.MakespanSeconds:F2} | {factor} |"));
        }
        sb.AppendLine();
        sb.AppendLine("## Training at the fog against training at the edge");
        sb.AppendLine();
        var fog = results.Where(r => r.Result.Summary.Strategy == "train-fog").ToList();
        foreach (var edge in results.Where(r => r.Result.Summary.Strategy == "inr-train-edge").GroupBy(r => r.Codec))
        foreach (var model in fog.GroupBy(f => f.ModelBytes))
        {
            var wins = edge.Where(e => model.Any(f => f.Result.Summary.Devices == e.Result.Summary.Devices && f.Result.Summary.BytesOnAir < e.Result.Summary.BytesOnAir))
                .Select(e => e.Result.Summary.Devices).Order().ToList();
            string m = string.Create(inv, $"{model.Key:N0}-byte model");
            sb.AppendLine(wins.Count == 0
                ? $"- Against {edge.Key} payloads, training at the edge needs fewer bytes than sending a {m} at every N simulated."
                : $"- Against {edge.Key} payloads, training at the fog and sending a {m} needs fewer bytes at N = {string.Join(", ", wins)}.");
        }
        return sb.ToString();
    }
}
