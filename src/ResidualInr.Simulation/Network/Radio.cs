using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Network;

/// <summary>
/// A node's transmitter on one channel: it sends its queued transfers one at a time, in FIFO
/// order, so a node is one sender in the channel's n. Each attempt waits the latency, then
/// crosses the channel; a lost attempt (drawn from the node's own random stream) is resent
/// until the retry limit, then reported lost.
/// </summary>
public sealed class Radio
{
    private readonly SimEnvironment _env;
    private readonly Queue<(Transmission T, Action<Transmission> Done)> _queue = new();
    private readonly Random _rng;
    private bool _busy;
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
    public int Queued => _queue.Count;

    /// <summary>Queues <paramref name="t"/>; <paramref name="done"/> runs when it is delivered or finally lost.</summary>
    public void Send(Transmission t, Action<Transmission> done)
    {
        t.QueuedSeconds = _env.NowSeconds;
        _queue.Enqueue((t, done));
        if (!_busy) StartNext();
    }

    private void StartNext()
    {
        if (!_queue.TryDequeue(out var next)) { _busy = false; return; }
        _busy = true;
        _currentDone = next.Done;
        next.T.StartSeconds = _env.NowSeconds;
        Attempt(next.T);
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
        if (settings.LossProbability > 0 && _rng.NextDouble() < settings.LossProbability)
        {
            if (t.Retries < settings.MaxRetries)
            {
                t.Retries++;
                Attempt(t);
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
}
