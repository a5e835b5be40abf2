using ResidualInr.Imaging;
using ResidualInr.Learning.Detector;

namespace ResidualInr.Cli.Accuracy;

/// <summary>
/// Where <c>learning.pretrained</c> (and <c>rinr train --pretrained</c>) finds its weights: a path, or <c>default</c>, the
/// weights shipped in the repository's <c>models/</c> folder for the detector's width and the frame size, which the
/// build copies beside the binary (models/README.md has the command that made them).
/// </summary>
public static class PretrainedModels
{
    public const string Default = "default";

    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "models");

    public static string ShippedName(int width, int frameWidth, int frameHeight) => $"detector-{width}-{frameWidth}x{frameHeight}.pt";

    /// <summary>
    /// The weights file <paramref name="spec"/> names: <c>default</c> gives the shipped file for this width and frame size, anything
    /// else is a path (relative to <paramref name="baseDir"/>). Null when the file does not exist; <see cref="Problem"/> says why.
    /// </summary>
    public static string Resolve(string spec, int width, int frameWidth, int frameHeight, string baseDir) =>
        spec == Default ? Path.Combine(ShippedFolder, ShippedName(width, frameWidth, frameHeight))
            : Path.IsPathRooted(spec) ? spec : Path.GetFullPath(Path.Combine(baseDir, spec));

    /// <summary>Why <paramref name="spec"/> cannot be used (the file is missing), or null.</summary>
    public static string? Problem(string spec, int width, int frameWidth, int frameHeight, string baseDir)
    {
        var path = Resolve(spec, width, frameWidth, frameHeight, baseDir);
        if (File.Exists(path)) return null;
        return spec == Default
            ? $"no shipped weights for width {width} at {frameWidth}x{frameHeight} ({ShippedName(width, frameWidth, frameHeight)} is not in {ShippedFolder}); make them with 'rinr pretrain --width {width} --size {frameWidth}x{frameHeight} --out FILE' and name FILE"
            : $"file '{spec}' not found";
    }

    /// <summary>Reads the weights <paramref name="spec"/> names and checks they fit the detector and frames.</summary>
    public static DetectorWeights Read(string spec, int width, int frameWidth, int frameHeight, string baseDir, string widthSetting)
    {
        if (Problem(spec, width, frameWidth, frameHeight, baseDir) is { } problem) throw new InputException(spec == Default ? ShippedFolder : spec, null, problem);
        var weights = DetectorWeights.Read(Resolve(spec, width, frameWidth, frameHeight, baseDir));
        weights.CheckFits(width, frameWidth, frameHeight, widthSetting);
        return weights;
    }
}
