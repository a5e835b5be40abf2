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

    /// <summary>
    /// The format of a folder at any level a user points at: a UAV123 root; one OTB sequence or a folder of
    /// them; one DAC-SDC sub-category folder or a DAC-SDC root. The folder itself is looked at first, then
    /// its sub-folders.
    /// </summary>
    public static DatasetFormat Detect(string root)
    {
        if (Uav123Reader.IsRoot(root)) return DatasetFormat.Uav123;
        if (OtbReader.IsSequenceFolder(root)) return DatasetFormat.Otb;
        if (DacSdcReader.IsCategoryFolder(root)) return DatasetFormat.DacSdc;
        var dirs = Directory.GetDirectories(root);
        if (dirs.Any(OtbReader.HasAnnotation)) return DatasetFormat.Otb;
        if (dirs.Any(DacSdcReader.IsCategoryFolder)) return DatasetFormat.DacSdc;
        throw new InputException(root, null,
            "cannot tell the dataset format (looked for anno/UAV123/, img/ + groundtruth_rect.txt here or in a sub-folder, "
            + "DAC-SDC .xml files here or in a sub-folder); pass --format");
    }

    public static DatasetFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "otb" or "otb100" => DatasetFormat.Otb,
        "uav123" or "uav" => DatasetFormat.Uav123,
        "dacsdc" or "dac-sdc" => DatasetFormat.DacSdc,
        _ => throw new InputException($"unknown dataset format '{text}' (expected otb, uav123 or dacsdc)"),
    };
}
