namespace ResidualInr.Simulation.Network.Mac;

/// <summary>
/// Saturation throughput of 802.11 DCF with n contending stations, from G. Bianchi, "Performance
/// analysis of the IEEE 802.11 distributed coordination function", IEEE JSAC 18(3), 2000.
/// <para>
/// Every station always has a frame to send. τ (the chance a station transmits in a slot) and p
/// (the chance its transmission collides) solve
/// τ = 2(1−2p) / ((1−2p)(W+1) + pW(1−(2p)^m)) and p = 1 − (1−τ)^(n−1);
/// then P_tr = 1 − (1−τ)^n, P_s = nτ(1−τ)^(n−1) / P_tr and
/// S = P_s P_tr E[P] / ((1−P_tr)σ + P_tr P_s T_s + P_tr(1−P_s) T_c).
/// </para>
/// <para>
/// PHY overheads modelled: the preamble and PHY header of every PPDU; OFDM padding of SERVICE +
/// PSDU + tail bits to whole symbols (DSSS: the duration rounded up to 1 µs); the ERP signal
/// extension; MAC header, FCS and LLC/SNAP on every data frame; ACK (and RTS/CTS) at the control
/// response rate; SIFS, DIFS, and EIFS after collisions when asked. Not modelled: aggregation
/// (A-MPDU/A-MSDU), block ACK, retry limits (CW stays at CWmax until success, as in Bianchi and
/// in ns-3's runs), channel errors, capture, hidden nodes, EDCA's AIFS (n, ac and ax use DIFS as
/// ns-3's 11ax reference does), HE packet extension.
/// </para>
/// <para>
/// The presets reproduce ns-3's reference tables (src/wifi/examples/wifi-bianchi.cc, see
/// BianchiTests), which add two refinements to the textbook formula:
/// <see cref="DcfParameters.IdleSlotAfterSuccess"/> and <see cref="DcfParameters.ZeroBackoffBurst"/>.
/// Turn both off for Bianchi's original model.
/// </para>
/// </summary>
public static class DcfModel
{
    private const double Us = 1e-6;

    /// <summary>The largest MSDU 802.11 carries unaggregated: 2304 octets (IEEE 802.11-2016 §9.2.4.7, Frame Body).</summary>
    public const int MaxPayloadBytes = 2304;

    // Control frame sizes, FCS included (IEEE 802.11-2016 §9.3.1.2 RTS: 20 octets, §9.3.1.3 CTS: 14, §9.3.1.4 ACK: 14).
    private const int Ack = 14, Rts = 20, Cts = 14;
    // Data frame MAC header: 24 octets (§9.3.2.1), + 2 octets QoS Control for QoS data (n, ac, ax: HT/VHT/HE
    // stations are QoS stations), + 4 octets FCS (§9.2.4.8).
    private const int MacHeader = 24 + 4, QosMacHeader = 26 + 4;
    // LLC/SNAP header in front of an IP payload (IEEE 802.2 + RFC 1042): 8 octets. ns-3's a/g scripts count
    // 6, which gives the same number of OFDM symbols at 1500 B for every a/g rate.
    private const int LlcSnap = 8;
    // OFDM SERVICE field 16 bits and convolutional tail 6 bits (IEEE 802.11-2016 §17.3.5.2, §17.3.5.3; HT, VHT, HE alike).
    private const int Service = 16, Tail = 6;

    private static readonly PhyRate[] DsssRates =
    [
        // Clause 15 DSSS (1, 2 Mb/s) and Clause 16 HR/DSSS (5.5, 11 Mb/s). Basic rate set {1, 2}: ACKs go at
        // the highest basic rate not above the data rate (§10.6.6.5.2).
        new(1, 0, 1, 0), new(2, 0, 2, 0), new(5.5, 0, 2, 0), new(11, 0, 2, 0),
    ];

    private static readonly PhyRate[] OfdmRates =
    [
        // Clause 17 OFDM / Clause 18 ERP-OFDM, 20 MHz: N_DBPS per rate (IEEE 802.11-2016 Clause 17, modulation-dependent parameters table). Mandatory
        // rates {6, 12, 24} are the basic rates for control responses (§10.6.6.5.2).
        new(6, 24, 6, 24), new(9, 36, 6, 24), new(12, 48, 12, 48), new(18, 72, 12, 48),
        new(24, 96, 24, 96), new(36, 144, 24, 96), new(48, 192, 24, 96), new(54, 216, 24, 96),
    ];

