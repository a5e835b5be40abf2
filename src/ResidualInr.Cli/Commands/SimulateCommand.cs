using System.CommandLine;
using System.Globalization;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Network.Mac;
using ResidualInr.Simulation.Strategies;
using K = ResidualInr.Cli.Scenarios.ScenarioKeys;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// <c>rinr simulate</c>: the discrete-event simulator on its own, with fixed per-frame sizes and
/// timings (what-if studies), over a sweep of device counts and strategies.
/// </summary>
public static class SimulateCommand
{
    public static Command Build()
    {
        var strategies = new Option<string>("--strategies") { Description = $"Comma-separated: {string.Join(", ", SharingStrategyNames.All)}, or 'all'.", DefaultValueFactory = _ => "all" };
        var devices = new Option<string>("--devices") { Description = "Device counts to sweep, e.g. 2,4,8,16.", DefaultValueFactory = _ => "10" };
        var frames = (new Option<int>("--frames") { Description = "New frames per device per round (F).", DefaultValueFactory = _ => 30 }).Within(K.FramesPerDevice);
        var jpeg = (new Option<long>("--jpeg-bytes") { Description = "JPEG bytes per frame (s_j).", DefaultValueFactory = _ => 30_000 }).Within(K.Options.PayloadBytes);
        var inr = (new Option<long>("--inr-bytes") { Description = "INR payload bytes per frame (s_i).", DefaultValueFactory = _ => 8_000 }).Within(K.Options.PayloadBytes);
        var model = (new Option<long>("--model-bytes") { Description = "Model bytes the fog sends in train-fog (M).", DefaultValueFactory = _ => 6_000_000 }).Within(K.Training.ModelBytes);
        var capacity = (new Option<double>("--capacity") { Description = "Channel capacity C in bytes/s.", DefaultValueFactory = _ => 2_000_000 }).Within(K.Network.Capacity);
        var efficiency = new Option<string?>("--efficiency") { Description = "eta(n) for the fixed --capacity: comma-separated shares of C that n = 1, 2, ... active senders get in total, each in (0, 1]; the last holds for more (default 1)." };
        var mac = new Option<string?>("--mac") { Description = "Channel model instead of --capacity/--efficiency: dcf (802.11 DCF, Bianchi's model, as 'rinr channel') sets C = S(1) and eta(n); needs --standard and --rate-mbps." };
        var standard = new Option<string?>("--standard") { Description = $"With --mac dcf: the 802.11 standard, {string.Join(", ", WifiStandardNames.All)} (also 11g, 802.11g)." };
        var rateMbps = (new Option<double?>("--rate-mbps") { Description = "With --mac dcf: PHY rate of data frames, Mb/s, one the standard has ('rinr channel' lists them)." }).Within(K.Network.Mac.RateMbps);
        var macPayload = (new Option<int?>("--payload-bytes") { Description = $"With --mac dcf: payload (MSDU) bytes per 802.11 frame (default {K.Network.Mac.PayloadBytes.Default})." }).Within(K.Network.Mac.PayloadBytes);
        var rtsCts = new Option<bool>("--rts-cts") { Description = "With --mac dcf: RTS/CTS before every data frame instead of basic access." };
        var latency = (new Option<double>("--latency") { Description = "Set-up time per transmission attempt, s.", DefaultValueFactory = _ => 0 }).Within(K.Network.Latency);
        var loss = (new Option<double>("--loss") { Description = "Probability that an attempt is lost.", DefaultValueFactory = _ => 0 }).Within(K.Network.LossProbability);
        var retries = (new Option<int>("--retries") { Description = "Resends before a transfer counts as lost.", DefaultValueFactory = _ => 3 }).Within(K.Network.Retries);
        var downlink = new Option<string>("--downlink") { Description = "unicast or broadcast.", DefaultValueFactory = _ => "unicast" };
        var repair = new Option<string>("--broadcast-repair") { Description = "none, or nack: receivers that missed a broadcast ask again and get it by unicast.", DefaultValueFactory = _ => "none" };
        var topology = new Option<string>("--topology") { Description = "shared (one collision domain) or per-device (a link per device to the fog).", DefaultValueFactory = _ => "shared" };
        var interval = (new Option<double>("--frame-interval") { Description = "Seconds between a device's frames.", DefaultValueFactory = _ => 0 }).Within(K.Options.Seconds);
        var encode = (new Option<double>("--encode-s-per-batch") { Description = "Fog GPU seconds to INR-encode a full batch of --fog-batch frames; a partial batch of b frames costs b/--fog-batch of it.", DefaultValueFactory = _ => 0 }).Within(K.Options.Seconds);
        var batch = (new Option<int>("--fog-batch") { Description = "The batch size --encode-s-per-batch was measured at, and the default --fog-max-batch.", DefaultValueFactory = _ => 16 }).Within(K.Fog.MaxBatch);
        // The time axis: arrivals, the fog's batch cost table and its batching rule.
        var rounds = (new Option<int?>("--rounds") { Description = "Rounds of --frames new frames per device (default 1)." }).Within(K.Arrivals.Rounds);
        var roundInterval = (new Option<double?>("--round-interval-s") { Description = "Seconds between the starts of two rounds (default 0)." }).Within(K.Arrivals.RoundInterval);
        var arrivalRate = (new Option<double?>("--arrival-rate") { Description = "Instead of rounds: Poisson captures per device, frames/s (needs --duration-s; --frames is then unused)." }).Within(K.Arrivals.PoissonRate);
        var duration = (new Option<double?>("--duration-s") { Description = "With --arrival-rate: frames are captured over [0, duration), s." }).Within(K.Arrivals.Duration);
        var batchCost = new Option<string?>("--fog-batch-cost") { Description = "Measured fog encode batch costs SIZE:SECONDS,..., e.g. 1:0.8,8:2.1 (piecewise linear through 0); replaces --encode-s-per-batch." };
        var maxBatch = (new Option<int?>("--fog-max-batch") { Description = "Most frames in one fog encode batch (default --fog-batch)." }).Within(K.Fog.MaxBatch);
        var maxWait = (new Option<double>("--fog-max-wait-s") { Description = "Longest the oldest waiting frame is held back to fill a batch, s; 0 is greedy.", DefaultValueFactory = _ => 0 }).Within(K.Fog.MaxWait);
        var jpegDecode = (new Option<double>("--jpeg-decode-s") { Description = "Device seconds to decode one JPEG.", DefaultValueFactory = _ => 0 }).Within(K.Options.Seconds);
        var inrDecode = (new Option<double>("--inr-decode-s") { Description = "Device seconds to decode one INR payload.", DefaultValueFactory = _ => 0 }).Within(K.Options.Seconds);
        var edgeTrain = (new Option<double>("--edge-train-s") { Description = "Device training seconds per frame per epoch.", DefaultValueFactory = _ => 0 }).Within(K.Training.EdgeSeconds);
        var fogTrain = (new Option<double>("--fog-train-s") { Description = "Fog training seconds per frame per epoch.", DefaultValueFactory = _ => 0 }).Within(K.Training.FogSeconds);
        var epochs = (new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 1 }).Within(K.Training.Epochs);
        var seed = (new Option<int>("--seed") { Description = "Seed of the loss draws; same seed, same CSVs.", DefaultValueFactory = _ => 1 }).Within(K.Seed);
        var jobs = (new Option<int>("--jobs") { Description = "Sweep points simulated in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount }).Within(K.Options.Jobs);
        var jpegMetrics = new Option<string?>("--jpeg-metrics") { Description = "metrics.csv of a JPEG encode: per-frame JPEG bytes (and mean decode time) replace --jpeg-bytes (and --jpeg-decode-s)." };
        var inrMetrics = new Option<string?>("--inr-metrics") { Description = "metrics.csv of an INR encode: per-frame payload bytes (and mean decode time) replace --inr-bytes (and --inr-decode-s)." };
        var radioTx = (new Option<double>("--radio-tx-w") { Description = "A device's radio while transmitting, W.", DefaultValueFactory = _ => EnergyPowers.DefaultRadioTxWatts }).Within(K.Energy.RadioTx);
        var radioRx = (new Option<double>("--radio-rx-w") { Description = "A device's radio while receiving, W.", DefaultValueFactory = _ => EnergyPowers.DefaultRadioRxWatts }).Within(K.Energy.RadioRx);
        var radioIdle = (new Option<double>("--radio-idle-w") { Description = "A device's radio otherwise, until its training is done, W.", DefaultValueFactory = _ => EnergyPowers.DefaultRadioIdleWatts }).Within(K.Energy.RadioIdle);
        var edgeCompute = (new Option<double>("--edge-compute-w") { Description = "A device while decoding or training, W.", DefaultValueFactory = _ => EnergyPowers.DefaultEdgeComputeWatts }).Within(K.Energy.EdgeCompute);
        var fogCompute = (new Option<double>("--fog-compute-w") { Description = "The fog's GPU while encoding or training, W.", DefaultValueFactory = _ => EnergyPowers.DefaultFogComputeWatts }).Within(K.Energy.FogCompute);
        var hybridPolicy = new Option<string>("--hybrid-policy") { Description = $"hybrid: {string.Join(", ", HybridNames.Rules)}; smaller sends a frame's INR payload when it has fewer bytes than its JPEG at equal or better object PSNR (PSNRs from the metrics files; bytes alone without them), deadline unless it is predicted to reach its last receiver later than --deadline-s after capture, both when both hold.", DefaultValueFactory = _ => (string)K.Hybrid.Policy.Default! };
        var deadline = (new Option<double?>("--deadline-s") { Description = "With --hybrid-policy deadline or both: seconds after capture by which the INR payload must be predicted to reach every receiver, else the JPEG goes." }).Within(K.Hybrid.Deadline);
        var psnrLoss = (new Option<double>("--object-psnr-loss-max-db") { Description = "With --hybrid-policy smaller or both: how far below the JPEG's object PSNR a smaller INR payload's may be and still be sent, dB.", DefaultValueFactory = _ => (double)K.Hybrid.PsnrLoss.Default! }).Within(K.Hybrid.PsnrLoss);
        var minimise = new Option<string>("--minimise") { Description = $"What train-auto minimises when it picks the edge or the fog for training: {string.Join(", ", TrainSiteNames.Objectives)}.", DefaultValueFactory = _ => (string)K.Objective.Minimise.Default! };
        var outDir = new Option<string?>("--out") { Description = "Write summary.csv and devices.csv (and transfers.csv when asked) here." };
        var transfers = new Option<bool>("--transfers") { Description = "Also write transfers.csv to --out: one row per transfer of the largest N's points, streamed to disk (unicast sharing has N² of them)." };
        var allTransfers = new Option<bool>("--all-transfers") { Description = "Write transfers.csv to --out with every point's transfers." };
        var cmd = new Command("simulate", "Play out sharing strategies for N devices and a fog node on the wireless channel, with fixed per-frame sizes and timings.")
        {
            strategies, devices, frames, jpeg, inr, model, capacity, efficiency, mac, standard, rateMbps, macPayload, rtsCts, latency, loss, retries, downlink, repair, topology, interval,
            encode, batch, rounds, roundInterval, arrivalRate, duration, batchCost, maxBatch, maxWait, jpegDecode, inrDecode, edgeTrain, fogTrain, epochs, seed, jobs, jpegMetrics, inrMetrics,
            radioTx, radioRx, radioIdle, edgeCompute, fogCompute, hybridPolicy, deadline, psnrLoss, minimise, outDir, transfers, allTransfers,
        };
        cmd.SetAction(parse =>
        {
            var run = RunMetadata.Start(parse, parse.GetValue(seed));
            var chosen = TextValues.Strategies(parse.GetValue(strategies)!, "--strategies");
            var counts = TextValues.DeviceCounts(parse.GetValue(devices)!, "--devices");
            var mode = NetworkNames.TryParseDownlink(parse.GetValue(downlink)!, out var dl) ? dl
                : throw new InputException($"--downlink '{parse.GetValue(downlink)}' must be one of {string.Join(", ", NetworkNames.DownlinkNames)}");
            var topo = NetworkNames.TryParseTopology(parse.GetValue(topology)!, out var tp) ? tp
                : throw new InputException($"--topology '{parse.GetValue(topology)}' must be one of {string.Join(", ", NetworkNames.TopologyNames)}");
            var fix = NetworkNames.TryParseBroadcastRepair(parse.GetValue(repair)!, out var rp) ? rp
                : throw new InputException($"--broadcast-repair '{parse.GetValue(repair)}' must be one of {string.Join(", ", NetworkNames.BroadcastRepairNames)}");
            var template = new SimulationConfig(1, parse.GetValue(frames), SharingStrategy.JpegP2p,
                FrameSizes.Fixed(parse.GetValue(jpeg), parse.GetValue(inr)), mode, topo,
                Channel(parse, counts.Max(), new ChannelSettings(parse.GetValue(capacity), parse.GetValue(latency), parse.GetValue(loss), parse.GetValue(retries)),
                    capacity, efficiency, mac, standard, rateMbps, macPayload, rtsCts),
                new ComputeTimings(FogEncodeCost(parse.GetValue(batchCost), parse.GetValue(batch), parse.GetValue(encode)), parse.GetValue(jpegDecode), parse.GetValue(inrDecode),
                    parse.GetValue(edgeTrain), parse.GetValue(fogTrain), parse.GetValue(epochs), parse.GetValue(model)),
                parse.GetValue(interval), parse.GetValue(seed),
                Arrivals: ArrivalsFrom(parse.GetValue(rounds), parse.GetValue(roundInterval), parse.GetValue(arrivalRate), parse.GetValue(duration)),
                Batching: new FogBatching(parse.GetValue(maxBatch) ?? parse.GetValue(batch), parse.GetValue(maxWait)),
                Energy: new EnergyPowers(parse.GetValue(radioTx), parse.GetValue(radioRx), parse.GetValue(radioIdle), parse.GetValue(edgeCompute), parse.GetValue(fogCompute)),
                BroadcastRepair: fix,
                Hybrid: HybridFrom(parse.GetValue(hybridPolicy)!, parse.GetValue(deadline), parse.GetValue(psnrLoss)),
                Objective: TrainSiteNames.TryParseObjective(parse.GetValue(minimise)!, out var objective) ? objective
                    : throw new InputException($"--minimise '{parse.GetValue(minimise)}' must be one of {string.Join(", ", TrainSiteNames.Objectives)}"));
            var jpegRows = parse.GetValue(jpegMetrics) is { } jm ? CodecMetricsFile.Read(jm) : null;
            var inrRows = parse.GetValue(inrMetrics) is { } im ? CodecMetricsFile.Read(im) : null;
            if (jpegRows is not null || inrRows is not null)
                template = template with
                {
                    Timings = template.Timings! with
                    {
                        EdgeJpegDecodeSeconds = jpegRows?.Average(r => r.DecodeSecondsPerFrame) ?? template.Timings.EdgeJpegDecodeSeconds,
                        EdgeInrDecodeSeconds = inrRows?.Average(r => r.DecodeSecondsPerFrame) ?? template.Timings.EdgeInrDecodeSeconds,
                    },
                };
            // What each strategy carried: the codec named in a metrics file, else the fixed sizes' kind.
            string jpegCodec = jpegRows?[0].Codec ?? "jpeg", inrCodec = inrRows?[0].Codec ?? "inr";
            int largest = counts.Max();
            var dir = parse.GetValue(outDir);
            var transferOutput = TransferOutputs.FromOptions(parse.GetValue(transfers), parse.GetValue(allTransfers));
            if (transferOutput != TransferOutput.None && dir is null)
                throw new InputException($"{(parse.GetValue(allTransfers) ? "--all-transfers" : "--transfers")}: transfers.csv needs --out (the folder to write it to)");
            var points = (from n in counts
                          from s in chosen
                          select new SweepPoint(Sharding.PointShape.CarriesInr(s) ? inrCodec : jpegCodec, Sharding.PointShape.UsesModel(s) ? parse.GetValue(model) : null,
                              template with
                              {
                                  Devices = n,
                                  Strategy = s,
                                  RecordTransfers = false, // streamed to transfers.csv when asked, never held
                                  Sizes = CodecMetricsFile.Sizes(jpegRows, inrRows, n, parse.GetValue(jpeg), parse.GetValue(inr)) ?? template.Sizes,
                              }, transferOutput.Includes(n, largest))).ToList();
            long largestPayload = new[] { parse.GetValue(jpeg), parse.GetValue(inr) }
                .Concat((jpegRows ?? []).Concat(inrRows ?? []).Select(r => (long)r.PayloadBytes)).Max();
            WorkEstimate.Check(points, parse.GetValue(jobs), $"--devices {largest} --frames {parse.GetValue(frames)}", largestPayload,
                mode == Downlink.Broadcast ? "use fewer devices or frames (or no loss, whose broadcasts are recorded once)" : "use --downlink broadcast, fewer devices or frames");
            // The CSVs are staged beside --out and swapped in whole at the end (OutputFolder); the folder is checked before simulating.
            using var folder = dir is not null ? OutputFolder.Begin(dir, [parse.GetValue(jpegMetrics), parse.GetValue(inrMetrics)], Interrupt.Token) : null;
            var results = Sweep.Run(points, parse.GetValue(jobs), transfersDir: folder?.Staging);
            Print(parse.InvocationConfiguration.Output, results);
            if (folder is not null)
            {
                Sweep.WriteCsvs(folder.Staging, results);
                run.Finish(folder.Staging);
                folder.Commit();
            }
            return RinrApp.ExitOk;
        });
        return cmd;
    }

    /// <summary>
    /// The fixed channel (--capacity, --efficiency) or, with --mac dcf, 802.11 DCF's C = S(1)/8 and η(n) for n = 1 ..
    /// min(largest N + 1, 1024) senders (the devices and the fog; the last entry holds beyond). Options of the other model
    /// are input errors; "given" is what was typed, not a value that differs from the default.
    /// </summary>
    private static ChannelSettings Channel(ParseResult parse, int largest, ChannelSettings fixedChannel, Option<double> capacity, Option<string?> efficiency,
        Option<string?> mac, Option<string?> standard, Option<double?> rateMbps, Option<int?> payload, Option<bool> rtsCts)
    {
        static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };
        var model = parse.GetValue(mac);
        if (model is null)
        {
            foreach (var o in new Option[] { standard, rateMbps, payload, rtsCts })
                if (Given(parse, o)) throw new InputException($"{o.Name} needs --mac dcf");
            return parse.GetValue(efficiency) is { } eta ? fixedChannel with { Efficiency = Efficiencies(eta) } : fixedChannel;
        }
        if (model != "dcf") throw new InputException($"--mac '{model}': expected dcf");
        foreach (var o in new Option[] { capacity, efficiency })
            if (Given(parse, o)) throw new InputException($"--mac and {o.Name}: give either the MAC model or the fixed channel, not both");
        var name = parse.GetValue(standard) ?? throw new InputException("--mac dcf needs --standard");
        if (!WifiStandardNames.TryParse(name, out var s))
            throw new InputException($"--standard: unknown standard '{name}' (expected {string.Join(", ", WifiStandardNames.All)})");
        var rate = parse.GetValue(rateMbps) ?? throw new InputException("--mac dcf needs --rate-mbps");
        if (DcfModel.FindRate(s, rate) is null)
            throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--rate-mbps {rate:0.###}: 802.11{s.ToName()} has no such rate (expected one of {Scenarios.MacSpec.RatesText(s)})"));
        var spec = new Scenarios.MacSpec(s, rate, parse.GetValue(payload) ?? (int)K.Network.Mac.PayloadBytes.Default!, parse.GetValue(rtsCts));
        return spec.Channel(largest, fixedChannel);
    }

    /// <summary>--hybrid-policy with --deadline-s exactly when the policy has a deadline.</summary>
    private static HybridPolicy HybridFrom(string name, double? deadline, double psnrLossMaxDb)
    {
        if (!HybridNames.TryParseRule(name, out var rule))
            throw new InputException($"--hybrid-policy '{name}' must be one of {string.Join(", ", HybridNames.Rules)}");
        var policy = new HybridPolicy(rule, deadline ?? double.PositiveInfinity, psnrLossMaxDb);
        if (policy.UsesDeadline && deadline is null) throw new InputException($"--hybrid-policy {name} needs --deadline-s");
        if (!policy.UsesDeadline && deadline is not null) throw new InputException($"--deadline-s applies only to --hybrid-policy deadline or both, not {name}");
        return policy;
    }

    /// <summary>--efficiency 1,0.9,0.8: each entry a finite number in (0, 1].</summary>
    private static IReadOnlyList<double> Efficiencies(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && K.Network.Efficiency.InRange(v) ? v
            : throw new InputException($"--efficiency '{text}': '{p}' is not a number in {K.Network.Efficiency.RangeText}")).ToList();
    }

