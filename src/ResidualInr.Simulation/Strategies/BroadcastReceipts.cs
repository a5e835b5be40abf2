using ResidualInr.Simulation.Entities;
using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// Loss-free broadcasts to "every device but one" (<see cref="ReceiverSet.AllDevicesExcept"/>), recorded once as a
/// row instead of delivered to each receiver as they end, so a broadcast to N-1 devices costs O(1) while the run goes
/// on. A device's share is replayed into it only when something needs it: when the row that completes its data
/// arrives (its data-complete event is then made at the same moment and in the same device order as
/// <see cref="EdgeDevice.Receive"/> would), before a payload reaches it one by one, and at the end for the report.
/// <para>
/// Why replay and not totals minus what a device sent itself: the CSVs print each device's receive air time, decode
/// seconds and decode queue end, which are floating-point sums and maxima taken one arrival at a time; leaving one
/// term out of a rounded sum does not give the same bits as subtracting it. So the replay makes the same operations
/// in the same order (<see cref="ReplayKernel"/>), but for a block of devices at once, vectorised over devices, which
/// costs a fraction of a nanosecond per delivery instead of a call per receiver. Whole-number counts (bytes, frames,
/// payloads) are prefix sums minus the device's own rows.
/// </para>
/// <para>
/// Only for runs without loss: with loss every receiver draws its own miss in receiver order from the sender's random
/// stream and repairs follow, so those runs keep the per-receiver path (<see cref="FogSimulation"/> makes no receipts).
/// </para>
/// </summary>
internal sealed class BroadcastReceipts
{
    /// <summary>Devices replayed together: their three state arrays (24 kB) stay in the L1 cache over all rows.</summary>
    private const int Block = 1024;

    private readonly EdgeDevice[] _devices;
    private readonly double[] _rxSeconds;
    private readonly ReceiptRows _rows = new();
    /// <summary>Per device: rows already replayed into it; the last row that left it out (-1: none); rows past the cursor that left it out.</summary>
    private readonly int[] _cursor, _lastOwn, _ownPending;
    /// <summary>Row count -> devices whose data may complete when that many rows have arrived (checked again then).</summary>
    private readonly Dictionary<long, List<int>> _completesAt = [];
    private readonly double[] _ready = new double[Block], _busy = new double[Block];

    /// <param name="rxSeconds">Each device's receive air time, which the replay adds to (the report reads it).</param>
    public BroadcastReceipts(EdgeDevice[] devices, double[] rxSeconds)
    {
        _devices = devices;
        _rxSeconds = rxSeconds;
        _cursor = new int[devices.Length];
        _lastOwn = new int[devices.Length];
        Array.Fill(_lastOwn, -1);
        _ownPending = new int[devices.Length];
    }

    /// <summary>Whether <paramref name="t"/> is recorded here (by <see cref="Deliver"/>) instead of delivered and listened to per receiver.</summary>
    public bool Takes(Transmission t) =>
        t.Broadcast && !t.Lost && !t.MissesRepaired && t.Missed.Count == 0
        && t.Destinations.IsAllDevicesExcept(out int devices, out _) && devices == _devices.Length;

    /// <summary>After every device's <see cref="EdgeDevice.Expect"/>: notes when each one's data will be complete.</summary>
    public void WatchAll()
    {
        for (int d = 0; d < _devices.Length; d++) Watch(d);
    }

    /// <summary>Records the broadcast <paramref name="t"/> (see <see cref="Takes"/>), and completes the data of the devices it was the last payload for.</summary>
    public void Deliver(Transmission t)
    {
        t.Destinations.IsAllDevicesExcept(out _, out int except);
        int row = _rows.Add(t, except, _devices[t.Destinations[0]].DecodeSecondsOf(t), except >= 0 ? _lastOwn[except] : -1);
        if (t.Tag is CapturedFrame frame) frame.Delivered(t.Destinations.Count);
        if (except >= 0)
        {
            _lastOwn[except] = row;
            _ownPending[except]++;
            Watch(except);
        }
        if (_completesAt.Remove(_rows.Count, out var candidates)) Complete(candidates);
    }

