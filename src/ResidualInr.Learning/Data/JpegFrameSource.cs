using ResidualInr.Codec.Codecs;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Data;

/// <summary>
/// JPEG payloads kept as bytes and decoded on the CPU every time a batch is loaded, as an edge
/// device's data loader does when it stores the JPEGs it received.
/// </summary>
public sealed class JpegFrameSource : IFrameSource
{
    private readonly IReadOnlyList<byte[]> _jpegs;
    private readonly IReadOnlyList<string> _files;

    /// <param name="files">Names for error messages, one per payload.</param>
    public JpegFrameSource(string name, IReadOnlyList<byte[]> jpegs, IReadOnlyList<string> files)
    {
        if (jpegs.Count == 0) throw new ArgumentException("no frames");
        Name = name;
        _jpegs = jpegs;
        _files = files;
        var first = JpegCodec.Decode(jpegs[0], files[0]);
        Width = first.Width;
        Height = first.Height;
    }

    public string Name { get; }
    public int Count => _jpegs.Count;
    public int Width { get; }
    public int Height { get; }

    public Tensor Load(IReadOnlyList<int> indices, Device device)
    {
        var images = indices.Select(i => JpegCodec.Decode(_jpegs[i], _files[i])).ToList();
        var odd = images.FindIndex(im => im.Width != Width || im.Height != Height);
        if (odd >= 0)
            throw new Imaging.InputException(_files[indices[odd]], null, $"frame is {images[odd].Width}x{images[odd].Height}, the others are {Width}x{Height}");
        return FrameTensors.FromImages(images, device);
    }
}
