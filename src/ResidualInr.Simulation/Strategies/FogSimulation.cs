using ResidualInr.Simulation.Entities;
using ResidualInr.Simulation.Kernel;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Results;

namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// Plays out one strategy for N devices and a fog node on the network, with frames captured by
/// the configured <see cref="Arrivals"/> (one round of F frames per device by default), and
/// reports transfers, per-device times, totals, the time-axis metrics and the critical path.
/// <para>
/// Training happens once per device, after every frame of the run (all rounds) is in; it takes
/// epochs x all captured frames x the per-frame time. In train-fog the fog trains once, when every
/// uplink has settled, and sends one model.
/// </para>
/// <para>
/// Per-sequence encode (inr-train-edge with <see cref="ComputeTimings.SequenceFit"/>): frames are
/// grouped by their sequence (<see cref="FrameSizes.SequenceOf"/>) and round (device frame k is in
/// round k / F; under Poisson arrivals these are blocks of F frames in capture order). The group's
/// size is known up front; once every frame of it has settled on the uplink (arrived or finally
/// lost), the fog fits the sequence on the frames that arrived, then their object INRs are batched.
/// A group all of whose frames were lost is never fitted.
/// </para>
/// </summary>
public sealed class FogSimulation
{
    private readonly SimulationConfig _config;
    private readonly SimEnvironment _env = new();
    private readonly RandomStreams _streams;
    private readonly WirelessNetwork _network;
    private readonly EdgeDevice[] _devices;
    private readonly FogNode _fog;
    private readonly List<TransferRecord>? _records;
    private readonly ITransferSink? _sink;
    private readonly Event _fogHasAllFrames;
    private readonly double[][] _captureTimes;
    private readonly long _totalFrames;
    private readonly List<CapturedFrame> _frames = [];
    private int _uplinkSettled;
    /// <summary>Per-sequence encode: each device frame's (sequence, round) group; null otherwise.</summary>
    private readonly SequenceRound[][]? _sequenceOf;
    private Random? _fitRng;
    private CapturedFrame? _lastAtFog;
    private long _fogFramesLost;
    private long _transfers, _bytesOffered, _bytesDelivered, _bytesLost, _framesRepaired;
    /// <summary>Per device: radio transmit and receive seconds (air time), and when its last own transfer ended.</summary>
    private readonly double[] _txSeconds, _rxSeconds, _lastSendEndSeconds;
    /// <summary>The strategy played out: the configured one, or for train-auto the one it chose (<see cref="TrainPlacement"/>).</summary>
    private readonly SharingStrategy _mode;
    private long _inrFramesSent, _jpegFramesRelayed;
    /// <summary>Loss-free broadcast runs: broadcasts to every device but one, recorded once (<see cref="BroadcastReceipts"/>); null otherwise.</summary>
    private readonly BroadcastReceipts? _receipts;

    /// <param name="perReceiver">Deliver every broadcast to each receiver as it ends, even where <see cref="BroadcastReceipts"/> could take it (the reference it is checked against).</param>
    private FogSimulation(SimulationConfig config, ITransferSink? sink, bool perReceiver = false)
    {
        config.Validate();
        _config = config;
        _streams = new RandomStreams(config.Seed);
        _network = new WirelessNetwork(_env, config.Devices, config.Topology, config.ChannelOrDefault, _streams, OnTransferCompleted,
            config.ChannelModel, config.BroadcastRepair);
        _devices = Enumerable.Range(0, config.Devices).Select(d => new EdgeDevice(_env, d, _network.NodeName(d))).ToArray();
        _fog = new FogNode(_env);
        _fogHasAllFrames = new Event(_env);
        _records = config.RecordTransfers ? [] : null;
        _sink = sink;
        _txSeconds = new double[config.Devices];
        _rxSeconds = new double[config.Devices];
        _lastSendEndSeconds = new double[config.Devices];
        if (!perReceiver && RecordsBroadcastsOnce(config))
            _receipts = new BroadcastReceipts(_devices, _rxSeconds);
        _captureTimes = Enumerable.Range(0, config.Devices)
            .Select(d => config.ArrivalsOrDefault.CaptureTimes(d, config.FramesPerDevice, config.FrameIntervalSeconds, _streams)).ToArray();
        _totalFrames = _captureTimes.Sum(t => (long)t.Length);
        _mode = config.Strategy;
        if (config.Strategy == SharingStrategy.TrainAuto)
        {
            _mode = ChoosePlacement().Site == TrainSite.Fog ? SharingStrategy.TrainFog : SharingStrategy.InrTrainEdge;
        }
        if (_mode == SharingStrategy.InrTrainEdge && config.TimingsOrDefault.SequenceFit is not null)
            _sequenceOf = SequenceRounds();
    }

