using ResidualInr.Imaging;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// Reads of declared <see cref="Key"/>s from a <see cref="YamlSection"/>: the declaration supplies the
/// name, default and range, so the loader never repeats them.
/// </summary>
public static class KeyReads
{
    public static int Int(this YamlSection s, Key k) => s.Int(k.Name, (int)k.Default!, k.IntMin, k.IntMax);

    /// <summary>Null when the key is absent (its default comes from elsewhere).</summary>
    public static int? OptionalInt(this YamlSection s, Key k) => s.Has(k.Name) ? s.Int(k.Name, 0, k.IntMin, k.IntMax) : null;

    public static double Double(this YamlSection s, Key k) =>
        s.Double(k.Name, (double)k.Default!, k.Min ?? double.NegativeInfinity, k.Max ?? double.PositiveInfinity, !k.MaxExclusive);

    public static double? OptionalDouble(this YamlSection s, Key k) =>
        s.Has(k.Name) ? s.Double(k.Name, 0, k.Min ?? double.NegativeInfinity, k.Max ?? double.PositiveInfinity, !k.MaxExclusive) : null;

    public static bool Bool(this YamlSection s, Key k) => s.Bool(k.Name, (bool)k.Default!);

    /// <summary>Required when the key has neither a default nor <paramref name="fallback"/>.</summary>
    public static string String(this YamlSection s, Key k, string? fallback = null) => s.String(k.Name, fallback ?? (string?)k.Default);

    public static string? OptionalString(this YamlSection s, Key k) => s.OptionalString(k.Name);

    /// <summary>One of the key's allowed values (or aliases), else "key: 'x' is not a, b or c".</summary>
    public static string Enum(this YamlSection s, Key k, string? fallback = null)
    {
        var value = s.String(k, fallback);
        return Accepts(k, value) ? value : throw EnumError(s, k, value);
    }

    public static bool Accepts(Key k, string value) => k.Allowed.Contains(value) || k.Aliases.Contains(value);

    public static InputException EnumError(YamlSection s, Key k, string value) => s.Error(s.Peek(k.Name), k.Name, $"'{value}' is not {k.AllowedText}");

    public static IReadOnlyList<int> IntList(this YamlSection s, Key k) => s.IntList(k.Name, (int[])k.Default!, k.IntMin, k.IntMax);

    public static IReadOnlyList<long> LongList(this YamlSection s, Key k) => s.LongList(k.Name, (long[])k.Default!, k.LongMin, k.LongMax);

    /// <summary>Null when the key is absent.</summary>
    public static IReadOnlyList<double>? OptionalDoubleList(this YamlSection s, Key k) => s.DoubleList(k.Name, k.InRange, k.RangeText);

    public static IReadOnlyList<string> StringList(this YamlSection s, Key k) => s.StringList(k.Name, (string[])k.Default!);

    public static YamlSection? Section(this YamlSection s, Key k) => s.Section(k.Name);
}
