namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// The simulation clock and event queue, in the style of SimPy's Environment and SimSharp's
/// Simulation. Time is a double in seconds. Events scheduled for the same time run in the
/// order they were scheduled, so a run is fully deterministic.
/// </summary>
public sealed class SimEnvironment
{
    private readonly EventQueue _queue;

    public SimEnvironment(double startSeconds = 0)
    {
        if (!double.IsFinite(startSeconds)) throw new ArgumentOutOfRangeException(nameof(startSeconds), startSeconds, "the start time must be a finite number of seconds");
        NowSeconds = startSeconds;
        _queue = new EventQueue(startSeconds);
    }

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
        _queue.Enqueue(e, NowSeconds + delaySeconds);
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

/// <summary>A failure inside the model that nobody handled.</summary>
public sealed class SimulationException(string message, Exception? inner = null) : Exception(message, inner);
