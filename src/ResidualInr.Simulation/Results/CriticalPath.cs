namespace ResidualInr.Simulation.Results;

/// <summary>
/// Where the time went: the chain of stages that ended with the last complete device's training,
/// split so that the parts add up to the makespan (a telescoping sum of the chain's timestamps,
/// so exact up to floating-point rounding).
/// <para>
/// The chain, traced back from that device's training end:
/// train (its training start to end; in train-fog plus the fog's own training) &lt;- its data
/// completed when it finished decoding the last payload it received (decode: that payload's
/// arrival to the training start, so time spent decoding earlier payloads on the device's own
/// CPU queue counts as decode) &lt;- that payload's transfer (downlink: from the moment the fog
/// handed it to its radio, so waiting behind other transfers in the fog's radio queue, latency,
/// retries and airtime all count) &lt;- its encode batch (encode: the batch's GPU time) &lt;- its
/// wait at the fog (fog wait: arrival to encode start, GPU busy or batch filling) &lt;- its uplink
/// (uplink: capture to arrival at the fog, including the device's own radio queue) &lt;- its capture
/// (capture: from t = 0 until the frame existed, the arrival process rather than the system).
/// </para>
/// <para>
/// Per strategy: jpeg-p2p has one device-to-device hop, counted as uplink (the sender's radio);
/// fog wait, encode and downlink are 0. jpeg-fog relays at once: fog wait and encode are 0.
/// train-fog: the gating frame is the last one to settle at the fog (which trains on all of them),
/// fog wait is its arrival to the fog's training start, the fog's training counts as train, the
/// downlink is the model's transfer to the device, and decode is 0. inr-train-edge with a
/// per-sequence encode: fog wait is the frame's wait for the rest of its sequence's round and for
/// the GPU (arrival to the sequence fit's start) plus its wait for an object-INR batch after the
/// fit; encode is the fit plus that batch. A device that expects no
/// payload (one device alone) spends everything in train, and capture is 0.
/// All parts are NaN when no device completed.
/// </para>
/// </summary>
public sealed record CriticalPath(
    string Device,
    double CaptureSeconds,
    double UplinkSeconds,
    double FogWaitSeconds,
    double EncodeSeconds,
    double DownlinkSeconds,
    double DecodeSeconds,
    double TrainSeconds)
{
    /// <summary>The sum of the parts: the makespan.</summary>
    public double TotalSeconds => CaptureSeconds + UplinkSeconds + FogWaitSeconds + EncodeSeconds + DownlinkSeconds + DecodeSeconds + TrainSeconds;

    /// <summary>No device completed: no path.</summary>
    public static CriticalPath None { get; } = new("", double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}