    /// <summary>--fog-batch-cost's table when given, else one measured point t(--fog-batch) = --encode-s-per-batch.</summary>
    private static BatchCost FogEncodeCost(string? table, int batch, double secondsPerBatch)
    {
        if (table is not null)
        {
            try { return BatchCost.Parse(table); }
            catch (ArgumentException e) { throw new InputException($"--fog-batch-cost: {e.Message}"); }
        }
        if (batch < 1) throw new InputException($"--fog-batch {batch}: must be at least 1");
        try { return BatchCost.Measured(batch, secondsPerBatch); }
        catch (ArgumentException e) { throw new InputException($"--encode-s-per-batch: {e.Message}"); }
    }

    /// <summary>Rounds (--rounds, --round-interval-s) or Poisson (--arrival-rate with --duration-s), not both; default one round.</summary>
    private static Arrivals ArrivalsFrom(int? rounds, double? interval, double? rate, double? duration)
    {
        bool poisson = rate is not null || duration is not null;
        if (poisson && (rounds is not null || interval is not null))
            throw new InputException("give either --rounds/--round-interval-s or --arrival-rate/--duration-s, not both");
        if (!poisson) return Arrivals.Rounds(rounds ?? 1, interval ?? 0);
        if (rate is null || duration is null) throw new InputException("--arrival-rate and --duration-s go together");
        return Arrivals.Poisson(rate.Value, duration.Value);
    }

    private static void Print(TextWriter output, IReadOnlyList<SweepResult> results)
    {
        output.WriteLine($"{"strategy",-15} {"devices",7} {"bytes on air",15} {"airtime s",10} {"makespan s",11} {"x vs jpeg-p2p",14}");
        foreach (var r in results)
        {
            var s = r.Summary;
            var p2p = results.FirstOrDefault(o => o.Summary.Devices == s.Devices && o.Summary.Strategy == SharingStrategy.JpegP2p)?.Summary.BytesOnAir;
            var ratio = p2p is > 0 && s.BytesOnAir > 0 ? ((double)p2p.Value / s.BytesOnAir).ToString("F2", CultureInfo.InvariantCulture) : "-";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Strategy.ToName(),-15} {s.Devices,7} {s.BytesOnAir,15:N0} {s.AirtimeSeconds,10:F2} {s.MakespanSeconds,11:F2} {ratio,14}"));
        }
    }
}
