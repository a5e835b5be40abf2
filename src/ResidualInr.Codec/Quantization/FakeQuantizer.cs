using static TorchSharp.torch;

namespace ResidualInr.Codec.Quantization;

/// <summary>
/// Quantisation-aware training: the forward pass sees each network's weights rounded exactly as
/// <see cref="QuantizedTensor.Quantize"/> will store them (per tensor, min/max affine), while the
/// gradient passes straight through the rounding. Fine-tuning this way picks weights whose
/// quantised version is good, which is what the decoder gets.
/// </summary>
public static class FakeQuantizer
{
    /// <summary>Fake-quantises a stacked parameter [B, ...] per network.</summary>
    public static Tensor Apply(Tensor stacked, int bits)
    {
        long b = stacked.shape[0];
        var flat = stacked.view(b, -1);
        var min = flat.amin([1], keepdim: true);
        var max = flat.amax([1], keepdim: true);
        var scale = (max - min).clamp_min(1e-12) / ((1L << bits) - 1);
        var quantised = ((flat - min) / scale).round() * scale + min;
        return (flat + (quantised - flat).detach()).view_as(stacked);
    }
}
