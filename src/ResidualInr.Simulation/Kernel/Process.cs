namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// A process is a method returning <c>IEnumerable&lt;Event&gt;</c>: each <c>yield return</c>
/// waits for that event. The process is itself an event that succeeds with the generator's end.
/// <para>
/// C# cannot throw into an iterator, so failures and interrupts work as in SimSharp: after a
/// yield, the process asks <see cref="HandleFault"/> whether what it waited for failed, or
/// <see cref="HandleInterrupt"/> whether it was interrupted. If it ignores either, the
/// process fails with that error, and whoever waits on it gets the failure.
/// </para>
/// </summary>
public sealed class Process : Event
{
    private readonly IEnumerator<Event> _generator;
    private Event? _target;
    private bool _faultPending, _interruptPending, _started, _startFired;

    public Process(SimEnvironment env, IEnumerable<Event> generator) : base(env)
    {
        _generator = generator.GetEnumerator();
        // Start at the current time, after events already queued for it: the process queues itself
        // once as its own start (no separate start event, no resume delegate), and again when it ends.
        env.Schedule(this, 0);
    }

    /// <summary>The event the process is waiting for.</summary>
    public Event? Target => _target;

    public bool IsAlive => !IsTriggered;

    /// <summary>The cause passed to the last <see cref="Interrupt"/>.</summary>
    public object? InterruptCause { get; private set; }

    /// <summary>Stops the wait at once; the process resumes now and should call <see cref="HandleInterrupt"/>.</summary>
    public void Interrupt(object? cause = null)
    {
        if (!IsAlive) throw new InvalidOperationException("cannot interrupt a process that has ended");
        if (Env.ActiveProcess == this) throw new InvalidOperationException("a process cannot interrupt itself");
        var interruption = new Event(Env);
        interruption.AddCallback(_ =>
        {
            if (!IsAlive) return;
            _target?.RemoveWaiter(this);
            InterruptCause = cause;
            _interruptPending = true;
            Resume(interruption);
        });
        interruption.Succeed();
    }

    /// <summary>True (and clears it) if the process was just interrupted.</summary>
    public bool HandleInterrupt()
    {
        bool was = _interruptPending;
        _interruptPending = false;
        return was;
    }

    /// <summary>True (and clears it) if the event the process waited for failed.</summary>
    public bool HandleFault()
    {
        bool was = _faultPending;
        _faultPending = false;
        return was;
    }

    internal override void Fire()
    {
        if (_startFired)
        {
            base.Fire();
            return;
        }
        // The first time off the queue is the start (unless an interrupt already started it).
        _startFired = true;
        if (!_started) Resume(this);
    }

    internal void Resume(Event trigger)
    {
        _started = true;
        if (!trigger.Ok && trigger != _target) return;
        if (!trigger.Ok)
        {
            trigger.Defused = true;
            _faultPending = true;
        }
        var previous = Env.ActiveProcess;
        Env.ActiveProcess = this;
        try
        {
            while (true)
            {
                bool more;
                try { more = _generator.MoveNext(); }
                catch (Exception e)
                {
                    Finish(false, e);
                    return;
                }
                if (_faultPending || _interruptPending)
                {
                    var error = _faultPending ? trigger.Error! : new InterruptedException(InterruptCause);
                    Finish(false, error);
                    return;
                }
                if (!more)
                {
                    Finish(true, null);
                    return;
                }
                var next = _generator.Current ?? throw new InvalidOperationException("a process yielded null instead of an event");
                if (next.Env != Env) throw new InvalidOperationException("a process yielded an event of another environment");
                _target = next;
                if (next.IsProcessed)
                {
                    // Already happened: carry on at once, as SimPy does.
                    if (!next.Ok) { next.Defused = true; _faultPending = true; trigger = next; }
                    continue;
                }
                next.AddWaiter(this);
                return;
            }
        }
        finally
        {
            Env.ActiveProcess = previous;
        }
    }

    private void Finish(bool ok, Exception? error)
    {
        _target = null;
        _generator.Dispose();
        Trigger(ok, null, error);
        Env.Schedule(this, 0);
    }
}

/// <summary>The error a process fails with when it ignores an interrupt.</summary>
public sealed class InterruptedException(object? cause) : Exception($"process was interrupted ({cause ?? "no cause"}) and did not handle it")
{
    public object? Cause { get; } = cause;
}