    private static readonly PhyRate[] HtRates =
    [
        // Clause 19 HT, 20 MHz, one spatial stream, 800 ns GI, MCS 0-7 (IEEE 802.11-2016 Clause 19, HT MCS tables). Control
        // responses: the highest basic rate not above the MCS's non-HT reference rate (§10.6.6.5.2).
        new(6.5, 26, 6, 24), new(13, 52, 12, 48), new(19.5, 78, 12, 48), new(26, 104, 24, 96),
        new(39, 156, 24, 96), new(52, 208, 24, 96), new(58.5, 234, 24, 96), new(65, 260, 24, 96),
    ];

    private static readonly PhyRate[] VhtRates =
    [
        // Clause 21 VHT, 20 MHz, one spatial stream, 800 ns GI, MCS 0-8 (IEEE 802.11-2016 Clause 21, VHT MCS tables).
        .. HtRates, new(78, 312, 24, 96),
    ];

    private static readonly PhyRate[] HeRates =
    [
        // IEEE 802.11ax-2021 Clause 27 HE SU, 20 MHz (242-tone RU, 234 data tones), one spatial stream, 0.8 µs GI,
        // MCS 0-11 (Clause 27 HE-MCS tables); nominal rates = N_DBPS / 13.6 µs. Control responses as ns-3's 11ax reference.
        new(8.6, 117, 6, 24), new(17.2, 234, 12, 48), new(25.8, 351, 12, 48), new(34.4, 468, 24, 96),
        new(51.6, 702, 24, 96), new(68.8, 936, 24, 96), new(77.4, 1053, 24, 96), new(86.0, 1170, 24, 96),
        new(103.2, 1404, 24, 96), new(114.7, 1560, 24, 96), new(129.0, 1755, 24, 96), new(143.4, 1950, 24, 96),
    ];

    /// <summary>The PHY rates a standard's preset knows (20 MHz, one spatial stream, long GI).</summary>
    public static IReadOnlyList<PhyRate> Rates(WifiStandard standard) => standard switch
    {
        WifiStandard.B => DsssRates,
        WifiStandard.A or WifiStandard.G => OfdmRates,
        WifiStandard.N => HtRates,
        WifiStandard.Ac => VhtRates,
        WifiStandard.Ax => HeRates,
        _ => throw new ArgumentOutOfRangeException(nameof(standard)),
    };

    /// <summary>The preset rate <paramref name="rateMbps"/> names (within 0.06 Mb/s, so 8.603 finds HE MCS 0), or null.</summary>
    public static PhyRate? FindRate(WifiStandard standard, double rateMbps) =>
        Rates(standard).FirstOrDefault(r => Math.Abs(r.Mbps - rateMbps) < 0.06);