    /// <summary>The frames of one sequence captured in one round: how many there are, how many settled at the fog, and those that arrived.</summary>
    private sealed class SequenceRound
    {
        public int Expected, Settled;
        public readonly List<CapturedFrame> Arrived = [];
    }

    private SequenceRound[][] SequenceRounds()
    {
        var groups = new Dictionary<(string, int), SequenceRound>();
        return _captureTimes.Select((times, d) => Enumerable.Range(0, times.Length).Select(k =>
        {
            var group = _config.Sizes.SequenceOf(d, k) is { } sequence
                ? groups.TryGetValue((sequence, k / _config.FramesPerDevice), out var g) ? g : groups[(sequence, k / _config.FramesPerDevice)] = new SequenceRound()
                : new SequenceRound(); // no sequence: a sequence of one
            group.Expected++;
            return group;
        }).ToArray()).ToArray();
    }

    public static SimulationResult Run(SimulationConfig config) => new FogSimulation(config, null).Execute();

    /// <summary>Runs and hands every transfer to <paramref name="transfers"/> as it completes (in addition to the result's list when <see cref="SimulationConfig.RecordTransfers"/>).</summary>
    public static SimulationResult Run(SimulationConfig config, ITransferSink transfers) => new FogSimulation(config, transfers).Execute();

    /// <summary>
    /// Whether a run of <paramref name="config"/> records each broadcast to every device but one once and replays it into
    /// the devices in blocks (<see cref="BroadcastReceipts"/>): loss-free broadcast runs. Others deliver one by one.
    /// </summary>
    public static bool RecordsBroadcastsOnce(SimulationConfig config) =>
        config.Downlink == Downlink.Broadcast && config.ChannelOrDefault.LossProbability == 0;

    /// <summary>As <see cref="Run(SimulationConfig)"/>; with <paramref name="perReceiver"/>, every broadcast is delivered to each receiver as it ends (the reference path).</summary>
    internal static SimulationResult Run(SimulationConfig config, ITransferSink? transfers, bool perReceiver) =>
        new FogSimulation(config, transfers, perReceiver).Execute();

    /// <summary>train-auto: the expected costs over the frames this run will capture (their sizes are known up front), before anything happens.</summary>
    private PlacementChoice ChoosePlacement()
    {
        double jpeg = 0, inr = 0;
        for (int d = 0; d < _captureTimes.Length; d++)
            for (int k = 0; k < _captureTimes[d].Length; k++)
            {
                var size = _config.Sizes.For(d, k);
                jpeg += size.JpegBytes;
                inr += size.InrBytes;
            }
        return TrainPlacement.Choose(_config, jpeg, inr, _totalFrames, _config.Objective);
    }

    private int N => _config.Devices;
    private ComputeTimings Timings => _config.TimingsOrDefault;

    private SimulationResult Execute()
    {
        var strategy = _mode;
        bool trainAtEdge = strategy != SharingStrategy.TrainFog;
        foreach (var device in _devices)
        {
            if (trainAtEdge)
            {
                device.Expect(checked((int)(_totalFrames - _captureTimes[device.Index].Length)), DecodeSeconds);
                _env.Process(strategy == SharingStrategy.Hybrid
                    ? device.Train(() => HybridTrainSecondsPerFrameEpoch(device) * Timings.Epochs * _totalFrames)
                    : device.Train(Timings.EdgeTrainSecondsPerFrameEpoch * Timings.Epochs * _totalFrames));
            }
            else
            {
                device.Expect(1, _ => 0);
                _env.Process(device.Train(0, needsEverything: true));
            }
            _env.Process(Collect(device));
        }
        _receipts?.WatchAll();
        if (strategy is SharingStrategy.InrTrainEdge or SharingStrategy.Hybrid && (_sequenceOf is null || Timings.FogEncode is not null))
            _env.Process(_fog.Encoder(_config.BatchingOrDefault, Timings.FogEncodeOrFree, Timings.FogEncodeTimes, _streams.For("fog/gpu"), SendInr));
        if (strategy == SharingStrategy.TrainFog)
        {
            _env.Process(_fog.Train(_fogHasAllFrames, Timings.FogTrainSecondsPerFrameEpoch * Timings.Epochs * _totalFrames, SendModel));
            if (_totalFrames == 0) _fogHasAllFrames.Succeed();
        }

        _env.Run();
        return Report();
    }

