using ResidualInr.Codec.Codecs;
using ResidualInr.Learning.Training;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>What a scenario key holds.</summary>
public enum KeyKind
{
    Int,
    Long,
    Double,
    Bool,
    /// <summary>Non-empty text.</summary>
    String,
    /// <summary>One of <see cref="Key.Allowed"/> (or an alias).</summary>
    Enum,
    /// <summary>WxH in pixels, each side in [8, 4096].</summary>
    Size,
    /// <summary>A mapping of the keys in <see cref="Key.Section"/>.</summary>
    Section,
    /// <summary>A mapping keyed by codec name; each codec's settings are declared by its descriptor (<see cref="Codecs.CodecDescriptor.SettingKeys"/>).</summary>
    CodecMap,
}

/// <summary>
/// One scenario key, declared once: the loader reads and validates it through <see cref="KeyReads"/>
/// and <see cref="ScenarioSchema"/> turns the same declaration into JSON Schema.
/// </summary>
/// <param name="Default">Value when the key is absent: int, long, double, bool, string or (for lists) an array; null when there is none or it is computed (then <see cref="DefaultNote"/> says how).</param>
public sealed record Key(string Name, KeyKind Kind, string Description)
{
    public object? Default { get; init; }
    public string? DefaultNote { get; init; }
    public bool Required { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public bool MinExclusive { get; init; }
    public bool MaxExclusive { get; init; }
    /// <summary>For <see cref="KeyKind.Enum"/>: the documented values.</summary>
    public IReadOnlyList<string> Allowed { get; init; } = [];
    /// <summary>For <see cref="KeyKind.Enum"/>: other spellings the loader also accepts.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>A single value or a list of them (<c>devices: 8</c> or <c>devices: [2, 4, 8]</c>).</summary>
    public bool ListOrSingle { get; init; }
    public Section? Section { get; init; }

    public static Key Int(string name, int? @default, string description, int? min = null, int? max = null) =>
        new(name, KeyKind.Int, description) { Default = @default, Min = min, Max = max };
    public static Key Double(string name, double? @default, string description, double? min = null, double? max = null, bool maxExclusive = false) =>
        new(name, KeyKind.Double, description) { Default = @default, Min = min, Max = max, MaxExclusive = maxExclusive };
    public static Key Bool(string name, bool @default, string description) => new(name, KeyKind.Bool, description) { Default = @default };
    public static Key String(string name, string? @default, string description) => new(name, KeyKind.String, description) { Default = @default };
    public static Key Enum(string name, string? @default, string description, params string[] allowed) =>
        new(name, KeyKind.Enum, description) { Default = @default, Allowed = allowed };
    public static Key Size(string name, string @default, string description) => new(name, KeyKind.Size, description) { Default = @default };
    public static Key Of(Section section) => new(section.Name, KeyKind.Section, section.Description) { Section = section };

    public int IntMin => Min is { } m ? (int)m : int.MinValue;
    public int IntMax => Max is { } m ? (int)m : int.MaxValue;
    public long LongMin => Min is { } m ? (long)m : long.MinValue;
    public long LongMax => Max is { } m ? (long)m : long.MaxValue;

    /// <summary>"[1, 1000]", "[0, 1)", "(0, 1]", "[1, inf)": the range error messages quote.</summary>
    public string RangeText => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{(MinExclusive ? "(" : "[")}{(Min is { } lo ? lo.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "-inf")}, {(Max is { } hi ? hi.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "inf")}{(MaxExclusive || Max is null ? ")" : "]")}");

    /// <summary>Whether <paramref name="value"/> is a finite number within <see cref="Min"/> and <see cref="Max"/>.</summary>
    public bool InRange(double value) =>
        double.IsFinite(value) && (Min is not { } lo || (MinExclusive ? value > lo : value >= lo)) && (Max is not { } hi || (MaxExclusive ? value < hi : value <= hi));

    /// <summary>"a or b", "a, b or c": how error messages list <see cref="Allowed"/>.</summary>
    public string AllowedText => Allowed.Count <= 1 ? string.Join("", Allowed)
        : $"{string.Join(", ", Allowed.Take(Allowed.Count - 1))} or {Allowed[^1]}";

    public override string ToString() => Name;
}

/// <summary>A mapping of keys: the root, or one section such as <c>network:</c>.</summary>
/// <param name="ExactlyOneOf">Keys of which exactly one must be given (dataset: synthetic or path).</param>
/// <param name="OnlyWhen">(key, value, dependent): the dependent key is read, and required, only when key has that value.</param>
public sealed record Section(string Name, string Description, IReadOnlyList<Key> Keys)
{
    public IReadOnlyList<string> ExactlyOneOf { get; init; } = [];
    /// <summary>key: keys that must be given with it (JSON Schema's dependentRequired).</summary>
    public IReadOnlyDictionary<string, string[]> DependentRequired { get; init; } = new Dictionary<string, string[]>();
    public (string Key, string Value, string Dependent)? OnlyWhen { get; init; }
    /// <summary>Groups of keys of which at most one may be given (network: mac or capacity_bytes_per_s); JSON Schema's not-required.</summary>
    public IReadOnlyList<string[]> NotTogether { get; init; } = [];
}

/// <summary>
/// Every scenario key, grouped per section, with its type, default, range and a one-line description.
/// scenarios/README.md documents the same keys for people; scenarios/scenario.schema.json is generated from these.
/// </summary>
public static class ScenarioKeys
{
    /// <summary>
    /// Bounds that keep the simulator's arithmetic and memory safe, shared by scenario keys and command-line options:
    /// device counts and frames per device stay far from int overflow (N x F is checked again by
    /// SimulationConfig.Validate; the work a sweep would do is bounded by Sweeps.WorkEstimate), a payload or model is at
    /// most 2^40 bytes (1 TiB, so byte totals of any sweep that fits in memory stay far from 2^63), and every
    /// duration is at most a day.
    /// </summary>
    public const int MaxDevices = 1_000_000, MaxFrames = 1_000_000, MaxEpochs = 1_000_000;
    public const long MaxPayloadBytes = 1L << 40;
    public const double MaxSeconds = 86_400;

