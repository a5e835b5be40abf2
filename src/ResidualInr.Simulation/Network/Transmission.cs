namespace ResidualInr.Simulation.Network;

public enum PayloadKind { Jpeg, Inr, Model }

/// <summary>
/// One logical transfer: a payload from a source node to one receiver (unicast) or to several
/// at once (broadcast, one airtime). It may take several attempts when attempts are lost.
/// </summary>
public sealed class Transmission
{
    internal Transmission(int source, ReceiverSet destinations, long bytes, PayloadKind kind, object? tag)
    {
        Source = source;
        Destinations = destinations;
        Bytes = bytes;
        Kind = kind;
        Tag = tag;
    }

    public int Source { get; }
    public ReceiverSet Destinations { get; }
    public long Bytes { get; }
    public PayloadKind Kind { get; }

    /// <summary>What the payload carries, for the receivers (a frame, a model).</summary>
    public object? Tag { get; }

    /// <summary>When it was handed to the sender's radio; it may wait there behind earlier transfers until <see cref="StartSeconds"/>.</summary>
    public double QueuedSeconds { get; internal set; } = double.NaN;
    /// <summary>When the radio started its first attempt.</summary>
    public double StartSeconds { get; internal set; } = double.NaN;
    public double EndSeconds { get; internal set; } = double.NaN;
    public int Retries { get; internal set; }

    /// <summary>
    /// Unicast: lost past the retries. Broadcast: missed by every receiver (see <see cref="MissedBy"/> for each one).
    /// </summary>
    public bool Lost { get; internal set; }

    /// <summary>
    /// Sent as an 802.11 broadcast: one attempt, no ACK and no resend; each receiver misses it independently
    /// (<see cref="Missed"/>). Otherwise unicast: acknowledged, resent after a backoff until the retry limit.
    /// </summary>
    public bool Broadcast { get; internal set; }

    /// <summary>Broadcast: the receivers that missed it, in receiver order; empty when all got it (and for unicast).</summary>
    public IReadOnlyList<int> Missed => _missed ?? (IReadOnlyList<int>)[];
    internal List<int>? _missed;

    /// <summary>Whether receiver <paramref name="node"/> did not get it: the whole transfer was lost, or this broadcast receiver missed it.</summary>
    public bool MissedBy(int node) => Lost || (_missed is not null && _missed.Contains(node));

    /// <summary>
    /// Broadcast with NACK repair: its missed receivers asked again and get it by <see cref="IsRepair"/> unicasts, so
    /// a missed receiver is pending here, not lost.
    /// </summary>
    public bool MissesRepaired { get; internal set; }

    /// <summary>A unicast resend of a broadcast to one receiver that missed it (NACK repair).</summary>
    public bool IsRepair { get; internal set; }

    /// <summary>Seconds spent in resend backoff, summed over resends (no airtime; the channel is free meanwhile).</summary>
    public double BackoffSeconds { get; internal set; }

    /// <summary>
    /// Seconds its attempts were on the air, summed over attempts: each from its hand-over to the channel
    /// until its bytes had crossed (the set-up latency excluded). The sender transmits and every receiver
    /// listens for this long (energy).
    /// </summary>
    public double AirSeconds { get; internal set; }
    internal double OnAirSinceSeconds;

    // Processor-sharing bookkeeping: the channel's per-sender service level at which it is done.
    internal double FinishService;
}