    /// <summary>
    /// The parameter set of <paramref name="standard"/> at <paramref name="rateMbps"/> (one of
    /// <see cref="Rates"/>), basic access or RTS/CTS, collisions timed with DIFS.
    /// </summary>
    /// <exception cref="ArgumentException">The standard has no such rate, or the payload is outside 1..2304 bytes.</exception>
    public static DcfParameters Parameters(WifiStandard standard, double rateMbps, int payloadBytes = 1500, bool rtsCts = false)
    {
        if (payloadBytes is < 1 or > MaxPayloadBytes)
            throw new ArgumentOutOfRangeException(nameof(payloadBytes), payloadBytes, $"payload must be 1 to {MaxPayloadBytes} bytes");
        var rate = FindRate(standard, rateMbps) ?? throw new ArgumentException(
            $"802.11{standard.ToName()} has no {rateMbps:0.###} Mb/s rate (expected one of {string.Join(", ", Rates(standard).Select(r => r.Mbps.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))})",
            nameof(rateMbps));
        return standard switch
        {
            // Clause 15/16, 2.4 GHz (IEEE 802.11-2016 Clause 15 DSSS PHY characteristics; Clause 16 HR/DSSS alike):
            // aSlotTime 20 µs, aSIFSTime 10 µs, DIFS = SIFS + 2 slots = 50 µs (§10.3.2.3.5), aCWmin 31, aCWmax 1023.
            // Long PLCP preamble 144 µs + PLCP header 48 µs = 192 µs, sent at 1 Mb/s (Clause 15 and 16 PLCP formats), for data and ACK.
            WifiStandard.B => new DcfParameters(standard, rate.Mbps, 0, rate.ControlMbps, 0, payloadBytes, rtsCts,
                SlotSeconds: 20 * Us, SifsSeconds: 10 * Us, DifsSeconds: 50 * Us, CwMin: 31, CwMax: 1023,
                DataPreambleSeconds: 192 * Us, DataSymbolSeconds: 0, ControlPreambleSeconds: 192 * Us, ControlSymbolSeconds: 0,
                ServiceBits: 0, TailBits: 0, SignalExtensionSeconds: 0,
                MacHeaderBytes: MacHeader, LlcSnapBytes: LlcSnap, AckBytes: Ack, RtsBytes: Rts, CtsBytes: Cts,
                ZeroBackoffBurst: true),
            // Clause 17 OFDM, 5 GHz, 20 MHz (Clause 17 OFDM PHY characteristics): aSlotTime 9 µs, aSIFSTime 16 µs,
            // DIFS 34 µs, aCWmin 15, aCWmax 1023. Preamble 16 µs + SIGNAL 4 µs = 20 µs; symbol 3.2 µs + 0.8 µs GI = 4 µs (Clause 17 timing-related parameters).
            WifiStandard.A => Ofdm(rate, payloadBytes, rtsCts, standard, sifs: 16, difs: 34, signalExtension: 0),
            // Clause 18 ERP-OFDM, 2.4 GHz, short slot (Clause 18 ERP characteristics): aSlotTime 9 µs, aSIFSTime 10 µs,
            // DIFS 28 µs, aCWmin 15, aCWmax 1023; every ERP-OFDM PPDU is followed by a 6 µs signal extension (Clause 18).
            WifiStandard.G => Ofdm(rate, payloadBytes, rtsCts, standard, sifs: 10, difs: 28, signalExtension: 6),
            // Clause 19 HT-mixed format, 5 GHz, 20 MHz, 1 SS (Clause 19 timing-related constants): L-STF 8 + L-LTF 8 + L-SIG 4 +
            // HT-SIG 8 + HT-STF 4 + one HT-LTF 4 = 36 µs; symbol 4 µs (800 ns GI). 5 GHz timing as 802.11a. QoS data header.
            WifiStandard.N => Mimo(rate, payloadBytes, rtsCts, standard, preamble: 36, symbol: 4),
            // Clause 21 VHT, 5 GHz, 20 MHz, 1 SS (Clause 21 timing-related constants): L-STF 8 + L-LTF 8 + L-SIG 4 + VHT-SIG-A 8 +
            // VHT-STF 4 + one VHT-LTF 4 + VHT-SIG-B 4 = 40 µs; symbol 4 µs (800 ns GI).
            WifiStandard.Ac => Mimo(rate, payloadBytes, rtsCts, standard, preamble: 40, symbol: 4),
            // IEEE 802.11ax-2021 Clause 27 HE SU PPDU, 5 GHz, 20 MHz, 1 SS (Clause 27 timing-related constants): L-STF 8 + L-LTF 8 +
            // L-SIG 4 + RL-SIG 4 + HE-SIG-A 8 + HE-STF 4 + one 2x HE-LTF with 1.6 µs GI 8 = 44 µs (ns-3's T_PHY_DATA);
            // data symbol 12.8 µs + 0.8 µs GI = 13.6 µs. Packet extension not modelled (ns-3's reference neither).
            WifiStandard.Ax => Mimo(rate, payloadBytes, rtsCts, standard, preamble: 44, symbol: 13.6),
            _ => throw new ArgumentOutOfRangeException(nameof(standard)),
        };
    }

    private static DcfParameters Ofdm(PhyRate rate, int payloadBytes, bool rtsCts, WifiStandard standard, double sifs, double difs, double signalExtension) =>
        new(standard, rate.Mbps, rate.DataBitsPerSymbol, rate.ControlMbps, rate.ControlBitsPerSymbol, payloadBytes, rtsCts,
            SlotSeconds: 9 * Us, SifsSeconds: sifs * Us, DifsSeconds: difs * Us, CwMin: 15, CwMax: 1023,
            DataPreambleSeconds: 20 * Us, DataSymbolSeconds: 4 * Us, ControlPreambleSeconds: 20 * Us, ControlSymbolSeconds: 4 * Us,
            ServiceBits: Service, TailBits: Tail, SignalExtensionSeconds: signalExtension * Us,
            MacHeaderBytes: MacHeader, LlcSnapBytes: LlcSnap, AckBytes: Ack, RtsBytes: Rts, CtsBytes: Cts,
            ZeroBackoffBurst: true);

    /// <summary>HT/VHT/HE in 5 GHz: 802.11a slot/SIFS/DIFS/CW; control responses as non-HT OFDM PPDUs (20 µs preamble, 4 µs symbols).</summary>
    private static DcfParameters Mimo(PhyRate rate, int payloadBytes, bool rtsCts, WifiStandard standard, double preamble, double symbol) =>
        new(standard, rate.Mbps, rate.DataBitsPerSymbol, rate.ControlMbps, rate.ControlBitsPerSymbol, payloadBytes, rtsCts,
            SlotSeconds: 9 * Us, SifsSeconds: 16 * Us, DifsSeconds: 34 * Us, CwMin: 15, CwMax: 1023,
            DataPreambleSeconds: preamble * Us, DataSymbolSeconds: symbol * Us, ControlPreambleSeconds: 20 * Us, ControlSymbolSeconds: 4 * Us,
            ServiceBits: Service, TailBits: Tail, SignalExtensionSeconds: 0,
            MacHeaderBytes: QosMacHeader, LlcSnapBytes: LlcSnap, AckBytes: Ack, RtsBytes: Rts, CtsBytes: Cts,
            ZeroBackoffBurst: false);

