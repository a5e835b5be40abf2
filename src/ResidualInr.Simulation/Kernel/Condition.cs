namespace ResidualInr.Simulation.Kernel;

/// <summary>
/// Waits for several events: <see cref="AllOf"/> succeeds when all have succeeded, <see cref="AnyOf"/>
/// when the first one has. Either fails as soon as one of its events fails. The value is the
/// list of events that had happened by then, in the order they happened.
/// </summary>
public sealed class Condition : Event
{
    private readonly Event[] _events;
    private readonly bool _all;
    private readonly List<Event> _done = [];

    private Condition(SimEnvironment env, Event[] events, bool all) : base(env)
    {
        _events = events;
        _all = all;
        if (events.Length == 0) { Succeed(_done); return; }
        foreach (var e in events)
        {
            if (e.Env != env) throw new InvalidOperationException("events of another environment");
            e.AddCallback(Check);
        }
    }

    public static Condition AllOf(SimEnvironment env, params Event[] events) => new(env, events, all: true);
    public static Condition AnyOf(SimEnvironment env, params Event[] events) => new(env, events, all: false);

    private void Check(Event e)
    {
        if (IsTriggered) return;
        if (!e.Ok)
        {
            e.Defused = true;
            Fail(e.Error!);
            return;
        }
        _done.Add(e);
        if (!_all || _done.Count == _events.Length) Succeed(_done);
    }
}
