using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Entities;

/// <summary>
/// The fog node: it receives frames, runs INR encode jobs on its GPU (a capacity-1 resource) in
/// batches, sends payloads out, or trains itself and sends the model.
/// </summary>
public sealed class FogNode
{
    private readonly SimEnvironment _env;

    public FogNode(SimEnvironment env)
    {
        _env = env;
        Gpu = new Resource(env, 1);
        EncodeQueue = new Store<Transmission>(env);
    }

    public Resource Gpu { get; }
    public Store<Transmission> EncodeQueue { get; }
    /// <summary>
    /// Takes whatever frames wait (at least one, at most <paramref name="batchSize"/>) whenever the
    /// GPU is free, encodes them in one batch, and hands each encoded frame to <paramref name="encoded"/>.
    /// </summary>
    public IEnumerable<Event> Encoder(int totalFrames, int batchSize, double secondsPerBatch, Action<Transmission> encoded)
    {
        int done = 0;
        while (done < totalFrames)
        {
            var first = EncodeQueue.Get();
            yield return first;
            var batch = new List<Transmission> { (Transmission)first.Value! };
            batch.AddRange(EncodeQueue.TakeAvailable(batchSize - 1));
            using (var gpu = Gpu.Request())
            {
                yield return gpu;
                if (secondsPerBatch > 0) yield return _env.Timeout(secondsPerBatch);
            }
            foreach (var frame in batch) encoded(frame);
            done += batch.Count;
        }
    }

    /// <summary>Waits until <paramref name="ready"/>, trains on the GPU, then calls <paramref name="trained"/>.</summary>
    public IEnumerable<Event> Train(Event ready, double seconds, Action trained)
    {
        yield return ready;
        using (var gpu = Gpu.Request())
        {
            yield return gpu;
            if (seconds > 0) yield return _env.Timeout(seconds);
        }
        trained();
    }
}
