using System.Globalization;
using ResidualInr.Cli.Codecs;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Learning.Training;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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
        try
        {
            using var reader = new StreamReader(file);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InputException(file, (int)e.Start.Line, $"malformed YAML: {e.Message.Split('\n')[0]}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException(file, 1, "a scenario is a mapping of keys (name:, dataset:, devices:, ...)");
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return Parse(new YamlSection(file, "", root), baseDir);
    }

    private static Scenario Parse(YamlSection s, string baseDir)
    {
        var name = s.String("name");
        int seed = s.Int("seed", 1);
        var dataset = ParseDataset(s.Section("dataset"), s, baseDir);
        var (fw, fh) = Size(s, "frame_size", "160x90");
        int frames = s.Int("frames_per_device", 4, min: 1);
        var devices = s.IntList("devices", [10], min: 1);
        var inr = ParseInr(s.Section("inr"));
        var codecs = ParseCodecs(s.Section("codecs"), s);
        var network = ParseNetwork(s.Section("network"));
        var strategies = s.StringList("strategies", SharingStrategyNames.All).Select(n =>
            SharingStrategyNames.TryParse(n, out var st) ? st
                : throw new InputException(s.File, null, $"strategies: unknown strategy '{n}'{Hint(n, SharingStrategyNames.All)}")).ToList();
        var training = ParseTraining(s.Section("training"));
        var timing = ParseTiming(s.Section("timing"), baseDir);
        var learning = s.Section("learning") is { } l ? ParseLearning(l, inr.Device) : null;
        var output = s.String("output", Path.Combine("out", name));
        s.RejectUnknownKeys();
        return new Scenario(s.File, name, seed, dataset, fw, fh, frames, devices, codecs, inr, network, strategies, training, timing, learning, output);
    }

    private static DatasetSpec ParseDataset(YamlSection? d, YamlSection root, string baseDir)
    {
        if (d is null) return new DatasetSpec(new SyntheticOptions(), null, null);
        var synthetic = d.Section("synthetic");
        var path = d.OptionalString("path");
        var format = d.OptionalString("format");
        if ((synthetic is null) == (path is null))
            throw new InputException(d.File, null, "dataset: give exactly one of 'synthetic' or 'path'");
        DatasetSpec spec;
        if (synthetic is not null)
        {
            var (w, h) = Size(synthetic, "size", "320x180");
            var options = new SyntheticOptions(synthetic.Int("sequences", 4, 1, 10_000), synthetic.Int("frames", 4, 1, 100_000), w, h,
                synthetic.Int("seed", 1));
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
                catch (InputException) { throw new InputException(d.File, null, $"dataset.format: '{format}' is not otb, uav123 or dacsdc"); }
            }
            spec = new DatasetSpec(null, full, fmt);
        }
        d.RejectUnknownKeys();
        return spec;
    }

    private static InrSpec ParseInr(YamlSection? i)
    {
        if (i is null) return new InrSpec(300, 1e-3, 8, "cpu");
        var spec = new InrSpec(i.Int("steps", 300, 1), i.Double("lr", 1e-3, min: 1e-9, max: 1), i.Int("batch", 8, 1), i.String("device", "cpu"));
        if (spec.Device is not ("cpu" or "cuda")) throw new InputException(i.File, null, $"inr.device: '{spec.Device}' is not cpu or cuda");
        i.RejectUnknownKeys();
        return spec;
    }

    private static IReadOnlyList<CodecSpec> ParseCodecs(YamlSection? c, YamlSection root)
    {
        if (c is null) return new[] { "jpeg", "rapid-inr", "residual-inr" }.Select(id => CodecRegistry.Get(id)).Select(d => new CodecSpec(d, d.DefaultSettings)).ToList();
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

    private static NetworkSpec ParseNetwork(YamlSection? n)
    {
        if (n is null) return new NetworkSpec(new ChannelSettings(), Downlink.Unicast, Topology.SharedChannel);
        var channel = new ChannelSettings(
            n.Double("capacity_bytes_per_s", 2_000_000, min: 1),
            n.Double("latency_s", 0, min: 0),
            n.Double("loss_probability", 0, min: 0, max: 1, maxInclusive: false),
            n.Int("retries", 3, 0, 1000));
        var downlink = n.String("downlink", "unicast") switch
        {
            "unicast" => Downlink.Unicast,
            "broadcast" => Downlink.Broadcast,
            var other => throw new InputException(n.File, null, $"network.downlink: '{other}' is not unicast or broadcast"),
        };
        var topology = n.String("links", "shared") switch
        {
            "shared" => Topology.SharedChannel,
            "per-device" => Topology.PerDeviceLinks,
            var other => throw new InputException(n.File, null, $"network.links: '{other}' is not shared or per-device"),
        };
        n.RejectUnknownKeys();
        return new NetworkSpec(channel, downlink, topology);
    }

    private static TrainingSpec ParseTraining(YamlSection? t)
    {
        if (t is null) return new TrainingSpec(1, 0.01, 0.001, [6_000_000], 16);
        var spec = new TrainingSpec(t.Int("epochs", 1, 1), t.Double("edge_s_per_frame_epoch", 0.01, min: 0), t.Double("fog_s_per_frame_epoch", 0.001, min: 0),
            t.LongList("model_bytes", [6_000_000], min: 0), t.Int("fog_batch", 16, 1));
        t.RejectUnknownKeys();
        return spec;
    }

    private static LearningSpec ParseLearning(YamlSection l, string inrDevice)
    {
        var defaults = new DetectorSettings();
        var detector = new DetectorSettings(l.Int("epochs", defaults.Epochs, 1, 100_000), l.Int("batch", defaults.BatchSize, 1, 4096),
            l.Double("lr", defaults.LearningRate, min: 1e-9, max: 1), l.Int("width", defaults.Width, 1, 256), l.Bool("flip", defaults.Flip));
        var spec = new LearningSpec(detector, l.Int("seeds", 3, 1, 1000), l.Int("test_frames", 512, 1), l.String("device", inrDevice));
        if (spec.Device is not ("cpu" or "cuda")) throw new InputException(l.File, null, $"learning.device: '{spec.Device}' is not cpu or cuda");
        l.RejectUnknownKeys();
        return spec;
    }

    private static TimingSpec ParseTiming(YamlSection? t, string baseDir)
    {
        if (t is null) return new TimingSpec(null);
        var source = t.String("source", "measure");
        string? profile = null;
        if (source == "profile")
        {
            var path = t.String("profile");
            profile = Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDir, path));
            if (!System.IO.File.Exists(profile)) throw new InputException(t.File, null, $"timing.profile: file '{path}' not found");
        }
        else if (source != "measure") throw new InputException(t.File, null, $"timing.source: '{source}' is not measure or profile");
        t.RejectUnknownKeys();
        return new TimingSpec(profile);
    }

    private static (int, int) Size(YamlSection s, string key, string fallback)
    {
        var text = s.String(key, fallback);
        if (Commands.TextValues.TryPair(text, out int w, out int h) && w is >= 8 and <= 4096 && h is >= 8 and <= 4096)
            return (w, h);
        throw new InputException(s.File, null, $"{s.KeyPath(key)}: '{text}' is not a size WxH between 8x8 and 4096x4096");
    }

    private static string Hint(string value, IEnumerable<string> known) =>
        YamlSection.DidYouMean(value, known) is { } best ? $" (did you mean '{best}'?)" : $" (expected one of: {string.Join(", ", known)})";
}
