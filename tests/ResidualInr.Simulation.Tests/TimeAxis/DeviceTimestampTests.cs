using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>The per-device timestamps the timeline plot draws: first payload, last payload, training start.</summary>
public class DeviceTimestampTests
{
    [Theory]
    [MemberData(nameof(ClosedFormTests.Cases), MemberType = typeof(ClosedFormTests))]
    public void Timestamps_are_ordered_and_match_the_transfers(SharingStrategy s, Downlink d)
    {
        var r = FogSimulation.Run(new SimulationConfig(3, 2, s, FrameSizes.Fixed(10_000, 2_000), d,
            Timings: new ComputeTimings(BatchCost.PerFrame(0.01), 0.002, 0.003, 0.01, 0.001, ModelBytes: 40_000)));
        foreach (var dev in r.Devices)
        {
            Assert.True(dev.FirstPayloadSeconds > 0);
            Assert.True(dev.FirstPayloadSeconds <= dev.LastPayloadSeconds);
            Assert.True(dev.LastPayloadSeconds <= dev.DataCompleteSeconds);
            Assert.True(dev.DataCompleteSeconds <= dev.TrainingStartSeconds && dev.TrainingStartSeconds <= dev.TrainingDoneSeconds);
            // Unicast: the first and last arrivals are the ends of the first and last transfers to this device.
            if (d == Downlink.Broadcast && s != SharingStrategy.JpegP2p) continue;
            var to = r.Transfers.Where(t => !t.Lost && t.Source != dev.Device && t.Destinations != "fog"
                                            && (t.Destinations == dev.Device || t.Destinations.StartsWith("broadcast:"))).Select(t => t.EndSeconds).ToList();
            Assert.Equal(to.Min(), dev.FirstPayloadSeconds, 9);
            Assert.Equal(to.Max(), dev.LastPayloadSeconds, 9);
        }
    }

    [Fact]
    public void A_lone_device_receives_nothing()
    {
        var dev = FogSimulation.Run(new SimulationConfig(1, 2, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(1000, 100))).Devices.Single();
        Assert.True(double.IsNaN(dev.FirstPayloadSeconds) && double.IsNaN(dev.LastPayloadSeconds));
        Assert.Equal(0, dev.TrainingStartSeconds);
    }
}