    public static class Synthetic
    {
        public static readonly Key Sequences = Key.Int("sequences", 4, "Sequences to generate; sequence k aims at INR size group (k mod 4) + 1.", 1, 10_000);
        public static readonly Key Frames = Key.Int("frames", 4, "Frames per sequence.", 1, 100_000);
        public static readonly Key Size = Key.Size("size", "320x180", "Generated frame size WxH, pixels.");
        public static readonly Key Seed = Key.Int("seed", 1, "Seed of the generator.");
        public static readonly Section Section = new("synthetic", "The embedded synthetic dataset generator.", [Sequences, Frames, Size, Seed]);

        /// <summary>At most a million generated frames in all (each range alone would allow 1e9, and sequences x frames overflowed an int).</summary>
        public const long MaxTotalFrames = 1_000_000;

        public static void CheckTotal(int sequences, int frames, string what)
        {
            if ((long)sequences * frames > MaxTotalFrames)
                throw new Imaging.InputException($"{what}: {sequences} x {frames} = {(long)sequences * frames:N0} frames, over the {MaxTotalFrames:N0} the generator makes");
        }
    }

    public static class Dataset
    {
        public static readonly Key Synthetic = Key.Of(ScenarioKeys.Synthetic.Section);
        public static readonly Key Path = Key.String("path", null, "A dataset folder, relative to the scenario file.");
        public static readonly Key Format = Key.Enum("format", null, "Dataset layout; detected when omitted.", "otb", "uav123", "dacsdc")
            with { Aliases = ["otb100", "uav", "dac-sdc"] };
        public static readonly Section Section = new("dataset", "Exactly one of 'synthetic' or 'path' (default: the synthetic dataset).", [Synthetic, Path, Format])
        {
            ExactlyOneOf = ["synthetic", "path"],
        };
    }

