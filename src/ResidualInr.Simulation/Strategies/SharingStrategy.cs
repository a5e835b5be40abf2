namespace ResidualInr.Simulation.Strategies;

/// <summary>How devices get each other's new training frames, and where training happens.</summary>
public enum SharingStrategy
{
    /// <summary>Serverless: every device sends its JPEGs straight to every other device.</summary>
    JpegP2p,
    /// <summary>Devices upload JPEGs; the fog relays them to every other device.</summary>
    JpegFog,
    /// <summary>Devices upload JPEGs; the fog encodes them as INRs on its GPU and sends those; devices decode and train.</summary>
    InrTrainEdge,
    /// <summary>Devices upload JPEGs; the fog trains and sends the model to every device.</summary>
    TrainFog,
    /// <summary>
    /// Devices upload JPEGs; per frame the fog forwards the JPEG or sends the INR payload, as its
    /// <see cref="HybridPolicy"/> decides; devices decode and train.
    /// </summary>
    Hybrid,
    /// <summary>
    /// Devices upload JPEGs; before the run the fog compares the expected bytes, time or energy of training at
    /// the edge (inr-train-edge) and at the fog (train-fog) (<see cref="TrainPlacement"/>) and plays out the cheaper.
    /// </summary>
    TrainAuto,
}

public static class SharingStrategyNames
{
    private static readonly NameTable<SharingStrategy> Table = new(
        (SharingStrategy.JpegP2p, "jpeg-p2p"), (SharingStrategy.JpegFog, "jpeg-fog"), (SharingStrategy.InrTrainEdge, "inr-train-edge"),
        (SharingStrategy.TrainFog, "train-fog"), (SharingStrategy.Hybrid, "hybrid"), (SharingStrategy.TrainAuto, "train-auto"));

    public static string ToName(this SharingStrategy s) => Table.Name(s);

    public static IReadOnlyList<string> All => Table.Names;

    public static bool TryParse(string name, out SharingStrategy strategy) => Table.TryParse(name, out strategy);
}
