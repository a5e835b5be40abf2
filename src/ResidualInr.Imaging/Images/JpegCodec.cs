using SkiaSharp;

namespace ResidualInr.Imaging.Images;

/// <summary>The JPEG baseline: libjpeg-turbo through SkiaSharp, 4:2:0 chroma, returning the real bytes.</summary>
public sealed class JpegCodec
{
    public int Quality { get; }

    public JpegCodec(int quality)
    {
        if (quality is < 1 or > 100) throw new InputException($"JPEG quality {quality} is out of range 1..100");
        Quality = quality;
    }

    public byte[] Encode(RgbImage image) => ImageFiles.Encode(image, SKEncodedImageFormat.Jpeg, Quality);

    public static RgbImage Decode(byte[] jpeg, string? nameForErrors = null) => ImageFiles.Decode(jpeg, nameForErrors);
}
