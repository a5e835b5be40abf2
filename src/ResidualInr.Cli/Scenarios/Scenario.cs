using System.Globalization;
using ResidualInr.Imaging;
using ResidualInr.Cli.Codecs;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Network.Mac;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>A scenario file, parsed and validated. Every field has a default except the name.</summary>
/// <param name="Fog">How the fog forms encode batches (fog: max_batch, max_wait_s).</param>
/// <param name="Arrivals">When devices capture frames (arrivals: rounds or Poisson).</param>
/// <param name="Energy">The powers energy is counted at (energy: radio_tx_w, ...); null means the defaults.</param>
/// <param name="Hybrid">How the hybrid strategy's fog picks each frame's payload (hybrid: policy, ...); null means the defaults.</param>
/// <param name="Objective">What the recommendation and train-auto minimise (objective: minimise, accuracy_loss_max); null means the defaults.</param>
public sealed record Scenario(
    string File,
    string Name,
    int Seed,
    DatasetSpec Dataset,
    int FrameWidth,
    int FrameHeight,
    int FramesPerDevice,
    IReadOnlyList<int> Devices,
    IReadOnlyList<CodecSpec> Codecs,
    InrSpec Inr,
    NetworkSpec Network,
    IReadOnlyList<SharingStrategy> Strategies,
    TrainingSpec Training,
    TimingSpec Timing,
    LearningSpec? Learning,
    string Output,
    FogBatching Fog,
    Arrivals Arrivals,
    EnergyPowers? Energy = null,
    HybridPolicy? Hybrid = null,
    ObjectiveSpec? Objective = null)
{
    public ObjectiveSpec ObjectiveOrDefault => Objective ?? new ObjectiveSpec();

    /// <summary>Other device counts (rinr run --devices); a MAC model's η(n) table is re-tabulated to cover the largest + 1 senders.</summary>
    public Scenario WithDevices(IReadOnlyList<int> devices) => this with
    {
        Devices = devices,
        Network = Network.Mac is { } mac ? Network with { Channel = mac.Channel(devices.Max(), Network.Channel) } : Network,
    };
}

/// <summary>The designer's priority (scenario 'objective'): what to minimise, and the mAP50-95 a recommended strategy may lose against the most accurate.</summary>
public sealed record ObjectiveSpec(Minimise Minimise = Minimise.Bytes, double AccuracyLossMax = 0.02);

/// <summary>The embedded synthetic dataset, or a dataset folder (format detected when null).</summary>
public sealed record DatasetSpec(SyntheticOptions? Synthetic, string? Path, DatasetFormat? Format);

/// <param name="TargetPsnrDb">inr.target_psnr_db: each frame stops at this PSNR (null: every INR runs its steps).</param>
/// <param name="MaxSteps">inr.max_steps: the step cap with a target (null: Steps).</param>
/// <param name="Start">inr.init: random weights, or the shipped learned initialisation of each network's shape.</param>
/// <param name="PixelChunk">inr.pixel_chunk: pixels per forward-and-backward pass (null: whole frames).</param>
/// <param name="Recipe">inr.recipe: how every INR trains.</param>
public sealed record InrSpec(int Steps, double LearningRate, int Batch, string Device, double? TargetPsnrDb = null, int? MaxSteps = null, InrStart Start = InrStart.Random,
    int? PixelChunk = null, InrRecipe Recipe = InrRecipe.Adam)
{
    /// <summary>The training options every INR codec starts from.</summary>
    public Codec.Siren.TrainingOptions Training
    {
        get
        {
            var options = new Codec.Siren.TrainingOptions(
                Steps: TargetPsnrDb is null ? Steps : MaxSteps ?? Steps, LearningRate: LearningRate, TargetPsnrDb: TargetPsnrDb,
                LearnedInit: Start == InrStart.Learned ? Codec.Siren.SirenInitSet.Default : null, PixelChunk: PixelChunk);
            return Recipe.Apply(options);
        }
    }
}

/// <summary>How every INR trains (inr.recipe, rinr encode --recipe).</summary>
public enum InrRecipe
{
    /// <summary>Adam throughout, as the reference.</summary>
    Adam,
    /// <summary>The CPU's fast recipe: pixel subsets, then L-BFGS (<see cref="Codec.Siren.TrainingOptions.WithSubsetsAndLbfgs"/>).</summary>
    SubsetsLbfgs,
}

public static class InrRecipes
{
    /// <summary>The recipe a name of <see cref="ScenarioKeys.Inr.Recipe"/> means; <paramref name="source"/> (the key or option
    /// that gave it) names an unknown one in the error.</summary>
    public static InrRecipe Parse(string name, string source) => name switch
    {
        "adam" => InrRecipe.Adam,
        "subsets-lbfgs" => InrRecipe.SubsetsLbfgs,
        _ => throw new InputException($"{source} must be {string.Join(" or ", ScenarioKeys.Inr.Recipe.Allowed)}, got '{name}'"),
    };

    /// <summary>
    /// The recipe <c>rinr bench convergence</c> measured fastest to the reference's PSNR at 160x90: <c>subsets-lbfgs</c> on a
    /// CPU; on a GPU <c>subsets-lbfgs</c> for Residual-INR (an H100: 4.54x in time against Adam's 0.93x at 2,000 steps, 5.52x
    /// at 10,000) and Adam for the rest (Rapid-INR 3.03x against 2.16x; results/gpu-h100-2026-11-26b).
    /// </summary>
    public static InrRecipe Fastest(string codec, bool onCpu) => onCpu || codec == "residual-inr" ? InrRecipe.SubsetsLbfgs : InrRecipe.Adam;

