using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Strategies;

/// <summary>Where the detector is trained.</summary>
public enum TrainSite
{
    /// <summary>On every device, on the frames it received (inr-train-edge and the JPEG strategies).</summary>
    Edge,
    /// <summary>At the fog, which sends the model to every device (train-fog).</summary>
    Fog,
}

/// <summary>What a choice minimises: bytes on air, completion time, or energy.</summary>
public enum Minimise { Bytes, Time, Energy }

public static class TrainSiteNames
{
    private static readonly NameTable<TrainSite> SiteTable = new((TrainSite.Edge, "edge"), (TrainSite.Fog, "fog"));
    private static readonly NameTable<Minimise> ObjectiveTable = new((Minimise.Bytes, "bytes"), (Minimise.Time, "time"), (Minimise.Energy, "energy"));

    public static string ToName(this TrainSite s) => SiteTable.Name(s);
    public static string ToName(this Minimise m) => ObjectiveTable.Name(m);
    public static IReadOnlyList<string> Objectives => ObjectiveTable.Names;
    public static bool TryParseObjective(string name, out Minimise objective) => ObjectiveTable.TryParse(name, out objective);
}

/// <summary>The expected cost of one way of training: bytes on air, seconds until the last device is done, joules.</summary>
public sealed record PlacementCost(double Bytes, double Seconds, double Joules)
{
    public double Of(Minimise objective) => objective switch
    {
        Minimise.Bytes => Bytes,
        Minimise.Time => Seconds,
        Minimise.Energy => Joules,
        _ => throw new ArgumentOutOfRangeException(nameof(objective)),
    };
}

/// <summary>The two costs and the site that minimises the objective (the edge on a tie: it needs no model transfer to trust).</summary>
public sealed record PlacementChoice(TrainSite Site, PlacementCost Edge, PlacementCost Fog);

/// <summary>
/// train-auto's decision: the expected cost of training at the edge (JPEG up, INR payloads down, every device decodes
/// and trains: inr-train-edge) against training at the fog (JPEG up, the fog trains, the model goes down: train-fog),
/// from DESIGN.md's closed form with nothing contending and no losses. With the frames' JPEG bytes J and INR bytes I
/// summed over all captured frames T, N devices, model bytes M, capacity C (its single-sender share C η(1)), epochs E:
/// <list type="bullet">
/// <item>bytes: edge J + k(N-1) I, fog J + k' M, where a shared-channel broadcast sends once (k = 1/(N-1), k' = 1/N) and
/// unicast or per-device links send a copy per receiver (k = k' = 1). So the fog wins on bytes exactly when
/// M &lt; (N-1) F s_i per device (DESIGN.md's break-even), or M &lt; I on a shared broadcast;</item>
/// <item>time: the stages in series, with no pipelining (an upper estimate of the makespan when nothing contends):
/// edge = uplink J/C + the fog's encode (T frames in full batches of max_batch at the cost table's times) + the
/// downlink's air time + one device's decodes ((T - T/N) payloads) + its training (E T t_edge); fog = J/C + E T t_fog +
/// the model's air time;</item>
/// <item>energy: the radios' transmit and receive air time at their powers (uplink J/C transmitted once; every payload
/// heard by each of its N-1 receivers, the model by each of N), the devices' decodes and training at the edge compute
/// power, the fog's encodes or training at the fog compute power; idle radio time is left out (it depends on the
/// makespan, which this estimate only bounds).</item>
/// </list>
/// </summary>
public static class TrainPlacement
{
    /// <param name="jpegBytes">J: the JPEG bytes of every captured frame.</param>
    /// <param name="inrBytes">I: their INR payload bytes.</param>
    /// <param name="frames">T: frames captured.</param>
    public static PlacementChoice Choose(SimulationConfig config, double jpegBytes, double inrBytes, long frames, Minimise objective)
    {
        int n = config.Devices;
        var t = config.TimingsOrDefault;
        var c = config.ChannelOrDefault;
        var power = config.EnergyOrDefault;
        double rate = c.CapacityBytesPerSecond * c.EfficiencyFor(1);
        bool once = config.Downlink == Downlink.Broadcast && config.Topology == Topology.SharedChannel;
        // Unicast on one channel sends one copy after another; per-device links send the copies side by side.
        bool serialCopies = config.Downlink == Downlink.Unicast && config.Topology == Topology.SharedChannel;
        double framesToOthers = (double)frames * (n - 1);

        double uplinkSeconds = jpegBytes / rate;
        double inrOnAir = once ? inrBytes : (n - 1) * inrBytes;
        double encodeSeconds = EncodeSeconds(t.FogEncodeOrFree, config.BatchingOrDefault.MaxBatch, frames);
        double edgeTrainSeconds = t.Epochs * (double)frames * t.EdgeTrainSecondsPerFrameEpoch;
        double decodePerDevice = n > 0 ? framesToOthers / n * t.EdgeInrDecodeSeconds : 0;
        var edge = new PlacementCost(
            Bytes: jpegBytes + inrOnAir,
            Seconds: uplinkSeconds + encodeSeconds + (serialCopies ? inrOnAir : inrBytes) / rate + decodePerDevice + edgeTrainSeconds,
            Joules: power.RadioTxWatts * uplinkSeconds + power.RadioRxWatts * (n - 1) * inrBytes / rate
                    + power.EdgeComputeWatts * (framesToOthers * t.EdgeInrDecodeSeconds + n * edgeTrainSeconds)
                    + power.FogComputeWatts * encodeSeconds);

        double model = t.ModelBytes;
        double modelOnAir = once ? model : n * model;
        double fogTrainSeconds = t.Epochs * (double)frames * t.FogTrainSecondsPerFrameEpoch;
        var fog = new PlacementCost(
            Bytes: jpegBytes + modelOnAir,
            Seconds: uplinkSeconds + fogTrainSeconds + (serialCopies ? modelOnAir : model) / rate,
            Joules: power.RadioTxWatts * uplinkSeconds + power.RadioRxWatts * n * model / rate + power.FogComputeWatts * fogTrainSeconds);

        return new PlacementChoice(fog.Of(objective) < edge.Of(objective) ? TrainSite.Fog : TrainSite.Edge, edge, fog);
    }

    /// <summary>T frames encoded in full batches of <paramref name="maxBatch"/> and one partial batch, at the table's nominal times.</summary>
    internal static double EncodeSeconds(BatchCost cost, int maxBatch, long frames)
    {
        long full = frames / maxBatch;
        int rest = (int)(frames % maxBatch);
        return full * cost.SecondsFor(maxBatch) + (rest > 0 ? cost.SecondsFor(rest) : 0);
    }
}
