using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Network.Mac;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Tests;

public class ScenarioLoaderTests
{
    /// <summary>A scenario that sets every section (shared with the schema tests).</summary>
    internal const string Full = """
        name: paper
        seed: 7
        dataset:
          synthetic: { sequences: 8, frames: 6, size: 320x180 }
        frame_size: 160x90
        frames_per_device: 5
        devices: [2, 4, 8]
        inr: { steps: 500, lr: 0.0002, batch: 4, device: cpu }
        codecs:
          jpeg: { quality: 75 }
          rapid-inr:
          residual-inr: { steps: 800, qat_steps: 100 }
        network:
          capacity_bytes_per_s: 2_000_000
          latency_s: 0.002
          downlink: broadcast
          loss_probability: 0.05
          retries: 2
          links: per-device
        strategies: [jpeg-p2p, train-fog]
        training: { epochs: 3, edge_s_per_frame_epoch: 0.02, fog_s_per_frame_epoch: 0.001, model_bytes: 5000000 }
        fog: { max_batch: 32, max_wait_s: 0.5 }
        arrivals: { rounds: 3, round_interval_s: 10 }
        timing: { source: measure }
        output: out/paper
        """;

    private static string Write(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rinr-scn-").FullName, "scenario.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void A_full_scenario_parses_with_every_field()
    {
        var path = Write(Full);
        var s = ScenarioLoader.Load(path);
        Assert.Equal(("paper", 7, 160, 90, 5), (s.Name, s.Seed, s.FrameWidth, s.FrameHeight, s.FramesPerDevice));
        Assert.Equal([2, 4, 8], s.Devices);
        Assert.Equal(8, s.Dataset.Synthetic!.Sequences);
        Assert.Equal(["jpeg-q75", "rapid-inr", "residual-inr"], s.Codecs.Select(c => c.Key));
        Assert.Equal(new JpegSettings(75), s.Codecs[0].Settings);
        Assert.Null(((InrSettings)s.Codecs[1].Settings).Steps);
        var residual = (InrSettings)s.Codecs[2].Settings;
        Assert.Equal((800, 100), (residual.Steps!.Value, residual.QatSteps!.Value));
        Assert.Equal(2_000_000, s.Network.Channel.CapacityBytesPerSecond);
        Assert.Equal((Downlink.Broadcast, Topology.PerDeviceLinks), (s.Network.Downlink, s.Network.Topology));
        Assert.Equal([SharingStrategy.JpegP2p, SharingStrategy.TrainFog], s.Strategies);
        Assert.Equal([5_000_000L], s.Training.ModelBytes);
        Assert.Equal(new FogBatching(32, 0.5), s.Fog);
        Assert.Equal(Arrivals.Rounds(3, 10), s.Arrivals);
    }

    [Fact]
    public void The_time_axis_defaults_to_one_round_and_greedy_batches_of_16_and_takes_a_poisson_process()
    {
        var s = ScenarioLoader.Load(Write("name: tiny\n"));
        Assert.Equal((FogBatching.Greedy(16), Arrivals.OneRound), (s.Fog, s.Arrivals));
        s = ScenarioLoader.Load(Write("name: tiny\narrivals: { poisson_rate_per_device_s: 2.5, duration_s: 60 }\n"));
        Assert.Equal(Arrivals.Poisson(2.5, 60), s.Arrivals);
        s = ScenarioLoader.Load(Write("name: tiny\narrivals: { round_interval_s: 5 }\n"));
        Assert.Equal(Arrivals.Rounds(1, 5), s.Arrivals);
    }

    [Fact]
    public void The_hybrid_policy_and_the_objective_are_read_with_their_defaults()
    {
        var defaults = ScenarioLoader.Load(Write("name: h\n"));
        Assert.Equal(new HybridPolicy(HybridRule.Smaller, double.PositiveInfinity, 0), defaults.Hybrid);
        Assert.Equal(new ObjectiveSpec(Minimise.Bytes, 0.02), defaults.ObjectiveOrDefault);
        Assert.Contains(SharingStrategy.Hybrid, defaults.Strategies);
        Assert.Contains(SharingStrategy.TrainAuto, defaults.Strategies);

        var s = ScenarioLoader.Load(Write("name: h\nstrategies: [hybrid, train-auto]\nhybrid: { policy: both, deadline_s: 1.5, object_psnr_loss_max_db: 2 }\n" +
            "objective: { minimise: energy, accuracy_loss_max: 0.05 }\n"));
        Assert.Equal([SharingStrategy.Hybrid, SharingStrategy.TrainAuto], s.Strategies);
        Assert.Equal(new HybridPolicy(HybridRule.Both, 1.5, 2), s.Hybrid);
        Assert.Equal(new ObjectiveSpec(Minimise.Energy, 0.05), s.Objective);
        Assert.Equal(Minimise.Time, ScenarioLoader.Load(Write("name: h\nobjective: { minimise: time }\n")).ObjectiveOrDefault.Minimise);
    }

    [Fact]
    public void Only_the_name_is_required()
    {
        var s = ScenarioLoader.Load(Write("name: tiny\ndevices: 3\n"));
        Assert.Equal([3], s.Devices);
        Assert.Equal(2_000_000, s.Network.Channel.CapacityBytesPerSecond);
        Assert.Equal(6, s.Strategies.Count); // every strategy, hybrid and train-auto included
        Assert.Equal(3, s.Codecs.Count);
    }

    [Theory]
    [InlineData("802.11g", 24, 1500, false, "devices: [3, 12]", 13)]
    [InlineData("ax", 143.4, 1000, true, "devices: 5000", DcfChannelStations)]
    public void A_mac_section_sets_the_channel_from_the_dcf_model(string standard, double rate, int payload, bool rtsCts, string devices, int stations)
    {
        var s = ScenarioLoader.Load(Write(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"name: w\n{devices}\nnetwork:\n  latency_s: 0.001\n  mac: {{ model: dcf, standard: {standard}, rate_mbps: {rate}, payload_bytes: {payload}, rts_cts: {(rtsCts ? "true" : "false")} }}\n")));
        Assert.True(WifiStandardNames.TryParse(standard, out var std));
        var expected = DcfModel.ChannelSettings(std, rate, payload, rtsCts, stations);
        Assert.Equal(expected.CapacityBytesPerSecond, s.Network.Channel.CapacityBytesPerSecond);
        Assert.Equal(expected.Efficiency!, s.Network.Channel.Efficiency!);
        Assert.Equal(0.001, s.Network.Channel.LatencySeconds);
        Assert.Equal(new MacSpec(std, rate, payload, rtsCts), s.Network.Mac);
        Assert.StartsWith($"802.11{std.ToName()} DCF (Bianchi)", s.Network.ChannelText());
        // rinr run --devices 40 re-tabulates η(n) for 41 senders.
        Assert.Equal(DcfModel.ChannelSettings(std, rate, payload, rtsCts, 41).Efficiency!, s.WithDevices([40]).Network.Channel.Efficiency!);
    }

