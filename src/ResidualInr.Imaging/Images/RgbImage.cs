using SkiaSharp;

namespace ResidualInr.Imaging.Images;

/// <summary>
/// An 8-bit RGB image stored row-major and interleaved (height x width x 3). Every image the
/// project reads becomes one of these, whatever its file held (grayscale, CMYK, alpha).
/// </summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }

    /// <summary>Interleaved RGB bytes, <c>(y * Width + x) * 3 + channel</c>.</summary>
    public byte[] Pixels { get; }

    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[width * height * 3];
        if (Pixels.Length != width * height * 3)
            throw new ArgumentException($"pixel buffer holds {Pixels.Length} bytes, expected {width * height * 3}", nameof(pixels));
    }

    public int PixelCount => Width * Height;

    public byte this[int x, int y, int channel]
    {
        get => Pixels[(y * Width + x) * 3 + channel];
        set => Pixels[(y * Width + x) * 3 + channel] = value;
    }

    /// <summary>Float view in [0, 1], channel-planar (3 x H x W), the layout networks consume.</summary>
    public float[] ToPlanarFloats()
    {
        int n = PixelCount;
        var planes = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            planes[i] = Pixels[3 * i] / 255f;
            planes[n + i] = Pixels[3 * i + 1] / 255f;
            planes[2 * n + i] = Pixels[3 * i + 2] / 255f;
        }
        return planes;
    }

    /// <summary>Builds an image from channel-planar floats in [0, 1], rounding and clamping.</summary>
    public static RgbImage FromPlanarFloats(int width, int height, ReadOnlySpan<float> planes)
    {
        int n = width * height;
        if (planes.Length != 3 * n) throw new ArgumentException($"expected {3 * n} floats, got {planes.Length}");
        var img = new RgbImage(width, height);
        for (int i = 0; i < n; i++)
        {
            img.Pixels[3 * i] = ToByte(planes[i]);
            img.Pixels[3 * i + 1] = ToByte(planes[n + i]);
            img.Pixels[3 * i + 2] = ToByte(planes[2 * n + i]);
        }
        return img;
    }

    private static byte ToByte(float v)
    {
        float s = v * 255f + 0.5f;
        return s <= 0f || float.IsNaN(s) ? (byte)0 : s >= 255f ? (byte)255 : (byte)s;
    }

    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>Copies the rectangle [x, x+w) x [y, y+h); it must lie inside the image.</summary>
    public RgbImage Crop(int x, int y, int w, int h)
    {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > Width || y + h > Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"crop {x},{y},{w}x{h} is outside the {Width}x{Height} image");
        var crop = new RgbImage(w, h);
        for (int row = 0; row < h; row++)
            Array.Copy(Pixels, ((y + row) * Width + x) * 3, crop.Pixels, row * w * 3, w * 3);
        return crop;
    }

    /// <summary>Resamples with bilinear filtering and mipmaps, which keeps large downscales free of aliasing.</summary>
    public RgbImage Resize(int width, int height)
    {
        if (width == Width && height == Height) return Clone();
        using var source = ToBitmap();
        using var target = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new InvalidOperationException($"SkiaSharp could not resize to {width}x{height}");
        return FromBitmap(target);
    }

    public static RgbImage Load(string path) => ImageFiles.Load(path);

    public void SavePng(string path) => ImageFiles.Save(this, path, SKEncodedImageFormat.Png, 100);

    public void SaveJpeg(string path, int quality) => ImageFiles.Save(this, path, SKEncodedImageFormat.Jpeg, quality);

    internal SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[PixelCount * 4];
        for (int i = 0, n = PixelCount; i < n; i++)
        {
            rgba[4 * i] = Pixels[3 * i];
            rgba[4 * i + 1] = Pixels[3 * i + 1];
            rgba[4 * i + 2] = Pixels[3 * i + 2];
            rgba[4 * i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    internal static RgbImage FromBitmap(SKBitmap bitmap)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888) throw new ArgumentException("expected an RGBA8888 bitmap");
        var rgba = new byte[bitmap.Width * bitmap.Height * 4];
        System.Runtime.InteropServices.Marshal.Copy(bitmap.GetPixels(), rgba, 0, rgba.Length);
        return FromRgba(bitmap.Width, bitmap.Height, rgba);
    }

    internal static RgbImage FromRgba(int width, int height, byte[] rgba)
    {
        var img = new RgbImage(width, height);
        for (int i = 0, n = width * height; i < n; i++)
        {
            img.Pixels[3 * i] = rgba[4 * i];
            img.Pixels[3 * i + 1] = rgba[4 * i + 1];
            img.Pixels[3 * i + 2] = rgba[4 * i + 2];
        }
        return img;
    }
}
