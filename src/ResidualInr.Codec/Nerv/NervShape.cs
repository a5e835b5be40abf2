using ResidualInr.Imaging;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// The architecture of one NeRV: frame index t in [0, 1] -> positional encoding sin/cos(1.25^k π t),
/// k &lt; <see cref="PeLevels"/> -> MLP (SiLU) to <see cref="Hidden"/> and then to StemChannels x h0 x w0
/// -> NeRV blocks (3x3 conv to C·s², PixelShuffle(s), SiLU) -> 1x1 conv to RGB -> sigmoid.
/// The strides multiply the base map h0 x w0 up to the frame size.
/// </summary>
public sealed record NervShape(int FrameWidth, int FrameHeight, int PeLevels, int Hidden, int StemChannels, IReadOnlyList<int> Strides, IReadOnlyList<int> Channels)
{
    public const double PeBase = 1.25;

    public int Upsampling => Strides.Aggregate(1, (a, s) => a * s);
    // Why the guard: a header with a zero stride is refused by Validate, whose message prints the shape; that must not divide by zero.
    public int BaseHeight => Upsampling > 0 ? FrameHeight / Upsampling : 0;
    public int BaseWidth => Upsampling > 0 ? FrameWidth / Upsampling : 0;

    /// <summary>
    /// Strides for a frame size: the prime factors of gcd(W, H), largest first, so that the base
    /// map is as small as the size allows (160x90: 5, 2 from 16x9; 640x360: 5, 2, 2, 2 from 16x9).
    /// </summary>
    public static IReadOnlyList<int> StridesFor(int width, int height)
    {
        int g = Gcd(width, height);
        var factors = new List<int>();
        for (int p = 2; g > 1; p++)
            while (g % p == 0) { factors.Add(p); g /= p; }
        factors.Sort((a, b) => b.CompareTo(a));
        if (factors.Count == 0 || factors[0] > 8)
            throw new InputException($"a {width}x{height} frame cannot be upsampled by NeRV blocks: width and height need a common factor made of primes up to 7 (e.g. 160x90)");
        return factors;
    }

    /// <summary>A NeRV for a frame size with the given widths; every block gets <paramref name="blockChannels"/> channels.</summary>
    public static NervShape For(int width, int height, int hidden, int stemChannels, int blockChannels, int peLevels = 40)
    {
        var strides = StridesFor(width, height);
        return new NervShape(width, height, peLevels, hidden, stemChannels, strides, strides.Select(_ => blockChannels).ToList());
    }

    /// <summary>(weights, bias) element counts of every layer, in the order parameters are stored.</summary>
    public IReadOnlyList<(int Weights, int Bias)> Layers
    {
        get
        {
            var layers = new List<(int, int)>
            {
                (2 * PeLevels * Hidden, Hidden),
                (Hidden * StemChannels * BaseHeight * BaseWidth, StemChannels * BaseHeight * BaseWidth),
            };
            int inChannels = StemChannels;
            for (int i = 0; i < Strides.Count; i++)
            {
                int outChannels = Channels[i] * Strides[i] * Strides[i];
                layers.Add((inChannels * outChannels * 9, outChannels));
                inChannels = Channels[i];
            }
            layers.Add((inChannels * 3, 3));
            return layers;
        }
    }

    public int ParameterCount => Layers.Sum(l => l.Weights + l.Bias);

    /// <summary>Networks above this many parameters are refused (a corrupt header must not allocate gigabytes).</summary>
    public const long MaxParameters = 50_000_000;

    /// <summary>
    /// Frame activations the decoder refuses beyond: 2^28 floats (1 GiB) admits the default NeRV's
    /// 16 channels per pixel at 4096x4096, the largest frame a payload may claim.
    /// </summary>
    public const long MaxActivationsPerFrame = 1L << 28;

    /// <summary>The largest activation (elements) one frame's forward pass holds: the stem's map, every block's conv output, the head's input.</summary>
    public long ActivationsPerFrame
    {
        get
        {
            long h = BaseHeight, w = BaseWidth, largest = (long)StemChannels * h * w;
            for (int i = 0; i < Strides.Count; i++)
            {
                largest = Math.Max(largest, (long)Channels[i] * Strides[i] * Strides[i] * h * w);
                h *= Strides[i];
                w *= Strides[i];
            }
            return Math.Max(largest, 3L * FrameWidth * FrameHeight);
        }
    }

    public void Validate()
    {
        if (FrameWidth < 1 || FrameHeight < 1 || PeLevels is < 1 or > 64 || Hidden is < 1 or > 4096 || StemChannels is < 1 or > 1024
            || Strides.Count is < 1 or > 8 || Strides.Count != Channels.Count || Strides.Any(s => s is < 1 or > 8) || Channels.Any(c => c is < 1 or > 1024)
            || FrameWidth % Upsampling != 0 || FrameHeight % Upsampling != 0 || CountParameters() > MaxParameters)
            throw new InputException($"NeRV shape {this} is impossible");
    }

    /// <summary>The parameter count in 64-bit arithmetic, safe for any header a file may claim.</summary>
    private long CountParameters()
    {
        long baseCells = (long)BaseHeight * BaseWidth, count = 2L * PeLevels * Hidden + Hidden + (long)Hidden * StemChannels * baseCells + StemChannels * baseCells;
        long inChannels = StemChannels;
        for (int i = 0; i < Strides.Count; i++)
        {
            long outChannels = (long)Channels[i] * Strides[i] * Strides[i];
            count += inChannels * outChannels * 9 + outChannels;
            inChannels = Channels[i];
        }
        return count + inChannels * 3 + 3;
    }

    public override string ToString() =>
        $"{FrameWidth}x{FrameHeight}: PE {PeLevels}, MLP {Hidden} -> {StemChannels}x{BaseHeight}x{BaseWidth}, strides {string.Join(",", Strides)}, channels {string.Join(",", Channels)}";

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
