using ResidualInr.Simulation.Entities;
using ResidualInr.Simulation.Results;

namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// Traces the chain of stages behind one device's training end, as <see cref="CriticalPath"/>
/// defines it. Every part is a difference of two timestamps of the chain, taken in order
/// (capture, fog arrival, encode start, encode end / hand-off, receipt, training start, training
/// end), so the parts telescope to the training end.
/// </summary>
internal static class CriticalPathTracer
{
    /// <param name="gatingFogFrame">train-fog: the last frame to settle at the fog, whose arrival let its training start.</param>
    public static CriticalPath Trace(EdgeDevice device, SharingStrategy strategy, FogNode fog, CapturedFrame? gatingFogFrame)
    {
        double end = device.TrainingDoneSeconds, trainStart = device.TrainingStartSeconds;
        var payload = device.LastPayload;
        if (payload is null)
            // Nothing to wait for (a lone device): the data was complete when the run began.
            return new(device.Name, trainStart, 0, 0, 0, 0, 0, end - trainStart);
        double received = payload.EndSeconds;
        double decode = trainStart - received;
        if (strategy == SharingStrategy.TrainFog)
        {
            double fogStart = fog.TrainStartSeconds, fogEnd = fog.TrainEndSeconds;
            double capture = gatingFogFrame?.CaptureSeconds ?? fogStart, arrival = gatingFogFrame?.FogArrivalSeconds ?? fogStart;
            return new(device.Name, capture, arrival - capture, fogStart - arrival, 0, received - fogEnd, decode,
                (fogEnd - fogStart) + (end - trainStart));
        }
        var frame = (CapturedFrame)payload.Tag!;
        double c = frame.CaptureSeconds;
        if (strategy == SharingStrategy.JpegP2p)
            return new(device.Name, c, received - c, 0, 0, 0, decode, end - trainStart);
        double a = frame.FogArrivalSeconds, es = frame.EncodeStartSeconds, ee = frame.EncodeEndSeconds;
        if (!double.IsNaN(frame.FitStartSeconds))
        {
            // Per-sequence encode: waiting for the sequence's other frames and the GPU, then for an
            // object-INR batch, is fog wait; the fit and the object batch are encode.
            double fs = frame.FitStartSeconds, fe = frame.FitEndSeconds;
            return new(device.Name, c, a - c, (fs - a) + (es - fe), (fe - fs) + (ee - es), received - ee, decode, end - trainStart);
        }
        return new(device.Name, c, a - c, es - a, ee - es, received - ee, decode, end - trainStart);
    }
}
