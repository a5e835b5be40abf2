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
        if (accuracy is not null && CommunicationAgainstAccuracy(results, accuracy) is { } tradeoff)
            written.AddRange(Save(tradeoff, outDir, "accuracy_vs_bytes"));
        written.AddRange(Save(BytesOnAir(results), outDir, "bytes_on_air"));
        written.AddRange(Save(CompletionTime(results), outDir, "completion_time"));
        written.AddRange(Save(PsnrAgainstBytes(metrics), outDir, "psnr_vs_payload"));
        if (TimelinePoint(results) is { } point) written.AddRange(Save(Timeline(point), outDir, "timeline"));
        return written;
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
    /// mAP50-95 of a detector trained on the frames that strategy delivers (mean and std over seeds).
    /// Devices in jpeg-p2p and jpeg-fog, and the fog in train-fog, train on JPEG frames.
    /// </summary>
    private static Plot? CommunicationAgainstAccuracy(IReadOnlyList<SweepResult> results, IReadOnlyList<AccuracySummary> accuracy)
    {
        if (results.Count == 0) return null;
        int largest = results.Max(r => r.Result.Summary.Devices);
        var byCodec = accuracy.ToDictionary(a => a.Codec);
        var plot = PlotFonts.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var r in results.Where(r => r.Result.Summary.Devices == largest && r.Result.Summary.BytesOnAir > 0))
        {
            if (!byCodec.TryGetValue(r.Codec, out var a)) continue;
            double x = Math.Log10(r.Result.Summary.BytesOnAir);
            var color = palette.GetColor(i++);
            var bar = plot.Add.ErrorBar(new[] { x }, new[] { a.Map50To95Mean }, new[] { a.Map50To95Std });
            bar.Color = color;
            var point = plot.Add.ScatterPoints(new[] { x }, new[] { a.Map50To95Mean });
            point.Color = color;
            point.MarkerSize = 10;
            point.LegendText = r.Label;
        }
        if (i == 0) return null;
        foreach (var (codec, text, pattern, color) in new[] { (AccuracyStage.Original, "trained on original frames", LinePattern.Dashed, Colors.Black),
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
        plot.YLabel("mAP50-95 (mean ± std over seeds)");
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

    private static Plot Timeline(SweepResult point)
    {
        var plot = PlotFonts.NewPlot();
        var devices = point.Result.Devices;
        var receiving = new List<Bar>();
        var training = new List<Bar>();
        var palette = new ScottPlot.Palettes.Category10();
        for (int d = 0; d < devices.Count; d++)
        {
            receiving.Add(new Bar { Position = d, ValueBase = 0, Value = devices[d].DataCompleteSeconds, FillColor = palette.GetColor(0) });
            training.Add(new Bar { Position = d, ValueBase = devices[d].DataCompleteSeconds, Value = devices[d].TrainingDoneSeconds, FillColor = palette.GetColor(1) });
        }
        var rx = plot.Add.Bars(receiving);
        rx.Horizontal = true;
        rx.LegendText = "receiving and decoding shared frames";
        var tx = plot.Add.Bars(training);
        tx.Horizontal = true;
        tx.LegendText = "training";
        plot.Axes.Left.SetTicks(Enumerable.Range(0, devices.Count).Select(d => (double)d).ToArray(), devices.Select(d => d.Device).ToArray());
        plot.Title($"Per-device timeline: {Label(point)}, N = {point.Result.Summary.Devices}");
        plot.XLabel("time (s)");
        plot.YLabel("device");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static void LogTicks(IAxis axis)
    {
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
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
