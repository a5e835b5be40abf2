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
/// <para>
/// A device is complete only when every payload it expected arrived (none lost past the retries)
/// and its training ended: one that lost frames still trains on what it has, but is not complete;
/// one that lost its model (train-fog) never trains.
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
    public double TrainingStartSeconds { get; private set; } = double.NaN;
    public double TrainingDoneSeconds { get; private set; } = double.NaN;
    public long BytesSent { get; internal set; }
    public long BytesReceived { get; private set; }
    /// <summary>Processor seconds spent decoding received payloads.</summary>
    public double DecodeBusySeconds { get; private set; }
    /// <summary>Frames meant for this device that were lost past the retries (on their uplink or downlink).</summary>
    public int FramesLost { get; private set; }
    /// <summary>Frames that arrived as INR payloads and as JPEGs (not lost).</summary>
    public int InrFramesReceived { get; private set; }
    public int JpegFramesReceived { get; private set; }
    /// <summary>Payloads of any kind (frames, the model) lost past the retries.</summary>
    public int PayloadsLost { get; private set; }
    /// <summary>The last payload decoded: the one that gated the data's completion (null when none was expected).</summary>
    public Transmission? LastPayload { get; private set; }
    /// <summary>When the first payload that arrived (not lost) arrived; NaN until one did.</summary>
    public double FirstPayloadSeconds { get; private set; } = double.NaN;

    /// <summary>Every expected payload arrived and training ended.</summary>
    public bool Complete => PayloadsLost == 0 && !double.IsNaN(TrainingDoneSeconds);

    /// <summary>Sets how many payloads to wait for and how long each takes to decode; with none, the data is complete at once.</summary>
    public void Expect(int payloads, Func<Transmission, double> decodeSeconds)
    {
        _expected = payloads;
        _decodeSeconds = decodeSeconds;
        _decodeBusyUntilSeconds = _env.NowSeconds;
        if (_expected == 0) FinishData(_env.NowSeconds);
    }

    /// <summary>Settles one expected payload: <paramref name="t"/> arrived, or (<paramref name="lost"/>) it never will.</summary>
    public void Receive(Transmission t, bool lost)
    {
        var frame = t.Tag as CapturedFrame;
        if (lost)
        {
            PayloadsLost++;
            if (t.Kind != PayloadKind.Model) FramesLost++;
            if (frame is not null) frame.Failed = true;
        }
        else
        {
            BytesReceived += t.Bytes;
            if (t.Kind == PayloadKind.Inr) InrFramesReceived++;
            else if (t.Kind == PayloadKind.Jpeg) JpegFramesReceived++;
            double decode = _decodeSeconds(t);
            DecodeBusySeconds += decode;
            _decodeBusyUntilSeconds = Math.Max(_env.NowSeconds, _decodeBusyUntilSeconds) + decode;
            frame?.Available(_decodeBusyUntilSeconds);
            LastPayload = t;
            if (double.IsNaN(FirstPayloadSeconds)) FirstPayloadSeconds = _env.NowSeconds;
        }
        if (++_settled == _expected) FinishData(Math.Max(_env.NowSeconds, _decodeBusyUntilSeconds));
    }

    /// <summary>When the processor is done decoding what has arrived so far.</summary>
    internal double DecodeBusyUntilSeconds => _decodeBusyUntilSeconds;

    /// <summary>How long this device takes to decode <paramref name="t"/>'s payload.</summary>
    internal double DecodeSecondsOf(Transmission t) => _decodeSeconds(t);

    /// <summary>Expected payloads that have not settled yet.</summary>
    internal int PayloadsPending => _expected - _settled;

    /// <summary>
    /// Settles <paramref name="payloads"/> payloads that all arrived, whose effect <see cref="Strategies.BroadcastReceipts"/>
    /// replayed as <see cref="Receive"/> would have, one by one in arrival order: the byte and kind counts they add, the
    /// decode sums and queue end they lead to, the last of them and the first one's arrival. Settling the last expected
    /// payload completes the data now, so the caller replays up to the arrival that does, and not past it.
    /// </summary>
    internal void ReceiveReplayed(int payloads, long bytes, int inr, int jpeg, double decodeBusySeconds, double decodeBusyUntilSeconds,
        Transmission last, double firstArrivalSeconds)
    {
        if (payloads > _expected - _settled)
            throw new InvalidOperationException($"{Name}: {payloads} payloads replayed with only {_expected - _settled} pending");
        BytesReceived += bytes;
        InrFramesReceived += inr;
        JpegFramesReceived += jpeg;
        DecodeBusySeconds = decodeBusySeconds;
        _decodeBusyUntilSeconds = decodeBusyUntilSeconds;
        LastPayload = last;
        if (double.IsNaN(FirstPayloadSeconds)) FirstPayloadSeconds = firstArrivalSeconds;
        _settled += payloads;
        if (_settled == _expected) FinishData(Math.Max(_env.NowSeconds, _decodeBusyUntilSeconds));
    }

    /// <summary>
    /// Trains on the device's processor for <paramref name="seconds"/> once the data is complete;
    /// with <paramref name="needsEverything"/> (a model to receive) it never trains if a payload was lost.
    /// </summary>
    public IEnumerable<Event> Train(double seconds, bool needsEverything = false) => Train(() => seconds, needsEverything);

    /// <summary>As <see cref="Train(double, bool)"/>, with the training time worked out once the data is complete (from what arrived).</summary>
    public IEnumerable<Event> Train(Func<double> seconds, bool needsEverything = false)
    {
        yield return DataComplete;
        if (needsEverything && PayloadsLost > 0) yield break;
        double trainSeconds = seconds();
        using (var cpu = Processor.Request())
        {
            yield return cpu;
            TrainingStartSeconds = _env.NowSeconds;
            if (trainSeconds > 0) yield return _env.Timeout(trainSeconds);
        }
        TrainingDoneSeconds = _env.NowSeconds;
    }

    private void FinishData(double atSeconds)
    {
        DataCompleteSeconds = atSeconds;
        _env.Call(atSeconds - _env.NowSeconds, () => DataComplete.Succeed());
    }
}
