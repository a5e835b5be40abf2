using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Simulation.Strategies;
using ResidualInr.Simulation.Network;
using ResidualInr.Cli.Accuracy;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Learning.Experiments;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Results;
using ScottPlot;

namespace ResidualInr.Cli.Plots;

/// <summary>
/// The scenario's plots, each as PNG and SVG and readable on its own: title, axes with units, legend.
/// Every plot comes from <see cref="PlotFonts.NewPlot"/>, so its text is drawn with the embedded font
/// on any machine, including one without fonts.
/// </summary>
public static class ScenarioPlots
{
    private const int Width = 900, Height = 560;

    public static IReadOnlyList<string> WriteAll(string outDir, Scenario scenario, IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics,
        IReadOnlyList<SweepResult> results, IReadOnlyList<AccuracySummary>? accuracy = null)
    {
        var written = new List<string>();
        if (accuracy is not null && CommunicationAgainstAccuracy(results, accuracy, ScenarioReport.JpegCodec(metrics)) is { } tradeoff)
            written.AddRange(Save(tradeoff, outDir, "accuracy_vs_bytes"));
        written.AddRange(Save(BytesOnAir(results), outDir, "bytes_on_air"));
        written.AddRange(Save(CompletionTime(results), outDir, "completion_time"));
        written.AddRange(Save(EnergyPerRound(results, scenario.Arrivals), outDir, "energy"));
        written.AddRange(Save(PsnrAgainstBytes(metrics), outDir, "psnr_vs_payload"));
        if (TimelinePoint(results) is { } point) written.AddRange(Save(Timeline(point), outDir, "timeline"));
        if (TimeBreakdown(results) is { } breakdown) written.AddRange(Save(breakdown, outDir, "time_breakdown"));
        var recommendation = Recommendation.For(results, ScenarioReport.JpegCodec(metrics), accuracy, scenario.ObjectiveOrDefault);
        if (ParetoFront(results, recommendation) is { } front) written.AddRange(Save(front, outDir, "pareto_front"));
        return written;
    }

