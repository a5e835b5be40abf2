using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Entities;

/// <summary>
/// One captured frame on its way to the devices that train on it, with the timestamps of each
/// stage it passed. It travels as the tag of every transmission that carries it, so a receiver
/// (and the critical path) can trace any payload back to its capture. One object per frame: the
/// hot path fills fields, it allocates nothing more.
/// </summary>
public sealed class CapturedFrame
{
    internal CapturedFrame(int device, int index, FrameSize size, double captureSeconds)
    {
        Device = device;
        Index = index;
        Size = size;
        CaptureSeconds = captureSeconds;
        FogArrivalSeconds = EncodeStartSeconds = EncodeEndSeconds = FitStartSeconds = FitEndSeconds = QueuedSeconds = double.NaN;
        LastAvailableSeconds = captureSeconds;
    }

    /// <summary>The device that captured it.</summary>
    public int Device { get; }
    /// <summary>Its index among that device's frames (all rounds).</summary>
    public int Index { get; }
    public FrameSize Size { get; }
    public double CaptureSeconds { get; }

    /// <summary>When its JPEG uplink to the fog ended (delivered or finally lost); NaN without a fog.</summary>
    public double FogArrivalSeconds { get; internal set; }
    /// <summary>When the fog started and finished processing it: its encode batch (inr-train-edge), or the relay (jpeg-fog, both = arrival); NaN otherwise (train-fog's training is <see cref="FogNode.TrainStartSeconds"/>).</summary>
    public double EncodeStartSeconds { get; internal set; }
    public double EncodeEndSeconds { get; internal set; }
    /// <summary>
    /// Per-sequence encode (<see cref="ComputeTimings.SequenceFit"/>): when the GPU job that fitted its
    /// sequence's network started and ended; NaN otherwise. Then <see cref="EncodeStartSeconds"/> and
    /// <see cref="EncodeEndSeconds"/> are its object-INR batch (both = the fit's end when the fit includes the object INRs).
    /// </summary>
    public double FitStartSeconds { get; internal set; }
    public double FitEndSeconds { get; internal set; }
    /// <summary>GPU seconds of its sequence fit (0 without one).</summary>
    internal double FitSeconds => double.IsNaN(FitStartSeconds) ? 0 : FitEndSeconds - FitStartSeconds;
    /// <summary>When it joined the fog's encode queue: its arrival, or its sequence fit's end.</summary>
    internal double QueuedSeconds { get; set; }

    /// <summary>Why the fog sent it on as it did (<see cref="PayloadReason.Strategy"/> unless the hybrid fog chose).</summary>
    public PayloadReason Reason { get; internal set; }

    /// <summary>Receivers that have it: devices that decoded it, or in train-fog the fog that received it.</summary>
    public int Deliveries { get; internal set; }
    /// <summary>A delivery to some receiver failed past the retries (uplink or downlink).</summary>
    public bool Failed { get; internal set; }
    /// <summary>When the last receiver so far had it decoded; the capture time while none has.</summary>
    public double LastAvailableSeconds { get; internal set; }

    internal void Available(double atSeconds)
    {
        Deliveries++;
        AvailableBy(atSeconds);
    }

    /// <summary>Deliveries counted apart from their decode ends (<see cref="Strategies.BroadcastReceipts"/>).</summary>
    internal void Delivered(int receivers) => Deliveries += receivers;

    /// <summary>Some receiver had it decoded at <paramref name="atSeconds"/>.</summary>
    internal void AvailableBy(double atSeconds)
    {
        if (atSeconds > LastAvailableSeconds) LastAvailableSeconds = atSeconds;
    }
}
