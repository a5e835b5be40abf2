using System.Globalization;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Sweeps;

/// <summary>
/// What a sweep would cost before it starts: the transfers each point queues (DESIGN.md's table), the memory
/// they take, the rows transfers.csv would get, the deliveries the simulator plays out, and how large its byte
/// totals could grow. <see cref="Check"/> refuses, as an input error, a sweep that would not fit this machine, so
/// <c>rinr simulate</c> and <c>rinr run</c> fail in a second instead of growing until the machine kills them.
/// </summary>
public static class WorkEstimate
{
    // Memory grows with the radio queues' entries, not with the transfers: unicast copies of one payload that share a
    // radio queue as one entry (Radio.SendEach) and each copy's Transmission lives only while it is on the air. Only
    // the fog's unicast downlink on per-device links still queues one entry per copy (each goes to another radio).
    // Measured on the dev machine (.NET 10, Release, 2 cores), peak RSS from /usr/bin/time -v over the 32 MB of an
    // empty run, before the lazy queues: an eagerly queued copy took 278-279 B (jpeg-p2p unicast N=400 F=4, jpeg-fog
    // N=800 F=2), kept here as the cost of any queue entry. Recording transfers for transfers.csv added 49-70 B per
    // transfer. train-fog broadcast N=1,000,000 F=1 peaked at 3.35 GB: about 3.2 kB per device (radio, streams, state).
    // After: jpeg-p2p unicast N=10,000 F=1 (1e8 transfers, 10,000 queue entries) peaked at the RSS in
    // results/benchmarks.md ("Lazy radio queues"), i.e. the per-device figure, not 300 B x 1e8.
    public const double BytesPerQueuedTransfer = 300, BytesPerRecordedTransfer = 100, BytesPerDevice = 3_200;

    /// <summary>
    /// A replayed broadcast's row: 64 B of columns (up to twice that while a list grows) and the transmission it keeps
    /// (about 150 B with its receiver set). Counted like a queue entry.
    /// </summary>
    public const double BytesPerReplayedBroadcast = 300;

    /// <summary>transfers.csv: 4.2 GB for the 54 million transfers of --devices 3000 --frames 2, about 78 B a row.</summary>
    public const double CsvBytesPerTransfer = 80;

    /// <summary>transfers.csv is for looking at, not for bulk data: at most about 1 GiB (13 million rows).</summary>
    public const double MaxTransfersCsvBytes = 1L << 30;

    /// <summary>
    /// Every frame or model that reaches a device is work even when one broadcast carries it to many:
    /// a broadcast jpeg-p2p sweep point with N = 20,000 and F = 20 (8e9 deliveries) took 170 s here when each was
    /// delivered one by one, as they still are with loss (see <see cref="MaxReplayedDeliveries"/> for the others).
    /// </summary>
    public const double MaxDeliveries = 1e10;

    /// <summary>
    /// Deliveries that the simulator replays in blocks of devices instead of one call per receiver (loss-free
    /// broadcasts, see <see cref="Replayed"/>) cost about 0.25 ns each instead of 20: broadcast jpeg-fog with
    /// N = 100,000 and F = 1 (1e10 of them) took 4.1 s here, 1.8 s of it the rest of the run (results/benchmarks.md).
    /// The limit is one or two minutes of that.
    /// </summary>
    public const double MaxReplayedDeliveries = 4e11;

    /// <summary>Half of the memory this process may use (the machine's, or the container's limit).</summary>
    public static double MemoryBudgetBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2.0;

