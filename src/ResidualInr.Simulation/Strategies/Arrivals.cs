using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// When each device captures its frames. The default is one round: every device captures its F
/// frames from t = 0, one every frame interval. The schedules are drawn before the run starts
/// (from each device's own stream), so every device's total is known up front, which is what the
/// receivers count on to know when their data is complete.
/// </summary>
public abstract record Arrivals
{
    /// <summary>One round of F frames per device from t = 0 (DESIGN.md's closed form).</summary>
    public static Arrivals OneRound { get; } = new RoundArrivals(1, 0);

    /// <summary>Every device captures F frames at the start of each round; round r starts at r * <paramref name="intervalSeconds"/>.</summary>
    public static Arrivals Rounds(int rounds, double intervalSeconds) => new RoundArrivals(rounds, intervalSeconds);

    /// <summary>
    /// Each device captures frames as a Poisson process of <paramref name="framesPerSecond"/> over
    /// [0, <paramref name="durationSeconds"/>); F is not used. The number of frames is random.
    /// </summary>
    public static Arrivals Poisson(double framesPerSecond, double durationSeconds) => new PoissonArrivals(framesPerSecond, durationSeconds);

    /// <summary>Capture times of one device's frames, ascending; frame k of the device is its k-th entry.</summary>
    internal abstract double[] CaptureTimes(int device, int framesPerRound, double frameIntervalSeconds, RandomStreams streams);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible value.</summary>
    internal abstract void Validate();
}

/// <summary>R rounds of F frames; inside a round, frame k is captured k frame intervals after the round starts.</summary>
public sealed record RoundArrivals(int Count, double IntervalSeconds) : Arrivals
{
    internal override double[] CaptureTimes(int device, int framesPerRound, double frameIntervalSeconds, RandomStreams streams)
    {
        var times = new double[Count * framesPerRound];
        for (int r = 0; r < Count; r++)
        for (int k = 0; k < framesPerRound; k++)
            times[r * framesPerRound + k] = r * IntervalSeconds + k * frameIntervalSeconds;
        return times;
    }

    internal override void Validate()
    {
        if (Count < 1) throw new ArgumentException($"rounds = {Count}: must be at least 1");
        if (!double.IsFinite(IntervalSeconds) || IntervalSeconds < 0) throw new ArgumentException($"round interval (s) = {IntervalSeconds}: must be a finite number >= 0");
    }
}

/// <summary>Poisson captures per device, each device drawing from its own stream ("arrivals/devK"), so adding a device changes no other's times.</summary>
public sealed record PoissonArrivals(double FramesPerSecond, double DurationSeconds) : Arrivals
{
    internal override double[] CaptureTimes(int device, int framesPerRound, double frameIntervalSeconds, RandomStreams streams)
    {
        var rng = streams.For($"arrivals/dev{device + 1}");
        var times = new List<double>();
        for (double t = RandomStreams.Exponential(rng, 1 / FramesPerSecond); t < DurationSeconds; t += RandomStreams.Exponential(rng, 1 / FramesPerSecond))
            times.Add(t);
        return times.ToArray();
    }

    internal override void Validate()
    {
        if (!double.IsFinite(FramesPerSecond) || FramesPerSecond <= 0) throw new ArgumentException($"arrival rate (frames/s) = {FramesPerSecond}: must be a finite number > 0");
        if (!double.IsFinite(DurationSeconds) || DurationSeconds <= 0) throw new ArgumentException($"arrival duration (s) = {DurationSeconds}: must be a finite number > 0");
    }
}
