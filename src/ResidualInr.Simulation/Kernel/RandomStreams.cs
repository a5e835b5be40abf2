namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// Independent, named random streams from one seed. Each entity draws from its own stream, keyed
/// by its name, so adding a device never changes the draws of another. The derivation is a
/// fixed hash (FNV-1a and SplitMix64), the same on every machine and run.
/// </summary>
public sealed class RandomStreams(int seed)
{
    public int Seed { get; } = seed;

    public Random For(string entity) => new(Derive(entity));

    public int Derive(string entity)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in entity) { h ^= c; h *= 1099511628211UL; }
        ulong x = h ^ (ulong)(uint)Seed * 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (int)((x ^ (x >> 31)) & 0x7fffffff);
    }

    /// <summary>An exponential draw with the given mean.</summary>
    public static double Exponential(Random rng, double mean) => -mean * Math.Log(1.0 - rng.NextDouble());
}
