using static TorchSharp.torch;

namespace ResidualInr.Codec.Evaluation;

/// <summary>Memory after <see cref="At"/> iterations of some long-running work (encodes, sweeps).</summary>
/// <param name="RssMb">Resident set size of the process (Environment.WorkingSet: VmRSS on Linux), MB.</param>
/// <param name="ManagedMb">Managed heap after a full, compacting collection, MB.</param>
/// <param name="LiveTensors">TorchSharp tensors created and not yet disposed, in the whole process.</param>
public sealed record MemorySample(double At, double RssMb, double ManagedMb, long LiveTensors);

/// <summary>
/// Samples the process's memory the same way everywhere a benchmark watches for leaks: after a full,
/// aggressive collection with finalizers run (so tensors dropped without Dispose are freed and only what is
/// still reachable counts), then RSS, the managed heap and TorchSharp's live tensor count.
/// </summary>
public static class MemoryProbe
{
    public static MemorySample Take(double at)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Aggressive: also gives the free parts of the GC heap back to the system, so RSS does not
        // swing with how much the last burst of allocation left committed.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        double managed = GC.GetTotalMemory(forceFullCollection: false) / 1e6;
        return new MemorySample(at, Environment.WorkingSet / 1e6, managed, Tensor.TotalCount);
    }

    /// <summary>Least-squares slope of <paramref name="y"/> against <paramref name="x"/>; NaN with fewer than two distinct x.</summary>
    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        if (x.Count < 2) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx > 0 ? sxy / sxx : double.NaN;
    }
}
