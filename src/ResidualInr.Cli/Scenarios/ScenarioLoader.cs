using System.Globalization;
using ResidualInr.Cli.Codecs;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Learning.Training;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Network.Mac;
using ResidualInr.Simulation.Strategies;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

using K = ResidualInr.Cli.Scenarios.ScenarioKeys;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// Reads a scenario file. This is the one place that validates scenarios: an unknown key (with a
/// did-you-mean), a wrong type, a value out of range or a missing file is an
/// <see cref="InputException"/> naming the file, line and key path. scenarios/README.md documents every key.
/// </summary>
public static class ScenarioLoader
{
    public static Scenario Load(string file)
    {
        if (!System.IO.File.Exists(file)) throw new InputException(file, null, "scenario file not found");
        YamlStream yaml = new();
        using (var reader = new StreamReader(file))
        {
            var parser = new Parser(reader);
            try { yaml.Load(parser); }
            catch (YamlException e)
            {
                throw new InputException(file, (int)e.Start.Line, $"malformed YAML: {e.Message.Split('\n')[0]}");
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner throws this, with no position, on some malformed input, e.g. a flow sequence
                // left open before the next key ("devices: [2" then "seed: 1"): report where parsing stopped.
                throw new InputException(file, parser.Current is { } last ? (int)last.End.Line : 1,
                    "malformed YAML: cannot read on from here (a '[' or '{' left open?)");
            }
            catch (ArgumentException e)
            {
                // YamlDotNet builds mappings with a dictionary: a key given twice (two empty keys, say) throws this.
                throw new InputException(file, parser.Current is { } last ? (int)last.End.Line : 1, $"malformed YAML: a key appears twice in one mapping ({e.Message.Split('\n')[0]})");
            }
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException(file, 1, "a scenario is a mapping of keys (name:, dataset:, devices:, ...)");
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return Parse(new YamlSection(file, "", root), baseDir);
    }

    private static Scenario Parse(YamlSection s, string baseDir)
    {
        var name = s.String(K.Name);
        int seed = s.Int(K.Seed);
        var dataset = ParseDataset(s.Section(K.Dataset.Section.Name), baseDir);
        var (fw, fh) = Size(s, K.FrameSize);
        int frames = s.Int(K.FramesPerDevice);
        var devices = s.IntList(K.Devices);
        var inr = ParseInr(s.Section(K.Inr.Section.Name));
        var codecs = ParseCodecs(s.Section(K.Codecs.Name));
        var network = ParseNetwork(s.Section(K.Network.Section.Name), devices.Max());
        var strategies = s.StringList(K.Strategies).Select(n =>
            SharingStrategyNames.TryParse(n, out var st) ? st
                : throw new InputException(s.File, null, $"strategies: unknown strategy '{n}'{Hint(n, K.Strategies.Allowed)}")).ToList();
        var training = ParseTraining(s.Section(K.Training.Section.Name));
        var fog = ParseFog(s.Section(K.Fog.Section.Name));
        var arrivals = ParseArrivals(s.Section(K.Arrivals.Section.Name));
        var energy = ParseEnergy(s.Section(K.Energy.Section.Name));
        var hybrid = ParseHybrid(s.Section(K.Hybrid.Section.Name));
        var objective = ParseObjective(s.Section(K.Objective.Section.Name));
        var timing = ParseTiming(s.Section(K.Timing.Section.Name), baseDir);
        var learning = s.Section(K.Learning.Section.Name) is { } l ? ParseLearning(l, inr.Device, fw, fh, baseDir) : null;
        var output = s.String(K.Output, Path.Combine("out", name));
        var outputKey = s.Has(K.Output.Name) ? K.Output : K.Name; // without 'output' the folder is named after the scenario
        if (Commands.TextValues.OutputFolderProblem(output) is { } problem) throw s.Error(s.Peek(outputKey.Name), outputKey.Name, problem);
        s.RejectUnknownKeys();
        return new Scenario(s.File, name, seed, dataset, fw, fh, frames, devices, codecs, inr, network, strategies, training, timing, learning, output, fog, arrivals, energy, hybrid, objective);
    }

    /// <summary>hybrid: the policy, with deadline_s exactly when the policy has a deadline.</summary>
    private static HybridPolicy ParseHybrid(YamlSection? h)
    {
        if (h is null) return new HybridPolicy(ObjectPsnrLossMaxDb: (double)K.Hybrid.PsnrLoss.Default!);
        var name = h.Enum(K.Hybrid.Policy);
        if (!HybridNames.TryParseRule(name, out var rule)) throw KeyReads.EnumError(h, K.Hybrid.Policy, name);
        var deadline = h.OptionalDouble(K.Hybrid.Deadline);
        var policy = new HybridPolicy(rule, deadline ?? double.PositiveInfinity, h.Double(K.Hybrid.PsnrLoss));
        if (policy.UsesDeadline && deadline is null)
            throw h.Error(h.Peek(K.Hybrid.Policy.Name), K.Hybrid.Deadline.Name, $"is required with policy: {name}");
        if (!policy.UsesDeadline && deadline is not null)
            throw h.Error(h.Peek(K.Hybrid.Deadline.Name), K.Hybrid.Deadline.Name, $"applies only to policy deadline or both, not {name}");
        h.RejectUnknownKeys();
        return policy;
    }

    private static ObjectiveSpec ParseObjective(YamlSection? o)
    {
        if (o is null) return new ObjectiveSpec();
        var name = o.Enum(K.Objective.Minimise);
        if (!TrainSiteNames.TryParseObjective(name, out var minimise)) throw KeyReads.EnumError(o, K.Objective.Minimise, name);
        var spec = new ObjectiveSpec(minimise, o.Double(K.Objective.AccuracyLossMax));
        o.RejectUnknownKeys();
        return spec;
    }

    private static DatasetSpec ParseDataset(YamlSection? d, string baseDir)
    {
        if (d is null) return new DatasetSpec(new SyntheticOptions(), null, null);
        var synthetic = d.Section(K.Dataset.Synthetic);
        var path = d.OptionalString(K.Dataset.Path);
        var format = d.OptionalString(K.Dataset.Format);
        if ((synthetic is null) == (path is null))
            throw new InputException(d.File, null, "dataset: give exactly one of 'synthetic' or 'path'");
        DatasetSpec spec;
        if (synthetic is not null)
        {
            var (w, h) = Size(synthetic, K.Synthetic.Size);
            var options = new SyntheticOptions(synthetic.Int(K.Synthetic.Sequences), synthetic.Int(K.Synthetic.Frames), w, h, synthetic.Int(K.Synthetic.Seed));
            try { K.Synthetic.CheckTotal(options.Sequences, options.Frames, "sequences x frames"); }
            catch (InputException e) { throw synthetic.Error(synthetic.Peek(K.Synthetic.Frames.Name), K.Synthetic.Frames.Name, e.Reason); }
            synthetic.RejectUnknownKeys();
            spec = new DatasetSpec(options, null, null);
        }
        else
        {
            var full = Path.IsPathRooted(path!) ? path! : Path.GetFullPath(Path.Combine(baseDir, path!));
            if (!Directory.Exists(full)) throw new InputException(d.File, null, $"dataset.path: folder '{path}' not found");
            DatasetFormat? fmt = null;
            if (format is not null)
            {
                try { fmt = DatasetLoader.ParseFormat(format); }
                catch (InputException) { throw KeyReads.EnumError(d, K.Dataset.Format, format); }
            }
            spec = new DatasetSpec(null, full, fmt);
        }
        d.RejectUnknownKeys();
        return spec;
    }

    private static InrSpec ParseInr(YamlSection? i)
    {
        if (i is null) return new InrSpec((int)K.Inr.Steps.Default!, (double)K.Inr.Lr.Default!, (int)K.Inr.Batch.Default!, (string)K.Inr.Device.Default!);
        var spec = new InrSpec(i.Int(K.Inr.Steps), i.Double(K.Inr.Lr), i.Int(K.Inr.Batch), i.Enum(K.Inr.Device),
            i.OptionalDouble(K.Inr.TargetPsnrDb), i.OptionalInt(K.Inr.MaxSteps), i.Enum(K.Inr.Init) == "learned" ? InrStart.Learned : InrStart.Random,
            i.OptionalInt(K.Inr.PixelChunk), InrRecipes.Parse(i.Enum(K.Inr.Recipe), "inr.recipe"));
        if (spec.MaxSteps is not null && spec.TargetPsnrDb is null)
            throw i.Error(i.Peek(K.Inr.MaxSteps.Name), K.Inr.MaxSteps.Name, "caps the steps of a target quality: set target_psnr_db too (or use steps)");
        i.RejectUnknownKeys();
        return spec;
    }

    private static IReadOnlyList<CodecSpec> ParseCodecs(YamlSection? c)
    {
        if (c is null) return ((string[])K.Codecs.Default!).Select(CodecRegistry.Get).Select(d => new CodecSpec(d, d.DefaultSettings)).ToList();
        var codecs = new List<CodecSpec>();
        foreach (var (name, node) in c.Entries())
        {
            if (!CodecRegistry.TryGet(name, out var codec))
                throw new InputException(c.File, (int)node.Start.Line, $"codecs.{name}: unknown codec{Hint(name, CodecRegistry.Ids)}");
            var settings = c.Nested(name, node);
            var spec = new CodecSpec(codec, codec.ParseSettings(settings));
            settings.RejectUnknownKeys();
            codecs.Add(spec);
        }
        if (codecs.Count == 0) throw new InputException(c.File, null, "codecs: list at least one codec");
        return codecs;
    }

    /// <summary>
    /// A fixed capacity (capacity_bytes_per_s, efficiency) or a MAC model (mac), not both; the MAC model's η(n) table
    /// covers the largest device count + 1 senders (the fog sends too), at most <see cref="K.Network.Mac.MaxStations"/>.
    /// </summary>
    private static NetworkSpec ParseNetwork(YamlSection? n, int largestDevices)
    {
        if (n is null) return new NetworkSpec(new ChannelSettings(), Downlink.Unicast, Topology.SharedChannel);
        var repair = n.Enum(K.Network.BroadcastRepair) == "nack" ? BroadcastRepair.Nack : BroadcastRepair.None;
        var macSection = n.Section(K.Network.MacKey);
        if (macSection is not null)
            foreach (var other in new[] { K.Network.Capacity, K.Network.Efficiency })
                if (n.Peek(other.Name) is not null)
                    throw n.Error(n.Peek(K.Network.MacKey.Name), K.Network.MacKey.Name,
                        $"give either {n.KeyPath(K.Network.MacKey.Name)} (an 802.11 MAC model) or {n.KeyPath(other.Name)} (a fixed channel), not both");
        var mac = macSection is null ? null : ParseMac(macSection);
        var rest = new ChannelSettings(LatencySeconds: n.Double(K.Network.Latency), LossProbability: n.Double(K.Network.LossProbability), MaxRetries: n.Int(K.Network.Retries));
        var channel = mac is not null ? mac.Channel(largestDevices, rest)
            : rest with { CapacityBytesPerSecond = n.Double(K.Network.Capacity), Efficiency = n.OptionalDoubleList(K.Network.Efficiency) };
        var downlink = n.Enum(K.Network.Downlink) == "broadcast" ? Downlink.Broadcast : Downlink.Unicast;
        var topology = n.Enum(K.Network.Links) == "per-device" ? Topology.PerDeviceLinks : Topology.SharedChannel;
        n.RejectUnknownKeys();
        return new NetworkSpec(channel, downlink, topology, mac, repair);
    }

    private static MacSpec ParseMac(YamlSection m)
    {
        m.Enum(K.Network.Mac.Model); // "dcf", the only model so far
        var name = m.Enum(K.Network.Mac.Standard);
        if (!WifiStandardNames.TryParse(name, out var standard)) throw KeyReads.EnumError(m, K.Network.Mac.Standard, name);
        var rate = m.OptionalDouble(K.Network.Mac.RateMbps) ?? throw m.Error(null, K.Network.Mac.RateMbps.Name, "is required");
        if (DcfModel.FindRate(standard, rate) is null)
            throw m.Error(m.Peek(K.Network.Mac.RateMbps.Name), K.Network.Mac.RateMbps.Name,
                string.Create(CultureInfo.InvariantCulture, $"802.11{standard.ToName()} has no {rate:0.###} Mb/s rate (expected one of {MacSpec.RatesText(standard)})"));
        var spec = new MacSpec(standard, rate, m.Int(K.Network.Mac.PayloadBytes), m.Bool(K.Network.Mac.RtsCts));
        m.RejectUnknownKeys();
        return spec;
    }

    private static TrainingSpec ParseTraining(YamlSection? t)
    {
        if (t is null)
            return new TrainingSpec((int)K.Training.Epochs.Default!, (double)K.Training.EdgeSeconds.Default!, (double)K.Training.FogSeconds.Default!,
                (long[])K.Training.ModelBytes.Default!);
        if (t.Peek(K.Training.FogBatchMoved) is { } moved)
            throw t.Error(moved, K.Training.FogBatchMoved, "moved to fog.max_batch (write 'fog: { max_batch: N }'; see scenarios/README.md)");
        var spec = new TrainingSpec(t.Int(K.Training.Epochs), t.Double(K.Training.EdgeSeconds), t.Double(K.Training.FogSeconds),
            t.LongList(K.Training.ModelBytes));
        t.RejectUnknownKeys();
        return spec;
    }

    private static FogBatching ParseFog(YamlSection? f)
    {
        if (f is null) return new FogBatching((int)K.Fog.MaxBatch.Default!, (double)K.Fog.MaxWait.Default!);
        var spec = new FogBatching(f.Int(K.Fog.MaxBatch), f.Double(K.Fog.MaxWait));
        f.RejectUnknownKeys();
        return spec;
    }

    private static EnergyPowers ParseEnergy(YamlSection? e)
    {
        if (e is null) return new EnergyPowers();
        var spec = new EnergyPowers(e.Double(K.Energy.RadioTx), e.Double(K.Energy.RadioRx), e.Double(K.Energy.RadioIdle),
            e.Double(K.Energy.EdgeCompute), e.Double(K.Energy.FogCompute));
        e.RejectUnknownKeys();
        return spec;
    }

    /// <summary>Rounds (rounds, round_interval_s) or Poisson (poisson_rate_per_device_s with duration_s): exactly one form.</summary>
    private static Arrivals ParseArrivals(YamlSection? a)
    {
        if (a is null) return Arrivals.OneRound;
        bool rounds = a.Has(K.Arrivals.Rounds.Name) || a.Has(K.Arrivals.RoundInterval.Name);
        bool poisson = a.Has(K.Arrivals.PoissonRate.Name) || a.Has(K.Arrivals.Duration.Name);
        if (rounds == poisson)
            throw new InputException(a.File, null, "arrivals: give either rounds (rounds, round_interval_s) or a Poisson process (poisson_rate_per_device_s, duration_s), not both");
        Arrivals spec;
        if (rounds)
            spec = Arrivals.Rounds(a.Int(K.Arrivals.Rounds), a.Double(K.Arrivals.RoundInterval));
        else
        {
            var rate = a.OptionalDouble(K.Arrivals.PoissonRate) ?? throw a.Error(null, K.Arrivals.PoissonRate.Name, "is required with duration_s");
            var duration = a.OptionalDouble(K.Arrivals.Duration) ?? throw a.Error(null, K.Arrivals.Duration.Name, "is required with poisson_rate_per_device_s");
            spec = Arrivals.Poisson(rate, duration);
        }
        a.RejectUnknownKeys();
        return spec;
    }

    private static LearningSpec ParseLearning(YamlSection l, string inrDevice, int frameWidth, int frameHeight, string baseDir)
    {
        var detector = new DetectorSettings(l.Int(K.Learning.Epochs), l.Int(K.Learning.Batch), l.Double(K.Learning.Lr), l.Int(K.Learning.Width), l.Bool(K.Learning.Flip));
        string? pretrained = null;
        if (l.OptionalString(K.Learning.Pretrained) is { } weights)
        {
            if (Accuracy.PretrainedModels.Problem(weights, detector.Width, frameWidth, frameHeight, baseDir) is { } problem)
                throw l.Error(l.Peek(K.Learning.Pretrained.Name), K.Learning.Pretrained.Name, problem);
            // Read now, so that weights of another width or frame size stop the run before anything is encoded.
            try { Accuracy.PretrainedModels.Read(weights, detector.Width, frameWidth, frameHeight, baseDir, "learning.width"); }
            catch (InputException e) { throw l.Error(l.Peek(K.Learning.Pretrained.Name), K.Learning.Pretrained.Name, $"{e.Reason} ({e.File})"); }
            pretrained = Accuracy.PretrainedModels.Resolve(weights, detector.Width, frameWidth, frameHeight, baseDir);
        }
        var spec = new LearningSpec(detector, l.Int(K.Learning.Seeds), l.Int(K.Learning.TestFrames), l.Enum(K.Learning.Device, inrDevice), l.Int(K.Learning.TestSequences),
            pretrained);
        l.RejectUnknownKeys();
        return spec;
    }

    private static TimingSpec ParseTiming(YamlSection? t, string baseDir)
    {
        if (t is null) return new TimingSpec(null);
        var source = t.Enum(K.Timing.Source);
        string? profile = null;
        if (source == K.Timing.Section.OnlyWhen!.Value.Value) profile = ProfileFile(t, K.Timing.Profile, t.String(K.Timing.Profile), baseDir);
        else if (t.Has(K.Timing.Profile.Name))
            throw t.Error(t.Peek(K.Timing.Profile.Name), K.Timing.Profile.Name, $"is read only with '{K.Timing.Source.Name}: profile' (the source is '{source}')");
        var fog = t.OptionalString(K.Timing.FogProfile) is { } f ? ProfileFile(t, K.Timing.FogProfile, f, baseDir) : null;
        var edge = t.OptionalString(K.Timing.EdgeProfile) is { } e ? ProfileFile(t, K.Timing.EdgeProfile, e, baseDir) : null;
        t.RejectUnknownKeys();
        return new TimingSpec(profile, fog, edge);
    }

    private static string ProfileFile(YamlSection t, Key key, string path, string baseDir)
    {
        var full = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDir, path));
        if (!System.IO.File.Exists(full)) throw new InputException(t.File, null, $"timing.{key.Name}: file '{path}' not found");
        return full;
    }

    private static (int, int) Size(YamlSection s, Key key)
    {
        var text = s.String(key);
        if (Commands.TextValues.TryPair(text, out int w, out int h) && w is >= 8 and <= 4096 && h is >= 8 and <= 4096)
            return (w, h);
        throw new InputException(s.File, null, $"{s.KeyPath(key.Name)}: '{text}' is not a size WxH between 8x8 and 4096x4096");
    }

    private static string Hint(string value, IEnumerable<string> known) =>
        YamlSection.DidYouMean(value, known) is { } best ? $" (did you mean '{best}'?)" : $" (expected one of: {string.Join(", ", known)})";
}
