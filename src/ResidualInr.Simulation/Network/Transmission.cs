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
    public bool Lost { get; internal set; }

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