    /// <summary>Logical transfers (a unicast per receiver, a broadcast once) and deliveries (frame or model x receiver) of one point, as doubles: they may not fit a long.</summary>
    public static (double Transfers, double Deliveries) Count(SimulationConfig c)
    {
        double n = c.Devices, f = c.FramesPerDevice, frames = n * f, toOthers = n * (n - 1) * f;
        bool deviceBroadcast = c.Downlink == Downlink.Broadcast;
        // Separate links cannot share an airtime: with per-device links the fog sends one broadcast (or unicast) per device.
        bool fogBroadcast = deviceBroadcast && c.Topology == Topology.SharedChannel;
        var (transfers, deliveries) = c.Strategy switch
        {
            SharingStrategy.JpegP2p => (deviceBroadcast ? frames : toOthers, toOthers),
            SharingStrategy.TrainFog => (frames + (fogBroadcast ? 1 : n), frames + n),
            _ => (frames + (fogBroadcast ? frames : toOthers), frames + toOthers),
        };
        // NACK repair: one more unicast per broadcast miss, loss_probability of the deliveries on average.
        if (deviceBroadcast && c.BroadcastRepair == BroadcastRepair.Nack) transfers += deliveries * c.ChannelOrDefault.LossProbability;
        return (transfers, deliveries);
    }

    /// <summary>
    /// Of <see cref="Count"/>'s deliveries, those the simulator replays in blocks (Simulation's BroadcastReceipts): in a
    /// loss-free broadcast run, every broadcast to all devices but one (a device's frame, the fog's relay or INR payload
    /// on a shared channel) or to all (train-fog's model on a shared channel). The rest are delivered one by one.
    /// </summary>
    public static double Replayed(SimulationConfig c) => ReplayedBroadcasts(c).Deliveries;

    /// <summary>
    /// The broadcasts whose deliveries are replayed (<see cref="Replayed"/>): each is kept as a row, its transmission
    /// included, until the run ends, so they take memory (<see cref="BytesPerReplayedBroadcast"/>).
    /// </summary>
    public static (double Broadcasts, double Deliveries) ReplayedBroadcasts(SimulationConfig c)
    {
        if (!FogSimulation.RecordsBroadcastsOnce(c)) return (0, 0);
        double n = c.Devices, frames = n * c.FramesPerDevice;
        bool shared = c.Topology == Topology.SharedChannel;
        return c.Strategy switch
        {
            SharingStrategy.JpegP2p => (frames, frames * (n - 1)),
            SharingStrategy.TrainFog => shared ? (1, n) : (0, 0),
            _ => shared ? (frames, frames * (n - 1)) : (0, 0),
        };
    }

    /// <summary>
    /// Radio queue entries one point makes: a broadcast, or unicast copies of one payload on one radio, is one entry;
    /// only the fog's downlink on per-device links (unicast or broadcast: one transmission per link) makes one per copy.
    /// At most this many wait at once.
    /// </summary>
    public static double QueueEntries(SimulationConfig c)
    {
        double n = c.Devices, frames = n * c.FramesPerDevice, toOthers = n * (n - 1) * c.FramesPerDevice;
        bool perCopy = c.Topology == Topology.PerDeviceLinks;
        return c.Strategy switch
        {
            SharingStrategy.JpegP2p => frames,
            SharingStrategy.TrainFog => frames + (perCopy ? n : 1),
            _ => frames + (perCopy ? toOthers : frames),
        };
    }

    /// <summary>Bytes of simulator memory one point needs while it runs (with <see cref="SimulationConfig.RecordTransfers"/>, its records stay in memory; the CLI streams them instead).</summary>
    public static double MemoryBytes(SimulationConfig c)
    {
        var (transfers, _) = Count(c);
        return c.Devices * BytesPerDevice + QueueEntries(c) * BytesPerQueuedTransfer + ReplayedBroadcasts(c).Broadcasts * BytesPerReplayedBroadcast
               + (c.RecordTransfers ? transfers * BytesPerRecordedTransfer : 0);
    }

