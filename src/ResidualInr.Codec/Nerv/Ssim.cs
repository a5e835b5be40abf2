using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// Differentiable SSIM for [B, 3, H, W] images in [0, 1]: an 11x11 Gaussian window (σ = 1.5) per
/// channel, C1 = 0.01², C2 = 0.03², averaged over the valid window positions.
/// </summary>
public static class Ssim
{
    public static Tensor Mean(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        int size = Math.Min(11, (int)Math.Min(a.shape[2], a.shape[3]));
        var window = Window(size, 1.5, a.device);
        Tensor Blur(Tensor x) => nn.functional.conv2d(x, window, groups: 3);
        var muA = Blur(a);
        var muB = Blur(b);
        var muA2 = muA * muA;
        var muB2 = muB * muB;
        var muAB = muA * muB;
        var sigmaA = Blur(a * a) - muA2;
        var sigmaB = Blur(b * b) - muB2;
        var sigmaAB = Blur(a * b) - muAB;
        using var c1 = (0.01 * 0.01).ToScalar();
        using var c2 = (0.03 * 0.03).ToScalar();
        using var two = 2.0.ToScalar();
        var map = (muAB.mul(two).add(c1) * sigmaAB.mul(two).add(c2)) / ((muA2 + muB2).add(c1) * (sigmaA + sigmaB).add(c2));
        return map.mean().MoveToOuterDisposeScope();
    }

    private static Tensor Window(int size, double sigma, Device device)
    {
        var g = Enumerable.Range(0, size).Select(i => Math.Exp(-Math.Pow(i - (size - 1) / 2.0, 2) / (2 * sigma * sigma))).ToArray();
        double sum = g.Sum();
        var w = new float[3 * size * size];
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            w[(c * size + y) * size + x] = (float)(g[y] * g[x] / (sum * sum));
        return tensor(w, [3, 1, size, size]).to(device);
    }
}
