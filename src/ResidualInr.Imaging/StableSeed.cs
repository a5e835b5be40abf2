namespace ResidualInr.Imaging;

/// <summary>
/// Derives independent seeds from a base seed and stream indices. Unlike HashCode.Combine,
/// which is randomised per process, the result is the same on every run and machine.
/// </summary>
public static class StableSeed
{
    public static int Derive(int seed, params int[] stream)
    {
        ulong h = SplitMix((ulong)(uint)seed);
        foreach (var s in stream) h = SplitMix(h ^ (ulong)(uint)s);
        return (int)(h & 0x7fffffff);
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
