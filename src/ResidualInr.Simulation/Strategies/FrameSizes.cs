namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// The payload sizes of one frame: its JPEG as the device stored it, and its INR payload from the fog; and the
/// object PSNR each reconstructs (dB, NaN when unknown: fixed sizes, or a frame without a box), which the hybrid
/// fog's smaller rule weighs (<see cref="HybridPolicy"/>).
/// </summary>
public readonly record struct FrameSize(long JpegBytes, long InrBytes, double JpegObjectPsnrDb = double.NaN, double InrObjectPsnrDb = double.NaN);

/// <summary>
/// Where per-frame sizes come from: fixed values for what-if studies, or the codec's measured
/// sizes keyed by sequence and frame, laid out by which device collected which frame. A table
/// can also say which sequence each frame belongs to (<see cref="SequenceOf"/>), which a video
/// codec's fog encode needs (<see cref="ComputeTimings.SequenceFit"/>).
/// </summary>
public abstract class FrameSizes
{
    public abstract FrameSize For(int device, int frame);

    /// <summary>
    /// The sequence device <paramref name="device"/>'s frame <paramref name="frame"/> belongs to (the
    /// same cycling as <see cref="For"/>), or null when the sizes know no sequences (fixed sizes, or a
    /// table built without them).
    /// </summary>
    public virtual string? SequenceOf(int device, int frame) => null;

    public static FrameSizes Fixed(long jpegBytes, long inrBytes) => new FixedSizes(new FrameSize(jpegBytes, inrBytes));

    /// <summary>
    /// Device d's frame k is the k-th key of <paramref name="keysPerDevice"/>[d] (cycling when a
    /// device collected fewer frames than a round asks for), looked up in <paramref name="table"/>.
    /// </summary>
    /// <param name="sequenceOf">The sequence a key belongs to (<see cref="SequenceOf"/>); null: no sequences.</param>
    public static FrameSizes FromTable<TKey>(IReadOnlyDictionary<TKey, FrameSize> table, IReadOnlyList<IReadOnlyList<TKey>> keysPerDevice,
        Func<TKey, string>? sequenceOf = null)
        where TKey : notnull
    {
        var rows = keysPerDevice.Select((keys, d) =>
        {
            if (keys.Count == 0) throw new ArgumentException($"device {d + 1} collected no frames");
            return keys.Select(k => table.TryGetValue(k, out var s) ? s : throw new KeyNotFoundException($"no codec result for frame {k}")).ToArray();
        }).ToArray();
        var sequences = sequenceOf is null ? null : keysPerDevice.Select(keys => keys.Select(sequenceOf).ToArray()).ToArray();
        return new TableSizes(rows, sequences);
    }

    private sealed class FixedSizes(FrameSize size) : FrameSizes
    {
        public override FrameSize For(int device, int frame) => size;
    }

    private sealed class TableSizes(FrameSize[][] rows, string[][]? sequences) : FrameSizes
    {
        public override FrameSize For(int device, int frame)
        {
            var row = rows[device % rows.Length];
            return row[frame % row.Length];
        }

        public override string? SequenceOf(int device, int frame)
        {
            if (sequences is null) return null;
            var row = sequences[device % sequences.Length];
            return row[frame % row.Length];
        }
    }
}
