using ResidualInr.Codec.Quantization;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Payloads;

/// <summary>What a network in a payload stands for.</summary>
public enum NetworkRole : byte
{
    /// <summary>The whole frame (Rapid-INR) or its background (Residual-INR's B-INR).</summary>
    Background = 0,
    /// <summary>An O-INR for the normalised residual inside the box: object = B-INR − Q·O-INR.</summary>
    ObjectResidual = 1,
    /// <summary>An O-INR for the object's RGB itself (the "direct" ablation).</summary>
    ObjectDirect = 2,
}

public sealed record NetworkPayload(NetworkRole Role, SirenShape Shape, IReadOnlyList<QuantizedTensor> Tensors)
{
    public int Bits => Tensors.Count == 0 ? 32 : Tensors[0].Bits;
}

/// <summary>
/// One encoded frame: its size, the object box at that size (if any), the residual scale Q and
/// the networks. <see cref="PayloadFormat"/> turns it into bytes and back.
/// </summary>
public sealed record InrPayload(string Codec, int FrameWidth, int FrameHeight, PixelRect? Box, float Q, IReadOnlyList<NetworkPayload> Networks)
{
    public NetworkPayload Background => Networks.Single(n => n.Role == NetworkRole.Background);
    public NetworkPayload? Object => Networks.SingleOrDefault(n => n.Role != NetworkRole.Background);
}