    public static class Inr
    {
        public static readonly Key Steps = Key.Int("steps", 300, "Adam steps per INR (the reference uses 10,000).", 1);
        public static readonly Key Lr = Key.Double("lr", 1e-3, "Adam learning rate, cosine-annealed (reference 2e-4).", 1e-9, 1);
        public static readonly Key Batch = Key.Int("batch", 8, "Frames trained together in one stacked step.", 1);
        public static readonly Key Device = Key.Enum("device", "cpu", "Where INRs train.", "cpu", "cuda");
        public static readonly Key TargetPsnrDb = Key.Double("target_psnr_db", null, "Target quality: each frame's INRs stop training as soon as they reach this PSNR (dB), and leave the batch.", 1, 200);
        public static readonly Key MaxSteps = Key.Int("max_steps", null, "With target_psnr_db: the most Adam steps an INR may take (the cosine schedule runs over them).", 1) with { DefaultNote = "steps" };
        public static readonly Key Init = Key.Enum("init", "random", "Where every INR starts: 'random' (the reference's SIREN initialisation) or 'learned' (the shipped initialisation of its shape, " +
                                                   "models/siren-init-*.bin, made by rinr meta-train: the same networks and bytes, fewer steps to a quality).", "random", "learned");
        public static readonly Key PixelChunk = Key.Int("pixel_chunk", null, "Pixels per forward-and-backward pass within a training step (the same gradient, summed in another order): " +
                                                        "about 1024 keeps a CPU's activations in cache, about 1.3x faster at 160x90 (results/benchmarks.md); omitted: whole frames.", 1)
            with { DefaultNote = "whole frames" };
        public static readonly Key Recipe = Key.Enum("recipe", "adam", "How every INR trains: 'adam' (Adam throughout, as the reference) or 'subsets-lbfgs' (the CPU's fast recipe of " +
                                                     "rinr bench convergence: the first 60% of each fit's steps on 900 random pixels, then L-BFGS for the float fits, the 8-bit " +
                                                     "fine-tuning warmed up over 5% of its steps; about 10x faster to a quality on a CPU for rapid-inr, results/benchmarks.md).",
                                                     "adam", "subsets-lbfgs");
        public static readonly Section Section = new("inr", "Defaults for every INR codec.", [Steps, Lr, Batch, Device, TargetPsnrDb, MaxSteps, Init, PixelChunk, Recipe]);
    }

    public static class Network
    {
        public static readonly Key Capacity = Key.Double("capacity_bytes_per_s", 2_000_000, "Channel capacity C, bytes/s (the table model; not with 'mac').", 1);
        public static readonly Key Efficiency = new Key("efficiency", KeyKind.Double,
            "eta(n): the share of C that n active senders get in total; entry i is for n = i + 1, the last holds for more (the table model; not with 'mac').")
        {
            DefaultNote = "1 for every n",
            Min = 0,
            MinExclusive = true,
            Max = 1,
            ListOrSingle = true,
        };
        public static readonly Key Latency = Key.Double("latency_s", 0, "Set-up time per transmission attempt, s.", 0, MaxSeconds);
        public static readonly Key LossProbability = Key.Double("loss_probability", 0, "Probability that an attempt is lost.", 0, 1, maxExclusive: true);
        public static readonly Key Retries = Key.Int("retries", 3, "Resends before a transfer counts as lost.", 0, 1000);
        public static readonly Key Downlink = Key.Enum("downlink", "unicast", "How the fog sends to the devices.", "unicast", "broadcast");
        public static readonly Key BroadcastRepair = Key.Enum("broadcast_repair", "none",
            "What a broadcast's receivers that missed it do: none (802.11: lost for them) or nack (they ask again; the sender unicasts it to each, with retries).",
            "none", "nack");
        public static readonly Key Links = Key.Enum("links", "shared", "shared: one collision domain; per-device: a link per device to the fog.", "shared", "per-device");
        public static readonly Key MacKey = Key.Of(Mac.Section);
        public static readonly Section Section = new("network", "The wireless channel: a fixed capacity (capacity_bytes_per_s, efficiency) or a MAC model (mac).",
            [Capacity, Efficiency, MacKey, Latency, LossProbability, Retries, Downlink, BroadcastRepair, Links])
        {
            NotTogether = [["mac", "capacity_bytes_per_s"], ["mac", "efficiency"]],
        };

