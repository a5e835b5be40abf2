namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// Something that happens at one instant. Pending until triggered (<see cref="Succeed"/> or
/// <see cref="Fail"/>), then queued, then processed: its callbacks run, resuming any process
/// that waited on it. A failed event that nobody waits for stops the run, so failures are
/// never silently lost (as in SimPy).
/// <para>
/// Memory: most events have exactly one waiter (a process, or one callback), so the first waiter
/// sits in one inline slot and a list is made only when a second arrives. The value and the
/// error share a field. A <see cref="Timeout"/> is 56 bytes.
/// </para>
/// </summary>
public class Event
{
    // null, one waiter (an Action<Event> or a Process), or a List<object> of them in the order they were added.
    private object? _callbacks;
    // The value on success, the Exception on failure.
    private object? _value;
    private bool _processed, _failed;

    public Event(SimEnvironment env) => Env = env;

    public SimEnvironment Env { get; }
    public bool IsTriggered { get; private protected set; }
    public bool IsProcessed => _processed;
    public bool Ok => !_failed;
    public object? Value => _failed ? null : _value;
    public Exception? Error => _failed ? (Exception)_value! : null;

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
        _failed = !ok;
        _value = ok ? value : error;
    }

    /// <summary>Runs <paramref name="callback"/> when the event is processed (at once if it already was).</summary>
    public void AddCallback(Action<Event> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (_processed) callback(this);
        else AddWaiter(callback);
    }

    public void RemoveCallback(Action<Event> callback) => RemoveWaiter(callback);

    /// <summary>Adds a waiter (an <c>Action&lt;Event&gt;</c> or a <see cref="Kernel.Process"/>) to a pending event.</summary>
    internal void AddWaiter(object waiter)
    {
        switch (_callbacks)
        {
            case null:
                _callbacks = waiter;
                break;
            case List<object> list:
                list.Add(waiter);
                break;
            default:
                _callbacks = new List<object>(4) { _callbacks, waiter };
                break;
        }
    }

    /// <summary>Removes the first waiter equal to <paramref name="waiter"/>; nothing once the event was processed.</summary>
    internal void RemoveWaiter(object waiter)
    {
        if (_processed) return;
        if (_callbacks is List<object> list) list.Remove(waiter);
        else if (_callbacks is not null && _callbacks.Equals(waiter)) _callbacks = null;
    }

    /// <summary>Runs the callbacks; the environment calls this when the event comes off its queue.</summary>
    internal virtual void Fire()
    {
        var callbacks = _callbacks;
        _callbacks = null;
        _processed = true;
        if (callbacks is List<object> list)
            foreach (var cb in list) Invoke(cb);
        else if (callbacks is not null)
            Invoke(callbacks);
        if (_failed && !Defused)
            throw new SimulationException($"unhandled failure at {Env.NowSeconds} s: {Error!.Message}", Error);
    }

    private void Invoke(object waiter)
    {
        if (waiter is Process p) p.Resume(this);
        else ((Action<Event>)waiter)(this);
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
