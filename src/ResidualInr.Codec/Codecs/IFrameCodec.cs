using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Codec.Codecs;

/// <summary>A frame as the codec sees it: already at the encoding size, with its box (if any) in pixels of that size.</summary>
public sealed record FrameToEncode(string Sequence, int Index, RgbImage Image, PixelRect? Box);

/// <summary>
/// One encoded frame: the real payload bytes, how they split between background and object
/// networks, and the box's size group (0 without a box).
/// </summary>
public sealed record EncodedFrame(FrameToEncode Frame, byte[] Payload, int BackgroundBytes, int ObjectBytes, int SizeGroup);

/// <summary>
/// Encodes frames to payload bytes and decodes payloads back to images, both in batches:
/// INR codecs train and decode a batch as stacked networks, JPEG goes frame by frame.
/// </summary>
public interface IFrameCodec
{
    string Name { get; }

    /// <summary>File extension of one payload (".jpg" or ".rinr").</summary>
    string PayloadExtension { get; }

    IReadOnlyList<EncodedFrame> EncodeBatch(IReadOnlyList<FrameToEncode> frames, int seed);

    IReadOnlyList<RgbImage> DecodeBatch(IReadOnlyList<byte[]> payloads);
}
