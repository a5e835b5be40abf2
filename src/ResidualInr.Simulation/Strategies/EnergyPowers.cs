namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// The powers the energy figures use, in watts. Energy is power x time per state:
/// <list type="bullet">
/// <item>a device's radio transmits for the time its attempts were on the air (from the moment an
/// attempt is handed to the channel until its bytes have crossed; under processor sharing with n senders
/// that is its bytes over the per-sender rate C·η(n)/n it actually got, integrated over the attempt),
/// retransmissions included; the set-up latency before an attempt is not air time;</item>
/// <item>it receives for the air time of every attempt of every transfer addressed to it (for a
/// broadcast, every receiver listens for the whole transmission);</item>
/// <item>it idles for the rest of its life: until its training ended (or its last own transfer did, if
/// later), or, for a device that never trained, until the simulation ended. Transmit and receive
/// times are counted separately even where they overlap; idle is floored at 0;</item>
/// <item>its processor draws <see cref="EdgeComputeWatts"/> while it decodes received payloads and while it trains;</item>
/// <item>the fog draws <see cref="FogComputeWatts"/> while its GPU encodes, fits sequences or trains. The fog's
/// radio (a mains-powered access point) is not counted.</item>
/// </list>
/// Defaults and their published sources: scenarios/README.md ("Energy").
/// </summary>
/// <param name="RadioTxWatts">A device's Wi-Fi radio while transmitting (ESP32 datasheet: 190 mA x 3.3 V, 802.11g 54 Mb/s).</param>
/// <param name="RadioRxWatts">While receiving (ESP32 datasheet: 100 mA x 3.3 V).</param>
/// <param name="RadioIdleWatts">While neither (ESP32 datasheet, modem-sleep at 240 MHz: 30 mA x 3.3 V).</param>
/// <param name="EdgeComputeWatts">A device while decoding or training (Jetson Nano's default 10 W power mode).</param>
/// <param name="FogComputeWatts">The fog's GPU while encoding or training (H100 PCIe maximum TDP, 350 W).</param>
public sealed record EnergyPowers(
    double RadioTxWatts = EnergyPowers.DefaultRadioTxWatts,
    double RadioRxWatts = EnergyPowers.DefaultRadioRxWatts,
    double RadioIdleWatts = EnergyPowers.DefaultRadioIdleWatts,
    double EdgeComputeWatts = EnergyPowers.DefaultEdgeComputeWatts,
    double FogComputeWatts = EnergyPowers.DefaultFogComputeWatts)
{
    public const double DefaultRadioTxWatts = 0.627, DefaultRadioRxWatts = 0.33, DefaultRadioIdleWatts = 0.099;
    public const double DefaultEdgeComputeWatts = 10, DefaultFogComputeWatts = 350;

    /// <summary>Every power 0: every energy is 0.</summary>
    public static EnergyPowers Zero { get; } = new(0, 0, 0, 0, 0);

    internal IEnumerable<(string Name, double Watts)> All =>
    [
        ("radio transmit (W)", RadioTxWatts), ("radio receive (W)", RadioRxWatts), ("radio idle (W)", RadioIdleWatts),
        ("edge compute (W)", EdgeComputeWatts), ("fog compute (W)", FogComputeWatts),
    ];
}
