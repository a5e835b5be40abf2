using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>
/// With no loss and no compute time, bytes on the air equal DESIGN.md's closed form exactly,
/// and airtime equals bytes / C.
/// </summary>
public class ClosedFormTests
{
    /// <summary>DESIGN.md's table: uplink + downlink bytes for N devices, F frames, sizes s_j, s_i, model M.</summary>
    public static long ClosedFormBytes(SharingStrategy s, Downlink mode, long n, long f, long sj, long si, long m)
    {
        bool uni = mode == Downlink.Unicast;
        return s switch
        {
            SharingStrategy.JpegP2p => uni ? n * (n - 1) * f * sj : n * f * sj,
            SharingStrategy.JpegFog => n * f * sj + (uni ? n * (n - 1) * f * sj : n * f * sj),
            SharingStrategy.InrTrainEdge => n * f * sj + (uni ? n * (n - 1) * f * si : n * f * si),
            SharingStrategy.TrainFog => n * f * sj + (uni ? n * m : m),
            // Fixed sizes carry no object PSNR: the hybrid fog's smaller rule sends the INR exactly when it has fewer bytes.
            SharingStrategy.Hybrid => ClosedFormBytes(si < sj ? SharingStrategy.InrTrainEdge : SharingStrategy.JpegFog, mode, n, f, sj, si, m),
            // train-auto (minimising bytes) trains at the fog exactly when that sends fewer bytes; the edge on a tie.
            SharingStrategy.TrainAuto => Math.Min(ClosedFormBytes(SharingStrategy.InrTrainEdge, mode, n, f, sj, si, m), ClosedFormBytes(SharingStrategy.TrainFog, mode, n, f, sj, si, m)),
            _ => throw new ArgumentOutOfRangeException(nameof(s)),
        };
    }

    public static IEnumerable<object[]> Cases() =>
        from s in Enum.GetValues<SharingStrategy>()
        from d in Enum.GetValues<Downlink>()
        select new object[] { s, d };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Total_bytes_match_the_closed_form_for_random_N_F_and_sizes(SharingStrategy strategy, Downlink mode)
    {
        var rng = new Random(1234 + (int)strategy * 10 + (int)mode);
        for (int trial = 0; trial < 25; trial++)
        {
            // N >= 2: the broadcast column assumes someone to broadcast to (a lone device sends nothing).
            int n = rng.Next(2, 30), f = rng.Next(1, 8);
            long sj = rng.Next(1, 60_000), si = rng.Next(1, 20_000), m = rng.Next(0, 2_000_000);
            var config = new SimulationConfig(n, f, strategy, FrameSizes.Fixed(sj, si), mode,
                Timings: new ComputeTimings(ModelBytes: m), Batching: FogBatching.Greedy(rng.Next(1, 6)),
                FrameIntervalSeconds: rng.NextDouble() * 0.05, Seed: trial);
            var r = FogSimulation.Run(config).Summary;
            long expected = ClosedFormBytes(strategy, mode, n, f, sj, si, m);
            Assert.Equal(expected, r.BytesOnAir);
            Assert.Equal(expected, r.BytesDelivered);
            Assert.Equal(expected / 2_000_000.0, r.AirtimeSeconds, 1e-9 * Math.Max(1, expected / 2e6));
            Assert.Equal(0, r.FramesLost);
        }
    }

    [Fact]
    public void Sizes_from_a_table_sum_per_frame()
    {
        // Two devices, two frames each, with different sizes: unicast jpeg-fog sends each JPEG up
        // once and down to the one other device.
        var table = new Dictionary<string, FrameSize>
        {
            ["a/1"] = new(1000, 100), ["a/2"] = new(2000, 200), ["b/1"] = new(3000, 300), ["b/2"] = new(4000, 400),
        };
        var sizes = FrameSizes.FromTable(table, [["a/1", "a/2"], ["b/1", "b/2"]]);
        var inr = FogSimulation.Run(new SimulationConfig(2, 2, SharingStrategy.InrTrainEdge, sizes)).Summary;
        Assert.Equal(10_000 + 1_000, inr.BytesOnAir);
        var fog = FogSimulation.Run(new SimulationConfig(2, 2, SharingStrategy.JpegFog, sizes)).Summary;
        Assert.Equal(2 * 10_000, fog.BytesOnAir);
    }

    [Fact]
    public void Crossover_rules_of_the_design_hold_in_simulation()
    {
        // Fog INR beats serverless JPEG (unicast) exactly when s_i/s_j < (N-2)/(N-1).
        int n = 6, f = 3;
        long sj = 30_000;
        long siBelow = sj * (n - 2) / (n - 1) - 1, siAbove = sj * (n - 2) / (n - 1) + 1;
        long p2p = FogSimulation.Run(new SimulationConfig(n, f, SharingStrategy.JpegP2p, FrameSizes.Fixed(sj, 0))).Summary.BytesOnAir;
        Assert.True(FogSimulation.Run(new SimulationConfig(n, f, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(sj, siBelow))).Summary.BytesOnAir < p2p);
        Assert.True(FogSimulation.Run(new SimulationConfig(n, f, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(sj, siAbove))).Summary.BytesOnAir > p2p);
    }
}
