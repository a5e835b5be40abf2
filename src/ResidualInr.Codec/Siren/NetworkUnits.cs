using ResidualInr.Imaging.Images;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// The units every INR here fits: 8-bit values [0, 255] as [-1, 1] (<see cref="Codecs.InrDecoder.ToPixel"/> is the
/// inverse), so that PSNR = 10 log10(2² / MSE) (<see cref="Psnr"/>).
/// </summary>
public static class NetworkUnits
{
    public static float FromPixel(byte value) => value / 127.5f - 1f;

    /// <summary>Every value of the image, row-major with RGB interleaved.</summary>
    public static float[] FromImage(RgbImage image)
    {
        var values = new float[image.Pixels.Length];
        for (int i = 0; i < values.Length; i++) values[i] = FromPixel(image.Pixels[i]);
        return values;
    }
}
