using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Network;

/// <summary>
/// One collision domain of capacity C bytes/s, shared by processor sharing: with n transmissions
/// on the air each gets C·η(n)/n. Finish times are recomputed exactly at every start and finish,
/// never on a tick.
/// <para>
/// Instead of decrementing every active transfer's remaining bytes at each change (O(n)), the
/// channel keeps the service S(t) that any one active transfer has received since time 0. A
/// transfer that starts at S0 with B bytes is done when S reaches S0 + B, so active transfers sit
/// in a heap keyed by that level and each start or finish costs O(log n).
/// </para>
/// </summary>
public sealed class SharedChannel : IChannel
{
    private readonly SimEnvironment _env;
    private readonly PriorityQueue<(Transmission T, Action<Transmission> Done), (double Level, long Seq)> _active = new();
    private long _seq;
    private double _service;          // S(t) at _lastUpdateSeconds, in bytes
    private double _lastUpdateSeconds;
    private Event? _pendingWake;
    private readonly Action<Event> _onWake;
    private readonly List<(Transmission, Action<Transmission>)> _finished = [];

    public SharedChannel(SimEnvironment env, string name, ChannelSettings settings)
    {
        if (!(settings.CapacityBytesPerSecond > 0)) throw new ArgumentOutOfRangeException(nameof(settings), "channel capacity must be positive");
        _env = env;
        Name = name;
        Settings = settings;
        // Only the latest wake counts: an earlier one was computed for a set of transfers that has since changed.
        _onWake = e => { if (ReferenceEquals(e, _pendingWake)) Wake(); };
    }

    public string Name { get; }
    public ChannelSettings Settings { get; }
    public int ActiveCount => _active.Count;

    /// <summary>Every attempt's bytes, lost attempts included.</summary>
    public long BytesOnAir { get; private set; }

    /// <summary>Time during which at least one transmission was on the air.</summary>
    public double BusySeconds { get; private set; }

    private double RatePerTransfer(int n) => n == 0 ? 0 : Settings.CapacityBytesPerSecond * Settings.EfficiencyFor(n) / n;

    /// <summary>Puts one attempt of <paramref name="t"/> on the air now; calls <paramref name="done"/> when its bytes have crossed.</summary>
    public void Begin(Transmission t, Action<Transmission> done)
    {
        Advance();
        BytesOnAir += t.Bytes;
        t.FinishService = _service + t.Bytes;
        _active.Enqueue((t, done), (t.FinishService, _seq++));
        ScheduleWake();
    }

    private void Advance()
    {
        double now = _env.NowSeconds;
        double dt = now - _lastUpdateSeconds;
        if (dt > 0 && _active.Count > 0)
        {
            _service += dt * RatePerTransfer(_active.Count);
            BusySeconds += dt;
        }
        _lastUpdateSeconds = now;
    }

    private void ScheduleWake()
    {
        _pendingWake = null;
        if (!_active.TryPeek(out _, out var key)) return;
        double delay = Math.Max(0, (key.Level - _service) / RatePerTransfer(_active.Count));
        var wake = _env.Timeout(delay);
        _pendingWake = wake;
        wake.AddCallback(_onWake);
    }

    private void Wake()
    {
        Advance();
        // The wake was computed for the head transfer and nothing changed since (else it would not be
        // the pending one), so the head is done even if rounding leaves S a hair short of its level.
        // Others at the same level finish with it.
        var finished = _finished; // Wake never runs inside another Wake: it is only ever called from an event.
        finished.Clear();
        double level = double.NegativeInfinity;
        while (_active.TryPeek(out var entry, out var key)
               && (finished.Count == 0 || key.Level <= level + 1e-9 * Math.Max(1, Math.Abs(key.Level))))
        {
            _active.Dequeue();
            finished.Add(entry);
            level = Math.Max(level, key.Level);
        }
        // Snap the service level to what the finished transfers needed, so rounding never accumulates.
        if (finished.Count > 0) _service = Math.Max(_service, level);
        ScheduleWake();
        foreach (var (t, done) in finished) done(t);
        finished.Clear();
    }
}
