using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Entities;

/// <summary>
/// An edge device: it collects frames, keeps their JPEGs, decodes what it receives on its
/// processor in FIFO order, and trains once all the data it expects is in.
/// <para>
/// Decoding is the only work on the processor until training starts, and every decode's
/// duration is known when its payload arrives, so the FIFO queue is computed in closed form:
/// a payload arriving at t starts at max(t, when the previous decode ends). That is exactly what
/// a capacity-1 FIFO <see cref="Resource"/> would give, without an event per received payload,
/// which keeps a broadcast to 10,000 devices cheap. Training then takes the processor as a Resource.
/// </para>
/// </summary>
public sealed class EdgeDevice
{
    private readonly SimEnvironment _env;
    private int _expected, _settled;
    private double _decodeBusyUntilSeconds;
    private Func<Transmission, double> _decodeSeconds = _ => 0;

    public EdgeDevice(SimEnvironment env, int index, string name)
    {
        _env = env;
        Index = index;
        Name = name;
        Processor = new Resource(env, 1);
        DataComplete = new Event(env);
    }

    public int Index { get; }
    public string Name { get; }
    public Resource Processor { get; }

    /// <summary>Succeeds once every expected payload was decoded or finally lost.</summary>
    public Event DataComplete { get; }

    public double DataCompleteSeconds { get; private set; } = double.NaN;
    public double TrainingDoneSeconds { get; private set; } = double.NaN;
    public long BytesSent { get; internal set; }
    public long BytesReceived { get; private set; }
    public int FramesLost { get; private set; }

    /// <summary>Sets how many payloads to wait for and how long each takes to decode; with none, the data is complete at once.</summary>
    public void Expect(int payloads, Func<Transmission, double> decodeSeconds)
    {
        _expected = payloads;
        _decodeSeconds = decodeSeconds;
        _decodeBusyUntilSeconds = _env.NowSeconds;
        if (_expected == 0) Complete(_env.NowSeconds);
    }

    public void Receive(Transmission t)
    {
        if (t.Lost) FramesLost++;
        else
        {
            BytesReceived += t.Bytes;
            _decodeBusyUntilSeconds = Math.Max(_env.NowSeconds, _decodeBusyUntilSeconds) + _decodeSeconds(t);
        }
        if (++_settled == _expected) Complete(Math.Max(_env.NowSeconds, _decodeBusyUntilSeconds));
    }

    /// <summary>Trains on the device's processor for <paramref name="seconds"/> once the data is complete.</summary>
    public IEnumerable<Event> Train(double seconds)
    {
        yield return DataComplete;
        using (var cpu = Processor.Request())
        {
            yield return cpu;
            if (seconds > 0) yield return _env.Timeout(seconds);
        }
        TrainingDoneSeconds = _env.NowSeconds;
    }

    private void Complete(double atSeconds)
    {
        DataCompleteSeconds = atSeconds;
        _env.Call(atSeconds - _env.NowSeconds, () => DataComplete.Succeed());
    }
}
