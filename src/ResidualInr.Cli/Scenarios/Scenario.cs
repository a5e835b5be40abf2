using ResidualInr.Cli.Codecs;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Scenarios;

/// <summary>A scenario file, parsed and validated. Every field has a default except the name.</summary>
/// <param name="Fog">How the fog forms encode batches (fog: max_batch, max_wait_s).</param>
/// <param name="Arrivals">When devices capture frames (arrivals: rounds or Poisson).</param>
/// <param name="Energy">The powers energy is counted at (energy: radio_tx_w, ...); null means the defaults.</param>
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
    EnergyPowers? Energy = null);

/// <summary>The embedded synthetic dataset, or a dataset folder (format detected when null).</summary>
public sealed record DatasetSpec(SyntheticOptions? Synthetic, string? Path, DatasetFormat? Format);

public sealed record InrSpec(int Steps, double LearningRate, int Batch, string Device);

public sealed record NetworkSpec(ChannelSettings Channel, Downlink Downlink, Topology Topology);

/// <param name="EdgeSecondsPerFrameEpoch">Device training time per frame-epoch; with a learning stage its measured time per codec replaces it.</param>
/// <param name="ModelBytes">M; a list sweeps the model size (train-fog only).</param>
public sealed record TrainingSpec(int Epochs, double EdgeSecondsPerFrameEpoch, double FogSecondsPerFrameEpoch, IReadOnlyList<long> ModelBytes);

/// <summary>
/// The learning stage: a detector per codec and seed trained on the encoded frames and scored on the
/// dataset's frames no codec encoded. Null when the scenario has no 'learning' section.
/// </summary>
public sealed record LearningSpec(ResidualInr.Learning.Training.DetectorSettings Detector, int Seeds, int TestFrames, string Device);

/// <summary>
/// Measure timings on this machine now (<see cref="ProfilePath"/> null), or read a stored profile;
/// <paramref name="FogProfilePath"/> and <paramref name="EdgeProfilePath"/> (full paths, or null) then
/// replace the fog's figures (encode batch costs, fog training) and the devices' (decode, edge training).
/// </summary>
public sealed record TimingSpec(string? ProfilePath, string? FogProfilePath = null, string? EdgeProfilePath = null);
