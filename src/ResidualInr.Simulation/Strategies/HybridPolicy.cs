namespace ResidualInr.Simulation.Strategies;

/// <summary>Which rules the hybrid fog applies when it decides a frame's payload.</summary>
public enum HybridRule
{
    /// <summary>The INR payload when it has fewer bytes than the JPEG at equal or better object PSNR (within <see cref="HybridPolicy.ObjectPsnrLossMaxDb"/>).</summary>
    Smaller,
    /// <summary>The INR payload unless the encode backlog would make it reach the last receiver later than <see cref="HybridPolicy.DeadlineSeconds"/> after capture.</summary>
    Deadline,
    /// <summary>Both: the INR payload only when it is smaller and in time.</summary>
    Both,
}

/// <summary>Why a payload was sent as it was (transfers.csv's <c>reason</c>).</summary>
public enum PayloadReason
{
    /// <summary>The strategy fixes the payload: every upload, every transfer of a strategy other than hybrid, a model.</summary>
    Strategy,
    /// <summary>Hybrid: the payload sent has fewer bytes than the other (the JPEG also on a tie in bytes).</summary>
    Smaller,
    /// <summary>Hybrid: the INR payload was smaller, but its object PSNR was more than the allowed loss below the JPEG's.</summary>
    ObjectPsnr,
    /// <summary>Hybrid: the INR payload was predicted to reach its last receiver later than the deadline after capture.</summary>
    Deadline,
    /// <summary>Hybrid, deadline rule alone: the INR payload was predicted in time.</summary>
    InTime,
}

/// <summary>
/// How the hybrid fog decides, per frame that reached it, between forwarding the device's JPEG and
/// sending the INR payload (encoded on its GPU first).
/// <para>
/// <b>smaller</b>: the INR payload when its bytes are fewer than the JPEG's and its object PSNR is at most
/// <see cref="ObjectPsnrLossMaxDb"/> below the JPEG's (0: equal or better); otherwise the JPEG. A frame
/// whose object PSNR is unknown for either payload (no box, or fixed sizes) is decided on bytes alone.
/// </para>
/// <para>
/// <b>deadline</b>: when the frame reaches the fog, it predicts when the INR payload would reach the frame's
/// last receiver: the GPU's current job ends, then the frames waiting ahead and this one are encoded in full
/// batches of <see cref="FogBatching.MaxBatch"/> at the cost table's nominal times, then the payload crosses the
/// channel at its full capacity, once per receiver for unicast and once for broadcast, plus the per-attempt
/// latency. The prediction ignores contention, losses and a batching hold-back, so it is optimistic: a frame
/// predicted in time can still arrive late. If the prediction is later than <see cref="DeadlineSeconds"/> after
/// capture the JPEG goes instead. A deadline of 0 therefore always sends the JPEG (the uplink alone takes time);
/// an infinite one never overrides.
/// </para>
/// </summary>
/// <param name="DeadlineSeconds">Seconds after capture by which the INR payload must be predicted to reach every receiver; +inf: no deadline.</param>
/// <param name="ObjectPsnrLossMaxDb">How far below the JPEG's object PSNR a smaller INR payload's may be and still be sent, dB; +inf: bytes alone decide.</param>
public sealed record HybridPolicy(HybridRule Rule = HybridRule.Smaller, double DeadlineSeconds = double.PositiveInfinity, double ObjectPsnrLossMaxDb = 0)
{
    public bool UsesSize => Rule is HybridRule.Smaller or HybridRule.Both;
    public bool UsesDeadline => Rule is HybridRule.Deadline or HybridRule.Both;

    /// <summary>The smaller rule alone for one frame: INR (true) or JPEG, and why.</summary>
    public (bool Inr, PayloadReason Reason) BySize(FrameSize size)
    {
        if (size.InrBytes >= size.JpegBytes) return (false, PayloadReason.Smaller);
        double loss = size.JpegObjectPsnrDb - size.InrObjectPsnrDb; // NaN when either is unknown: bytes alone decide
        return loss > ObjectPsnrLossMaxDb ? (false, PayloadReason.ObjectPsnr) : (true, PayloadReason.Smaller);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Rule)) throw new ArgumentException($"hybrid rule = {Rule}: unknown");
        if (double.IsNaN(DeadlineSeconds) || DeadlineSeconds < 0) throw new ArgumentException($"hybrid deadline (s) = {DeadlineSeconds}: must be >= 0");
        if (double.IsNaN(ObjectPsnrLossMaxDb) || ObjectPsnrLossMaxDb < 0) throw new ArgumentException($"hybrid object PSNR loss max (dB) = {ObjectPsnrLossMaxDb}: must be >= 0");
    }
}

public static class HybridNames
{
    private static readonly NameTable<HybridRule> RuleTable = new((HybridRule.Smaller, "smaller"), (HybridRule.Deadline, "deadline"), (HybridRule.Both, "both"));
    private static readonly NameTable<PayloadReason> ReasonTable = new(
        (PayloadReason.Strategy, "strategy"), (PayloadReason.Smaller, "smaller"), (PayloadReason.ObjectPsnr, "object-psnr"),
        (PayloadReason.Deadline, "deadline"), (PayloadReason.InTime, "in-time"));

    public static string ToName(this HybridRule r) => RuleTable.Name(r);
    public static string ToName(this PayloadReason r) => ReasonTable.Name(r);
    public static IReadOnlyList<string> Rules => RuleTable.Names;
    public static bool TryParseRule(string name, out HybridRule rule) => RuleTable.TryParse(name, out rule);
}
