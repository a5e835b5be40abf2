using ResidualInr.Codec.Codecs;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Data;

/// <summary>
/// Frames already in pixels (the originals, or a test set): converted once and kept on the device,
/// so loading costs an index only.
/// </summary>
public sealed class PixelFrameSource : IFrameSource, IDisposable
{
    private readonly Tensor _frames;

    public PixelFrameSource(string name, IReadOnlyList<RgbImage> images, Device device)
    {
        if (images.Count == 0) throw new ArgumentException("no frames");
        Name = name;
        Width = images[0].Width;
        Height = images[0].Height;
        _frames = FrameTensors.FromImages(images, device).DetachFromDisposeScope();
    }

    public string Name { get; }
    public int Count => (int)_frames.shape[0];
    public int Width { get; }
    public int Height { get; }

    public Tensor Load(IReadOnlyList<int> indices, Device device) =>
        _frames.index_select(0, tensor(indices.Select(i => (long)i).ToArray(), device: _frames.device)).to(device);

    public void Dispose() => _frames.Dispose();
}
