using ResidualInr.Imaging;
using ResidualInr.Learning.Metrics;

namespace ResidualInr.Learning.Experiments;

/// <summary>
/// One trained detector's answer on one held-out test frame: what <see cref="AccuracyRow"/>'s scores are computed
/// from, kept so that intervals can resample test frames (<see cref="AccuracyBootstrap"/>).
/// </summary>
/// <param name="Frame">The test frame's index, 0-based, the same frame for every codec and seed.</param>
/// <param name="Truth">Its box; null when the object is absent.</param>
public sealed record TestDetection(string Codec, int Seed, int Frame, Box? Truth, Box Predicted, double Confidence)
{
    public Detection ToDetection() => new(Truth, Predicted, Confidence);
}

/// <summary>The learning stage's output: one row per codec and seed, and every detector's answer per test frame.</summary>
public sealed record AccuracyResults(IReadOnlyList<AccuracyRow> Rows, IReadOnlyList<TestDetection> Detections);
