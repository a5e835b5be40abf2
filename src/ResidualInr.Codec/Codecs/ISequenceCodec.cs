using ResidualInr.Imaging.Images;

namespace ResidualInr.Codec.Codecs;

/// <summary>One frame's part of an encoded sequence: its share of the container (what the simulator sends for it).</summary>
public sealed record SequenceFrameShare(FrameToEncode Frame, int PayloadBytes, int BackgroundBytes, int ObjectBytes, int SizeGroup);

/// <summary>An encoded sequence: one container, and every frame's share of it.</summary>
public sealed record SequenceEncoding(byte[] Container, IReadOnlyList<SequenceFrameShare> Frames);

/// <summary>
/// A video codec: encodes a whole sequence into one container (a network for the sequence plus
/// per-frame parts) and decodes it back to every frame.
/// </summary>
public interface ISequenceCodec
{
    string Name { get; }

    /// <summary>File extension of a sequence container.</summary>
    string PayloadExtension { get; }

    /// <param name="frames">One sequence's frames in time order, all of one size.</param>
    SequenceEncoding EncodeSequence(IReadOnlyList<FrameToEncode> frames, int seed);

    IReadOnlyList<RgbImage> DecodeSequence(byte[] container, string? file = null);
}
