namespace ResidualInr.Simulation.Network;

/// <summary>How transfers get from one node to others.</summary>
public enum Downlink { Unicast, Broadcast }

/// <summary>
/// What a broadcast's receivers that missed it do: nothing (802.11: the frame is lost for them), or ask again
/// (a NACK, not itself modelled: no bytes, no time) so the sender unicasts it to each of them, with retries.
/// </summary>
public enum BroadcastRepair { None, Nack }

/// <summary>One collision domain for every node, or a separate link between each device and the fog.</summary>
public enum Topology { SharedChannel, PerDeviceLinks }

/// <summary>The names scenarios, options and CSVs use for <see cref="Downlink"/> and <see cref="Topology"/>: one table each, both directions.</summary>
public static class NetworkNames
{
    private static readonly (Downlink Value, string Name)[] Downlinks = [(Downlink.Unicast, "unicast"), (Downlink.Broadcast, "broadcast")];
    private static readonly (BroadcastRepair Value, string Name)[] Repairs = [(BroadcastRepair.None, "none"), (BroadcastRepair.Nack, "nack")];
    private static readonly (Topology Value, string Name)[] Topologies = [(Topology.SharedChannel, "shared"), (Topology.PerDeviceLinks, "per-device")];

    public static string ToName(this Downlink d) => Downlinks.First(x => x.Value == d).Name;
    public static string ToName(this BroadcastRepair r) => Repairs.First(x => x.Value == r).Name;
    public static IReadOnlyList<string> BroadcastRepairNames { get; } = Repairs.Select(x => x.Name).ToArray();
    public static bool TryParseBroadcastRepair(string name, out BroadcastRepair value) => TryParse(Repairs, name, out value);
    public static string ToName(this Topology t) => Topologies.First(x => x.Value == t).Name;
    public static IReadOnlyList<string> DownlinkNames { get; } = Downlinks.Select(x => x.Name).ToArray();
    public static IReadOnlyList<string> TopologyNames { get; } = Topologies.Select(x => x.Name).ToArray();

    public static bool TryParseDownlink(string name, out Downlink value) => TryParse(Downlinks, name, out value);
    public static bool TryParseTopology(string name, out Topology value) => TryParse(Topologies, name, out value);

    private static bool TryParse<T>((T Value, string Name)[] table, string name, out T value)
    {
        foreach (var (v, n) in table)
            if (n == name) { value = v; return true; }
        value = default!;
        return false;
    }
}

/// <param name="CapacityBytesPerSecond">C: raw capacity of a channel (or of each link).</param>
/// <param name="LatencySeconds">Fixed set-up time before each transmission attempt; the channel is not occupied meanwhile.</param>
/// <param name="LossProbability">Chance that an attempt is lost and must be resent.</param>
/// <param name="MaxRetries">
/// Resends of a unicast transfer after the first attempt; past them the transfer is recorded as lost. The default
/// stays 3 (what every committed result used); 802.11's dot11ShortRetryLimit is 7. Broadcasts are never resent.
/// </param>
/// <param name="Efficiency">
/// η(n): the fraction of C that n simultaneous senders get in total (MAC overhead). Entry i is
/// for n = i + 1; the last entry holds for every larger n. Empty means η = 1.
/// </param>
/// <param name="Backoff">
/// The binary exponential backoff before each unicast resend; null means <see cref="BackoffSettings.Dot11g"/>.
/// <see cref="Mac.DcfModel.ChannelSettings(Mac.DcfParameters, int)"/> sets it from the MAC's slot, CWmin and CWmax.
/// </param>
public sealed record ChannelSettings(
    double CapacityBytesPerSecond = 2_000_000,
    double LatencySeconds = 0,
    double LossProbability = 0,
    int MaxRetries = 3,
    IReadOnlyList<double>? Efficiency = null,
    BackoffSettings? Backoff = null)
{
    public BackoffSettings BackoffOrDefault => Backoff ?? BackoffSettings.Dot11g;

    public double EfficiencyFor(int activeSenders)
    {
        if (Efficiency is not { Count: > 0 } table || activeSenders <= 0) return 1.0;
        return table[Math.Min(activeSenders, table.Count) - 1];
    }
}

/// <summary>
/// 802.11 DCF binary exponential backoff for resends: before resend r (r = 1, 2, ...) the radio waits U{0..CW_r}
/// slots, CW_r = min((CWmin + 1)·2^r − 1, CWmax): the window the first attempt drew from (CWmin) doubles at every
/// failure, up to CWmax (IEEE 802.11-2016 §10.3.3). The first attempt's own backoff is not added: with a DCF MAC it
/// is already in η(n) (Bianchi's model), and the fixed-capacity channel has no MAC overhead by definition. The wait
/// holds no airtime (the channel is free for others meanwhile).
/// </summary>
/// <param name="SlotSeconds">aSlotTime.</param>
/// <param name="CwMin">aCWmin.</param>
/// <param name="CwMax">aCWmax.</param>
public sealed record BackoffSettings(double SlotSeconds, int CwMin, int CwMax)
{
    /// <summary>802.11g (ERP-OFDM, short slot): slot 9 µs, CWmin 15, CWmax 1023; the fixed-capacity channel's default.</summary>
    public static BackoffSettings Dot11g { get; } = new(9e-6, 15, 1023);

    /// <summary>CW before resend <paramref name="retry"/> (1-based).</summary>
    public int WindowFor(int retry)
    {
        long cw = CwMin + 1L;
        for (int i = 0; i < retry && cw <= CwMax; i++) cw *= 2;
        return (int)Math.Min(cw - 1, CwMax);
    }
}
