using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>Pixel-centre coordinates in [-1, 1], the input every INR here is a function of.</summary>
public static class CoordinateGrid
{
    /// <summary>[height * width, 2] rows of (x, y), row-major like the image.</summary>
    public static Tensor For(int width, int height, Device device) => For(width, height, device, 0, width * height);

    /// <summary>Rows <paramref name="start"/> .. start + count - 1 of <see cref="For(int, int, Device)"/> (pixels in row-major order): one tile of a decode.</summary>
    public static Tensor For(int width, int height, Device device, int start, int count)
    {
        var coords = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            int p = start + i, x = p % width, y = p / width;
            coords[2 * i] = -1f + (2f * x + 1f) / width;
            coords[2 * i + 1] = -1f + (2f * y + 1f) / height;
        }
        return tensor(coords, [count, 2]).to(device);
    }
}
