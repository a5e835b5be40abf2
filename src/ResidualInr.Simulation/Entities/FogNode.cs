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
    private int _fitWaiting;

    public FogNode(SimEnvironment env)
    {
        _env = env;
        Gpu = new Resource(env, 1);
    }

    public Resource Gpu { get; }

    /// <summary>Frames waiting for the GPU now: for an encode batch, or (per-sequence encode) for their complete sequence's fit; not counting the job on the GPU.</summary>
    public int Backlog => _waiting.Count + _fitWaiting;
    /// <summary>The largest <see cref="Backlog"/> seen.</summary>
    public int BacklogMax { get; private set; }
    /// <summary>Frames waiting for an encode batch now.</summary>
    public int WaitingForBatch => _waiting.Count;
    /// <summary>When the GPU's current job is due to end (its nominal or drawn time); in the past when it is idle.</summary>
    public double GpuFreeSeconds { get; private set; }
    /// <summary>Time the GPU spent encoding or training.</summary>
    public double GpuBusySeconds { get; private set; }
    /// <summary>Frames whose encode started, and the sum of their waits (fog arrival to encode start).</summary>
    public long FramesEncoded { get; private set; }
    /// <remarks>With a per-sequence encode a frame's wait is its time at the fog outside GPU jobs: before its sequence's fit and between the fit and its object-INR batch.</remarks>
    public double EncodeWaitSecondsTotal { get; private set; }

    /// <summary>A frame has arrived for encoding (its <see cref="CapturedFrame.FogArrivalSeconds"/> set), or its sequence was fitted.</summary>
    public void Enqueue(CapturedFrame frame)
    {
        frame.QueuedSeconds = _env.NowSeconds;
        _waiting.Enqueue(frame);
        if (Backlog > BacklogMax) BacklogMax = Backlog;
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
                double holdFor = _waiting.Peek().QueuedSeconds + policy.MaxWaitSeconds - _env.NowSeconds;
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
                    EncodeWaitSecondsTotal += start - frame.FogArrivalSeconds - frame.FitSeconds;
                }
                FramesEncoded += _batch.Count;
                double seconds = cost.SecondsFor(_batch.Count);
                if (times == ServiceTimes.Exponential && seconds > 0) seconds = RandomStreams.Exponential(rng, seconds);
                GpuFreeSeconds = start + seconds;
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

    /// <summary>
    /// Per-sequence encode: one GPU job fits the network of the sequence whose <paramref name="frames"/>
    /// (those of a round that reached the fog) are all in, in <paramref name="cost"/>(frames) seconds (or an
    /// exponential draw with that mean), then hands each frame to <paramref name="fitted"/>. With
    /// <paramref name="includesObjects"/> the fit is the frames' whole encode: they are counted as encoded
    /// and their encode starts and ends at the fit's end; otherwise <paramref name="fitted"/> queues them for their object INRs.
    /// </summary>
    public IEnumerable<Event> FitSequence(IReadOnlyList<CapturedFrame> frames, BatchCost cost, ServiceTimes times, Random rng, bool includesObjects,
        Action<CapturedFrame> fitted)
    {
        _fitWaiting += frames.Count;
        if (Backlog > BacklogMax) BacklogMax = Backlog;
        using (var gpu = Gpu.Request())
        {
            yield return gpu;
            _fitWaiting -= frames.Count;
            double start = _env.NowSeconds;
            foreach (var frame in frames) frame.FitStartSeconds = start;
            double seconds = cost.SecondsFor(frames.Count);
            if (times == ServiceTimes.Exponential && seconds > 0) seconds = RandomStreams.Exponential(rng, seconds);
            if (seconds > 0) yield return _env.Timeout(seconds);
            GpuBusySeconds += _env.NowSeconds - start;
        }
        double end = _env.NowSeconds;
        foreach (var frame in frames)
        {
            frame.FitEndSeconds = end;
            if (includesObjects)
            {
                frame.EncodeStartSeconds = frame.EncodeEndSeconds = end;
                FramesEncoded++;
                EncodeWaitSecondsTotal += frame.FitStartSeconds - frame.FogArrivalSeconds;
            }
            fitted(frame);
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
