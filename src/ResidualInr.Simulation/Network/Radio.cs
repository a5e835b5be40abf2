using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Network;

/// <summary>
/// A node's transmitter on one channel: it sends its queued transfers one at a time, in FIFO
/// order, so a node is one sender in the channel's n. Each attempt waits the latency, then
/// crosses the channel. A unicast attempt is lost with the loss probability (drawn from the node's
/// own random stream) and resent, after a binary exponential backoff (<see cref="BackoffSettings"/>,
/// drawn from the same stream), until the retry limit, then reported lost. A broadcast
/// (<see cref="Transmission.Broadcast"/>) is sent once, as 802.11 does (no ACK, no resend): each
/// receiver misses it independently with the loss probability, one draw per receiver from the
/// sender's stream in receiver order, so it may reach some receivers and miss others; its bytes
/// cross the air once.
/// </summary>
public sealed class Radio
{
    private readonly SimEnvironment _env;
    // A queued transfer, or unicast copies of one payload that leave one at a time (see SendEach).
    private readonly Queue<(Transmission? T, UnicastCopies? Copies, Action<Transmission> Done)> _queue = new();
    private readonly Random _rng;
    private bool _busy;
    private int _queued;
    private readonly Action<Transmission> _onAirDone;
    private Action<Transmission>? _currentDone;

    public Radio(SimEnvironment env, IChannel channel, Random rng)
    {
        _env = env;
        Channel = channel;
        _rng = rng;
        _onAirDone = OnAirDone;
    }

    public IChannel Channel { get; }

    /// <summary>Transfers waiting to start (each unicast copy counts).</summary>
    public int Queued => _queued;

    /// <summary>Queues <paramref name="t"/>; <paramref name="done"/> runs when it is delivered or finally lost.</summary>
    public void Send(Transmission t, Action<Transmission> done)
    {
        t.QueuedSeconds = _env.NowSeconds;
        _queue.Enqueue((t, null, done));
        _queued++;
        if (!_busy) StartNext();
    }

    /// <summary>
    /// Queues one unicast transfer of the payload to each of <paramref name="receivers"/>, in their order, as if
    /// each were passed to <see cref="Send"/> now: each copy is its own logical transfer (start, end, retries,
    /// loss), but the queue holds one entry, and a copy's <see cref="Transmission"/> is made only when the radio
    /// starts it. <paramref name="singles"/> gives each receiver's one-node set.
    /// </summary>
    public void SendEach(int source, ReceiverSet receivers, SingleReceivers singles, long bytes, PayloadKind kind, object? tag, Action<Transmission> done)
    {
        if (receivers.Count == 0) return;
        _queue.Enqueue((null, new UnicastCopies(source, receivers, singles, bytes, kind, tag, _env.NowSeconds), done));
        _queued += receivers.Count;
        if (!_busy) StartNext();
    }

    private void StartNext()
    {
        if (!_queue.TryPeek(out var next)) { _busy = false; return; }
        Transmission t;
        if (next.Copies is { } copies)
        {
            t = copies.Take();
            if (copies.Remaining == 0) _queue.Dequeue();
        }
        else
        {
            t = next.T!;
            _queue.Dequeue();
        }
        _queued--;
        _busy = true;
        _currentDone = next.Done;
        t.StartSeconds = _env.NowSeconds;
        Attempt(t);
    }

    private void Attempt(Transmission t)
    {
        double latency = Channel.Settings.LatencySeconds;
        if (latency > 0) _env.Call(latency, () => BeginOnAir(t));
        else BeginOnAir(t);
    }

    private void BeginOnAir(Transmission t)
    {
        t.OnAirSinceSeconds = _env.NowSeconds;
        Channel.Begin(t, _onAirDone);
    }

    private void OnAirDone(Transmission t)
    {
        t.AirSeconds += _env.NowSeconds - t.OnAirSinceSeconds;
        var settings = Channel.Settings;
        double p = settings.LossProbability;
        if (t.Broadcast)
        {
            if (p > 0)
            {
                var receivers = t.Destinations;
                for (int i = 0; i < receivers.Count; i++)
                    if (_rng.NextDouble() < p) (t._missed ??= []).Add(receivers[i]);
                t.Lost = t._missed is not null && t._missed.Count == receivers.Count;
            }
        }
        else if (p > 0 && _rng.NextDouble() < p)
        {
            if (t.Retries < settings.MaxRetries)
            {
                t.Retries++;
                var backoff = settings.BackoffOrDefault;
                double wait = _rng.Next(backoff.WindowFor(t.Retries) + 1) * backoff.SlotSeconds;
                t.BackoffSeconds += wait;
                if (wait > 0) _env.Call(wait, () => Attempt(t));
                else Attempt(t);
                return;
            }
            t.Lost = true;
        }
        t.EndSeconds = _env.NowSeconds;
        var done = _currentDone!;
        _currentDone = null;
        done(t);
        StartNext();
    }

    /// <summary>One payload for several receivers, sent by unicast: a template and a cursor over the receivers.</summary>
    private sealed class UnicastCopies(int source, ReceiverSet receivers, SingleReceivers singles, long bytes, PayloadKind kind, object? tag, double queuedSeconds)
    {
        private int _next;

        public int Remaining => receivers.Count - _next;

        public Transmission Take() =>
            new(source, singles[receivers[_next++]], bytes, kind, tag) { QueuedSeconds = queuedSeconds };
    }
}
