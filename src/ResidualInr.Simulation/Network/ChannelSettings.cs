namespace ResidualInr.Simulation.Network;

/// <summary>How transfers get from one node to others.</summary>
public enum Downlink { Unicast, Broadcast }

/// <summary>One collision domain for every node, or a separate link between each device and the fog.</summary>
public enum Topology { SharedChannel, PerDeviceLinks }

/// <summary>The names scenarios, options and CSVs use for <see cref="Downlink"/> and <see cref="Topology"/>: one table each, both directions.</summary>
public static class NetworkNames
{
    private static readonly (Downlink Value, string Name)[] Downlinks = [(Downlink.Unicast, "unicast"), (Downlink.Broadcast, "broadcast")];
    private static readonly (Topology Value, string Name)[] Topologies = [(Topology.SharedChannel, "shared"), (Topology.PerDeviceLinks, "per-device")];

    public static string ToName(this Downlink d) => Downlinks.First(x => x.Value == d).Name;
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
/// <param name="MaxRetries">Resends after the first attempt; past them the transfer is recorded as lost.</param>
/// <param name="Efficiency">
/// η(n): the fraction of C that n simultaneous senders get in total (MAC overhead). Entry i is
/// for n = i + 1; the last entry holds for every larger n. Empty means η = 1.
/// </param>
public sealed record ChannelSettings(
    double CapacityBytesPerSecond = 2_000_000,
    double LatencySeconds = 0,
    double LossProbability = 0,
    int MaxRetries = 3,
    IReadOnlyList<double>? Efficiency = null)
{
    public double EfficiencyFor(int activeSenders)
    {
        if (Efficiency is not { Count: > 0 } table || activeSenders <= 0) return 1.0;
        return table[Math.Min(activeSenders, table.Count) - 1];
    }
}
