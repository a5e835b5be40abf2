namespace ResidualInr.Simulation;

/// <summary>
/// An enum's names as scenarios, options and CSVs spell them, in one table read both ways: the code passes the values,
/// the edges the names. Every value of the enum has exactly one name (checked when the table is built).
/// </summary>
public sealed class NameTable<T> where T : struct, Enum
{
    private readonly (T Value, string Name)[] _table;

    public NameTable(params (T Value, string Name)[] table)
    {
        var missing = Enum.GetValues<T>().Where(v => table.Count(t => t.Value.Equals(v)) != 1).ToList();
        if (missing.Count > 0) throw new ArgumentException($"{typeof(T).Name}: every value needs exactly one name ({string.Join(", ", missing)})");
        _table = table;
        Names = table.Select(t => t.Name).ToArray();
    }

    /// <summary>The names, in the table's order.</summary>
    public IReadOnlyList<string> Names { get; }

    public string Name(T value)
    {
        foreach (var (v, n) in _table)
            if (v.Equals(value)) return n;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(T).Name}");
    }

    public bool TryParse(string name, out T value)
    {
        foreach (var (v, n) in _table)
            if (n == name) { value = v; return true; }
        value = default;
        return false;
    }
}
