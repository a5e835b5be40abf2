namespace ResidualInr.Simulation.Strategies;

/// <summary>The payload sizes of one frame: its JPEG as the device stored it, and its INR payload from the fog.</summary>
public readonly record struct FrameSize(long JpegBytes, long InrBytes);

/// <summary>
/// Where per-frame sizes come from: fixed values for what-if studies, or the codec's measured
/// sizes keyed by sequence and frame, laid out by which device collected which frame.
/// </summary>
public abstract class FrameSizes
{
    public abstract FrameSize For(int device, int frame);

    public static FrameSizes Fixed(long jpegBytes, long inrBytes) => new FixedSizes(new FrameSize(jpegBytes, inrBytes));

    /// <summary>
    /// Device d's frame k is the k-th key of <paramref name="keysPerDevice"/>[d] (cycling when a
    /// device collected fewer frames than a round asks for), looked up in <paramref name="table"/>.
    /// </summary>
    public static FrameSizes FromTable<TKey>(IReadOnlyDictionary<TKey, FrameSize> table, IReadOnlyList<IReadOnlyList<TKey>> keysPerDevice)
        where TKey : notnull
    {
        var rows = keysPerDevice.Select((keys, d) =>
        {
            if (keys.Count == 0) throw new ArgumentException($"device {d + 1} collected no frames");
            return keys.Select(k => table.TryGetValue(k, out var s) ? s : throw new KeyNotFoundException($"no codec result for frame {k}")).ToArray();
        }).ToArray();
        return new TableSizes(rows);
    }

    private sealed class FixedSizes(FrameSize size) : FrameSizes
    {
        public override FrameSize For(int device, int frame) => size;
    }

    private sealed class TableSizes(FrameSize[][] rows) : FrameSizes
    {
        public override FrameSize For(int device, int frame)
        {
            var row = rows[device % rows.Length];
            return row[frame % row.Length];
        }
    }
}