    /// <summary>
    /// Throws an <see cref="InputException"/> when the sweep would exceed this machine's memory budget, the
    /// transfers.csv cap, the delivery limit, or a 64-bit byte total.
    /// </summary>
    /// <param name="jobs">Points simulated at once: the memory of the largest that many adds up, plus every point's records.</param>
    /// <param name="source">Names what to change, e.g. "--devices 100000" or "scenario.yaml: devices 100000".</param>
    /// <param name="maxFramePayloadBytes">The largest JPEG or INR payload of one frame (model sizes come from the configs).</param>
    /// <param name="advice">What to do instead, e.g. "use --downlink broadcast, fewer devices or frames".</param>
    public static void Check(IEnumerable<SweepPoint> points, int jobs, string source, long maxFramePayloadBytes, string advice)
    {
        var sweep = points.ToList();
        if (sweep.Count == 0) return;
        var list = sweep.Select(p => p.Config).ToList();
        var counts = list.Select(Count).ToList();
        double transfers = counts.Sum(c => c.Transfers), deliveries = counts.Sum(c => c.Deliveries);
        double recordMemory = list.Zip(counts).Where(p => p.First.RecordTransfers).Sum(p => p.Second.Transfers * BytesPerRecordedTransfer);
        double runMemory = list.Select(c => MemoryBytes(c) - (c.RecordTransfers ? Count(c).Transfers * BytesPerRecordedTransfer : 0))
            .OrderDescending().Take(Math.Max(1, jobs)).Sum();
        double memory = runMemory + recordMemory, budget = MemoryBudgetBytes;
        if (memory > budget)
            throw new InputException($"{source}: about {Sci(transfers)} transfers (~{Bytes(memory)} of simulator memory) exceed this machine's budget of {Bytes(budget)}; {advice}");

        // transfers.csv is streamed to disk (no memory), but its size is still bounded.
        double rows = sweep.Zip(counts).Where(p => p.First.WritesTransfers).Sum(p => p.Second.Transfers);
        if (rows * CsvBytesPerTransfer > MaxTransfersCsvBytes)
            throw new InputException($"{source}: transfers.csv would get about {Sci(rows)} rows (~{Bytes(rows * CsvBytesPerTransfer)}), over its cap of {Bytes(MaxTransfersCsvBytes)}; {advice}");

        double replayed = list.Sum(Replayed), oneByOne = deliveries - replayed;
        if (oneByOne > MaxDeliveries)
            throw new InputException($"{source}: about {Sci(oneByOne)} deliveries (a frame or model reaching a device) exceed the limit of {Sci(MaxDeliveries)} (minutes of simulation); {advice}");
        if (replayed > MaxReplayedDeliveries)
            throw new InputException($"{source}: about {Sci(replayed)} deliveries by loss-free broadcast (a frame or model reaching a device) exceed the limit of {Sci(MaxReplayedDeliveries)} (minutes of simulation); {advice}");

        // Every byte total (on air, offered, per device) is at most transfers x attempts x the largest payload.
        foreach (var (c, count) in list.Zip(counts))
        {
            double attempts = 1.0 + c.ChannelOrDefault.MaxRetries;
            double payload = Math.Max(maxFramePayloadBytes, c.TimingsOrDefault.ModelBytes);
            if (count.Transfers * attempts * payload >= long.MaxValue)
                throw new InputException($"{source}: byte totals could reach {Sci(count.Transfers * attempts * payload)} ({Sci(count.Transfers)} transfers x {attempts} attempts x {Sci(payload)} bytes), beyond a 64-bit count; use smaller payloads, fewer retries, devices or frames");
        }
    }

    private static string Sci(double x) => x.ToString("0.0e0", CultureInfo.InvariantCulture);

    /// <summary>"2.5 TB", "12 GB", "350 MB" (decimal units).</summary>
    public static string Bytes(double b)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
        int u = 0;
        while (b >= 1000 && u < units.Length - 1) { b /= 1000; u++; }
        return (b < 10 && u > 0 ? b.ToString("0.0", CultureInfo.InvariantCulture) : b.ToString("0", CultureInfo.InvariantCulture)) + " " + units[u];
    }
}