    /// <summary>Brings device <paramref name="d"/> up to date before a payload reaches it one by one.</summary>
    public void Resolve(int d)
    {
        if (_cursor[d] < _rows.Count) Replay([d]);
    }

    /// <summary>After a payload reached device <paramref name="d"/> one by one: when its data completes has moved.</summary>
    public void Watch(int d)
    {
        int remaining = _devices[d].PayloadsPending - PendingRows(d);
        if (remaining <= 0) return;
        long at = (long)_rows.Count + remaining;
        if (!_completesAt.TryGetValue(at, out var list)) _completesAt[at] = list = [];
        list.Add(d);
    }

    /// <summary>At the end: replays every device's remaining rows and gives each frame the time its last receiver had it decoded.</summary>
    public void Finish()
    {
        var all = new List<int>();
        for (int d = 0; d < _devices.Length; d++)
            if (_cursor[d] < _rows.Count) all.Add(d);
        Replay(all);
        for (int k = 0; k < _rows.Count; k++)
            if (_rows.Payloads[k].Tag is CapturedFrame frame && _rows.MaxReady[k] > double.NegativeInfinity)
                frame.AvailableBy(_rows.MaxReady[k]);
    }

    /// <summary>Rows past device <paramref name="d"/>'s cursor that reach it.</summary>
    private int PendingRows(int d) => _rows.Count - _cursor[d] - _ownPending[d];

    private void Complete(List<int> candidates)
    {
        var now = candidates.Where(d => _devices[d].PayloadsPending > 0 && PendingRows(d) == _devices[d].PayloadsPending)
            .Distinct().Order().ToList();
        Replay(now);
    }

    /// <summary>Replays the pending rows of <paramref name="devices"/> (ascending), in blocks of neighbours that share a cursor.</summary>
    private void Replay(IReadOnlyList<int> devices)
    {
        for (int i = 0; i < devices.Count;)
        {
            int lo = devices[i], from = _cursor[lo], n = 1;
            while (i + n < devices.Count && n < Block && devices[i + n] == lo + n && _cursor[lo + n] == from) n++;
            if (from < _rows.Count) ReplayBlock(lo, n, from);
            i += n;
        }
    }

    private void ReplayBlock(int lo, int n, int from)
    {
        var ready = _ready.AsSpan(0, n);
        var busy = _busy.AsSpan(0, n);
        for (int j = 0; j < n; j++)
        {
            ready[j] = _devices[lo + j].DecodeBusyUntilSeconds;
            busy[j] = _devices[lo + j].DecodeBusySeconds;
        }
        int to = _rows.Count;
        ReplayKernel.Run(_rows, from, to, lo, _rxSeconds.AsSpan(lo, n), ready, busy);
        for (int j = 0; j < n; j++) Settle(lo + j, from, to, ready[j], busy[j]);
    }

    /// <summary>Hands device <paramref name="d"/> its share of rows [<paramref name="from"/>, <paramref name="to"/>): every row but its own.</summary>
    private void Settle(int d, int from, int to, double ready, double busy)
    {
        int own = 0, ownInr = 0, ownJpeg = 0;
        long ownBytes = 0;
        for (int k = _lastOwn[d]; k >= from; k = _rows.OwnBefore[k])
        {
            own++;
            ownBytes += _rows.BytesOf(k);
            var kind = _rows.Payloads[k].Kind;
            if (kind == PayloadKind.Inr) ownInr++;
            else if (kind == PayloadKind.Jpeg) ownJpeg++;
        }
        _cursor[d] = to;
        _ownPending[d] = 0;
        int payloads = to - from - own;
        if (payloads == 0) return;
        int last = to - 1, first = from;
        while (_rows.Except[last] == d) last--;
        while (_rows.Except[first] == d) first++;
        _devices[d].ReceiveReplayed(payloads, _rows.BytesBefore[to] - _rows.BytesBefore[from] - ownBytes,
            _rows.InrBefore[to] - _rows.InrBefore[from] - ownInr, _rows.JpegBefore[to] - _rows.JpegBefore[from] - ownJpeg,
            busy, ready, _rows.Payloads[last], _rows.Arrival[first]);
    }
}
