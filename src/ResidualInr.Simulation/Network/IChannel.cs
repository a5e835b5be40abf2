using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Network;

/// <summary>
/// A medium that radios put attempts on: the seam between the nodes (who sends what, when, with
/// which retries) and the MAC model (how long bytes take to cross when others send too).
/// <para>
/// Why an interface: <see cref="Radio"/>, <see cref="WirelessNetwork"/> and
/// <see cref="Strategies.FogSimulation"/> need only these members, so another MAC model (an 802.11
/// DCF model, a TDMA schedule, a test double) plugs in by implementing it and passing a
/// <see cref="ChannelFactory"/>, with no edit to those callers. <see cref="Begin"/> takes a cached
/// callback so that the per-attempt path allocates nothing.
/// </para>
/// </summary>
public interface IChannel
{
    string Name { get; }
    ChannelSettings Settings { get; }

    /// <summary>Transmissions on the air now.</summary>
    int ActiveCount { get; }

    /// <summary>Every attempt's bytes, lost attempts included.</summary>
    long BytesOnAir { get; }

    /// <summary>Time during which at least one transmission was on the air.</summary>
    double BusySeconds { get; }

    /// <summary>
    /// Puts one attempt of <paramref name="t"/> on the air now; calls <paramref name="done"/> (at the
    /// simulated time its bytes have crossed) exactly once. Loss and retries are the radio's business.
    /// </summary>
    void Begin(Transmission t, Action<Transmission> done);
}

/// <summary>Builds one channel: the shared medium, or one per-device link.</summary>
public delegate IChannel ChannelFactory(SimEnvironment env, string name, ChannelSettings settings);

/// <summary>The channel models this library ships.</summary>
public static class ChannelModels
{
    /// <summary>Processor sharing with the efficiency table η(n): <see cref="SharedChannel"/>. The default.</summary>
    public static ChannelFactory ProcessorSharing { get; } = (env, name, settings) => new SharedChannel(env, name, settings);
}
