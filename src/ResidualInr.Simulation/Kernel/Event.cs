namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// Something that happens at one instant. Pending until triggered (<see cref="Succeed"/> or
/// <see cref="Fail"/>), then queued, then processed: its callbacks run, resuming any process
/// that waited on it. A failed event that nobody waits for stops the run, so failures are
/// never silently lost (as in SimPy).
/// </summary>
public class Event
{
    private List<Action<Event>>? _callbacks = [];

    public Event(SimEnvironment env) => Env = env;

    public SimEnvironment Env { get; }
    public bool IsTriggered { get; private protected set; }
    public bool IsProcessed => _callbacks is null;
    public bool Ok { get; private set; } = true;
    public object? Value { get; private set; }
    public Exception? Error { get; private set; }

    /// <summary>Set when someone dealt with this event's failure, so the run need not stop for it.</summary>
    public bool Defused { get; set; }

    public Event Succeed(object? value = null)
    {
        Trigger(true, value, null);
        Env.Schedule(this, 0);
        return this;
    }

    public Event Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Trigger(false, null, error);
        Env.Schedule(this, 0);
        return this;
    }

    private protected void Trigger(bool ok, object? value, Exception? error)
    {
        if (IsTriggered) throw new InvalidOperationException("event has already been triggered");
        IsTriggered = true;
        Ok = ok;
        Value = value;
        Error = error;
    }

    /// <summary>Runs <paramref name="callback"/> when the event is processed (at once if it already was).</summary>
    public void AddCallback(Action<Event> callback)
    {
        if (_callbacks is null) callback(this);
        else _callbacks.Add(callback);
    }

    public void RemoveCallback(Action<Event> callback) => _callbacks?.Remove(callback);

    internal void Process()
    {
        var callbacks = _callbacks!;
        _callbacks = null;
        foreach (var cb in callbacks) cb(this);
        if (!Ok && !Defused)
            throw new SimulationException($"unhandled failure at {Env.NowSeconds} s: {Error!.Message}", Error);
    }
}

/// <summary>An event that succeeds by itself after a delay.</summary>
public sealed class Timeout : Event
{
    public double DelaySeconds { get; }

    public Timeout(SimEnvironment env, double delaySeconds, object? value = null) : base(env)
    {
        DelaySeconds = delaySeconds;
        Trigger(true, value, null);
        env.Schedule(this, delaySeconds);
    }
}
