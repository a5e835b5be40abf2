using SkiaSharp;

namespace ResidualInr.Imaging.Images;

/// <summary>Reading and writing image files through SkiaSharp, with errors that name the file.</summary>
public static class ImageFiles
{
    /// <summary>
    /// The largest image read: 8192 pixels per side and 2^25 pixels (e.g. 8192x4096, 128 MB as RGBA).
    /// Why: a JPEG header is a few bytes, and one claiming 65500x65500 asked for 17 GB (an int
    /// overflow, then an internal error); the size is checked from the header before any pixel.
    /// </summary>
    public const int MaxSide = 8192;
    public const long MaxPixels = 1L << 25;

    private static void CheckSize(string? nameForErrors, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new InputException(nameForErrors, null, "image has no pixels");
        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw new InputException(nameForErrors, null, $"image is {width}x{height}, beyond the limit of {MaxSide} pixels per side and {MaxPixels:N0} pixels");
    }

    public static RgbImage Load(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, null, "image file not found");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read image: {e.Message}", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>
    /// Decodes JPEG or PNG bytes to RGB. Skia converts grayscale and CMYK to RGBA for us; a file
    /// that ends early is reported as corrupt rather than returned half grey.
    /// </summary>
    public static RgbImage Decode(byte[] bytes, string? nameForErrors = null)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InputException(nameForErrors, null, "not a readable image (corrupt or unsupported format)");
        CheckSize(nameForErrors, codec.Info.Width, codec.Info.Height);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.Width * info.Height * 4];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* p = rgba) result = codec.GetPixels(info, (IntPtr)p);
        }
        if (result != SKCodecResult.Success)
            throw new InputException(nameForErrors, null, $"corrupt image ({result})");
        return RgbImage.FromRgba(info.Width, info.Height, rgba);
    }

    /// <summary>Reads only the header: the size of an image without decoding its pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        if (!File.Exists(path)) throw new InputException(path, null, "image file not found");
        // Opened by .NET, not by Skia's fopen: .NET collapses "a/../b" before the kernel sees it, the kernel does
        // not, so a path through a missing folder ("nothere/../data") passes File.Exists and fails in native code.
        FileStream stream;
        try { stream = File.OpenRead(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, $"cannot read image: {e.Message}", e);
        }
        using (stream)
        using (var codec = SKCodec.Create(stream)
            ?? throw new InputException(path, null, "not a readable image (corrupt or unsupported format)"))
        {
            CheckSize(path, codec.Info.Width, codec.Info.Height);
            return (codec.Info.Width, codec.Info.Height);
        }
    }

    public static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = image.ToBitmap();
        using var pixmap = bitmap.PeekPixels();
        using SKData? data = format switch
        {
            SKEncodedImageFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            SKEncodedImageFormat.Png => pixmap.Encode(SKPngEncoderOptions.Default),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "only JPEG and PNG are written"),
        };
        return data?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp failed to encode {format}");
    }

    /// <summary>Writes through a temporary file and a rename, so a crash never leaves half an image.</summary>
    public static void Save(RgbImage image, string path, SKEncodedImageFormat format, int quality)
        => AtomicFile.WriteAllBytes(path, Encode(image, format, quality));
}