    /// <summary>
    /// A hybrid device's training time per frame-epoch: the INR and JPEG rates mixed in the proportion its received
    /// frames came as each (<see cref="ComputeTimings.EdgeTrainJpegSecondsPerFrameEpoch"/>); the INR rate when it received none.
    /// </summary>
    private double HybridTrainSecondsPerFrameEpoch(EdgeDevice device)
    {
        double inr = Timings.EdgeTrainSecondsPerFrameEpoch, jpeg = Timings.EdgeTrainJpegSecondsPerFrameEpoch ?? inr;
        int i = device.InrFramesReceived, j = device.JpegFramesReceived;
        // The pure cases exactly (no rounding in the mix): the limits are inr-train-edge's and jpeg-fog's times.
        if (j == 0) return inr;
        if (i == 0) return jpeg;
        return (i * inr + j * jpeg) / (i + j);
    }

    private double DecodeSeconds(Transmission t) => t.Kind == PayloadKind.Inr ? Timings.EdgeInrDecodeSeconds : Timings.EdgeJpegDecodeSeconds;

    private IEnumerable<Event> Collect(EdgeDevice device)
    {
        var times = _captureTimes[device.Index];
        for (int k = 0; k < times.Length; k++)
        {
            double wait = times[k] - _env.NowSeconds;
            if (wait > 0) yield return _env.Timeout(wait);
            var frame = new CapturedFrame(device.Index, k, _config.Sizes.For(device.Index, k), _env.NowSeconds);
            _frames.Add(frame);
            if (_mode == SharingStrategy.JpegP2p)
                Send(device.Index, Others(device.Index), frame.Size.JpegBytes, PayloadKind.Jpeg, frame, DeliverToDevices);
            else
                Send(device.Index, ReceiverSet.Of(_network.Fog), frame.Size.JpegBytes, PayloadKind.Jpeg, frame, ArrivedAtFog);
        }
    }

    private void ArrivedAtFog(Transmission t)
    {
        var frame = (CapturedFrame)t.Tag!;
        frame.FogArrivalSeconds = _env.NowSeconds;
        switch (_mode)
        {
            case SharingStrategy.JpegFog:
                if (t.Lost) LoseForOthers(frame);
                else RelayJpeg(frame);
                break;
            case SharingStrategy.Hybrid:
                if (t.Lost) { LoseForOthers(frame); break; }
                var (inr, reason) = ChoosePayload(frame);
                frame.Reason = reason;
                if (inr) _fog.Enqueue(frame);
                else RelayJpeg(frame);
                break;
            case SharingStrategy.InrTrainEdge:
                if (t.Lost) LoseForOthers(frame);
                if (_sequenceOf is not null) SettledInSequence(frame, t.Lost);
                else if (!t.Lost) _fog.Enqueue(frame);
                break;
            case SharingStrategy.TrainFog:
                // A frame lost on the uplink is simply missing from the fog's training set; the fog is its receiver.
                if (t.Lost) { frame.Failed = true; _fogFramesLost++; }
                else frame.Available(_env.NowSeconds);
                _lastAtFog = frame;
                if (++_uplinkSettled == _totalFrames) _fogHasAllFrames.Succeed();
                break;
        }
    }

    /// <summary>Relayed at once: the fog's processing starts and ends on arrival.</summary>
    private void RelayJpeg(CapturedFrame frame)
    {
        frame.EncodeStartSeconds = frame.EncodeEndSeconds = _env.NowSeconds;
        _jpegFramesRelayed++;
        Send(_network.Fog, Others(frame.Device), frame.Size.JpegBytes, PayloadKind.Jpeg, frame, DeliverToDevices);
    }

