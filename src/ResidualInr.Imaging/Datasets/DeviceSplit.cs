namespace ResidualInr.Imaging.Datasets;

public enum SplitMode
{
    /// <summary>Whole sequences go to devices, as if each device filmed its own scenes.</summary>
    BySequence,
    /// <summary>Frame k of the dataset (in sequence, then frame order) goes to device k mod N.</summary>
    Interleaved,
}

/// <summary>
/// Which device collected which frames. Deterministic: it depends only on the dataset's order
/// (sequences sorted by name, frames by number) and N, never on a random draw.
/// </summary>
public static class DeviceSplit
{
    public static IReadOnlyList<IReadOnlyList<Frame>> Assign(Dataset dataset, int devices, SplitMode mode)
    {
        if (devices < 1) throw new InputException($"number of devices must be at least 1, got {devices}");
        var perDevice = Enumerable.Range(0, devices).Select(_ => new List<Frame>()).ToArray();
        switch (mode)
        {
            case SplitMode.Interleaved:
                int k = 0;
                foreach (var frame in dataset.AllFrames) perDevice[k++ % devices].Add(frame);
                break;
            case SplitMode.BySequence:
                // Longest sequences first onto the least-loaded device (ties to the lowest index):
                // balanced and still deterministic.
                var order = dataset.Sequences.Select((s, i) => (s, i))
                    .OrderByDescending(p => p.s.Frames.Count).ThenBy(p => p.i);
                foreach (var (seq, _) in order)
                {
                    int target = 0;
                    for (int d = 1; d < devices; d++)
                        if (perDevice[d].Count < perDevice[target].Count) target = d;
                    perDevice[target].AddRange(seq.Frames);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, null);
        }
        return perDevice;
    }
}
