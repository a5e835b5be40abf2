namespace ResidualInr.Imaging.Datasets;

/// <summary>Opens a dataset folder in a named format, or detects the format from its layout.</summary>
public static class DatasetLoader
{
    public static Dataset Load(string root, DatasetFormat? format = null)
    {
        if (!Directory.Exists(root)) throw new InputException(root, null, "dataset folder not found");
        return (format ?? Detect(root)) switch
        {
            DatasetFormat.Otb => OtbReader.Read(root),
            DatasetFormat.Uav123 => Uav123Reader.Read(root),
            DatasetFormat.DacSdc => DacSdcReader.Read(root),
            var f => throw new ArgumentOutOfRangeException(nameof(format), f, null),
        };
    }

    public static DatasetFormat Detect(string root)
    {
        if (Directory.Exists(Path.Combine(root, "anno", "UAV123"))) return DatasetFormat.Uav123;
        var dirs = Directory.GetDirectories(root);
        if (dirs.Any(d => Directory.GetFiles(d, "groundtruth_rect*.txt").Length > 0)) return DatasetFormat.Otb;
        if (dirs.Any(d => Directory.GetFiles(d, "*.xml").Length > 0)) return DatasetFormat.DacSdc;
        throw new InputException(root, null, "cannot tell the dataset format (no anno/UAV123, SEQ/groundtruth_rect.txt or DAC-SDC .xml files); pass --format");
    }

    public static DatasetFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "otb" or "otb100" => DatasetFormat.Otb,
        "uav123" or "uav" => DatasetFormat.Uav123,
        "dacsdc" or "dac-sdc" => DatasetFormat.DacSdc,
        _ => throw new InputException($"unknown dataset format '{text}' (expected otb, uav123 or dacsdc)"),
    };
}
