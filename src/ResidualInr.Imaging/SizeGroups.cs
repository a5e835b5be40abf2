namespace ResidualInr.Imaging;

/// <summary>
/// Residual-INR's "INR grouping": object boxes are sorted by pixel area into groups, and every
/// object INR in a group has the same shape, so a group trains and decodes as one batch.
/// The defaults are the reference code's thresholds (DESIGN.md).
/// </summary>
public sealed record SizeGroups(IReadOnlyList<double> UpperBounds)
{
    /// <summary>Group 1: area &lt; 1001, 2: &lt; 3001, 3: &lt; 10001, 4: the rest.</summary>
    public static SizeGroups Default { get; } = new([1001, 3001, 10001]);

    public int Count => UpperBounds.Count + 1;

    /// <summary>The 1-based group of a box area.</summary>
    public int GroupOf(double area)
    {
        for (int i = 0; i < UpperBounds.Count; i++)
            if (area < UpperBounds[i]) return i + 1;
        return UpperBounds.Count + 1;
    }

    public string Describe(int group)
    {
        double lo = group == 1 ? 0 : UpperBounds[group - 2];
        return group == Count ? $">= {lo:0}" : $"{lo:0}-{UpperBounds[group - 1] - 1:0}";
    }
}
