namespace ResidualInr.Imaging.Datasets;

/// <summary>One frame of a sequence: its image file and its object box, or none when the target is absent.</summary>
/// <param name="Index">The frame's number in its source (file numbering), not its position in the list.</param>
/// <param name="Box">Null when the annotation says the target is out of view (NaN); such frames are kept.</param>
public sealed record Frame(string Sequence, int Index, string ImagePath, Box? Box, string? Label = null);

/// <summary>A run of frames from one camera, in order. Every image of a sequence has the same size.</summary>
public sealed record Sequence(string Name, int Width, int Height, IReadOnlyList<Frame> Frames);

/// <summary>Every supported dataset format maps onto this: sequences of frames, each with one box or none.</summary>
public sealed record Dataset(string Root, DatasetFormat Format, IReadOnlyList<Sequence> Sequences)
{
    public IEnumerable<Frame> AllFrames => Sequences.SelectMany(s => s.Frames);
    public int FrameCount => Sequences.Sum(s => s.Frames.Count);
}

public enum DatasetFormat { Otb, Uav123, DacSdc }
