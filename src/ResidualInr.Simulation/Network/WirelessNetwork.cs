using ResidualInr.Simulation.Kernel;

namespace ResidualInr.Simulation.Network;

/// <summary>
/// Nodes 0..N-1 are the edge devices and node N is the fog. With a shared channel every node
/// has one radio on it. With per-device links, device i has link i to the fog: the device
/// transmits on its own link (also for device-to-device traffic, as a direct radio of the same
/// capacity), and the fog has one radio per link. Every node can broadcast: a device's broadcast
/// is one transmission on its link; the fog's is one broadcast transmission on each link it
/// reaches (separate links cannot share an airtime), each with broadcast semantics (no ACK, no
/// resend, loss per receiver).
/// <para>
/// A transfer is an 802.11 broadcast (<see cref="Transmission.Broadcast"/>) when the downlink is
/// broadcast and it goes to devices; a device's transfer to the fog alone is always unicast. With
/// <see cref="BroadcastRepair.Nack"/> a broadcast's missed receivers get it again by unicast from
/// the same radio, queued once the broadcast has ended.
/// </para>
/// </summary>
public sealed class WirelessNetwork
{
    private readonly SimEnvironment _env;
    private readonly Radio[] _deviceRadios;
    private readonly Radio[] _fogRadios;
    private readonly Action<Transmission> _completed;
    private readonly SingleReceivers _singles;

    /// <param name="channelModel">
    /// Builds every channel: the shared one, or each per-device link; null means
    /// <see cref="ChannelModels.ProcessorSharing"/>.
    /// </param>
    public WirelessNetwork(SimEnvironment env, int devices, Topology topology, ChannelSettings settings, RandomStreams streams, Action<Transmission> completed,
        ChannelFactory? channelModel = null, BroadcastRepair repair = BroadcastRepair.None)
    {
        _env = env;
        Repair = repair;
        Devices = devices;
        Topology = topology;
        _completed = completed;
        _singles = new SingleReceivers(devices + 1);
        var build = channelModel ?? ChannelModels.ProcessorSharing;
        if (topology == Topology.SharedChannel)
        {
            var channel = build(env, "air", settings);
            Channels = [channel];
            _deviceRadios = Enumerable.Range(0, devices).Select(d => new Radio(env, channel, streams.For(NodeName(d)))).ToArray();
            _fogRadios = [new Radio(env, channel, streams.For("fog"))];
        }
        else
        {
            Channels = Enumerable.Range(0, devices).Select(d => build(env, $"link-{NodeName(d)}", settings)).ToArray();
            _deviceRadios = Enumerable.Range(0, devices).Select(d => new Radio(env, Channels[d], streams.For(NodeName(d)))).ToArray();
            _fogRadios = Enumerable.Range(0, devices).Select(d => new Radio(env, Channels[d], streams.For($"fog/{NodeName(d)}"))).ToArray();
        }
    }

    public int Devices { get; }
    public int Fog => Devices;
    public Topology Topology { get; }
    public BroadcastRepair Repair { get; }
    public IReadOnlyList<IChannel> Channels { get; }

    private string[]? _names;

    /// <summary>"dev1".."devN" for devices, "fog" for the fog (cached: records name nodes a million times at scale).</summary>
    public string NodeName(int node)
    {
        _names ??= Enumerable.Range(0, Devices).Select(d => $"dev{d + 1}").Append("fog").ToArray();
        return _names[node];
    }

    public long BytesOnAir => Channels.Sum(c => c.BytesOnAir);

    /// <summary>
    /// Sends one payload to each destination (unicast) or to all at once (broadcast). Unicast copies that share
    /// a radio are queued there as one entry (<see cref="Radio.SendEach"/>), so queued memory does not grow
    /// with the number of receivers.
    /// </summary>
    public void Send(int source, ReceiverSet destinations, long bytes, PayloadKind kind, Downlink mode, object? tag, Action<Transmission>? done = null)
    {
        if (destinations.Count == 0) return;
        bool broadcast = mode == Downlink.Broadcast && !(destinations.Count == 1 && destinations[0] == Fog);
        void Finish(Transmission t)
        {
            if (broadcast && Repair == BroadcastRepair.Nack && t.Missed.Count > 0) t.MissesRepaired = true;
            _completed(t);
            done?.Invoke(t);
            if (t.MissesRepaired) RepairMisses(t, done);
        }
        Transmission Broadcast(ReceiverSet to) => new(source, to, bytes, kind, tag) { Broadcast = true };
        if (source == Fog)
        {
            if (Topology == Topology.SharedChannel && broadcast)
                _fogRadios[0].Send(Broadcast(destinations), Finish);
            else if (Topology == Topology.SharedChannel)
                _fogRadios[0].SendEach(source, destinations, _singles, bytes, kind, tag, Finish);
            else
                for (int i = 0; i < destinations.Count; i++)
                {
                    int d = destinations[i];
                    _fogRadios[d].Send(broadcast ? Broadcast(_singles[d]) : new Transmission(source, _singles[d], bytes, kind, tag), Finish);
                }
            return;
        }
        var radio = _deviceRadios[source];
        if (broadcast)
            radio.Send(Broadcast(destinations), Finish);
        else
            radio.SendEach(source, destinations, _singles, bytes, kind, tag, Finish);
    }

    /// <summary>NACK repair: the sender unicasts the broadcast <paramref name="t"/> to each receiver that missed it, in receiver order.</summary>
    private void RepairMisses(Transmission t, Action<Transmission>? done)
    {
        void Finish(Transmission r)
        {
            r.IsRepair = true;
            _completed(r);
            done?.Invoke(r);
        }
        var missed = ReceiverSet.Of([.. t.Missed]);
        if (t.Source == Fog && Topology == Topology.PerDeviceLinks)
            _fogRadios[missed[0]].SendEach(t.Source, missed, _singles, t.Bytes, t.Kind, t.Tag, Finish);
        else
            (t.Source == Fog ? _fogRadios[0] : _deviceRadios[t.Source]).SendEach(t.Source, missed, _singles, t.Bytes, t.Kind, t.Tag, Finish);
    }
}
