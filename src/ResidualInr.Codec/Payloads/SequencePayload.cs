using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Quantization;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Payloads;

/// <summary>One frame's entry in a sequence payload: its dataset index, its box, and its object INR (if any) with Q.</summary>
public sealed record SequenceFrame(int Index, PixelRect? Box, float Q, NetworkPayload? Object);

/// <summary>
/// A whole sequence for a video codec: the sequence's NeRV (quantised tensors in
/// <see cref="NervShape.Layers"/> order) and one entry per frame, in time order.
/// </summary>
public sealed record SequencePayload(string Codec, NervShape Shape, IReadOnlyList<QuantizedTensor> Tensors, IReadOnlyList<SequenceFrame> Frames);
