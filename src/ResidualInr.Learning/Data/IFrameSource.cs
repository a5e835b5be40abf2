using static TorchSharp.torch;

namespace ResidualInr.Learning.Data;

/// <summary>
/// Training frames as one codec delivers them. A source hands out any subset of its frames as a
/// [B, 3, H, W] float tensor in [0, 1] on the training device, decoding them there and then: that
/// is the data-loading cost an epoch pays, and what the timing columns measure.
/// </summary>
public interface IFrameSource
{
    /// <summary>What the frames came from: a codec name, or "original".</summary>
    string Name { get; }

    int Count { get; }

    int Width { get; }

    int Height { get; }

    /// <summary>Decodes the frames at <paramref name="indices"/> (in that order) onto <paramref name="device"/>.</summary>
    Tensor Load(IReadOnlyList<int> indices, Device device);
}
