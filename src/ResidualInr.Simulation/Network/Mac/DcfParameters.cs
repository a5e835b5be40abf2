namespace ResidualInr.Simulation.Network.Mac;

/// <summary>The 802.11 PHY/MAC generations <see cref="DcfModel"/> has parameter sets for.</summary>
public enum WifiStandard { B, A, G, N, Ac, Ax }

/// <summary>
/// How long a collision keeps the medium busy after the collided frame. <see cref="Difs"/> is
/// Bianchi's T_c = frame + DIFS (an upper bound on throughput); <see cref="Eifs"/> makes the
/// stations that heard the corrupted frame wait EIFS = SIFS + ACK + DIFS instead (IEEE 802.11-2016
/// §10.3.2.3.7), a lower bound. ns-3's wifi-bianchi has a reference table for each.
/// </summary>
public enum CollisionTiming { Difs, Eifs }

/// <summary>Names for options and CSVs: "b", "a", "g", "n", "ac", "ax".</summary>
public static class WifiStandardNames
{
    private static readonly (WifiStandard Value, string Name)[] Table =
        [(WifiStandard.B, "b"), (WifiStandard.A, "a"), (WifiStandard.G, "g"), (WifiStandard.N, "n"), (WifiStandard.Ac, "ac"), (WifiStandard.Ax, "ax")];

    public static string ToName(this WifiStandard s) => Table.First(x => x.Value == s).Name;
    public static IReadOnlyList<string> All { get; } = Table.Select(x => x.Name).ToArray();

    /// <summary>Accepts "a", "11a" and "802.11a", case-insensitive.</summary>
    public static bool TryParse(string text, out WifiStandard value)
    {
        var name = text.Trim().ToLowerInvariant();
        if (name.StartsWith("802.")) name = name[4..];
        if (name.StartsWith("11")) name = name[2..];
        foreach (var (v, n) in Table)
            if (n == name) { value = v; return true; }
        value = default;
        return false;
    }
}

/// <summary>
/// One PHY data rate a preset knows: its nominal rate (what <c>--rate-mbps</c> names), the data bits
/// per OFDM symbol N_DBPS (0 for DSSS/HR-DSSS, which are timed bit by bit), and the rate of the
/// control responses (ACK, CTS) it gets: the highest basic rate not above its non-HT reference rate
/// (IEEE 802.11-2016 §10.6.6.5.2).
/// </summary>
public sealed record PhyRate(double Mbps, int DataBitsPerSymbol, double ControlMbps, int ControlBitsPerSymbol);