    [Fact]
    public void Report_md_names_the_channel_model_that_ran()
    {
        var dcf = ScenarioLoader.Load(Write("name: r\nnetwork: { mac: { model: dcf, standard: 802.11g, rate_mbps: 24 } }\n"));
        var none = new Dictionary<CodecSpec, IReadOnlyList<ResidualInr.Codec.Evaluation.FrameMetrics>>();
        // S(1) = 17.5 Mb/s ('rinr channel --standard g --rate-mbps 24'); devices default to 10, so η(n) runs to n = 10 + 1 (the fog).
        Assert.StartsWith("Channel model: 802.11g DCF (Bianchi), 24 Mb/s, 1500 B payload, basic access: S(1) 2.187 MB/s, η(n) tabulated to n = 11 senders",
            ScenarioReport.Render(dcf, none, []).Split('\n').Single(l => l.StartsWith("Channel model")));
        Assert.Contains("Channel model: fixed capacity 2 MB/s, η(n) = 1.", ScenarioReport.Render(ScenarioLoader.Load(Write("name: r\n")), none, []));
    }

    /// <summary>η(n) is tabulated for at most this many senders (ScenarioKeys.Network.Mac.MaxStations).</summary>
    private const int DcfChannelStations = ScenarioKeys.Network.Mac.MaxStations;

    [Fact]
    public void An_efficiency_list_sets_the_fixed_channels_table()
    {
        var s = ScenarioLoader.Load(Write("name: e\nnetwork: { capacity_bytes_per_s: 1000, efficiency: [1, 0.9, 0.85] }\n"));
        Assert.Equal([1, 0.9, 0.85], s.Network.Channel.Efficiency!);
        Assert.Null(s.Network.Mac);
        Assert.Equal("fixed capacity 0.001 MB/s, η(n) = 1, 0.9, 0.85 (the last for more senders)", s.Network.ChannelText());
        Assert.Null(ScenarioLoader.Load(Write("name: e\n")).Network.Channel.Efficiency);
    }