    /// <summary>The hybrid fog's choice for a frame that has just reached it (<see cref="HybridPolicy"/>): INR (true) or JPEG, and why.</summary>
    private (bool Inr, PayloadReason Reason) ChoosePayload(CapturedFrame frame)
    {
        var policy = _config.HybridOrDefault;
        var reason = PayloadReason.InTime;
        if (policy.UsesSize)
        {
            var (inr, why) = policy.BySize(frame.Size);
            if (!inr) return (false, why);
            reason = why;
        }
        if (policy.UsesDeadline && PredictedInrArrivalSeconds(frame) - frame.CaptureSeconds > policy.DeadlineSeconds)
            return (false, PayloadReason.Deadline);
        return (true, reason);
    }

    /// <summary>
    /// When the frame's INR payload would reach its last receiver, as <see cref="HybridPolicy"/> predicts it: the
    /// GPU's current job, then the waiting frames and this one in full batches, then the copies at full capacity.
    /// </summary>
    private double PredictedInrArrivalSeconds(CapturedFrame frame)
    {
        double t = Math.Max(_env.NowSeconds, _fog.GpuFreeSeconds)
            + TrainPlacement.EncodeSeconds(Timings.FogEncodeOrFree, _config.BatchingOrDefault.MaxBatch, _fog.WaitingForBatch + 1);
        var c = _config.ChannelOrDefault;
        bool serialCopies = _config.Downlink == Downlink.Unicast && _config.Topology == Topology.SharedChannel;
        int copies = N <= 1 ? 0 : serialCopies ? N - 1 : 1;
        return t + copies * (frame.Size.InrBytes / (c.CapacityBytesPerSecond * c.EfficiencyFor(1)) + c.LatencySeconds);
    }

    /// <summary>Per-sequence encode: once the frame's whole group has settled, the fog fits the sequence on the frames that arrived.</summary>
    private void SettledInSequence(CapturedFrame frame, bool lost)
    {
        var group = _sequenceOf![frame.Device][frame.Index];
        if (!lost) group.Arrived.Add(frame);
        if (++group.Settled < group.Expected || group.Arrived.Count == 0) return;
        bool includesObjects = Timings.FogEncode is null;
        _env.Process(_fog.FitSequence(group.Arrived, Timings.SequenceFit!, Timings.FogEncodeTimes, _fitRng ??= _streams.For("fog/fit"), includesObjects,
            includesObjects ? SendInr : _fog.Enqueue));
    }

    private void SendInr(CapturedFrame frame)
    {
        _inrFramesSent++;
        Send(_network.Fog, Others(frame.Device), frame.Size.InrBytes, PayloadKind.Inr, frame, DeliverToDevices);
    }

    private void SendModel() =>
        Send(_network.Fog, ReceiverSet.AllDevicesExcept(N, -1), Timings.ModelBytes, PayloadKind.Model, null, DeliverToDevices);

    /// <summary>
    /// Each receiver gets the payload or loses it: a unicast is lost for its receiver past the retries; a broadcast is
    /// lost for each receiver that missed it, unless a NACK repair is under way for them (they settle with the repair).
    /// </summary>
    private void DeliverToDevices(Transmission t)
    {
        if (_receipts is not null && _receipts.Takes(t))
        {
            _receipts.Deliver(t);
            return;
        }
        var receivers = t.Destinations;
        var missed = t.Missed;
        int m = 0;
        for (int i = 0; i < receivers.Count; i++)
        {
            int d = receivers[i];
            bool miss = t.Lost || (m < missed.Count && missed[m] == d);
            if (m < missed.Count && missed[m] == d) m++;
            if (miss && t.MissesRepaired) continue;
            Receive(d, t, miss);
        }
    }

    /// <summary>A frame that never reached the fog never reaches the other devices either: each of them loses it.</summary>
    private void LoseForOthers(CapturedFrame frame)
    {
        var lost = new Transmission(frame.Device, Others(frame.Device), 0, PayloadKind.Jpeg, frame) { Lost = true };
        foreach (var d in lost.Destinations.Nodes) Receive(d, lost, lost: true);
    }

