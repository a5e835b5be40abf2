using System.Diagnostics;
using ResidualInr.Cli.Plots;
using SkiaSharp;
using Xunit.Abstractions;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// Plots rendered on a machine without fonts (the GPU server behind results/paper-10-devices) must still
/// have their text. SkiaSharp's Linux build here has no fontconfig and reads /usr/share/fonts/ once, when
/// it loads; so the check runs rinr's test-only probe in a child process inside a mount namespace where
/// /usr/share/fonts is an empty tmpfs (FONTCONFIG_FILE also points at a config without font folders, for
/// a fontconfig build of SkiaSharp).
/// </summary>
public class PlotFontTests(ITestOutputHelper output)
{
    [Fact]
    public void On_a_machine_without_fonts_a_plot_title_is_still_drawn()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-fonts-").FullName;
        try
        {
            var outDir = Path.Combine(dir, "out");
            var report = RunProbeWithoutFonts(dir, outDir);

            // The absence of fonts is real, or this test proves nothing.
            Assert.True(report["system_font_families"] == "0" && report["system_default_typeface_glyphs"] == "0",
                $"the machine's fonts were not hidden from the probe (SkiaSharp saw {report["system_font_families"]} font families, " +
                $"default typeface with {report["system_default_typeface_glyphs"]} glyphs); is 'unshare --mount' permitted here?");

            // Same plot, same layout; only the title's ink differs. Without a usable font both renders
            // are identical (an empty typeface draws nothing), so the count below is 0.
            using var withTitle = SKBitmap.Decode(Path.Combine(outDir, "with_title.png"));
            using var inkHidden = SKBitmap.Decode(Path.Combine(outDir, "title_ink_hidden.png"));
            Assert.Equal((withTitle.Width, withTitle.Height), (inkHidden.Width, inkHidden.Height));
            int differing = 0, lowestRow = -1;
            for (int y = 0; y < withTitle.Height; y++)
            for (int x = 0; x < withTitle.Width; x++)
            {
                SKColor a = withTitle.GetPixel(x, y), b = inkHidden.GetPixel(x, y);
                if (Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue) > 48)
                {
                    differing++;
                    lowestRow = y;
                }
            }
            output.WriteLine(string.Join(", ", report.Select(kv => $"{kv.Key}={kv.Value}")) + $"; title pixels {differing}, lowest row {lowestRow}");
            // A 62-character bold title at ScottPlot's default size inks a few thousand pixels, all in the
            // band above the data area.
            Assert.True(differing > 1000, $"the title drew {differing} pixels; expected its {PlotFontProbe.Title.Length} characters to ink > 1000");
            Assert.True(lowestRow < 40, $"title pixels reach row {lowestRow}, below the title band");
            Assert.Equal(PlotFonts.Family, report["title_font_family"]);
            Assert.NotEqual("0", report["title_font_glyphs"]);

            // The SVG names the embedded family with a generic fallback.
            Assert.Contains($"font-family=\"{PlotFonts.SvgFamily}\"", File.ReadAllText(Path.Combine(outDir, "with_title.svg")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_font_name_and_weight_resolves_to_the_embedded_DejaVu_Sans()
    {
        var plot = PlotFonts.NewPlot();
        Assert.Equal(PlotFonts.Family, plot.Axes.Title.Label.FontName);
        foreach (var name in new[] { PlotFonts.Family, "Arial", "Liberation Serif", ScottPlot.Fonts.Monospace, "" })
        {
            var regular = PlotFonts.Resolve(name, bold: false);
            var bold = PlotFonts.Resolve(name, bold: true);
            Assert.Equal(PlotFonts.Family, regular.FamilyName);
            Assert.Equal(PlotFonts.Family, bold.FamilyName);
            Assert.False(regular.IsBold);
            Assert.True(bold.IsBold);
            Assert.True(regular.ContainsGlyphs("Bytes on air ± 10,000 (s)"));
        }
    }

    /// <summary>
    /// Runs <c>rinr __plot-font-probe OUT</c> with /usr/share/fonts (and /usr/local/share/fonts) hidden;
    /// returns its key=value report. Tries a plain mount namespace (root), then one with a user
    /// namespace (unprivileged), then, last, no namespace (the caller's checks then say why it fails).
    /// </summary>
    private static Dictionary<string, string> RunProbeWithoutFonts(string dir, string outDir)
    {
        var fontsConf = Path.Combine(dir, "fonts.conf");
        File.WriteAllText(fontsConf, $"""
            <?xml version="1.0"?>
            <!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
            <fontconfig><cachedir>{Path.Combine(dir, "fc-cache")}</cachedir></fontconfig>
            """);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string[] probe = [dotnet, Path.Combine(AppContext.BaseDirectory, "rinr.dll"), PlotFontProbe.Command, outDir];
        const string HideFonts = """
            for d in /usr/share/fonts /usr/local/share/fonts; do
              if [ -d "$d" ]; then mount -t tmpfs rinr-no-fonts "$d" || exit 97; fi
            done
            exec "$@"
            """;
        string[][] attempts =
        [
            ["unshare", "--mount", "sh", "-c", HideFonts, "sh", .. probe],
            ["unshare", "--mount", "--map-root-user", "sh", "-c", HideFonts, "sh", .. probe],
            probe,
        ];
        var failures = new List<string>();
        foreach (var command in attempts)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
            start.Environment["FONTCONFIG_FILE"] = fontsConf;
            start.Environment["FONTCONFIG_PATH"] = dir;
            Process process;
            try { process = Process.Start(start)!; }
            catch (System.ComponentModel.Win32Exception e) { failures.Add($"{command[0]}: {e.Message}"); continue; }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                string stdout = process.StandardOutput.ReadToEnd();
                Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the probe did not finish in 2 minutes");
                if (!stdout.Contains("system_font_families="))
                {
                    failures.Add($"{string.Join(' ', command.Take(3))}: exit {process.ExitCode}, {stderr.Result.Trim()}");
                    continue; // the namespace could not be set up; the probe never ran
                }
                Assert.True(process.ExitCode == 0, $"the probe failed (exit {process.ExitCode}):\n{stdout}\n{stderr.Result}");
                return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            }
        }
        throw new Xunit.Sdk.XunitException("the probe could not be run:\n" + string.Join('\n', failures));
    }
}
