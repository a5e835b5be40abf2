using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Codec.Codecs;

/// <summary>The JPEG baseline: each frame's real JPEG file is its payload.</summary>
public sealed class JpegFrameCodec(int quality) : IFrameCodec
{
    private readonly JpegCodec _jpeg = new(quality);

    public string Name => $"jpeg-q{_jpeg.Quality}";
    public string PayloadExtension => ".jpg";

    public IReadOnlyList<EncodedFrame> EncodeBatch(IReadOnlyList<FrameToEncode> frames, int seed) =>
        frames.Select(f =>
        {
            var bytes = _jpeg.Encode(f.Image);
            return new EncodedFrame(f, bytes, bytes.Length, 0, f.Box is { } b ? SizeGroups.Default.GroupOf(b.Area) : 0);
        }).ToList();

    public IReadOnlyList<RgbImage> DecodeBatch(IReadOnlyList<byte[]> payloads) =>
        payloads.Select(p => JpegCodec.Decode(p)).ToList();
}