    /// <summary>One payload settles at device <paramref name="d"/>, after what <see cref="BroadcastReceipts"/> holds for it.</summary>
    private void Receive(int d, Transmission t, bool lost)
    {
        _receipts?.Resolve(d);
        _devices[d].Receive(t, lost);
        _receipts?.Watch(d);
    }

    private ReceiverSet Others(int device) => ReceiverSet.AllDevicesExcept(N, device);

    private void Send(int source, ReceiverSet destinations, long bytes, PayloadKind kind, object? tag, Action<Transmission> delivered)
        => _network.Send(source, destinations, bytes, kind, _config.Downlink, tag, delivered);

    private void OnTransferCompleted(Transmission t)
    {
        _transfers++;
        _bytesOffered += t.Bytes;
        long attempts = (1 + t.Retries) * t.Bytes;
        if (t.Source != _network.Fog)
        {
            _devices[t.Source].BytesSent += attempts;
            _txSeconds[t.Source] += t.AirSeconds;
            _lastSendEndSeconds[t.Source] = Math.Max(_lastSendEndSeconds[t.Source], t.EndSeconds);
        }
        // Every receiver listens for every attempt (a broadcast's receivers for the whole transmission); the fog's radio is not counted.
        // A broadcast that BroadcastReceipts takes adds its air time to each receiver there, in the same order.
        if (t.AirSeconds > 0 && !(_receipts?.Takes(t) ?? false))
        {
            var receivers = t.Destinations;
            for (int i = 0; i < receivers.Count; i++)
                if (receivers[i] < N)
                {
                    _receipts?.Resolve(receivers[i]);
                    _rxSeconds[receivers[i]] += t.AirSeconds;
                }
        }
        if (t.IsRepair && !t.Lost) _framesRepaired++;
        if (t.Lost) _bytesLost += t.Bytes;
        else _bytesDelivered += t.Bytes;
        if (_records is null && _sink is null) return; // nobody asked: no record is built
        var record = new TransferRecord(t.StartSeconds, t.EndSeconds, _network.NodeName(t.Source),
            t.Destinations.Count == 1 ? _network.NodeName(t.Destinations[0]) : $"broadcast:{t.Destinations.Count}",
            t.Kind.ToString().ToLowerInvariant(), t.Bytes, t.Retries, t.Lost,
            t.Lost ? t.Destinations.Count : t.Missed.Count,
            t.Source == _network.Fog && t.Tag is CapturedFrame f ? f.Reason : PayloadReason.Strategy);
        _records?.Add(record);
        _sink?.Add(record);
    }

    private SimulationResult Report()
    {
        _receipts?.Finish();
        var strategy = _mode;
        var power = _config.EnergyOrDefault;
        var devices = _devices.Select(d =>
        {
            var (tx, rx, idle, compute, joules) = DeviceEnergy(d, power);
            return new DeviceRecord(d.Name, d.BytesSent, d.BytesReceived, d.DataCompleteSeconds, d.TrainingDoneSeconds,
                d.FramesLost, d.Complete, d.FirstPayloadSeconds, d.LastPayload?.EndSeconds ?? double.NaN, d.TrainingStartSeconds,
                tx, rx, idle, compute, joules);
        }).ToList();
        double fogJoules = power.FogComputeWatts * _fog.GpuBusySeconds;
        // The makespan is over complete devices only: a device that never got its data or model did not finish.
        EdgeDevice? last = null;
        foreach (var d in _devices)
            if (d.Complete && (last is null || d.TrainingDoneSeconds > last.TrainingDoneSeconds)) last = d;
        double makespan = last?.TrainingDoneSeconds ?? double.NaN;
        double Over(double x) => makespan > 0 ? x / makespan : 0;

        double airtime = _network.Channels.Sum(c => c.BusySeconds);
        long framesLost = _devices.Sum(d => (long)d.FramesLost) + _fogFramesLost;
        var (delivered, ages) = Deliveries();
        var (ageMean, ageP95) = FrameAges.Summarise(ages);
        var path = last is null ? CriticalPath.None : CriticalPathTracer.Trace(last, strategy, _fog, _lastAtFog);

        var summary = new RunSummary(_config.Strategy, _config.Downlink, _config.Topology, N, _config.FramesPerDevice,
            _network.BytesOnAir, _bytesOffered, _bytesDelivered, _bytesLost, _transfers, airtime, makespan,
            Over(airtime / _network.Channels.Count), framesLost, _env.ProcessedEvents,
            DevicesComplete: _devices.Count(d => d.Complete),
            FramesCaptured: _totalFrames,
            FramesDelivered: delivered,
            FramesPerSecond: Over(delivered),
            FrameAgeSecondsMean: ageMean,
            FrameAgeSecondsP95: ageP95,
            FogGpuUtilisation: Over(_fog.GpuBusySeconds),
            FogBacklogMax: _fog.BacklogMax,
            FogWaitSecondsMean: FogWaitMean(),
            Path: path,
            EnergyJoules: devices.Sum(d => d.EnergyJoules) + fogJoules,
            FogEnergyJoules: fogJoules,
            FramesRepaired: _framesRepaired,
            FogInrFrames: _inrFramesSent,
            FogJpegFrames: _jpegFramesRelayed,
            TrainedAt: strategy == SharingStrategy.TrainFog ? TrainSite.Fog : TrainSite.Edge);
        return new SimulationResult(summary, devices, (IReadOnlyList<TransferRecord>?)_records ?? []);
    }

