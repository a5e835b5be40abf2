using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>
/// A MAC model other than processor sharing plugs in through <see cref="IChannel"/> and a
/// <see cref="ChannelFactory"/> alone: Radio, WirelessNetwork and FogSimulation are used as they are.
/// </summary>
public class ChannelSeamTests
{
    /// <summary>Test double: serves attempts one at a time, first come first served, at the full capacity C.</summary>
    private sealed class FifoChannel(SimEnvironment env, string name, ChannelSettings settings) : IChannel
    {
        private readonly Queue<(Transmission T, Action<Transmission> Done)> _waiting = new();
        private bool _serving;
        private double _startedSeconds;

        public string Name { get; } = name;
        public ChannelSettings Settings { get; } = settings;
        public int ActiveCount => _waiting.Count + (_serving ? 1 : 0);
        public long BytesOnAir { get; private set; }
        public double BusySeconds { get; private set; }

        public void Begin(Transmission t, Action<Transmission> done)
        {
            BytesOnAir += t.Bytes;
            _waiting.Enqueue((t, done));
            if (!_serving) ServeNext();
        }

        private void ServeNext()
        {
            if (!_waiting.TryDequeue(out var next)) { _serving = false; return; }
            _serving = true;
            _startedSeconds = env.NowSeconds;
            env.Call(next.T.Bytes / Settings.CapacityBytesPerSecond, () =>
            {
                BusySeconds += env.NowSeconds - _startedSeconds;
                _serving = false;
                next.Done(next.T);
                if (!_serving) ServeNext();
            });
        }
    }

    private static IChannel Fifo(SimEnvironment env, string name, ChannelSettings settings) => new FifoChannel(env, name, settings);

    [Fact]
    public void Network_with_a_fifo_channel_serves_transfers_back_to_back()
    {
        // C = 1000 B/s, dev1 sends 1000 B and dev2 3000 B at t = 0. FIFO: 1 s and 1 + 3 = 4 s.
        // (Processor sharing, the default, would give 2 s and 4 s: see ChannelTests.)
        var env = new SimEnvironment();
        var done = new List<Transmission>();
        var net = new WirelessNetwork(env, 2, Topology.SharedChannel, new ChannelSettings(1000), new RandomStreams(1), done.Add, Fifo);
        net.Send(0, ReceiverSet.Of(net.Fog), 1000, PayloadKind.Jpeg, Downlink.Unicast, null);
        net.Send(1, ReceiverSet.Of(net.Fog), 3000, PayloadKind.Jpeg, Downlink.Unicast, null);
        env.Run();
        Assert.IsType<FifoChannel>(Assert.Single(net.Channels));
        Assert.Equal([1.0, 4.0], done.Select(t => t.EndSeconds));
        Assert.Equal(4000, net.BytesOnAir);
        Assert.Equal(4.0, net.Channels[0].BusySeconds, 12);
    }

    [Theory]
    [InlineData(2, 1, 1000)]
    [InlineData(3, 4, 2500)]
    [InlineData(7, 2, 40_000)]
    public void Fog_simulation_with_a_fifo_channel_matches_the_closed_form(int n, int f, long s)
    {
        // jpeg-p2p broadcast: N·F broadcasts of S bytes, all offered at t = 0. A FIFO channel at C
        // ends the k-th at k·S/C, so the makespan is N·F·S/C (processor sharing would end each
        // device's first frame together at N·S/C).
        const double c = 2_000_000;
        var config = new SimulationConfig(n, f, SharingStrategy.JpegP2p, FrameSizes.Fixed(s, 1), Downlink.Broadcast,
            Channel: new ChannelSettings(c), ChannelModel: Fifo);
        var r = FogSimulation.Run(config);
        var ends = r.Transfers.Select(t => t.EndSeconds).Order().ToArray();
        Assert.Equal(n * f, ends.Length);
        for (int k = 0; k < ends.Length; k++) Assert.Equal((k + 1) * s / c, ends[k], 1e-12);
        Assert.Equal(n * f * s / c, r.Summary.MakespanSeconds, 1e-12);
        Assert.Equal(n * f * s / c, r.Summary.AirtimeSeconds, 1e-12);
        Assert.Equal(n * f * s, r.Summary.BytesOnAir);
    }

    [Fact]
    public void Per_device_links_are_one_channel_each_from_the_same_factory()
    {
        var names = new List<string>();
        ChannelFactory factory = (env, name, settings) =>
        {
            names.Add(name);
            return new FifoChannel(env, name, settings);
        };
        var net = new WirelessNetwork(new SimEnvironment(), 3, Topology.PerDeviceLinks, new ChannelSettings(1000), new RandomStreams(1), _ => { }, factory);
        Assert.Equal(["link-dev1", "link-dev2", "link-dev3"], names);
        Assert.Equal(names, net.Channels.Select(c => c.Name));
        Assert.All(net.Channels, c => Assert.IsType<FifoChannel>(c));
    }
}