        /// <summary>network.mac: the channel's capacity and eta(n) from a MAC model instead of capacity_bytes_per_s and efficiency.</summary>
        public static class Mac
        {
            /// <summary>
            /// eta(n) is tabulated for n = 1 .. min(largest device count + 1, MaxStations) active senders (the devices and
            /// the fog); the last entry holds for more. Past a thousand stations eta(n) changes by well under 1% per
            /// hundred more, and the table costs a fixed-point solve per entry.
            /// </summary>
            public const int MaxStations = 1024;

            public static int Stations(int largestDevices) => (int)Math.Min((long)largestDevices + 1, MaxStations);

            /// <summary>The spellings of each standard the scenario accepts: 802.11g (documented), 11g and g.</summary>
            private static readonly string[] Standards = Simulation.Network.Mac.WifiStandardNames.All.Select(n => $"802.11{n}").ToArray();

            public static readonly Key Model = Key.Enum("model", null, "dcf: 802.11 DCF saturation throughput from Bianchi's model (what 'rinr channel' prints).", "dcf")
                with { Required = true };
            public static readonly Key Standard = Key.Enum("standard", null, "The 802.11 standard (20 MHz, one spatial stream, long GI).", Standards)
                with { Required = true, Aliases = Simulation.Network.Mac.WifiStandardNames.All.SelectMany(n => new[] { $"11{n}", n }).ToArray() };
            public static readonly Key RateMbps = Key.Double("rate_mbps", null, "PHY rate of data frames, Mb/s: one the standard has ('rinr channel' lists them).", 1, 1000)
                with { Required = true };
            public static readonly Key PayloadBytes = Key.Int("payload_bytes", 1500, "Payload (MSDU) bytes per 802.11 frame.", 1, Simulation.Network.Mac.DcfModel.MaxPayloadBytes);
            public static readonly Key RtsCts = Key.Bool("rts_cts", false, "RTS/CTS before every data frame instead of basic access.");
            public static readonly Section Section = new("mac",
                "The channel's capacity S(1) and efficiency eta(n) = S(n)/S(1) from an 802.11 MAC model; instead of capacity_bytes_per_s and efficiency.",
                [Model, Standard, RateMbps, PayloadBytes, RtsCts]);
        }
    }

    public static class Training
    {
        public static readonly Key Epochs = Key.Int("epochs", 1, "Training epochs in the simulation.", 1, MaxEpochs);
        public static readonly Key EdgeSeconds = Key.Double("edge_s_per_frame_epoch", 0.01, "Device training time per frame per epoch, s (a learning stage's measured time per codec replaces it).", 0, MaxSeconds);
        public static readonly Key FogSeconds = Key.Double("fog_s_per_frame_epoch", 0.001, "Fog GPU training time per frame per epoch, s.", 0, MaxSeconds);
        public static readonly Key ModelBytes = new Key("model_bytes", KeyKind.Long, "M: the model the fog sends in train-fog; a list sweeps it.")
        {
            Default = new long[] { 6_000_000 },
            Min = 0,
            Max = MaxPayloadBytes,
            ListOrSingle = true,
        };
        /// <summary>Not a key any more: moved to fog.max_batch. Named here so the loader can say so.</summary>
        public const string FogBatchMoved = "fog_batch";
        public static readonly Section Section = new("training", "Training times and the model size for the simulation.", [Epochs, EdgeSeconds, FogSeconds, ModelBytes]);
    }

