using System.CommandLine;
using System.Numerics;
using ResidualInr.Cli.Scenarios;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// Command-line options validated with the range of a declared <see cref="Key"/> (a scenario key, or one of
/// <see cref="ScenarioKeys.Options"/>), so an option and its scenario key accept the same values. An option out
/// of range is a parse error: one line naming the option, exit code 2.
/// </summary>
public static class OptionRanges
{
    public static Option<T> Within<T>(this Option<T> option, Key key) where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 || !TryValue(result, out T value)) return; // the default, or text the parser already refuses
            if (!key.InRange(double.CreateChecked(value)))
                result.AddError($"{option.Name} {result.Tokens[^1].Value}: must be {(key.Kind == KeyKind.Double ? "a finite number" : "a whole number")} in {key.RangeText}");
        });
        return option;
    }

    /// <summary>For an optional option (no value means "not given").</summary>
    public static Option<T?> Within<T>(this Option<T?> option, Key key) where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0 || !TryValue(result, out T? given) || given is not { } value) return;
            if (!key.InRange(double.CreateChecked(value)))
                result.AddError($"{option.Name} {result.Tokens[^1].Value}: must be {(key.Kind == KeyKind.Double ? "a finite number" : "a whole number")} in {key.RangeText}");
        });
        return option;
    }

    private static bool TryValue<T>(System.CommandLine.Parsing.OptionResult result, out T value)
    {
        try { value = result.GetValueOrDefault<T>(); return true; }
        catch (InvalidOperationException) { value = default!; return false; } // not a number of that type: a parse error already says so
    }
}
