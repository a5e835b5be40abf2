using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Entities;

/// <summary>
/// The fog node: it receives frames, runs INR encode jobs on its GPU (a capacity-1 resource) in
/// batches formed by a <see cref="FogBatching"/> policy, sends payloads out, or trains itself and
/// sends the model. It keeps the figures the time axis needs: GPU busy time, the largest backlog
/// and the frames' waits before their encode.
/// </summary>
public sealed class FogNode
{
    private readonly SimEnvironment _env;
    private readonly Queue<CapturedFrame> _waiting = new();
    private readonly List<CapturedFrame> _batch = [];
    private Event? _arrived, _full;
    private int _fullAt = int.MaxValue;

    public FogNode(SimEnvironment env)
    {
        _env = env;
        Gpu = new Resource(env, 1);
    }

    public Resource Gpu { get; }

    /// <summary>Frames waiting for an encode batch now (not counting the batch on the GPU).</summary>
    public int Backlog => _waiting.Count;
    /// <summary>The largest <see cref="Backlog"/> seen.</summary>
    public int BacklogMax { get; private set; }
    /// <summary>Time the GPU spent encoding or training.</summary>
    public double GpuBusySeconds { get; private set; }
    /// <summary>Frames whose encode started, and the sum of their waits (fog arrival to encode start).</summary>
    public long FramesEncoded { get; private set; }
    public double EncodeWaitSecondsTotal { get; private set; }

    /// <summary>A frame has arrived for encoding (its <see cref="CapturedFrame.FogArrivalSeconds"/> set).</summary>
    public void Enqueue(CapturedFrame frame)
    {
        _waiting.Enqueue(frame);
        if (_waiting.Count > BacklogMax) BacklogMax = _waiting.Count;
        if (_arrived is { } arrived) { _arrived = null; arrived.Succeed(); }
        if (_full is { } full && _waiting.Count >= _fullAt) { _full = null; full.Succeed(); }
    }

    /// <summary>
    /// Forms batches by <paramref name="policy"/>, encodes each on the GPU in t(b) seconds (or an
    /// exponential draw with that mean from <paramref name="rng"/>), and hands every encoded frame
    /// to <paramref name="encoded"/>. Runs for as long as frames come.
    /// </summary>
    public IEnumerable<Event> Encoder(FogBatching policy, BatchCost cost, ServiceTimes times, Random rng, Action<CapturedFrame> encoded)
    {
        _fullAt = policy.MaxBatch;
        while (true)
        {
            if (_waiting.Count == 0)
            {
                _arrived = new Event(_env);
                yield return _arrived;
            }
            // Hold the GPU back until the batch fills or the oldest frame has waited MaxWait.
            if (policy.MaxWaitSeconds > 0 && _waiting.Count < policy.MaxBatch)
            {
                double holdFor = _waiting.Peek().FogArrivalSeconds + policy.MaxWaitSeconds - _env.NowSeconds;
                if (holdFor > 0)
                {
                    _full = new Event(_env);
                    yield return _env.AnyOf(_full, _env.Timeout(holdFor));
                    _full = null;
                }
            }
            using (var gpu = Gpu.Request())
            {
                yield return gpu;
                // The batch is formed when the GPU is ours: frames that came meanwhile join it.
                _batch.Clear();
                while (_batch.Count < policy.MaxBatch && _waiting.TryDequeue(out var frame)) _batch.Add(frame);
                double start = _env.NowSeconds;
                foreach (var frame in _batch)
                {
                    frame.EncodeStartSeconds = start;
                    EncodeWaitSecondsTotal += start - frame.FogArrivalSeconds;
                }
                FramesEncoded += _batch.Count;
                double seconds = cost.SecondsFor(_batch.Count);
                if (times == ServiceTimes.Exponential && seconds > 0) seconds = RandomStreams.Exponential(rng, seconds);
                if (seconds > 0) yield return _env.Timeout(seconds);
                GpuBusySeconds += _env.NowSeconds - start;
            }
            foreach (var frame in _batch)
            {
                frame.EncodeEndSeconds = _env.NowSeconds;
                encoded(frame);
            }
        }
    }

    /// <summary>When the fog's training ran (NaN until it did).</summary>
    public double TrainStartSeconds { get; private set; } = double.NaN;
    public double TrainEndSeconds { get; private set; } = double.NaN;

    /// <summary>Waits until <paramref name="ready"/>, trains on the GPU, then calls <paramref name="trained"/>.</summary>
    public IEnumerable<Event> Train(Event ready, double seconds, Action trained)
    {
        yield return ready;
        using (var gpu = Gpu.Request())
        {
            yield return gpu;
            TrainStartSeconds = _env.NowSeconds;
            if (seconds > 0) yield return _env.Timeout(seconds);
            TrainEndSeconds = _env.NowSeconds;
            GpuBusySeconds += TrainEndSeconds - TrainStartSeconds;
        }
        trained();
    }
}