    /// <summary>
    /// The recommendation's trade-off: every point's bytes on air against its completion time (both log scales), one
    /// colour per N; the Pareto front's points are filled and joined in order of bytes, the others hollow, and the
    /// winner under the objective ringed. With a learning stage a front point's size grows with its mAP50-95.
    /// </summary>
    private static Plot? ParetoFront(IReadOnlyList<SweepResult> results, IReadOnlyList<RecommendationAtN> recommendation)
    {
        var usable = results.Where(r => r.Summary.BytesOnAir > 0 && double.IsFinite(r.Summary.MakespanSeconds) && r.Summary.MakespanSeconds > 0).ToList();
        if (usable.Count == 0) return null;
        var accuracies = recommendation.SelectMany(n => n.Front).Where(p => p.AccuracyMean is not null).Select(p => p.AccuracyMean!.Value).ToList();
        double lo = accuracies.Count > 0 ? accuracies.Min() : 0, hi = accuracies.Count > 0 ? accuracies.Max() : 0;
        double Size(TradeOff p) => p.AccuracyMean is { } a && hi > lo ? 7 + 14 * (a - lo) / (hi - lo) : 10;
        var plot = PlotFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var n in recommendation)
        {
            var color = palette.GetColor(i++);
            var all = usable.Where(r => r.Summary.Devices == n.Devices).ToList();
            var others = plot.Add.ScatterPoints(all.Select(r => Math.Log10(r.Summary.BytesOnAir)).ToArray(), all.Select(r => Math.Log10(r.Summary.MakespanSeconds)).ToArray());
            others.Color = color;
            others.MarkerShape = MarkerShape.OpenCircle;
            others.MarkerSize = 7;
            var front = n.Front.Where(p => p.Bytes > 0 && p.Seconds > 0).OrderBy(p => p.Bytes).ThenBy(p => p.Seconds).ToList();
            if (front.Count == 0) continue;
            var line = plot.Add.Scatter(front.Select(p => Math.Log10(p.Bytes)).ToArray(), front.Select(p => Math.Log10(p.Seconds)).ToArray());
            line.Color = color;
            line.MarkerSize = 0;
            line.LegendText = $"N = {n.Devices}: Pareto front";
            foreach (var p in front)
            {
                var point = plot.Add.ScatterPoints(new[] { Math.Log10(p.Bytes) }, new[] { Math.Log10(p.Seconds) });
                point.Color = color;
                point.MarkerShape = MarkerShape.FilledCircle;
                point.MarkerSize = (float)Size(p);
            }
            if (n.Winner is { } w && w.Bytes > 0 && w.Seconds > 0)
            {
                var ring = plot.Add.ScatterPoints(new[] { Math.Log10(w.Bytes) }, new[] { Math.Log10(w.Seconds) });
                ring.Color = Colors.Black;
                ring.MarkerShape = MarkerShape.OpenCircle;
                ring.MarkerSize = (float)Size(w) + 8;
                ring.LegendText = $"N = {n.Devices}: winner, {w.Result.Label}";
            }
        }
        LogTicks(plot.Axes.Bottom);
        LogTicks(plot.Axes.Left, "#,0.###");
        plot.Title(accuracies.Count > 0 ? "Pareto front: bytes on air, completion time (marker size: mAP50-95)" : "Pareto front: bytes on air against completion time");
        plot.XLabel("bytes on air (log scale)");
        plot.YLabel("completion time, s (log scale)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static string Label(SweepResult r) => r.Label;

    private static Plot BytesOnAir(IReadOnlyList<SweepResult> results)
    {
        var plot = PlotFonts.NewPlot();
        // Log scale: plot log10 of the bytes and label the ticks with the bytes themselves.
        AddSeriesAgainstDevices(plot, results.Where(r => r.Result.Summary.BytesOnAir > 0), s => Math.Log10(s.BytesOnAir));
        LogTicks(plot.Axes.Left);
        plot.Title("Bytes on the air per round");
        plot.XLabel("edge devices (N)");
        plot.YLabel("bytes on air (log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot CompletionTime(IReadOnlyList<SweepResult> results)
    {
        var plot = PlotFonts.NewPlot();
        AddSeriesAgainstDevices(plot, results, s => s.MakespanSeconds);
        plot.Title("Time until every device has trained");
        plot.XLabel("edge devices (N)");
        plot.YLabel("completion time (s)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>Energy (every device's and the fog's, summary.csv's energy_j) per round against N; with Poisson arrivals, per run.</summary>
    private static Plot EnergyPerRound(IReadOnlyList<SweepResult> results, Arrivals arrivals)
    {
        int rounds = arrivals is RoundArrivals r ? Math.Max(1, r.Count) : 1;
        var plot = PlotFonts.NewPlot();
        AddSeriesAgainstDevices(plot, results.Where(x => double.IsFinite(x.Result.Summary.EnergyJoules)), s => s.EnergyJoules / rounds);
        plot.Title(arrivals is RoundArrivals ? "Energy per round, devices and fog" : "Energy of the run, devices and fog");
        plot.XLabel("edge devices (N)");
        plot.YLabel(arrivals is RoundArrivals ? "energy per round (J)" : "energy (J)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>One line per strategy and payload, N on x.</summary>
    private static void AddSeriesAgainstDevices(Plot plot, IEnumerable<SweepResult> results, Func<RunSummary, double> y)
    {
        foreach (var series in results.GroupBy(Label))
        {
            var points = series.OrderBy(r => r.Result.Summary.Devices).ToList();
            var scatter = plot.Add.Scatter(points.Select(r => (double)r.Result.Summary.Devices).ToArray(),
                points.Select(r => y(r.Result.Summary)).ToArray());
            scatter.LegendText = series.Key;
            scatter.MarkerSize = 7;
        }
    }

    /// <summary>
    /// The question the tool answers, at the largest N: each strategy's bytes on the air against the
    /// mAP50-95 of a detector trained on the frames that strategy delivers (mean over seeds with its bootstrap interval).
    /// Devices in jpeg-p2p and jpeg-fog, and the fog in train-fog, train on JPEG frames.
    /// </summary>
    private static Plot? CommunicationAgainstAccuracy(IReadOnlyList<SweepResult> results, IReadOnlyList<AccuracySummary> accuracy, string? jpegCodec)
    {
        if (results.Count == 0) return null;
        int largest = results.Max(r => r.Result.Summary.Devices);
        var byCodec = accuracy.ToDictionary(a => a.Codec);
        var plot = PlotFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        bool intervals = false;
        foreach (var r in results.Where(r => r.Result.Summary.Devices == largest && r.Result.Summary.BytesOnAir > 0))
        {
            // The frames the strategy's detector trains on (the JPEGs for train-fog, the mix's lower for hybrid): one rule with the recommendation.
            var a = Recommendation.WithAccuracy(r, jpegCodec, byCodec);
            double x = Math.Log10(r.Result.Summary.BytesOnAir);
            var color = palette.GetColor(i++);
            // The bootstrap interval over test frames and seeds where there is one, else ± std over seeds.
            var (low, high) = a.AccuracyCi is { } ci && double.IsFinite(ci.Low) ? (ci.Low, ci.High)
                : (a.AccuracyMean!.Value - a.AccuracyStd!.Value, a.AccuracyMean!.Value + a.AccuracyStd!.Value);
            var bar = plot.Add.Line(x, low, x, high);
            bar.Color = color;
            bar.LineWidth = 2;
            intervals |= a.AccuracyCi is { } found && double.IsFinite(found.Low);
            var point = plot.Add.ScatterPoints(new[] { x }, new[] { a.AccuracyMean!.Value });
            point.Color = color;
            point.MarkerSize = 10;
            point.LegendText = r.Label;
        }
        if (i == 0) return null;
        foreach (var (codec, text, pattern, color) in new[] { (AccuracyExperiment.Original, "trained on original frames", LinePattern.Dashed, Colors.Black),
                     (AccuracyExperiment.MeanBoxBaseline, "always the mean box", LinePattern.Dotted, Colors.Gray) })
        {
            if (!byCodec.TryGetValue(codec, out var reference)) continue;
            var line = plot.Add.HorizontalLine(reference.Map50To95Mean);
            line.LinePattern = pattern;
            line.Color = color;
            line.LegendText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{text}: {reference.Map50To95Mean:F3}");
        }
        LogTicks(plot.Axes.Bottom);
        plot.Title($"Bytes on air against accuracy, N = {largest}");
        plot.XLabel("bytes on air per round (log scale)");
        plot.YLabel(intervals ? "mAP50-95 (mean over seeds, 95% bootstrap interval)" : "mAP50-95 (mean ± std over seeds)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot PsnrAgainstBytes(IReadOnlyDictionary<CodecSpec, IReadOnlyList<FrameMetrics>> metrics)
    {
        var plot = PlotFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var (codec, rows) in metrics)
        {
            var color = palette.GetColor(i++);
            var name = codec.Key;
            var withObject = rows.Where(r => double.IsFinite(r.PsnrObjectDb)).ToList();
            var obj = plot.Add.ScatterPoints(withObject.Select(r => (double)r.PayloadBytes).ToArray(), withObject.Select(r => r.PsnrObjectDb).ToArray());
            obj.LegendText = $"{name}: object";
            obj.Color = color;
            obj.MarkerShape = MarkerShape.FilledCircle;
            obj.MarkerSize = 8;
            var bg = plot.Add.ScatterPoints(rows.Select(r => (double)r.PayloadBytes).ToArray(), rows.Select(r => r.PsnrBackgroundDb).ToArray());
            bg.LegendText = $"{name}: background";
            bg.Color = color;
            bg.MarkerShape = MarkerShape.OpenTriangleUp;
            bg.MarkerSize = 9;
        }
        plot.Title("Quality against payload size, per frame");
        plot.XLabel("payload (bytes)");
        plot.YLabel("PSNR (dB)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>The most telling point: INR payloads at the largest N, else the first strategy there.</summary>
    private static SweepResult? TimelinePoint(IReadOnlyList<SweepResult> results)
    {
        int largest = results.Count == 0 ? 0 : results.Max(r => r.Result.Summary.Devices);
        var atLargest = results.Where(r => r.Result.Summary.Devices == largest && r.Result.Devices.Count > 0).ToList();
        return atLargest.FirstOrDefault(r => r.Result.Summary.Strategy == SharingStrategy.InrTrainEdge && r.Codec == "residual-inr")
               ?? atLargest.FirstOrDefault(r => r.Result.Summary.Strategy == SharingStrategy.InrTrainEdge) ?? atLargest.FirstOrDefault();
    }

    /// <summary>
    /// One horizontal bar per device: waiting (grey: nothing on the air for it yet or between payloads, i.e.
    /// capture, uplinks, the fog's queue and encode), receiving (a transfer to it on the air; a broadcast counts
    /// for every device), decoding what is still queued after its last payload arrived, and training.
    /// Receiving needs the point's transfers, which the sweep does not keep: the point is played again with its records
    /// kept (same config and seed, so the same run: a simulation is deterministic). Beyond
    /// <see cref="TimelineReplayMaxDevices"/> devices the bars are too thin to show gaps, and receiving is drawn from
    /// first to last arrival instead.
    /// </summary>
    private static Plot Timeline(SweepResult point)
    {
        var plot = PlotFonts.NewPlot();
        var devices = point.Result.Devices;
        var palette = new ScottPlot.Palettes.Category10();
        var transfers = devices.Count <= TimelineReplayMaxDevices
            ? FogSimulation.Run(point.Point.Config with { RecordTransfers = true }).Transfers
            : [];
        var series = new (string Legend, Color Colour, Func<DeviceRecord, IEnumerable<(double From, double To)>> Spans)[]
        {
            ("waiting (capture, uplink, fog queue and encode)", Colors.LightGray,
                d => [(0, double.IsFinite(d.TrainingStartSeconds) ? d.TrainingStartSeconds : d.DataCompleteSeconds)]),
            ("receiving (a payload for it on the air)", palette.GetColor(0),
                d => transfers.Count > 0 ? Receiving(d.Device, transfers) : [(d.FirstPayloadSeconds, d.LastPayloadSeconds)]),
            ("decoding after the last payload", palette.GetColor(2), d => [(d.LastPayloadSeconds, d.DataCompleteSeconds)]),
            ("training", palette.GetColor(1), d => [(d.TrainingStartSeconds, d.TrainingDoneSeconds)]),
        };
        foreach (var (legend, colour, spans) in series)
        {
            var bars = new List<Bar>();
            for (int i = 0; i < devices.Count; i++)
                foreach (var (from, to) in spans(devices[i]))
                    if (double.IsFinite(from) && double.IsFinite(to) && to > from)
                        bars.Add(new Bar { Position = i, ValueBase = from, Value = to, FillColor = colour, LineWidth = 0 });
            if (bars.Count == 0) continue;
            var added = plot.Add.Bars(bars);
            added.Horizontal = true;
            added.Color = colour;
            added.LegendText = legend;
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, devices.Count).Select(d => (double)d).ToArray(), devices.Select(d => d.Device).ToArray());
        plot.Title($"Per-device timeline: {Label(point)}, N = {point.Result.Summary.Devices}");
        plot.XLabel("time (s)");
        plot.YLabel("device");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private const int TimelineReplayMaxDevices = 128;

    /// <summary>The merged intervals when a delivered transfer to <paramref name="device"/> was on the air (broadcasts from others count).</summary>
    private static List<(double From, double To)> Receiving(string device, IReadOnlyList<TransferRecord> transfers)
    {
        var spans = transfers.Where(t => !t.Lost && t.Source != device && (t.Destinations == device || t.Destinations.StartsWith("broadcast:", StringComparison.Ordinal)))
            .Select(t => (From: t.StartSeconds, To: t.EndSeconds)).OrderBy(t => t.From).ToList();
        var merged = new List<(double From, double To)>();
        foreach (var span in spans)
        {
            if (merged.Count > 0 && span.From <= merged[^1].To) merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, span.To));
            else merged.Add(span);
        }
        return merged;
    }

    /// <summary>The critical path's parts in the order they happen, as <c>summary.csv</c>'s path_*_s columns.</summary>
    internal static readonly (string Legend, Func<CriticalPath, double> Seconds)[] PathParts =
    [
        ("capture", p => p.CaptureSeconds),
        ("uplink", p => p.UplinkSeconds),
        ("fog wait", p => p.FogWaitSeconds),
        ("encode", p => p.EncodeSeconds),
        ("downlink", p => p.DownlinkSeconds),
        ("decode", p => p.DecodeSeconds),
        ("train", p => p.TrainSeconds),
    ];

    /// <summary>
    /// "Where the time goes": for every strategy (and codec) and N, the makespan as a horizontal bar split
    /// into the critical path's parts, which add up to it. Points where no device completed are left out.
    /// </summary>
    private static Plot? TimeBreakdown(IReadOnlyList<SweepResult> results)
    {
        var rows = results.Where(r => double.IsFinite(r.Summary.MakespanSeconds))
            .OrderByDescending(r => r.Summary.Devices).ThenByDescending(r => r.Label, StringComparer.Ordinal).ToList();
        if (rows.Count == 0) return null;
        var plot = PlotFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < PathParts.Length; k++)
        {
            var bars = new List<Bar>();
            for (int i = 0; i < rows.Count; i++)
            {
                var path = rows[i].Summary.Path;
                double from = PathParts.Take(k).Sum(p => p.Seconds(path)), part = PathParts[k].Seconds(path);
                if (part > 0) bars.Add(new Bar { Position = i, ValueBase = from, Value = from + part, FillColor = palette.GetColor(k) });
            }
            if (bars.Count == 0) continue;
            var added = plot.Add.Bars(bars);
            added.Horizontal = true;
            added.Color = palette.GetColor(k);
            added.LegendText = PathParts[k].Legend;
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(),
            rows.Select(r => $"N = {r.Summary.Devices}: {r.Label}").ToArray());
        plot.Title("Where the time goes: the critical path of the last device to finish");
        plot.XLabel("time until the last complete device has trained (s)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <param name="format">How a tick's value (10^y) is written: N0 for bytes, #,0.### for seconds that may be below 1.</param>
    private static void LogTicks(IAxis axis, string format = "N0")
    {
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString(format, System.Globalization.CultureInfo.InvariantCulture),
        };
        axis.TickGenerator = ticks;
    }

    internal static IEnumerable<string> Save(Plot plot, string outDir, string name)
    {
        var png = Path.Combine(outDir, name + ".png");
        var svg = Path.Combine(outDir, name + ".svg");
        // Render to temporary files, then rename: an interrupted run never leaves half a plot.
        AtomicFile.WriteAllBytes(png, plot.GetImageBytes(Width, Height, ImageFormat.Png));
        AtomicFile.WriteAllText(svg, WithFallbackFamily(plot.GetSvgXml(Width, Height)));
        return [png, svg];
    }

    /// <summary>
    /// SVG text names the typeface's family only; a viewer without DejaVu Sans would pick its default
    /// (often a serif), so the embedded family gets the generic sans-serif as its fallback.
    /// </summary>
    internal static string WithFallbackFamily(string svg) =>
        svg.Replace($"font-family=\"{PlotFonts.Family}\"", $"font-family=\"{PlotFonts.SvgFamily}\"", StringComparison.Ordinal);
}
