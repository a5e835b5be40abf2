using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>One N and INR codec: the serverless JPEG run and the inr-train-edge run to compare, everything as in the scenario.</summary>
/// <param name="MeasuredSecondsPerFrame">The profile's encode time per frame in a full batch (t(max_batch) / max_batch), shown beside the break-even.</param>
public sealed record BreakEvenCase(int Devices, string Codec, SimulationConfig JpegP2p, SimulationConfig InrTrainEdge, double MeasuredSecondsPerFrame);

/// <param name="SecondsPerFrame">
/// The largest fog encode time per frame tried at which inr-train-edge still finished before jpeg-p2p; null
/// when even a free encode is not faster ("never"), or when jpeg-p2p completed no device (nothing to beat).
/// </param>
/// <param name="BytesSaved">jpeg-p2p's bytes on air minus inr-train-edge's at that encode time (null with "never").</param>
public sealed record BreakEvenRow(int Devices, string Codec, double? SecondsPerFrame, long? BytesSaved, double MeasuredSecondsPerFrame,
    double JpegP2pMakespanSeconds, int Simulations);

/// <summary>
/// Where fog INR encoding stops paying off in time: the fog encode cost per frame s (every batch of b frames
/// costs b x s, <see cref="BatchCost.PerFrame"/>) below which inr-train-edge's last device finishes training
/// before serverless jpeg-p2p's. Found by the simulator, not a formula: with contention, batching, decode
/// and training in play, one run at s = 0 says whether any encode time is fast enough, then bisection
/// over [0, jpeg-p2p's makespan] (an encode that slow cannot win) narrows the crossing to 2^-iterations of that range.
/// For a video codec encoded per sequence (<see cref="ComputeTimings.SequenceFit"/>), s is the fit's cost per
/// frame of the sequence (a sequence of L frames costs L x s), still fitted once that round's frames of it are in.
/// </summary>
public static class BreakEven
{
    public const int Iterations = 30;

    public static BreakEvenRow Find(BreakEvenCase c, int iterations = Iterations)
    {
        var p2p = FogSimulation.Run(c.JpegP2p with { RecordTransfers = false }).Summary;
        double target = p2p.MakespanSeconds;
        int runs = 1;
        Simulation.Results.RunSummary Inr(double s)
        {
            runs++;
            var config = c.InrTrainEdge with
            {
                RecordTransfers = false,
                Timings = c.InrTrainEdge.TimingsOrDefault is { SequenceFit: null } t ? t with { FogEncode = BatchCost.PerFrame(s) } : c.InrTrainEdge.TimingsOrDefault with { SequenceFit = BatchCost.PerFrame(s) },
            };
            return FogSimulation.Run(config).Summary;
        }
        bool Faster(Simulation.Results.RunSummary r) => double.IsFinite(r.MakespanSeconds) && r.MakespanSeconds < target;
        if (!double.IsFinite(target)) return new(c.Devices, c.Codec, null, null, c.MeasuredSecondsPerFrame, target, runs);
        var free = Inr(0);
        if (!Faster(free)) return new(c.Devices, c.Codec, null, null, c.MeasuredSecondsPerFrame, target, runs);
        double lo = 0, hi = target;
        var best = free;
        var atHi = Inr(hi);
        if (Faster(atHi)) return new(c.Devices, c.Codec, hi, p2p.BytesOnAir - atHi.BytesOnAir, c.MeasuredSecondsPerFrame, target, runs);
        for (int i = 0; i < iterations; i++)
        {
            double mid = (lo + hi) / 2;
            var r = Inr(mid);
            if (Faster(r)) { lo = mid; best = r; }
            else hi = mid;
        }
        return new(c.Devices, c.Codec, lo, p2p.BytesOnAir - best.BytesOnAir, c.MeasuredSecondsPerFrame, target, runs);
    }

    /// <summary>Every case, <paramref name="jobs"/> at a time; results in the cases' order.</summary>
    public static IReadOnlyList<BreakEvenRow> FindAll(IReadOnlyList<BreakEvenCase> cases, int jobs)
    {
        var rows = new BreakEvenRow[cases.Count];
        Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, jobs) }, i => rows[i] = Find(cases[i]));
        return rows;
    }
}
