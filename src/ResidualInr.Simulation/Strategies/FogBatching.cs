namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// When the fog starts an encode batch. With <paramref name="MaxWaitSeconds"/> = 0 it is greedy:
/// whenever the GPU is free it takes whatever frames wait, up to <paramref name="MaxBatch"/>.
/// Otherwise, once a frame waits, it holds the GPU back until the batch is full or the oldest
/// waiting frame has waited <paramref name="MaxWaitSeconds"/>, whichever comes first (a frame that
/// already waited that long behind a busy GPU starts at once). Waiting trades a frame's latency
/// for fuller, cheaper-per-frame batches when the cost table has a fixed part.
/// </summary>
/// <param name="MaxBatch">Most frames in one encode batch.</param>
/// <param name="MaxWaitSeconds">Longest the oldest waiting frame is held back to fill a batch; 0 means greedy.</param>
public sealed record FogBatching(int MaxBatch = 1, double MaxWaitSeconds = 0)
{
    /// <summary>Greedy batching up to <paramref name="maxBatch"/>: today's (and the default) rule.</summary>
    public static FogBatching Greedy(int maxBatch) => new(maxBatch);
}
