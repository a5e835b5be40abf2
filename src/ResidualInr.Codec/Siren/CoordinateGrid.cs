using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>Pixel-centre coordinates in [-1, 1], the input every INR here is a function of.</summary>
public static class CoordinateGrid
{
    /// <summary>[height * width, 2] rows of (x, y), row-major like the image.</summary>
    public static Tensor For(int width, int height, Device device)
    {
        var coords = new float[width * height * 2];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = (y * width + x) * 2;
            coords[i] = -1f + (2f * x + 1f) / width;
            coords[i + 1] = -1f + (2f * y + 1f) / height;
        }
        return tensor(coords, [width * height, 2]).to(device);
    }
}