    public static class Fog
    {
        public static readonly Key MaxBatch = Key.Int("max_batch", 16, "Most frames in one fog INR-encode batch (was training.fog_batch).", 1, MaxFrames);
        public static readonly Key MaxWait = Key.Double("max_wait_s", 0, "Longest the oldest waiting frame is held back to fill a batch, s; 0 is greedy (start whenever the GPU is free).", 0, MaxSeconds);
        public static readonly Section Section = new("fog", "How the fog node forms its INR-encode batches.", [MaxBatch, MaxWait]);
    }

    public static class Arrivals
    {
        public static readonly Key Rounds = Key.Int("rounds", 1, "Rounds: every device captures frames_per_device frames at the start of each round.", 1, MaxFrames);
        public static readonly Key RoundInterval = Key.Double("round_interval_s", 0, "Seconds between the starts of two rounds.", 0, MaxSeconds);
        public static readonly Key PoissonRate = Key.Double("poisson_rate_per_device_s", null, "Instead of rounds: each device captures frames as a Poisson process of this rate, frames/s (frames_per_device is then unused).", 1e-12, 1e6);
        public static readonly Key Duration = Key.Double("duration_s", null, "With poisson_rate_per_device_s: frames are captured over [0, duration_s), s.", 1e-12, MaxSeconds);
        public static readonly Section Section = new("arrivals",
            "When devices capture frames: rounds (rounds, round_interval_s) or a Poisson process (poisson_rate_per_device_s, duration_s); default one round.",
            [Rounds, RoundInterval, PoissonRate, Duration])
        {
            ExactlyOneOf = ["rounds", "poisson_rate_per_device_s"],
            DependentRequired = new Dictionary<string, string[]>
            {
                ["round_interval_s"] = ["rounds"],
                ["poisson_rate_per_device_s"] = ["duration_s"],
                ["duration_s"] = ["poisson_rate_per_device_s"],
            },
        };
    }

    /// <summary>The powers energy is counted at, W; defaults and their published sources in scenarios/README.md ("Energy").</summary>
    public static class Energy
    {
        public const double MaxWatts = 100_000;
        public static readonly Key RadioTx = Key.Double("radio_tx_w", EnergyPowers.DefaultRadioTxWatts, "A device's radio while its attempts are on the air, W.", 0, MaxWatts);
        public static readonly Key RadioRx = Key.Double("radio_rx_w", EnergyPowers.DefaultRadioRxWatts, "A device's radio while a transfer addressed to it is on the air, W.", 0, MaxWatts);
        public static readonly Key RadioIdle = Key.Double("radio_idle_w", EnergyPowers.DefaultRadioIdleWatts, "A device's radio otherwise, until its training is done, W.", 0, MaxWatts);
        public static readonly Key EdgeCompute = Key.Double("edge_compute_w", EnergyPowers.DefaultEdgeComputeWatts, "A device while it decodes or trains, W.", 0, MaxWatts);
        public static readonly Key FogCompute = Key.Double("fog_compute_w", EnergyPowers.DefaultFogComputeWatts, "The fog's GPU while it encodes or trains, W.", 0, MaxWatts);
        public static readonly Section Section = new("energy", "Powers for the energy figures (energy_j): radio transmit, receive and idle, edge and fog compute.",
            [RadioTx, RadioRx, RadioIdle, EdgeCompute, FogCompute]);
    }

