using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>A device that lost its data or its model is not complete, and frames lost count the same way everywhere.</summary>
public class CompletionTests
{
    private static SimulationConfig Lossy(SharingStrategy s, Downlink d, int seed) => new(4, 3, s, FrameSizes.Fixed(10_000, 2_000), d,
        Channel: new ChannelSettings(2_000_000, LossProbability: 0.5, MaxRetries: 1),
        Timings: new ComputeTimings(EdgeTrainSecondsPerFrameEpoch: 0.01, ModelBytes: 50_000), Seed: seed);

    [Theory]
    [MemberData(nameof(ClosedFormTests.Cases), MemberType = typeof(ClosedFormTests))]
    public void Frames_lost_is_the_sum_over_receivers_and_an_uplink_loss_counts_for_every_receiver(SharingStrategy s, Downlink d)
    {
        int n = 4;
        for (int seed = 1; seed <= 20; seed++)
        {
            var r = FogSimulation.Run(Lossy(s, d, seed));
            var sum = r.Summary;
            var lost = r.Transfers.Where(t => t.Lost).ToList();
            long lostUplinks = lost.Count(t => t.Destinations == "fog");
            // Per receiver: a lost unicast misses its one receiver, a broadcast each receiver that missed it.
            long lostFrameDownlinks = r.Transfers.Where(t => t.Destinations != "fog" && t.Kind != "model").Sum(t => (long)t.Missed);
            Assert.All(lost, t => Assert.Equal(t.Destinations.StartsWith("broadcast:") ? long.Parse(t.Destinations[10..]) : 1L, t.Missed));
            long receiversPerFrame = s == SharingStrategy.TrainFog ? 1 : n - 1;
            long perUplink = s == SharingStrategy.TrainFog ? 1 : n - 1;
            Assert.Equal(lostUplinks * perUplink + lostFrameDownlinks, sum.FramesLost);
            long fogLost = s == SharingStrategy.TrainFog ? lostUplinks : 0;
            Assert.Equal(r.Devices.Sum(x => (long)x.FramesLost) + fogLost, sum.FramesLost);
            Assert.Equal(sum.FramesCaptured * receiversPerFrame, sum.FramesDelivered + sum.FramesLost);
        }
    }

    [Theory]
    [MemberData(nameof(ClosedFormTests.Cases), MemberType = typeof(ClosedFormTests))]
    public void Only_devices_that_got_everything_complete_and_the_makespan_is_theirs(SharingStrategy s, Downlink d)
    {
        bool sawIncomplete = false;
        for (int seed = 1; seed <= 20; seed++)
        {
            var r = FogSimulation.Run(Lossy(s, d, seed));
            var lostModels = r.Transfers.Where(t => t.Lost && t.Kind == "model").Select(t => t.Destinations).ToList();
            // A broadcast model is missed per receiver: as many devices go without it as the broadcast missed.
            var broadcastModels = r.Transfers.Where(t => t.Kind == "model" && t.Destinations.StartsWith("broadcast:")).ToList();
            if (broadcastModels.Count > 0)
                Assert.Equal(broadcastModels.Sum(t => t.Missed), r.Devices.Count(x => double.IsNaN(x.TrainingDoneSeconds)));
            foreach (var dev in r.Devices)
            {
                bool lostModel = lostModels.Contains(dev.Device) || (broadcastModels.Any(t => t.Missed > 0) && double.IsNaN(dev.TrainingDoneSeconds));
                Assert.Equal(dev.FramesLost == 0 && !lostModel, dev.Complete);
                // A device without its model never trains; one that lost frames trains on what it has.
                Assert.Equal(lostModel, double.IsNaN(dev.TrainingDoneSeconds));
                sawIncomplete |= !dev.Complete;
            }
            var complete = r.Devices.Where(x => x.Complete).ToList();
            Assert.Equal(complete.Count, r.Summary.DevicesComplete);
            if (complete.Count == 0)
            {
                Assert.True(double.IsNaN(r.Summary.MakespanSeconds));
                Assert.True(double.IsNaN(r.Summary.Path.TotalSeconds));
            }
            else
            {
                Assert.Equal(complete.Max(x => x.TrainingDoneSeconds), r.Summary.MakespanSeconds);
                Assert.Equal(r.Summary.MakespanSeconds, r.Summary.Path.TotalSeconds, 1e-9 * r.Summary.MakespanSeconds);
            }
        }
        Assert.True(sawIncomplete, "the loss rate should leave some device incomplete in 20 runs");
    }
}
