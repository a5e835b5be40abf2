using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Data;

/// <summary>
/// Frames of video-codec containers: every sequence's NeRV is loaded onto the training device once,
/// and a batch is decoded there each time it is loaded (one NeRV forward per sequence in the batch,
/// plus the frames' object INRs).
/// </summary>
public sealed class NervFrameSource : IFrameSource, IDisposable
{
    private readonly List<NervSequenceDecoder> _sequences = new();
    private readonly List<(int Sequence, int Position)> _frames;

    /// <param name="frames">Per training frame, its container and its position in that container's frame list.</param>
    public NervFrameSource(string name, IReadOnlyList<(SequencePayload Container, int Position)> frames, Device device)
    {
        if (frames.Count == 0) throw new ArgumentException("no frames");
        Name = name;
        var index = new Dictionary<SequencePayload, int>(ReferenceEqualityComparer.Instance);
        _frames = new List<(int, int)>(frames.Count);
        foreach (var (container, position) in frames)
        {
            if (!index.TryGetValue(container, out int s))
            {
                s = _sequences.Count;
                index[container] = s;
                _sequences.Add(new NervSequenceDecoder(container, device));
            }
            _frames.Add((s, position));
        }
        Width = frames[0].Container.Shape.FrameWidth;
        Height = frames[0].Container.Shape.FrameHeight;
        if (frames.Any(f => f.Container.Shape.FrameWidth != Width || f.Container.Shape.FrameHeight != Height))
            throw new ArgumentException($"{name}: sequences differ in frame size");
    }

    public string Name { get; }
    public int Count => _frames.Count;
    public int Width { get; }
    public int Height { get; }

    public Tensor Load(IReadOnlyList<int> indices, Device device)
    {
        using var scope = NewDisposeScope();
        var batch = zeros([indices.Count, Height, Width, 3], device: device);
        foreach (var group in indices.Select((frame, slot) => (_frames[frame], slot)).GroupBy(x => x.Item1.Sequence))
        {
            var members = group.ToArray();
            var decoded = _sequences[group.Key].Decode(members.Select(m => m.Item1.Position).ToList()).to(device);
            batch.index_copy_(0, tensor(members.Select(m => (long)m.slot).ToArray(), device: device), decoded);
        }
        return FrameTensors.FromPixels(batch).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var s in _sequences) s.Dispose();
    }
}
