using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Codec.Codecs;

/// <summary>A frame as the codec sees it: already at the encoding size, with its box (if any) in pixels of that size.</summary>
public sealed record FrameToEncode(string Sequence, int Index, RgbImage Image, PixelRect? Box);

/// <summary>
/// One encoded frame: the real payload bytes, how they split between background and object
/// networks, and the box's size group (0 without a box). <see cref="Steps"/> counts the training
/// steps of the frame's networks (background, quantisation-aware and object fits together) and
/// <see cref="TrainingSeconds"/> its share of their time (0 for codecs that do not train).
/// </summary>
public sealed record EncodedFrame(FrameToEncode Frame, byte[] Payload, int BackgroundBytes, int ObjectBytes, int SizeGroup,
    int Steps = 0, double TrainingSeconds = 0);

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
