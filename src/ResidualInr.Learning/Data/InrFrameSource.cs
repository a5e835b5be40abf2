using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Payloads;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Data;

/// <summary>
/// INR payloads decoded in batches on the training device each time a batch is loaded: the
/// networks run as stacked forward passes and the pixels never leave the device.
/// </summary>
public sealed class InrFrameSource : IFrameSource
{
    private readonly IReadOnlyList<InrPayload> _payloads;
    private readonly InrDecoder _decoder;

    public InrFrameSource(string name, IReadOnlyList<InrPayload> payloads, Device device)
    {
        if (payloads.Count == 0) throw new ArgumentException("no frames");
        Name = name;
        _payloads = payloads;
        _decoder = new InrDecoder(device);
        Width = payloads[0].FrameWidth;
        Height = payloads[0].FrameHeight;
        if (payloads.Any(p => p.FrameWidth != Width || p.FrameHeight != Height))
            throw new ArgumentException($"{name}: payloads differ in frame size");
    }

    public string Name { get; }
    public int Count => _payloads.Count;
    public int Width { get; }
    public int Height { get; }

    public Tensor Load(IReadOnlyList<int> indices, Device device)
    {
        using var scope = NewDisposeScope();
        var pixels = _decoder.DecodeToTensor(indices.Select(i => _payloads[i]).ToList());
        return FrameTensors.FromPixels(pixels).to(device).MoveToOuterDisposeScope();
    }
}