    /// <summary><paramref name="options"/> trained as <paramref name="recipe"/> says.</summary>
    public static Codec.Siren.TrainingOptions Apply(this InrRecipe recipe, Codec.Siren.TrainingOptions options) =>
        recipe == InrRecipe.SubsetsLbfgs ? options.WithSubsetsAndLbfgs() : options;
}

/// <summary>Where an INR's training starts (inr.init).</summary>
public enum InrStart
{
    /// <summary>The reference's random SIREN initialisation.</summary>
    Random,
    /// <summary>The shipped learned initialisation of the network's shape (models/siren-init-*.bin).</summary>
    Learned,
}

/// <param name="Mac">The MAC model that set <paramref name="Channel"/>'s capacity and efficiency (network.mac), or null for the fixed capacity.</param>
/// <param name="Repair">network.broadcast_repair.</param>
public sealed record NetworkSpec(ChannelSettings Channel, Downlink Downlink, Topology Topology, MacSpec? Mac = null, BroadcastRepair Repair = BroadcastRepair.None)
{
    /// <summary>Which channel model runs, in one line (report.md).</summary>
    public string ChannelText() => Mac is { } m ? m.Describe(Channel) : MacSpec.DescribeFixed(Channel);
}

/// <summary>
/// 802.11 DCF as the channel (scenario network.mac, rinr simulate --mac dcf): capacity C = S(1)/8 bytes/s and
/// efficiency η(n) = S(n)/S(1) from Bianchi's saturation model (<see cref="DcfModel"/>), n counting active senders.
/// </summary>
public sealed record MacSpec(WifiStandard Standard, double RateMbps, int PayloadBytes, bool RtsCts)
{
    /// <summary>The channel for up to <paramref name="largestDevices"/> devices: η(n) tabulated for n = 1 .. min(devices + 1, 1024) (the devices and the fog), the last entry holding beyond.</summary>
    public ChannelSettings Channel(int largestDevices, ChannelSettings? rest = null)
    {
        var dcf = DcfModel.ChannelSettings(Standard, RateMbps, PayloadBytes, RtsCts, ScenarioKeys.Network.Mac.Stations(largestDevices));
        return (rest ?? new ChannelSettings()) with { CapacityBytesPerSecond = dcf.CapacityBytesPerSecond, Efficiency = dcf.Efficiency, Backoff = dcf.Backoff };
    }

    /// <summary>"24, 36, 48 or 54"-style list of the rates a standard's preset knows.</summary>
    public static string RatesText(WifiStandard standard) =>
        string.Join(", ", DcfModel.Rates(standard).Select(r => r.Mbps.ToString("0.###", CultureInfo.InvariantCulture)));

    public string Describe(ChannelSettings c) => string.Create(CultureInfo.InvariantCulture,
        $"802.11{Standard.ToName()} DCF (Bianchi), {RateMbps:0.###} Mb/s, {PayloadBytes} B payload, {(RtsCts ? "RTS/CTS" : "basic access")}: " +
        $"S(1) {c.CapacityBytesPerSecond / 1e6:0.###} MB/s, η(n) tabulated to n = {c.Efficiency?.Count ?? 1} senders (η({c.Efficiency?.Count ?? 1}) = {c.EfficiencyFor(int.MaxValue):0.###})");

    public static string DescribeFixed(ChannelSettings c)
    {
        var eta = c.Efficiency is { Count: > 0 } table
            ? $"η(n) = {string.Join(", ", table.Select(e => e.ToString("0.###", CultureInfo.InvariantCulture)))} (the last for more senders)"
            : "η(n) = 1";
        return string.Create(CultureInfo.InvariantCulture, $"fixed capacity {c.CapacityBytesPerSecond / 1e6:0.###} MB/s, {eta}");
    }
}

/// <param name="EdgeSecondsPerFrameEpoch">Device training time per frame-epoch; with a learning stage its measured time per codec replaces it.</param>
/// <param name="ModelBytes">M; a list sweeps the model size (train-fog only).</param>
public sealed record TrainingSpec(int Epochs, double EdgeSecondsPerFrameEpoch, double FogSecondsPerFrameEpoch, IReadOnlyList<long> ModelBytes);

/// <summary>
/// The learning stage: a detector per codec and seed trained on the encoded frames and scored on the
/// dataset's frames no codec encoded. Null when the scenario has no 'learning' section.
/// </summary>
/// <param name="TestSequences">The dataset's last this-many sequences are held out whole (not encoded, tested on); 0: test on the unencoded frames of the encoded sequences.</param>
/// <param name="Pretrained">The weights file every detector is fine-tuned from (absolute; <c>default</c> already resolved), or null.</param>
public sealed record LearningSpec(ResidualInr.Learning.Training.DetectorSettings Detector, int Seeds, int TestFrames, string Device, int TestSequences = 0,
    string? Pretrained = null);

/// <summary>
/// Measure timings on this machine now (<see cref="ProfilePath"/> null), or read a stored profile;
/// <paramref name="FogProfilePath"/> and <paramref name="EdgeProfilePath"/> (full paths, or null) then
/// replace the fog's figures (encode batch costs, fog training) and the devices' (decode, edge training).
/// </summary>
public sealed record TimingSpec(string? ProfilePath, string? FogProfilePath = null, string? EdgeProfilePath = null);
