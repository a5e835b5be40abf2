using System.Globalization;
using SkiaSharp;

namespace ResidualInr.Cli.Plots;

/// <summary>
/// TEST-ONLY entry (<c>rinr __plot-font-probe OUTDIR</c>, not in the command tree or its help): renders
/// one plot through the same path as the scenario plots, twice, once with its title drawn and once with
/// the title's ink transparent (same layout), and prints what fonts SkiaSharp found on the machine.
/// PlotFontTests runs it in a child process with the machine's fonts hidden: which fonts SkiaSharp sees
/// is fixed when it first loads, so a test process that already has SkiaSharp loaded cannot check it.
/// </summary>
internal static class PlotFontProbe
{
    public const string Command = "__plot-font-probe";
    public const string Title = "Bytes on the air against accuracy at the paper's scale, N = 10";

    public static int Run(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine($"usage: rinr {Command} OUTDIR");
            return RinrApp.ExitUsage;
        }
        string outDir = args[0];
        Directory.CreateDirectory(outDir);

        // What the machine offers, before anything of ours is registered.
        var families = SKFontManager.Default.FontFamilies.ToList();
        var typeface = SKTypeface.Default; // shared; not ours to dispose
        Report("system_font_families", families.Count(f => !string.IsNullOrEmpty(f)).ToString(CultureInfo.InvariantCulture));
        Report("system_default_typeface_glyphs", typeface.GlyphCount.ToString(CultureInfo.InvariantCulture));

        foreach (var (name, drawTitle) in new[] { ("with_title", true), ("title_ink_hidden", false) })
        {
            var plot = PlotFonts.NewPlot();
            var scatter = plot.Add.Scatter(new double[] { 2, 4, 8, 10 }, new double[] { 1, 3, 2, 5 });
            scatter.LegendText = "jpeg-p2p";
            plot.Title(Title);
            if (!drawTitle) plot.Axes.Title.Label.ForeColor = ScottPlot.Colors.Transparent;
            plot.XLabel("edge devices (N)");
            plot.YLabel("bytes on air");
            plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
            ScenarioPlots.Save(plot, outDir, name);
            if (drawTitle)
            {
                var label = plot.Axes.Title.Label;
                var resolved = PlotFonts.Resolve(label.FontName, label.Bold);
                Report("title_font_family", resolved.FamilyName);
                Report("title_font_glyphs", resolved.GlyphCount.ToString(CultureInfo.InvariantCulture));
            }
        }
        return RinrApp.ExitOk;
    }

    private static void Report(string key, string value) => Console.Out.WriteLine($"{key}={value}");
}
