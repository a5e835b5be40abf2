using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>Frame age, GPU utilisation, backlog, fog wait and delivery rate, worked out by hand.</summary>
public class TimeMetricsTests
{
    [Fact]
    public void Four_frames_through_a_one_second_encoder()
    {
        // Four devices, one zero-byte frame each at t = 0; the fog encodes one at a time (1 s each):
        // all four wait (backlog 4), waits 0, 1, 2, 3 s; frame k is decoded everywhere at k + 1 s.
        var r = FogSimulation.Run(new SimulationConfig(4, 1, SharingStrategy.InrTrainEdge, FrameSizes.Fixed(0, 0),
            Timings: new ComputeTimings(FogEncode: BatchCost.PerFrame(1)))).Summary;
        Assert.Equal(4.0, r.MakespanSeconds, 9);
        Assert.Equal(4, r.FogBacklogMax);
        Assert.Equal(1.5, r.FogWaitSecondsMean, 9);
        Assert.Equal(1.0, r.FogGpuUtilisation, 9);
        Assert.Equal(12, r.FramesDelivered);            // 4 frames x 3 receivers
        Assert.Equal(3.0, r.FramesPerSecond, 9);
        Assert.Equal(2.5, r.FrameAgeSecondsMean, 9);    // (1 + 2 + 3 + 4) / 4
        Assert.Equal(4.0, r.FrameAgeSecondsP95, 9);     // nearest rank: the 4th of 4
        Assert.Equal(4, r.DevicesComplete);
    }

    [Fact]
    public void A_frames_age_is_until_its_last_receiver_has_it_decoded()
    {
        // jpeg-p2p, two devices, one 100 kB frame each on 1 MB/s: both cross together by 0.2 s,
        // then a 0.05 s decode. No fog: no GPU, no wait, no backlog.
        var r = FogSimulation.Run(new SimulationConfig(2, 1, SharingStrategy.JpegP2p, FrameSizes.Fixed(100_000, 1),
            Channel: new ChannelSettings(1_000_000), Timings: new ComputeTimings(EdgeJpegDecodeSeconds: 0.05))).Summary;
        Assert.Equal(0.25, r.FrameAgeSecondsMean, 9);
        Assert.Equal(0.25, r.FrameAgeSecondsP95, 9);
        Assert.Equal((0.0, 0, 0.0), (r.FogGpuUtilisation, r.FogBacklogMax, r.FogWaitSecondsMean));
    }

    [Fact]
    public void In_train_fog_a_frame_is_usable_when_the_last_device_has_the_model()
    {
        // The same as the by-hand critical path: uploads end at 0.6 s, the last model arrives at 9.6 s.
        var r = FogSimulation.Run(new SimulationConfig(3, 2, SharingStrategy.TrainFog, FrameSizes.Fixed(100_000, 1),
            Channel: new ChannelSettings(1_000_000),
            Timings: new ComputeTimings(FogTrainSecondsPerFrameEpoch: 0.5, Epochs: 2, ModelBytes: 1_000_000))).Summary;
        Assert.Equal(9.6, r.FrameAgeSecondsMean, 6);
        Assert.Equal(6, r.FramesDelivered);             // six frames, each received by the fog
        Assert.Equal(6.0 / 9.6, r.FogGpuUtilisation, 6);
        Assert.Equal(0.15, r.FogWaitSecondsMean, 6);    // first frames arrive at 0.3 s, second ones at 0.6 s, when training starts
    }
}
