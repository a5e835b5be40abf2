using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Entities;

/// <summary>
/// An edge device: it collects frames, keeps their JPEGs, decodes what it receives on its
/// processor (a capacity-1 resource, FIFO), and trains once all the data it expects is in.
/// </summary>
public sealed class EdgeDevice
{
    private readonly SimEnvironment _env;
    private readonly Store<Transmission> _toDecode;
    private int _expected, _settled;

    public EdgeDevice(SimEnvironment env, int index, string name)
    {
        _env = env;
        Index = index;
        Name = name;
        Processor = new Resource(env, 1);
        _toDecode = new Store<Transmission>(env);
        DataComplete = new Event(env);
    }

    public int Index { get; }
    public string Name { get; }
    public Resource Processor { get; }

    /// <summary>Succeeds when every expected payload was decoded or finally lost.</summary>
    public Event DataComplete { get; }

    public double DataCompleteSeconds { get; private set; } = double.NaN;
    public double TrainingDoneSeconds { get; internal set; } = double.NaN;
    public long BytesSent { get; internal set; }
    public long BytesReceived { get; internal set; }
    public int FramesLost { get; private set; }

    /// <summary>Sets how many payloads to wait for and starts the decoder; with none, the data is complete at once.</summary>
    public void Expect(int payloads, Func<Transmission, double> decodeSeconds)
    {
        _expected = payloads;
        _env.Process(Decoder(decodeSeconds));
        CheckComplete();
    }

    public void Receive(Transmission t)
    {
        if (t.Lost) { FramesLost++; Settle(); return; }
        BytesReceived += t.Bytes;
        _toDecode.Put(t);
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

    private IEnumerable<Event> Decoder(Func<Transmission, double> decodeSeconds)
    {
        while (_settled < _expected)
        {
            var get = _toDecode.Get();
            yield return get;
            var t = (Transmission)get.Value!;
            double seconds = decodeSeconds(t);
            if (seconds > 0)
            {
                using var cpu = Processor.Request();
                yield return cpu;
                yield return _env.Timeout(seconds);
            }
            Settle();
        }
    }

    private void Settle()
    {
        _settled++;
        CheckComplete();
    }

    private void CheckComplete()
    {
        if (_settled >= _expected && !DataComplete.IsTriggered)
        {
            DataCompleteSeconds = _env.NowSeconds;
            DataComplete.Succeed();
        }
    }
}
