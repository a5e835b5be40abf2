using ResidualInr.Imaging.Images;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Codecs;

/// <summary>
/// 8-bit frames as [B, 3, H, W] float tensors in [0, 1]: a NeRV's training targets and the detector's input.
/// </summary>
public static class FrameTensors
{
    /// <summary>Stacks same-sized images; the bytes go to the device as bytes (a quarter of the float traffic) and are scaled there.</summary>
    public static Tensor FromImages(IReadOnlyList<RgbImage> images, Device device)
    {
        int w = images[0].Width, h = images[0].Height, per = w * h * 3;
        var bytes = new byte[images.Count * per];
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i].Width != w || images[i].Height != h)
                throw new ArgumentException($"frame {i} is {images[i].Width}x{images[i].Height}, expected {w}x{h}");
            images[i].Pixels.CopyTo(bytes, i * per);
        }
        using var scope = NewDisposeScope();
        var pixels = tensor(bytes, [images.Count, h, w, 3]).to(device);
        return FromPixels(pixels.to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }

    /// <summary>[B, H, W, 3] values in [0, 255] to [B, 3, H, W] in [0, 1].</summary>
    public static Tensor FromPixels(Tensor pixels)
    {
        // An explicit Scalar in a using: an implicit one may be finalised while libtorch reads it.
        using var scale = (1f / 255f).ToScalar();
        return pixels.mul(scale).permute(0, 3, 1, 2).contiguous();
    }
}