/// <summary>
/// Everything Bianchi's model needs about one 802.11 configuration: the timing of a successful
/// exchange T_s and of a collision T_c, the backoff window, and the payload E[P]. Times in seconds.
/// Build one with <see cref="DcfModel.Parameters"/>; the presets' constants and their sources are
/// documented there.
/// </summary>
/// <param name="RateMbps">Nominal PHY rate of data frames.</param>
/// <param name="DataBitsPerSymbol">N_DBPS of data frames; 0 for DSSS/HR-DSSS (duration = bits / rate, rounded up to 1 µs).</param>
/// <param name="ControlRateMbps">Rate of ACK/RTS/CTS.</param>
/// <param name="ControlBitsPerSymbol">N_DBPS of control frames; 0 for DSSS.</param>
/// <param name="PayloadBytes">E[P]: the MSDU bytes each success delivers (what the throughput counts).</param>
/// <param name="RtsCts">RTS/CTS exchange before every data frame instead of basic access.</param>
/// <param name="SlotSeconds">σ, aSlotTime.</param>
/// <param name="SifsSeconds">aSIFSTime.</param>
/// <param name="DifsSeconds">DIFS = SIFS + 2σ.</param>
/// <param name="CwMin">aCWmin; Bianchi's W = CwMin + 1.</param>
/// <param name="CwMax">aCWmax; the number of backoff stages m = log2((CwMax + 1)/(CwMin + 1)).</param>
/// <param name="DataPreambleSeconds">PLCP preamble + PHY header of a data PPDU (HT/VHT/HE: the whole mixed-format preamble).</param>
/// <param name="DataSymbolSeconds">OFDM symbol (guard interval included) of data PPDUs; 0 for DSSS.</param>
/// <param name="ControlPreambleSeconds">Preamble + PHY header of control frames (non-HT for n/ac/ax).</param>
/// <param name="ControlSymbolSeconds">OFDM symbol of control frames; 0 for DSSS.</param>
/// <param name="ServiceBits">OFDM SERVICE field (16), padded into the symbols with the PSDU.</param>
/// <param name="TailBits">OFDM convolutional-code tail (6).</param>
/// <param name="SignalExtensionSeconds">ERP-OFDM signal extension after every PPDU (6 µs in 2.4 GHz 802.11g), else 0.</param>
/// <param name="MacHeaderBytes">MAC header + FCS of a data frame.</param>
/// <param name="LlcSnapBytes">LLC/SNAP encapsulation in front of the payload.</param>
/// <param name="AckBytes">ACK frame (FCS included).</param>
/// <param name="RtsBytes">RTS frame (FCS included).</param>
/// <param name="CtsBytes">CTS frame (FCS included).</param>
/// <param name="Collision">What a collision costs after the frame: DIFS (Bianchi) or EIFS.</param>
/// <param name="PropagationDelaySeconds">δ, added once per frame in T_s and T_c as in Bianchi (2000); 0 in the presets, as in ns-3's DIFS tables.</param>
/// <param name="IdleSlotAfterSuccess">
/// Adds one slot σ to T_s. ns-3's reference model (src/wifi/examples/reference/Bianchi11*.m,
/// bianchi11ax.py) does, because its simulated DCF spends a slot after DIFS before the next
/// transmission; on in every preset, off for the textbook model.
/// </param>
/// <param name="ZeroBackoffBurst">
/// ns-3's a/b/g reference model: with probability B = 1/(CWmin + 1) the station that just succeeded
/// draws backoff 0 and sends again right after DIFS, so one success event carries 1/(1 − B) frames
/// on average (E[P] and T_s both scaled by 1/(1 − B)). On for the DCF presets b, a, g; off for
/// n, ac, ax (ns-3's 11ax script sets B = 0) and for the textbook model.
/// </param>
public sealed record DcfParameters(
    WifiStandard Standard,
    double RateMbps,
    int DataBitsPerSymbol,
    double ControlRateMbps,
    int ControlBitsPerSymbol,
    int PayloadBytes,
    bool RtsCts,
    double SlotSeconds,
    double SifsSeconds,
    double DifsSeconds,
    int CwMin,
    int CwMax,
    double DataPreambleSeconds,
    double DataSymbolSeconds,
    double ControlPreambleSeconds,
    double ControlSymbolSeconds,
    int ServiceBits,
    int TailBits,
    double SignalExtensionSeconds,
    int MacHeaderBytes,
    int LlcSnapBytes,
    int AckBytes,
    int RtsBytes,
    int CtsBytes,
    CollisionTiming Collision = CollisionTiming.Difs,
    double PropagationDelaySeconds = 0,
    bool IdleSlotAfterSuccess = true,
    bool ZeroBackoffBurst = false)
{
    /// <summary>Bianchi's W: the smallest contention window, CWmin + 1 slots.</summary>
    public int W => CwMin + 1;

    /// <summary>Bianchi's m: the number of times the window doubles, CW_max + 1 = 2^m W.</summary>
    public int Stages => (int)Math.Round(Math.Log2((CwMax + 1.0) / (CwMin + 1.0)));

    /// <summary>Airtime of the data PPDU: header + LLC/SNAP + payload + FCS.</summary>
    public double DataSeconds => Ppdu(8 * (MacHeaderBytes + LlcSnapBytes + PayloadBytes), RateMbps, DataBitsPerSymbol, DataPreambleSeconds, DataSymbolSeconds);

    public double AckSeconds => Control(AckBytes);
    public double RtsSeconds => Control(RtsBytes);
    public double CtsSeconds => Control(CtsBytes);

    /// <summary>EIFS = SIFS + ACK airtime + DIFS (IEEE 802.11-2016 §10.3.2.3.7; the ACK at the control rate, as ns-3's tables take it).</summary>
    public double EifsSeconds => SifsSeconds + AckSeconds + DifsSeconds;

    /// <summary>T_s: the medium is busy this long for one successful exchange (Bianchi 2000, eqs. 15 and 17).</summary>
    public double SuccessSeconds
    {
        get
        {
            double d = PropagationDelaySeconds;
            double basic = DataSeconds + SifsSeconds + d + AckSeconds + DifsSeconds + d;
            return RtsCts ? RtsSeconds + SifsSeconds + d + CtsSeconds + SifsSeconds + d + basic : basic;
        }
    }

    /// <summary>T_c: the medium is busy this long for one collision (basic access: the data frame collides; RTS/CTS: the RTS does).</summary>
    public double CollisionSeconds
    {
        get
        {
            double collided = RtsCts ? RtsSeconds : DataSeconds;
            return collided + PropagationDelaySeconds + (Collision == CollisionTiming.Difs ? DifsSeconds : EifsSeconds);
        }
    }

    private double Control(int bytes) => Ppdu(8 * bytes, ControlRateMbps, ControlBitsPerSymbol, ControlPreambleSeconds, ControlSymbolSeconds);

    private double Ppdu(int psduBits, double mbps, int bitsPerSymbol, double preamble, double symbol)
    {
        if (bitsPerSymbol == 0)
        {
            // DSSS/HR-DSSS: the PLCP LENGTH field counts microseconds, rounded up (IEEE 802.11-2016 Clause 16, PLCP LENGTH field).
            return preamble + Math.Ceiling(psduBits / mbps - 1e-9) * 1e-6 + SignalExtensionSeconds;
        }
        // OFDM: N_SYM = ceil((16 + 8·LENGTH + 6) / N_DBPS) (IEEE 802.11-2016 Clause 17, PAD bits; HT, VHT and HE pad the same way).
        int symbols = (ServiceBits + psduBits + TailBits + bitsPerSymbol - 1) / bitsPerSymbol;
        return preamble + symbols * symbol + SignalExtensionSeconds;
    }
}
