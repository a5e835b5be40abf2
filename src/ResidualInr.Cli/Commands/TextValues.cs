using System.Globalization;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// Parsing of the text values that options and scenario keys share (sizes, device counts,
/// strategy names), so the command line and the YAML accept and reject the same things.
/// </summary>
public static class TextValues
{
    /// <summary>"AxB" with two positive whole numbers, case-insensitive x.</summary>
    public static bool TryPair(string text, out int first, out int second)
    {
        first = second = 0;
        var parts = text.ToLowerInvariant().Split('x');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out second)
            && first > 0 && second > 0;
    }

    public static (int Width, int Height) Size(string text, string optionName) =>
        TryPair(text, out int w, out int h) ? (w, h) : throw new InputException($"{optionName} '{text}' is not a size like 320x180");

    /// <summary>Comma-separated device counts, each at least 1.</summary>
    public static IReadOnlyList<int> DeviceCounts(string text, string optionName)
    {
        var counts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
                : throw new InputException($"{optionName}: '{part}' is not a device count >= 1")).ToList();
        if (counts.Count == 0) throw new InputException($"{optionName} needs at least one count");
        return counts;
    }

    /// <summary>Comma-separated strategy names, or "all".</summary>
    public static IReadOnlyList<SharingStrategy> Strategies(string text, string optionName)
    {
        if (text == "all") return Enum.GetValues<SharingStrategy>();
        return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(name =>
            SharingStrategyNames.TryParse(name, out var s) ? s
                : throw new InputException($"{optionName}: unknown strategy '{name}' (expected {string.Join(", ", SharingStrategyNames.All)})")).ToList();
    }

    /// <summary>Mean of the finite values (NaN PSNRs of box-less frames are skipped); NaN when none is.</summary>
    public static double FiniteMean(this IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }
}
