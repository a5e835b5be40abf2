using ScottPlot;
using SkiaSharp;

namespace ResidualInr.Cli.Plots;

/// <summary>
/// Every plot's text is drawn with DejaVu Sans, embedded in <c>rinr</c> itself (Plots/Fonts, with its
/// licence), so plots rendered on a machine without any fonts, such as a bare GPU server, still have
/// their title, axis labels, tick labels and legend. SkiaSharp's Linux build here has no fontconfig:
/// it looks for fonts in /usr/share/fonts/ only, and finding none it draws no text at all.
/// </summary>
internal static class PlotFonts
{
    /// <summary>The family every plot asks for; also what the SVG files name, with a generic fallback.</summary>
    public const string Family = "DejaVu Sans";

    /// <summary>The SVG <c>font-family</c> value: viewers without DejaVu Sans fall back to their sans-serif.</summary>
    public const string SvgFamily = Family + ", sans-serif";

    private static readonly object Gate = new();
    private static EmbeddedFontResolver? resolver;

    /// <summary>
    /// Registers the embedded faces with ScottPlot, ahead of its system-font resolver, and makes them the
    /// default for every label created afterwards. Idempotent; call before building a plot.
    /// </summary>
    public static void Ensure()
    {
        lock (Gate)
        {
            if (resolver is not null) return;
            var created = new EmbeddedFontResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
            Fonts.FontResolvers.Insert(0, created);
            Fonts.Default = Family;
            Fonts.Sans = Family;
            resolver = created;
        }
    }

    /// <summary>A new plot whose every text element (title, axis labels, tick labels, legend) uses <see cref="Family"/>.</summary>
    public static Plot NewPlot()
    {
        Ensure();
        // Labels take Fonts.Default when created, and the resolver answers any name anyway. Not
        // plot.Font.Set: it pins every label to the regular face, and the title and axis labels are bold.
        var plot = new Plot();
        plot.Legend.FontName = Family;
        return plot;
    }

    /// <summary>The typeface ScottPlot will draw a label with, as it resolves it (for tests and the probe).</summary>
    public static SKTypeface Resolve(string fontName, bool bold) => Fonts.GetTypeface(fontName, bold, italic: false);

    private static SKTypeface Load(string file)
    {
        string name = $"ResidualInr.Cli.Plots.Fonts.{file}";
        using var stream = typeof(PlotFonts).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"embedded font {name} is missing from {typeof(PlotFonts).Assembly.GetName().Name}");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data)
               ?? throw new InvalidOperationException($"embedded font {name} could not be read");
    }

    /// <summary>
    /// Answers every family name with the embedded DejaVu Sans (bold requests with DejaVu Sans Bold),
    /// so no text falls through to the machine's fonts, whatever name a ScottPlot default asks for.
    /// The typefaces live as long as the process: ScottPlot caches and shares them.
    /// </summary>
    private sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            weight >= FontWeight.SemiBold ? bold : regular;

        public SKTypeface CreateTypeface(string fontName, bool isBold, bool isItalic) => isBold ? bold : regular;
    }
}
