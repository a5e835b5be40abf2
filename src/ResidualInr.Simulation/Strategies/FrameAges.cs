namespace ResidualInr.Simulation.Strategies;

/// <summary>Mean and 95th percentile (nearest rank) of frame ages; NaN for none.</summary>
internal static class FrameAges
{
    public static (double Mean, double P95) Summarise(List<double> ages)
    {
        if (ages.Count == 0) return (double.NaN, double.NaN);
        ages.Sort();
        double mean = ages.Average();
        int rank = (int)Math.Ceiling(0.95 * ages.Count); // nearest rank, 1-based
        return (mean, ages[Math.Max(rank, 1) - 1]);
    }
}
