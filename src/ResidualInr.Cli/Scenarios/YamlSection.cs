using System.Globalization;
using ResidualInr.Imaging;
using YamlDotNet.RepresentationModel;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// Strict, typed reads from one YAML mapping. Every read names the key; whatever is left unread
/// at <see cref="RejectUnknownKeys"/> is an unknown key, reported with the closest known one.
/// Errors are one line: <c>file:line: key.path: reason</c>.
/// </summary>
public sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly HashSet<string> _known = [];

    public YamlSection(string file, string path, YamlMappingNode node)
    {
        File = file;
        Path = path;
        _node = node;
    }

    public string File { get; }
    public string Path { get; }

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public InputException Error(YamlNode? node, string key, string reason) =>
        new(File, node is null ? (int)_node.Start.Line : (int)node.Start.Line, $"{KeyPath(key)}: {reason}");

    public bool Has(string key)
    {
        _known.Add(key);
        return _node.Children.ContainsKey(new YamlScalarNode(key));
    }

    /// <summary>The node under <paramref name="key"/>, for error lines; does not count as a read.</summary>
    public YamlNode? Peek(string key) => _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private YamlNode? Get(string key)
    {
        _known.Add(key);
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    private string Scalar(string key, YamlNode node, string expected) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(node, key, $"expected {expected}, found a {Describe(node)}");

    public string String(string key, string? fallback = null)
    {
        var node = Get(key);
        if (node is null) return fallback ?? throw Error(null, key, "is required");
        var value = Scalar(key, node, "text");
        if (value.Length == 0) throw Error(node, key, "must not be empty");
        return value;
    }

    public string? OptionalString(string key) => Get(key) is { } node ? Scalar(key, node, "text") : null;

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        Get(key) is { } node ? ToInt(key, node, min, max) : fallback;

    public bool Bool(string key, bool fallback)
    {
        if (Get(key) is not { } node) return fallback;
        return Scalar(key, node, "true or false") switch
        {
            "true" => true,
            "false" => false,
            var text => throw Error(node, key, $"'{text}' is not true or false"),
        };
    }

    public long Long(string key, long fallback, long min = long.MinValue)
    {
        if (Get(key) is not { } node) return fallback;
        var text = Scalar(key, node, "a whole number");
        if (!long.TryParse(text.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            throw Error(node, key, $"'{text}' is not a whole number");
        if (v < min) throw Error(node, key, $"{v} is below the minimum {min}");
        return v;
    }

    public double Double(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool maxInclusive = true)
    {
        if (Get(key) is not { } node) return fallback;
        var text = Scalar(key, node, "a number");
        if (!double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw Error(node, key, $"'{text}' is not a finite number");
        if (v < min || v > max || (!maxInclusive && v == max))
            throw Error(node, key, $"{v} is out of range [{min}, {max}{(maxInclusive ? "]" : ")")}");
        return v;
    }

    /// <summary>A single value or a list of them, e.g. <c>devices: 8</c> or <c>devices: [2, 4, 8]</c>.</summary>
    public IReadOnlyList<int> IntList(string key, IReadOnlyList<int> fallback, int min, int max = int.MaxValue)
    {
        var node = Get(key);
        if (node is null) return fallback;
        if (node is YamlSequenceNode seq)
        {
            if (seq.Children.Count == 0) throw Error(node, key, "must list at least one value");
            return seq.Children.Select(c => ToInt(key, c, min, max)).ToList();
        }
        return [ToInt(key, node, min, max)];
    }

    /// <summary>A single whole number or a list of them.</summary>
    public IReadOnlyList<long> LongList(string key, IReadOnlyList<long> fallback, long min, long max = long.MaxValue)
    {
        var node = Get(key);
        if (node is null) return fallback;
        var items = node is YamlSequenceNode seq ? seq.Children.ToList() : [node];
        if (items.Count == 0) throw Error(node, key, "must list at least one value");
        return items.Select(item =>
        {
            var text = Scalar(key, item, "a whole number");
            if (!long.TryParse(text.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                throw Error(item, key, $"'{text}' is not a whole number");
            if (v < min || v > max) throw Error(item, key, $"{v} is out of range [{min}, {max}]");
            return v;
        }).ToList();
    }

    /// <summary>A single number or a list of them, each checked by <paramref name="inRange"/> (which <paramref name="range"/> describes); null when absent.</summary>
    public IReadOnlyList<double>? DoubleList(string key, Func<double, bool> inRange, string range)
    {
        var node = Get(key);
        if (node is null) return null;
        var items = node is YamlSequenceNode seq ? seq.Children.ToList() : [node];
        if (items.Count == 0) throw Error(node, key, "must list at least one value");
        return items.Select(item =>
        {
            var text = Scalar(key, item, "a number");
            if (!double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw Error(item, key, $"'{text}' is not a finite number");
            if (!inRange(v)) throw Error(item, key, $"{v.ToString(CultureInfo.InvariantCulture)} is out of range {range}");
            return v;
        }).ToList();
    }

    public IReadOnlyList<string> StringList(string key, IReadOnlyList<string> fallback)
    {
        var node = Get(key);
        if (node is null) return fallback;
        if (node is YamlSequenceNode seq) return seq.Children.Select(c => Scalar(key, c, "text")).ToList();
        return [Scalar(key, node, "text or a list")];
    }

    public YamlSection? Section(string key)
    {
        var node = Get(key);
        if (node is null) return null;
        if (node is YamlMappingNode map) return new YamlSection(File, KeyPath(key), map);
        throw Error(node, key, $"expected a mapping of keys, found a {Describe(node)}");
    }

    /// <summary>Every key of this mapping with its section (for maps keyed by name, such as codecs).</summary>
    public IEnumerable<(string Key, YamlNode Node)> Entries()
    {
        foreach (var (k, v) in _node.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            _known.Add(key);
            yield return (key, v);
        }
    }

    public YamlSection Nested(string key, YamlNode node) => node switch
    {
        YamlMappingNode map => new YamlSection(File, KeyPath(key), map),
        YamlScalarNode { Value: null or "" or "~" } => new YamlSection(File, KeyPath(key), new YamlMappingNode()),
        _ => throw Error(node, key, $"expected a mapping of settings, found a {Describe(node)}"),
    };

    public void RejectUnknownKeys()
    {
        foreach (var (k, _) in _node.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "?";
            if (_known.Contains(key)) continue;
            var hint = DidYouMean(key, _known);
            throw new InputException(File, (int)k.Start.Line, $"{KeyPath(key)}: unknown key{(hint is null ? "" : $" (did you mean '{hint}'?)")}");
        }
    }

    private int ToInt(string key, YamlNode node, int min, int max)
    {
        var text = Scalar(key, node, "a whole number");
        if (!int.TryParse(text.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            throw Error(node, key, $"'{text}' is not a whole number");
        if (v < min || v > max) throw Error(node, key, $"{v} is out of range [{min}, {max}]");
        return v;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };

    /// <summary>The known key closest to <paramref name="key"/> by edit distance, if it is close enough to be a typo.</summary>
    public static string? DidYouMean(string key, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var k in known)
        {
            int d = Levenshtein(key.ToLowerInvariant(), k.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (k, d);
        }
        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var prev = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var cur = new int[b.Length + 1];
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            prev = cur;
        }
        return prev[b.Length];
    }
}
