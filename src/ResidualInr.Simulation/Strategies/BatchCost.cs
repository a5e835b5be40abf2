namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// What one fog encode batch of b frames costs on the GPU: t(b) seconds, from measured points
/// (batch size, seconds).
/// <para>
/// Why a table: a GPU's batch cost is neither per frame nor per batch. A fixed part (the INR's
/// training steps, kernel launches) is paid once per batch, and past the size that fills the GPU
/// the cost grows with b. A single "seconds per batch of B" makes a partial batch as dear as a
/// full one, so bigger batches looked slower; a single "seconds per frame" hides the fixed part.
/// </para>
/// <para>
/// The rule (the origin (0, 0) is an implicit point, since an empty batch costs nothing):
/// exact at measured sizes; linear interpolation between neighbouring points (so below the
/// smallest measured size, towards (0, 0)); linear extrapolation from the last two points above
/// the largest (the slope there is the marginal cost of a frame on a full GPU, which is what an
/// oversize batch pays; clamping would make huge batches free). Hence one point {B: s} is a
/// per-frame cost s/B, and {1: a, 2: a} a constant cost a per batch (<see cref="Constant"/>).
/// Interpolating towards (0, 0) below the smallest point is the optimistic choice (a batch of 1
/// at a table measured only at 32 pays 1/32 of the fixed part); measure small sizes where it matters.
/// </para>
/// </summary>
public sealed class BatchCost : IEquatable<BatchCost>
{
    private readonly int[] _sizes;
    private readonly double[] _seconds;

    /// <summary>Sizes >= 1 strictly increasing; seconds finite, >= 0 and non-decreasing in the size.</summary>
    public BatchCost(IEnumerable<(int Size, double Seconds)> points)
    {
        var list = points.ToArray();
        if (list.Length == 0) throw new ArgumentException("fog batch cost: needs at least one (batch size, seconds) point");
        for (int i = 0; i < list.Length; i++)
        {
            var (b, s) = list[i];
            if (b < 1) throw new ArgumentException($"fog batch cost: batch size {b} must be at least 1");
            if (!double.IsFinite(s) || s < 0) throw new ArgumentException($"fog batch cost: t({b}) = {s} must be a finite number >= 0");
            if (i > 0 && b <= list[i - 1].Size) throw new ArgumentException($"fog batch cost: batch sizes must increase strictly ({list[i - 1].Size} then {b})");
            if (i > 0 && s < list[i - 1].Seconds) throw new ArgumentException($"fog batch cost: t({b}) = {s} is below t({list[i - 1].Size}) = {list[i - 1].Seconds}; a bigger batch cannot cost less");
        }
        _sizes = list.Select(p => p.Size).ToArray();
        _seconds = list.Select(p => p.Seconds).ToArray();
    }

    /// <summary>Every batch is free (the default when nothing was measured).</summary>
    public static BatchCost Free { get; } = new([(1, 0.0)]);

    /// <summary>The measured points, smallest batch first.</summary>
    public IReadOnlyList<(int Size, double Seconds)> Points => _sizes.Zip(_seconds).ToArray();

    /// <summary>t(b) = secondsPerFrame * b.</summary>
    public static BatchCost PerFrame(double secondsPerFrame) => new([(1, secondsPerFrame)]);

    /// <summary>t(b) = seconds for every b >= 1: the GPU runs any batch in the time of one.</summary>
    public static BatchCost Constant(double seconds) => new([(1, seconds), (2, seconds)]);

    /// <summary>t(b) = fixedSeconds + secondsPerFrame * b.</summary>
    public static BatchCost Affine(double fixedSeconds, double secondsPerFrame) =>
        new([(1, fixedSeconds + secondsPerFrame), (2, fixedSeconds + 2 * secondsPerFrame)]);

    /// <summary>
    /// One measured point: a batch of <paramref name="batchSize"/> took <paramref name="seconds"/>
    /// (what timing profiles store). Smaller batches cost proportionally less.
    /// </summary>
    public static BatchCost Measured(int batchSize, double seconds) => new([(batchSize, seconds)]);

    /// <summary>Parses "1:0.8,8:2.1" (size:seconds, comma-separated), for options and scenario files.</summary>
    public static BatchCost Parse(string text)
    {
        var points = new List<(int, double)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split(':');
            if (pair.Length != 2 || !int.TryParse(pair[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int b)
                || !double.TryParse(pair[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s))
                throw new ArgumentException($"fog batch cost: '{part}' is not SIZE:SECONDS (e.g. 1:0.8,8:2.1)");
            points.Add((b, s));
        }
        return new BatchCost(points);
    }

    /// <summary>t(b): seconds for one batch of <paramref name="batchSize"/> frames (0 for an empty batch).</summary>
    public double SecondsFor(int batchSize)
    {
        if (batchSize <= 0) return 0;
        int n = _sizes.Length;
        // Segment [i-1, i] with the implicit origin at index -1.
        int i = 0;
        while (i < n && _sizes[i] < batchSize) i++;
        if (i < n && _sizes[i] == batchSize) return _seconds[i];
        if (i == n) i = n - 1; // above the largest: extrapolate along the last segment
        double b0 = i == 0 ? 0 : _sizes[i - 1], t0 = i == 0 ? 0 : _seconds[i - 1];
        double b1 = _sizes[i], t1 = _seconds[i];
        return t0 + (t1 - t0) * (batchSize - b0) / (b1 - b0);
    }

    public bool Equals(BatchCost? other) => other is not null && _sizes.AsSpan().SequenceEqual(other._sizes) && _seconds.AsSpan().SequenceEqual(other._seconds);
    public override bool Equals(object? obj) => Equals(obj as BatchCost);
    public override int GetHashCode() => HashCode.Combine(_sizes.Length, _sizes[^1], _seconds[^1]);

    /// <summary>The same text <see cref="Parse"/> reads.</summary>
    public override string ToString() => string.Join(",", Points.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Size}:{p.Seconds}")));
}