    [Fact]
    public void A_target_quality_sets_the_step_cap_and_the_target_of_every_inr()
    {
        var s = ScenarioLoader.Load(Write("name: q\ninr: { steps: 300, lr: 0.002, target_psnr_db: 31.5, max_steps: 900 }\n"));
        Assert.Equal(new Codec.Siren.TrainingOptions(Steps: 900, LearningRate: 0.002, TargetPsnrDb: 31.5), s.Inr.Training);
        var plain = ScenarioLoader.Load(Write("name: q\ninr: { steps: 300 }\n"));
        Assert.Null(plain.Inr.Training.TargetPsnrDb);
        Assert.Equal(300, plain.Inr.Training.Steps);
        Assert.Equal(300, ScenarioLoader.Load(Write("name: q\ninr: { steps: 300, target_psnr_db: 30 }\n")).Inr.Training.Steps);
    }

    [Fact]
    public void A_pixel_chunk_reaches_every_inrs_training_and_is_absent_by_default()
    {
        var s = ScenarioLoader.Load(Write("name: c\ninr: { steps: 300, pixel_chunk: 1024 }\n"));
        Assert.Equal(1024, s.Inr.Training.PixelChunk);
        Assert.Contains("PixelChunk = 1024", s.Inr.Training.ToString());
        var plain = ScenarioLoader.Load(Write("name: c\n")).Inr.Training;
        Assert.Null(plain.PixelChunk);
        Assert.DoesNotContain("PixelChunk", plain.ToString()); // cache keys of scenarios without it are unchanged
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Load(Write("name: c\ninr: { pixel_chunk: 0 }\n")));
        Assert.Contains("inr.pixel_chunk", e.Message);
    }

    [Fact]
    public void Inr_recipe_subsets_lbfgs_trains_every_inr_with_the_cpu_recipe_and_adam_is_the_default()
    {
        var s = ScenarioLoader.Load(Write("name: r\ninr: { steps: 300, lr: 0.002, target_psnr_db: 30, max_steps: 1000, recipe: subsets-lbfgs }\n")).Inr.Training;
        // The scenario's lr, cap and target, with the CPU recipe's subsets, L-BFGS and fine-tuning warm-up.
        Assert.Equal(ResidualInr.Codec.Siren.TrainingOptions.FastOnCpu(1000, 30) with { LearningRate = 0.002, KeepBestOfSecondHalf = true }, s);
        Assert.Equal(ResidualInr.Codec.Siren.TrainingOptions.FastSubsetPixels, s.SubsetPixels);
        Assert.Equal(600, s.LbfgsAfter);
        var plain = ScenarioLoader.Load(Write("name: r\n")).Inr.Training;
        Assert.Null(plain.SubsetPixels);
        Assert.Null(plain.LbfgsAfter);
        Assert.Equal(0, plain.QuantisedWarmupShare);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Load(Write("name: r\ninr: { recipe: lbfgs }\n")));
        Assert.Contains("inr.recipe", e.Message);
    }

    [Fact]
    public void The_fastest_recipe_is_subsets_lbfgs_on_a_cpu_and_on_a_gpu_only_for_residual_inr()
    {
        foreach (var codec in Codec.Codecs.CodecCatalog.InrNames)
        {
            Assert.Equal(InrRecipe.SubsetsLbfgs, InrRecipes.Fastest(codec, onCpu: true));
            Assert.Equal(codec == "residual-inr" ? InrRecipe.SubsetsLbfgs : InrRecipe.Adam, InrRecipes.Fastest(codec, onCpu: false));
        }
    }

    [Fact]
    public void Inr_init_learned_starts_every_inr_from_the_shipped_initialisations_and_random_is_the_default()
    {
        var learned = ScenarioLoader.Load(Write("name: q\ninr: { steps: 300, init: learned }\n")).Inr.Training;
        Assert.Same(Codec.Siren.SirenInitSet.Default, learned.LearnedInit);
        Assert.Null(ScenarioLoader.Load(Write("name: q\ninr: { steps: 300 }\n")).Inr.Training.LearnedInit);
        Assert.Null(ScenarioLoader.Load(Write("name: q\ninr: { init: random }\n")).Inr.Training.LearnedInit);
        // Every network the INR codecs train has a shipped initialisation.
        foreach (var codec in Codec.Codecs.CodecCatalog.InrNames)
        {
            var settings = Codec.Codecs.CodecCatalog.InrSettings(codec, learned);
            Assert.True(learned.LearnedInit!.Has(settings.Background), $"{codec}: no shipped {settings.Background} initialisation");
            foreach (var shape in settings.Groups.Shapes) Assert.True(learned.LearnedInit.Has(shape), $"{codec}: no shipped {shape} initialisation");
        }
    }

    [Theory]
    [InlineData("name: x\ninr: { init: meta }\n", ":2: inr.init: 'meta' is not")]
    [InlineData("name: x\ndevcies: [2]\n", ":2: devcies: unknown key (did you mean 'devices'?)")]
    [InlineData("name: x\nnetwork:\n  capacity_byte_per_s: 5\n", ":3: network.capacity_byte_per_s: unknown key (did you mean 'capacity_bytes_per_s'?)")]
    [InlineData("name: x\ndevices: [2, many]\n", ":2: devices: 'many' is not a whole number")]
    [InlineData("name: x\ndevices: 0\n", ":2: devices: 0 is out of range")]
    [InlineData("name: x\nnetwork: { loss_probability: 1.5 }\n", ":2: network.loss_probability: 1.5 is out of range [0, 1)")]
    [InlineData("name: x\nnetwork: { latency_s: -1 }\n", "network.latency_s: -1 is out of range")]
    [InlineData("name: x\ninr: fast\n", ":2: inr: expected a mapping of keys, found a value")]
    [InlineData("name: x\ncodecs:\n  jpg: { quality: 90 }\n", ":3: codecs.jpg: unknown codec (did you mean 'jpeg'?)")]
    [InlineData("name: x\nlearning: { epoch: 5 }\n", ":2: learning.epoch: unknown key (did you mean 'epochs'?)")]
    [InlineData("name: x\nlearning: { seeds: 0 }\n", ":2: learning.seeds: 0 is out of range")]
    [InlineData("name: x\nlearning: { flip: maybe }\n", ":2: learning.flip: 'maybe' is not true or false")]
    [InlineData("name: x\nlearning: { device: gpu }\n", "learning.device: 'gpu' is not cpu or cuda")]
    [InlineData("name: x\ncodecs:\n  nerv: { qat_steps: 5 }\n", ":3: codecs.nerv.qat_steps: unknown key")]
    [InlineData("name: x\ncodecs:\n  jpeg: { quality: 101 }\n", "codecs.jpeg.quality: 101 is out of range [1, 100]")]
    [InlineData("name: x\nstrategies: [jpeg-p2q]\n", "strategies: unknown strategy 'jpeg-p2q' (did you mean 'jpeg-p2p'?)")]
    [InlineData("name: x\ndataset: { path: /definitely/not/here }\n", "dataset.path: folder '/definitely/not/here' not found")]
    [InlineData("name: x\ntiming: { source: profile, profile: nope.json }\n", "timing.profile: file 'nope.json' not found")]
    [InlineData("name: x\nframe_size: huge\n", "frame_size: 'huge' is not a size")]
    [InlineData("name: x\ntraining: { fog_batch: 8 }\n", ":2: training.fog_batch: moved to fog.max_batch")]
    [InlineData("name: x\nfog: { max_batch: 0 }\n", "fog.max_batch: 0 is out of range")]
    [InlineData("name: x\nfog: { max_wait: 1 }\n", "fog.max_wait: unknown key (did you mean 'max_wait_s'?)")]
    [InlineData("name: x\narrivals: { rounds: 2, duration_s: 5 }\n", "arrivals: give either rounds")]
    [InlineData("name: x\narrivals: { poisson_rate_per_device_s: 2 }\n", "arrivals.duration_s: is required")]
    [InlineData("name: x\narrivals: { rounds: 0 }\n", "arrivals.rounds: 0 is out of range")]
    [InlineData("name: x\ntiming: { edge: nope.json }\n", "timing.edge: file 'nope.json' not found")]
    [InlineData("name: x\ntiming: { profile: p.json }\n", ":2: timing.profile: is read only with 'source: profile' (the source is 'measure')")]
    [InlineData("name: x\nnetwork:\n  capacity_bytes_per_s: 5\n  mac: { model: dcf, standard: 802.11g, rate_mbps: 24 }\n",
        ":4: network.mac: give either network.mac (an 802.11 MAC model) or network.capacity_bytes_per_s (a fixed channel), not both")]
    [InlineData("name: x\nnetwork:\n  mac: { model: dcf, standard: g, rate_mbps: 24 }\n  efficiency: [1, 0.9]\n", ":3: network.mac: give either network.mac (an 802.11 MAC model) or network.efficiency")]
    [InlineData("name: x\nnetwork:\n  mac: { model: dcf, standard: 802.11g, rate_mbps: 25 }\n", ":3: network.mac.rate_mbps: 802.11g has no 25 Mb/s rate (expected one of 6, 9, 12, 18, 24, 36, 48, 54)")]
    [InlineData("name: x\nnetwork:\n  mac: { model: edca, standard: g, rate_mbps: 24 }\n", "network.mac.model: 'edca' is not dcf")]
    [InlineData("name: x\nnetwork:\n  mac: { model: dcf, standard: 802.11z, rate_mbps: 24 }\n", "network.mac.standard: '802.11z' is not 802.11b")]
    [InlineData("name: x\nnetwork:\n  mac: { model: dcf, rate_mbps: 24 }\n", "network.mac.standard: is required")]
    [InlineData("name: x\nnetwork:\n  mac: { model: dcf, standard: g, rate_mbps: 24, payload_bytes: 2305 }\n", "network.mac.payload_bytes: 2305 is out of range [1, 2304]")]
    [InlineData("name: x\nnetwork: { efficiency: [1, 0] }\n", ":2: network.efficiency: 0 is out of range (0, 1]")]
    [InlineData("name: x\nhybrid: { policy: cheapest }\n", ":2: hybrid.policy: 'cheapest' is not smaller, deadline or both")]
    [InlineData("name: x\nhybrid: { policy: deadline }\n", ":2: hybrid.deadline_s: is required with policy: deadline")]
    [InlineData("name: x\nhybrid:\n  policy: smaller\n  deadline_s: 2\n", ":4: hybrid.deadline_s: applies only to policy deadline or both, not smaller")]
    [InlineData("name: x\nhybrid: { policy: both, deadline_s: -1 }\n", "hybrid.deadline_s: -1 is out of range")]
    [InlineData("name: x\nhybrid: { object_psnr_loss_max_db: -0.5 }\n", "hybrid.object_psnr_loss_max_db: -0.5 is out of range")]
    [InlineData("name: x\nobjective: { minimise: money }\n", ":2: objective.minimise: 'money' is not bytes, time or energy")]
    [InlineData("name: x\nobjective: { accuracy_loss_max: 2 }\n", "objective.accuracy_loss_max: 2 is out of range [0, 1]")]
    [InlineData("name: x\nstrategies: [hybird]\n", "strategies: unknown strategy 'hybird' (did you mean 'hybrid'?)")]
    [InlineData("name: x\ninr: { max_steps: 500 }\n", ":2: inr.max_steps: caps the steps of a target quality: set target_psnr_db too")]
    [InlineData("name: x\ninr: { target_psnr_db: 0 }\n", ":2: inr.target_psnr_db: 0 is out of range")]
    [InlineData("seed: 3\n", "name: is required")]
    [InlineData("name: x\ndevices: [2, 4\n", "malformed YAML")]
    [InlineData("- just\n- a list\n", "a scenario is a mapping")]
    public void Bad_scenarios_name_file_line_key_and_reason(string yaml, string expected)
    {
        var path = Write(yaml);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Load(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void A_missing_scenario_file_is_an_input_error()
        => Assert.Contains("scenario file not found", Assert.Throws<InputException>(() => ScenarioLoader.Load("/no/such.yaml")).Message);
}

public class ShippedScenarioTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ResidualInr.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ResidualInr.sln not found above the test binaries");
    }

    [Theory]
    [InlineData("quickstart")]
    [InlineData("paper-10-devices")]
    [InlineData("device-sweep")]
    [InlineData("fog-vs-edge")]
    [InlineData("accuracy")]
    [InlineData("hybrid")]
    public void Every_shipped_scenario_is_valid_and_has_committed_results(string name)
    {
        var root = RepoRoot();
        var scenario = ScenarioLoader.Load(Path.Combine(root, "scenarios", name + ".yaml"));
        Assert.Equal(name, scenario.Name);
        string[] expected = scenario.Learning is null
            ? ["summary.csv", "codecs.csv", "report.md", "bytes_on_air.png"]
            : ["summary.csv", "codecs.csv", "report.md", "bytes_on_air.png", "accuracy.csv", "accuracy_summary.csv", "accuracy_vs_bytes.png"];
        foreach (var file in expected)
            Assert.True(File.Exists(Path.Combine(root, "results", name, file)), $"results/{name}/{file} is missing");
    }
}