    /// <summary>The hybrid strategy's per-frame choice between forwarding the JPEG and sending the INR payload (HybridPolicy).</summary>
    public static class Hybrid
    {
        public const double MaxPsnrDb = 1000;
        public static readonly Key Policy = Key.Enum("policy", "smaller",
            "smaller: the INR payload when it has fewer bytes than the JPEG at equal or better object PSNR; deadline: the INR payload unless it is predicted to reach its last receiver later than deadline_s after capture; both: the INR payload only when smaller and in time.",
            "smaller", "deadline", "both");
        public static readonly Key Deadline = Key.Double("deadline_s", null,
            "With policy deadline or both: seconds after capture by which the INR payload must be predicted to reach every receiver, else the JPEG goes.", 0, MaxSeconds)
            with { DefaultNote = "required with policy deadline or both" };
        public static readonly Key PsnrLoss = Key.Double("object_psnr_loss_max_db", 0,
            "With policy smaller or both: how far below the JPEG's object PSNR a smaller INR payload's may be and still be sent, dB (0: equal or better).", 0, MaxPsnrDb);
        public static readonly Section Section = new("hybrid", "How the hybrid strategy's fog picks each frame's payload: the JPEG it received or the INR payload.",
            [Policy, Deadline, PsnrLoss]);
    }

    /// <summary>What the report's recommendation, and train-auto's choice, minimise.</summary>
    public static class Objective
    {
        public static readonly Key Minimise = Key.Enum("minimise", "bytes",
            "What the recommendation minimises among the strategies within accuracy_loss_max of the most accurate, and what train-auto minimises: bytes on air, completion time or energy.",
            "bytes", "time", "energy");
        public static readonly Key AccuracyLossMax = Key.Double("accuracy_loss_max", 0.02,
            "The most mAP50-95 (absolute, 0-1) a recommended strategy may lose against the most accurate one at the same N (needs a learning stage; without one accuracy is not compared).", 0, 1);
        public static readonly Section Section = new("objective", "The designer's priority: what the recommendation in report.md (and train-auto) minimises, and the accuracy it may give up.",
            [Minimise, AccuracyLossMax]);
    }

    public static class Learning
    {
        private static readonly DetectorSettings Defaults = new();
        public static readonly Key Epochs = Key.Int("epochs", Defaults.Epochs, "Detector epochs (the same schedule for every codec).", 1, 100_000);
        public static readonly Key Batch = Key.Int("batch", Defaults.BatchSize, "Frames per training step.", 1, 4096);
        public static readonly Key Lr = Key.Double("lr", Defaults.LearningRate, "Adam learning rate, 5% linear warm-up then cosine.", 1e-9, 1);
        public static readonly Key Width = Key.Int("width", Defaults.Width, "Channels of the detector's first block.", 1, 256);
        public static readonly Key Flip = Key.Bool("flip", Defaults.Flip, "Random left-right mirroring.");
        /// <summary>Five: with three, a bootstrap over seeds has only ten distinct draws, too coarse for an interval.</summary>
        public const int DefaultSeeds = 5;
        public static readonly Key Seeds = Key.Int("seeds", DefaultSeeds, "Detectors per codec (seeds seed, seed+1, ...); means, std and the bootstrap intervals are over these.", 1, 1000);
        public static readonly Key TestFrames = Key.Int("test_frames", 512, "At most this many held-out frames, spread evenly.", 1);
        public static readonly Key TestSequences = Key.Int("test_sequences", 0,
            "Hold out the dataset's last K sequences whole: no codec encodes them and the detector is tested on their frames only (unseen scenes). 0: test on the frames of the encoded sequences that no codec encoded.", 0, 100_000);
        public static readonly Key Device = Key.Enum("device", null, "Where the detector trains; INR payloads decode there each epoch.", "cpu", "cuda")
            with { DefaultNote = "inr.device" };
        public static readonly Key Pretrained = Key.String("pretrained", null,
            "Fine-tune every detector (each codec's and the originals') from these weights: 'default' (the shipped models/detector-WIDTH-WxH.pt for learning.width and frame_size) or a file written by 'rinr pretrain', relative to the scenario file. Unset: from random weights.");
        public static readonly Section Section = new("learning", "The learning stage: a detector per codec and seed; without it there is no accuracy.",
            [Epochs, Batch, Lr, Width, Flip, Seeds, TestFrames, TestSequences, Device, Pretrained]);
    }

