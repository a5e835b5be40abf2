namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// The simulation clock and event queue, in the style of SimPy's Environment and SimSharp's
/// Simulation. Time is a double in seconds. Events scheduled for the same time run in the
/// order they were scheduled, so a run is fully deterministic.
/// </summary>
public sealed class SimEnvironment
{
    private readonly EventQueue _queue = new();
    private long _nextSeq;

    public SimEnvironment(double startSeconds = 0) => NowSeconds = startSeconds;

    public double NowSeconds { get; private set; }

    /// <summary>The process whose code is running right now, or null between events.</summary>
    public Process? ActiveProcess { get; internal set; }

    /// <summary>Events processed so far (for throughput measurements).</summary>
    public long ProcessedEvents { get; private set; }

    public int QueuedEvents => _queue.Count;

    public Event Event() => new(this);

    public Timeout Timeout(double delaySeconds, object? value = null) => new(this, delaySeconds, value);

    public Process Process(IEnumerable<Event> generator) => new(this, generator);

    public Condition AllOf(params Event[] events) => Condition.AllOf(this, events);
    public Condition AnyOf(params Event[] events) => Condition.AnyOf(this, events);

    /// <summary>Runs <paramref name="action"/> after a delay: a lightweight callback for models that need no process.</summary>
    public Event Call(double delaySeconds, Action action)
    {
        var e = new Timeout(this, delaySeconds);
        e.AddCallback(_ => action());
        return e;
    }

    internal void Schedule(Event e, double delaySeconds)
    {
        if (!(delaySeconds >= 0)) throw new ArgumentOutOfRangeException(nameof(delaySeconds), delaySeconds, "delay must be a non-negative number of seconds");
        _queue.Enqueue(e, NowSeconds + delaySeconds, _nextSeq++);
    }

    /// <summary>Processes the next event; false when none is left.</summary>
    public bool Step()
    {
        if (!_queue.TryDequeue(out var e, out double time)) return false;
        NowSeconds = time;
        ProcessedEvents++;
        e.Fire();
        return true;
    }

    /// <summary>Runs until no event is left.</summary>
    public void Run()
    {
        while (Step()) { }
    }

    /// <summary>Runs every event before <paramref name="untilSeconds"/>, then sets the clock to it.</summary>
    public void Run(double untilSeconds)
    {
        if (untilSeconds < NowSeconds) throw new ArgumentOutOfRangeException(nameof(untilSeconds), $"cannot run back to {untilSeconds} s from {NowSeconds} s");
        while (_queue.TryPeekTime(out double time) && time < untilSeconds) Step();
        NowSeconds = untilSeconds;
    }

    /// <summary>Runs until <paramref name="until"/> has been processed; returns its value, or throws if it failed.</summary>
    public object? Run(Event until)
    {
        while (!until.IsProcessed)
            if (!Step()) throw new InvalidOperationException("no events left, but the awaited event never happened");
        if (!until.Ok) throw new SimulationException("the awaited event failed", until.Error);
        return until.Value;
    }
}

/// <summary>
/// The event queue: a 4-ary min-heap on (time, sequence number), the comparison inlined. Ties in
/// time go to the lower sequence number, i.e. the event scheduled first.
/// </summary>
internal sealed class EventQueue
{
    private struct Entry
    {
        public double Time;
        public long Seq;
        public Event Event;
    }

    private Entry[] _heap = new Entry[16];
    private int _count;

    public int Count => _count;

    private static bool Before(in Entry a, in Entry b) => a.Time < b.Time || (a.Time == b.Time && a.Seq < b.Seq);

    public void Enqueue(Event e, double time, long seq)
    {
        if (_count == _heap.Length) Array.Resize(ref _heap, _heap.Length * 2);
        var entry = new Entry { Time = time, Seq = seq, Event = e };
        var heap = _heap;
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            if (!Before(entry, heap[parent])) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = entry;
    }

    public bool TryPeekTime(out double time)
    {
        if (_count == 0) { time = 0; return false; }
        time = _heap[0].Time;
        return true;
    }

    public bool TryDequeue(out Event e, out double time)
    {
        if (_count == 0) { e = null!; time = 0; return false; }
        var heap = _heap;
        e = heap[0].Event;
        time = heap[0].Time;
        int n = --_count;
        var last = heap[n];
        heap[n] = default;
        if (n > 0)
        {
            int i = 0;
            while (true)
            {
                int first = (i << 2) + 1;
                if (first >= n) break;
                int best = first, end = Math.Min(first + 4, n);
                for (int c = first + 1; c < end; c++)
                    if (Before(heap[c], heap[best])) best = c;
                if (!Before(heap[best], last)) break;
                heap[i] = heap[best];
                i = best;
            }
            heap[i] = last;
        }
        return true;
    }
}

/// <summary>A failure inside the model that nobody handled.</summary>
public sealed class SimulationException(string message, Exception? inner = null) : Exception(message, inner);
