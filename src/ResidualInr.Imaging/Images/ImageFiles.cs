using SkiaSharp;

namespace ResidualInr.Imaging.Images;

/// <summary>Reading and writing image files through SkiaSharp, with errors that name the file.</summary>
public static class ImageFiles
{
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
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width <= 0 || info.Height <= 0) throw new InputException(nameForErrors, null, "image has no pixels");
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
            return (codec.Info.Width, codec.Info.Height);
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
