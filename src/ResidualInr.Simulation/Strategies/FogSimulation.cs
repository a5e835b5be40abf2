using ResidualInr.Simulation.Entities;
using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;

namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// Plays out one strategy for N devices and a fog node on the network, one round of F frames
/// per device, and reports transfers, per-device times and totals.
/// </summary>
public sealed class FogSimulation
{
    private readonly SimulationConfig _config;
    private readonly SimEnvironment _env = new();
    private readonly WirelessNetwork _network;
    private readonly EdgeDevice[] _devices;
    private readonly FogNode _fog;
    private readonly List<TransferRecord>? _records;
    private readonly Event _fogHasAllFrames;
    private int _uplinkSettled;
    private long _transfers, _bytesOffered, _bytesDelivered, _bytesLost, _framesLost;

    private FogSimulation(SimulationConfig config)
    {
        config.Validate();
        _config = config;
        var streams = new RandomStreams(config.Seed);
        _network = new WirelessNetwork(_env, config.Devices, config.Topology, config.ChannelOrDefault, streams, OnTransferCompleted,
            config.ChannelModel);
        _devices = Enumerable.Range(0, config.Devices).Select(d => new EdgeDevice(_env, d, _network.NodeName(d))).ToArray();
        _fog = new FogNode(_env);
        _fogHasAllFrames = new Event(_env);
        _records = config.RecordTransfers ? [] : null;
    }

    public static SimulationResult Run(SimulationConfig config) => new FogSimulation(config).Execute();

    private int N => _config.Devices;
    private int F => _config.FramesPerDevice;
    private ComputeTimings Timings => _config.TimingsOrDefault;

    private SimulationResult Execute()
    {
        var strategy = _config.Strategy;
        bool trainAtEdge = strategy != SharingStrategy.TrainFog;
        int fromOthers = (N - 1) * F;
        foreach (var device in _devices)
        {
            if (trainAtEdge)
            {
                device.Expect(fromOthers, DecodeSeconds);
                _env.Process(device.Train(Timings.EdgeTrainSecondsPerFrameEpoch * Timings.Epochs * N * F));
            }
            else
            {
                device.Expect(1, _ => 0);
                _env.Process(device.Train(0));
            }
            _env.Process(Collect(device));
        }
        if (strategy == SharingStrategy.InrTrainEdge)
            _env.Process(_fog.Encoder(N * F, Timings.FogBatchSize, Timings.FogEncodeSecondsPerBatch, SendInr));
        if (strategy == SharingStrategy.TrainFog)
            _env.Process(_fog.Train(_fogHasAllFrames, Timings.FogTrainSecondsPerFrameEpoch * Timings.Epochs * N * F, SendModel));

        _env.Run();
        return Report();
    }

    private double DecodeSeconds(Transmission t) => t.Kind == PayloadKind.Inr ? Timings.EdgeInrDecodeSeconds : Timings.EdgeJpegDecodeSeconds;

    /// <summary>A captured frame: which device took it and its index in that device's round.</summary>
    private sealed record CapturedFrame(int Device, int Index, FrameSize Size);

    private IEnumerable<Event> Collect(EdgeDevice device)
    {
        for (int k = 0; k < F; k++)
        {
            if (k > 0 && _config.FrameIntervalSeconds > 0) yield return _env.Timeout(_config.FrameIntervalSeconds);
            var frame = new CapturedFrame(device.Index, k, _config.Sizes.For(device.Index, k));
            if (_config.Strategy == SharingStrategy.JpegP2p)
                Send(device.Index, Others(device.Index), frame.Size.JpegBytes, PayloadKind.Jpeg, frame, DeliverToDevices);
            else
                Send(device.Index, ReceiverSet.Of(_network.Fog), frame.Size.JpegBytes, PayloadKind.Jpeg, frame, ArrivedAtFog);
        }
    }

    private void ArrivedAtFog(Transmission t)
    {
        var frame = (CapturedFrame)t.Tag!;
        switch (_config.Strategy)
        {
            case SharingStrategy.JpegFog:
                if (t.Lost) LoseForOthers(frame.Device);
                else Send(_network.Fog, Others(frame.Device), t.Bytes, PayloadKind.Jpeg, frame, DeliverToDevices);
                break;
            case SharingStrategy.InrTrainEdge:
                if (t.Lost) LoseForOthers(frame.Device);
                else _fog.EncodeQueue.Put(t);
                break;
            case SharingStrategy.TrainFog:
                // A frame lost on the uplink is simply missing from the fog's training set.
                if (++_uplinkSettled == N * F) _fogHasAllFrames.Succeed();
                break;
        }
    }

    private void SendInr(Transmission jpeg)
    {
        var frame = (CapturedFrame)jpeg.Tag!;
        Send(_network.Fog, Others(frame.Device), frame.Size.InrBytes, PayloadKind.Inr, frame, DeliverToDevices);
    }

    private void SendModel() =>
        Send(_network.Fog, ReceiverSet.AllDevicesExcept(N, -1), Timings.ModelBytes, PayloadKind.Model, null, DeliverToDevices);

    private void DeliverToDevices(Transmission t)
    {
        var receivers = t.Destinations;
        for (int i = 0; i < receivers.Count; i++) _devices[receivers[i]].Receive(t);
    }

    /// <summary>A frame that never reached the fog never reaches the other devices either.</summary>
    private void LoseForOthers(int origin)
    {
        var lost = new Transmission(origin, Others(origin), 0, PayloadKind.Jpeg, null) { Lost = true };
        foreach (var d in lost.Destinations.Nodes) _devices[d].Receive(lost);
    }

    private ReceiverSet Others(int device) => ReceiverSet.AllDevicesExcept(N, device);

    private void Send(int source, ReceiverSet destinations, long bytes, PayloadKind kind, object? tag, Action<Transmission> delivered)
        => _network.Send(source, destinations, bytes, kind, _config.Downlink, tag, delivered);

    private void OnTransferCompleted(Transmission t)
    {
        _transfers++;
        _bytesOffered += t.Bytes;
        long attempts = (1 + t.Retries) * t.Bytes;
        if (t.Source != _network.Fog) _devices[t.Source].BytesSent += attempts;
        if (t.Lost)
        {
            _bytesLost += t.Bytes;
            _framesLost += t.Destinations.Count;
        }
        else _bytesDelivered += t.Bytes;
        _records?.Add(new TransferRecord(t.StartSeconds, t.EndSeconds, _network.NodeName(t.Source),
            t.Destinations.Count == 1 ? _network.NodeName(t.Destinations[0]) : $"broadcast:{t.Destinations.Count}",
            t.Kind.ToString().ToLowerInvariant(), t.Bytes, t.Retries, t.Lost));
    }

    private SimulationResult Report()
    {
        var devices = _devices.Select(d => new DeviceRecord(d.Name, d.BytesSent, d.BytesReceived, d.DataCompleteSeconds, d.TrainingDoneSeconds, d.FramesLost)).ToList();
        double makespan = devices.Max(d => d.TrainingDoneSeconds);
        double airtime = _network.Channels.Sum(c => c.BusySeconds);
        double utilisation = makespan > 0 ? airtime / (makespan * _network.Channels.Count) : 0;
        var summary = new RunSummary(_config.Strategy, _config.Downlink, _config.Topology, N, F,
            _network.BytesOnAir, _bytesOffered, _bytesDelivered, _bytesLost, _transfers, airtime, makespan, utilisation,
            _framesLost, _env.ProcessedEvents);
        return new SimulationResult(summary, devices, (IReadOnlyList<TransferRecord>?)_records ?? []);
    }
}