    /// <summary>
    /// τ as a function of p (Bianchi's eq. 7), in the form 2 / (1 + W + pW Σ_{i=0}^{m−1} (2p)^i), which equals
    /// 2(1−2p) / ((1−2p)(W+1) + pW(1−(2p)^m)) and has no 0/0 at p = 1/2.
    /// </summary>
    public static double TauOf(double p, int w, int m)
    {
        double sum = 0, term = 1;
        for (int i = 0; i < m; i++) { sum += term; term *= 2 * p; }
        return 2 / (1 + w + p * w * sum);
    }

    /// <summary>
    /// The fixed point (τ, p) for <paramref name="n"/> stations, by bisection on p in [0, 1): f(p) = 1 − (1−τ(p))^(n−1) − p
    /// falls strictly from f(0) ≥ 0 to f(1) &lt; 0 (τ(p) decreases in p), so the root is unique and bisection finds it
    /// to machine precision. n = 1: no one to collide with, p = 0.
    /// </summary>
    public static (double Tau, double P) Solve(int n, int w, int m)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "at least one station");
        if (n == 1) return (TauOf(0, w, m), 0);
        double lo = 0, hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-16; i++)
        {
            double mid = 0.5 * (lo + hi);
            double f = 1 - Math.Pow(1 - TauOf(mid, w, m), n - 1) - mid;
            if (f > 0) lo = mid; else hi = mid;
        }
        double p = 0.5 * (lo + hi);
        return (TauOf(p, w, m), p);
    }

    /// <summary>S(n): saturation throughput in payload bits per second for <paramref name="n"/> contending stations.</summary>
    public static double ThroughputBitsPerSecond(DcfParameters d, int n)
    {
        var (tau, _) = Solve(n, d.W, d.Stages);
        double ptr = 1 - Math.Pow(1 - tau, n);
        double ps = n * tau * Math.Pow(1 - tau, n - 1) / ptr;
        double burst = d.ZeroBackoffBurst ? 1.0 / (1 - 1.0 / d.W) : 1.0;     // 1/(1−B), B = 1/(CWmin+1)
        double payload = 8.0 * d.PayloadBytes * burst;
        double success = d.SuccessSeconds * burst + (d.IdleSlotAfterSuccess ? d.SlotSeconds : 0);
        return ps * ptr * payload / ((1 - ptr) * d.SlotSeconds + ptr * ps * success + ptr * (1 - ps) * d.CollisionSeconds);
    }

    /// <summary>η(n) = S(n)/S(1): the share of the single-sender throughput that n contending senders get in total.</summary>
    public static double Efficiency(DcfParameters d, int n) => ThroughputBitsPerSecond(d, n) / ThroughputBitsPerSecond(d, 1);

    /// <summary>
    /// The processor-sharing channel's settings for this MAC: capacity C = S(1) in payload bytes per second and the
    /// efficiency table η(1..<paramref name="maxStations"/>) (the last entry holds for more senders), and the resend
    /// backoff from its slot, CWmin and CWmax. Latency, loss and retries keep their defaults.
    /// </summary>
    public static ChannelSettings ChannelSettings(DcfParameters d, int maxStations)
    {
        if (maxStations < 1) throw new ArgumentOutOfRangeException(nameof(maxStations), maxStations, "at least one station");
        double s1 = ThroughputBitsPerSecond(d, 1);
        var table = new double[maxStations];
        table[0] = 1.0;
        for (int n = 2; n <= maxStations; n++) table[n - 1] = ThroughputBitsPerSecond(d, n) / s1;
        return new ChannelSettings(CapacityBytesPerSecond: s1 / 8, Efficiency: table, Backoff: new BackoffSettings(d.SlotSeconds, d.CwMin, d.CwMax));
    }

    /// <summary><see cref="ChannelSettings(DcfParameters, int)"/> for a preset: <see cref="Parameters"/>.</summary>
    public static ChannelSettings ChannelSettings(WifiStandard standard, double rateMbps, int payloadBytes, bool rtsCts, int maxStations) =>
        ChannelSettings(Parameters(standard, rateMbps, payloadBytes, rtsCts), maxStations);
}
