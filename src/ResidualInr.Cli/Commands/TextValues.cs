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

    /// <summary>Comma-separated device counts, each in the range of the scenario key <c>devices</c>.</summary>
    public static IReadOnlyList<int> DeviceCounts(string text, string optionName)
    {
        var counts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
            int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && Scenarios.ScenarioKeys.Devices.InRange(n) ? n
                : throw new InputException($"{optionName}: '{part}' is not a device count in {Scenarios.ScenarioKeys.Devices.RangeText}")).ToList();
        if (counts.Count == 0) throw new InputException($"{optionName} needs at least one count");
        return counts;
    }

    /// <summary>
    /// Checks that an output folder can exist: a path the system accepts, each name at most 255 bytes (ext4, xfs, tmpfs) and the
    /// whole at most 4,095, so a long scenario name is an input error before any work, not an exception from the first write.
    /// </summary>
    /// <returns>Null when the path is fine, else the reason it is not.</returns>
    public static string? OutputFolderProblem(string path)
    {
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"'{path}' is not a usable path ({e.Message})";
        }
        static int Bytes(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
        var longest = full.Split(Path.DirectorySeparatorChar).MaxBy(Bytes)!;
        if (Bytes(longest) > 255)
            return $"the output folder name '{longest[..Math.Min(24, longest.Length)]}...' is {Bytes(longest)} bytes long, over the 255 a file system allows; shorten it or set 'output'";
        if (Bytes(full) > 4000) return $"the output path is {Bytes(full)} bytes long; keep it under 4,000";
        return null;
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