    public static class Timing
    {
        public static readonly Key Source = Key.Enum("source", "measure", "measure: time the encodes on this machine now; profile: read 'profile'.", "measure", "profile");
        public static readonly Key Profile = Key.String("profile", null, "A timing profile written by 'rinr bench --out' or an earlier run, relative to the scenario file.");
        public static readonly Key FogProfile = Key.String("fog", null, "A profile of the fog's hardware (rinr bench --role fog): its encode batch costs and fog training time replace the measured or 'profile' ones.");
        public static readonly Key EdgeProfile = Key.String("edge", null, "A profile of the edge devices' hardware (rinr bench --role edge): its decode times and edge training time replace the measured or 'profile' ones.");
        public static readonly Section Section = new("timing", "Where encode and decode timings come from; 'fog' and 'edge' give each role its own hardware.", [Source, Profile, FogProfile, EdgeProfile])
        {
            OnlyWhen = ("source", "profile", "profile"),
        };
    }

    public static readonly Key Name = new("name", KeyKind.String, "Names the scenario and its default output folder.") { Required = true };
    public static readonly Key Seed = Key.Int("seed", 1, "INR initialisation and the simulator's loss draws.");
    public static readonly Key FrameSize = Key.Size("frame_size", "160x90", "Frames are resized to this before encoding, pixels.");
    public static readonly Key FramesPerDevice = Key.Int("frames_per_device", 4, "F: new frames per device per round; also frames encoded per sequence.", 1, MaxFrames);
    public static readonly Key Devices = new("devices", KeyKind.Int, "Device counts: one or a list to sweep.") { Default = new[] { 10 }, Min = 1, Max = MaxDevices, ListOrSingle = true };
    public static readonly Key Codecs = new("codecs", KeyKind.CodecMap, "Codecs to compare, name: settings (empty for the defaults); JPEG is always needed.")
    {
        Default = new[] { "jpeg", "rapid-inr", "residual-inr" },
    };
    public static readonly Key Strategies = new("strategies", KeyKind.Enum, "Sharing strategies to simulate: one or a list.")
    {
        Default = SharingStrategyNames.All.ToArray(),
        Allowed = SharingStrategyNames.All,
        ListOrSingle = true,
    };
    public static readonly Key Output = Key.String("output", null, "Output folder, relative to the working directory.") with { DefaultNote = "out/NAME" };

    public static readonly Section Root = new("", "A rinr scenario: what to encode, simulate and learn, and how.",
    [
        Name, Seed, Key.Of(Dataset.Section), FrameSize, FramesPerDevice, Devices, Key.Of(Inr.Section), Codecs,
        Key.Of(Network.Section), Strategies, Key.Of(Training.Section), Key.Of(Fog.Section), Key.Of(Arrivals.Section), Key.Of(Energy.Section), Key.Of(Hybrid.Section), Key.Of(Objective.Section), Key.Of(Learning.Section), Key.Of(Timing.Section), Output,
    ]);

    /// <summary>
    /// Ranges of command-line options that have no scenario key (rinr simulate's what-if values, --jobs); declared
    /// here beside the scenario keys so both use the same bounds. Not part of the scenario schema.
    /// </summary>
    public static class Options
    {
        public static readonly Key Jobs = Key.Int("jobs", null, "Sweep points simulated in parallel.", 1, 1024);
        public static readonly Key PayloadBytes = new("payload_bytes", KeyKind.Long, "Bytes of one payload.") { Min = 0, Max = MaxPayloadBytes };
        public static readonly Key Seconds = Key.Double("seconds", 0, "A duration, s.", 0, MaxSeconds);
        public static readonly Key UnitFrames = Key.Int("unit_frames", 0, "Frames per encode unit of a sharded run (whole batches); 0: one unit per codec.", 0, 1 << 30);
        public static readonly Key Shards = Key.Int("shards", null, "Shards (tasks) a plan is split over.", 1, 1 << 20);
        public static readonly Key WaitSeconds = Key.Double("wait_s", 3600, "Seconds a unit waits for the units it needs.", 0, MaxSeconds);
    }
}