    /// <summary>
    /// A device's radio and compute seconds and its energy (<see cref="EnergyPowers"/>): its radio lives until its
    /// training ended or its last own transfer did, whichever is later (the simulation's end if it never trained).
    /// </summary>
    private (double Tx, double Rx, double Idle, double Compute, double Joules) DeviceEnergy(EdgeDevice d, EnergyPowers power)
    {
        double tx = _txSeconds[d.Index], rx = _rxSeconds[d.Index];
        bool trained = !double.IsNaN(d.TrainingDoneSeconds);
        double life = trained ? Math.Max(d.TrainingDoneSeconds, _lastSendEndSeconds[d.Index]) : _env.NowSeconds;
        double idle = Math.Max(0, life - tx - rx);
        double compute = d.DecodeBusySeconds + (trained ? d.TrainingDoneSeconds - d.TrainingStartSeconds : 0);
        double joules = power.RadioTxWatts * tx + power.RadioRxWatts * rx + power.RadioIdleWatts * idle + power.EdgeComputeWatts * compute;
        return (tx, rx, idle, compute, joules);
    }

    /// <summary>Successful deliveries (frame x receiver) and the ages of frames that reached every receiver.</summary>
    private (long Delivered, List<double> Ages) Deliveries()
    {
        var ages = new List<double>();
        long delivered = 0;
        if (_mode == SharingStrategy.TrainFog)
        {
            // The fog receives the frames; the devices can train on them once the model trained on them arrives.
            bool everyDeviceHasModel = _devices.All(d => d.PayloadsLost == 0 && d.LastPayload is not null);
            double lastModel = everyDeviceHasModel ? _devices.Max(d => d.LastPayload!.EndSeconds) : double.NaN;
            foreach (var f in _frames)
            {
                if (f.Failed) continue;
                delivered++;
                if (everyDeviceHasModel) ages.Add(lastModel - f.CaptureSeconds);
            }
            return (delivered, ages);
        }
        int receivers = N - 1;
        foreach (var f in _frames)
        {
            delivered += f.Deliveries;
            if (!f.Failed && f.Deliveries == receivers) ages.Add(f.LastAvailableSeconds - f.CaptureSeconds);
        }
        return (delivered, ages);
    }

    private double FogWaitMean()
    {
        switch (_mode)
        {
            case SharingStrategy.InrTrainEdge or SharingStrategy.Hybrid:
                return _fog.FramesEncoded > 0 ? _fog.EncodeWaitSecondsTotal / _fog.FramesEncoded : 0;
            case SharingStrategy.TrainFog:
                double total = 0;
                long count = 0;
                foreach (var f in _frames)
                    if (!f.Failed && !double.IsNaN(_fog.TrainStartSeconds)) { total += _fog.TrainStartSeconds - f.FogArrivalSeconds; count++; }
                return count > 0 ? total / count : 0;
            default:
                return 0;
        }
    }
}
