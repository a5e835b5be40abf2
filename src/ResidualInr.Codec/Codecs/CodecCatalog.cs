using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Codecs;

/// <summary>
/// The codecs by name, including the paper's ablation ladder:
/// <list type="table">
/// <item><term>rapid-inr</term><description>baseline: one 10x28 SIREN per frame, 16-bit</description></item>
/// <item><term>residual-inr-bg</term><description>the smaller B-INR alone, 16-bit</description></item>
/// <item><term>residual-inr-direct</term><description>B-INR + an O-INR fitting the object's RGB, both 16-bit</description></item>
/// <item><term>residual-inr-16bit</term><description>B-INR + an O-INR fitting the residual, both 16-bit</description></item>
/// <item><term>residual-inr</term><description>the method: residual O-INR, B-INR at 8 bits (quantisation-aware fine-tuned) and O-INR at 16 bits</description></item>
/// </list>
/// </summary>
public static class CodecCatalog
{
    /// <summary>
    /// Bumped whenever an encoder makes different payloads from the same settings, so encodes cached
    /// by an earlier build (whose keys hash only the settings) are not reused. 2: the small-object
    /// rules of <see cref="ObjectInrFitter"/> (issue 15). 3: Residual-INR's 8-bit fine-tuning with a target judged with
    /// its O-INR (<see cref="InrCodec"/>); encodes without a target are as revision 2's. 4: with a target, Residual-INR's
    /// background refitted around its fixed 8-bit first layer after the float fit's Adam phase (<see cref="InrCodec"/>).
    /// </summary>
    public const int EncoderRevision = 4;

    /// <summary>The B-INR is smaller than the baseline SIREN: 10 sine layers of width 24 (5,547 parameters).</summary>
    public static SirenShape DefaultBackground { get; } = new(24, 10);

    public static IReadOnlyList<string> InrNames { get; } =
        ["rapid-inr", "residual-inr", "residual-inr-bg", "residual-inr-direct", "residual-inr-16bit"];

    /// <summary>Video codecs: one container per sequence.</summary>
    public static IReadOnlyList<string> SequenceNames { get; } = ["nerv", "residual-nerv"];

    public static IReadOnlyList<string> AllNames { get; } = ["jpeg", .. InrNames, .. SequenceNames];

    public static bool IsSequenceCodec(string name) => SequenceNames.Contains(name);

    /// <summary>
    /// NeRV (one 8-bit NeRV per sequence: MLP 64, stem 8 channels, blocks of 16) or Residual-NeRV (a
    /// smaller 8-bit NeRV: MLP 32, stem 4, blocks of 12, plus 16-bit residual O-INRs grouped as in
    /// Residual-INR, trained with <paramref name="objectTraining"/>).
    /// </summary>
    public static Nerv.NervCodec CreateSequenceCodec(string name, Nerv.NervTrainingOptions training, TrainingOptions objectTraining, TorchSharp.torch.Device device) =>
        new(name switch
        {
            "nerv" => new Nerv.NervCodecSettings(name, 64, 8, 16, 8, ObjectEncoding.None, 16, ObjectInrGroups.Default, training, objectTraining),
            "residual-nerv" => new Nerv.NervCodecSettings(name, 32, 4, 12, 8, ObjectEncoding.Residual, 16, ObjectInrGroups.Default, training, objectTraining),
            _ => throw new InputException($"'{name}' is not a video codec (expected one of: {string.Join(", ", SequenceNames)})"),
        }, device);

    /// <summary>
    /// The named variant's settings. <paramref name="objectTraining"/> and <paramref name="background"/>
    /// override the O-INR's training and the B-INR's shape (Rapid-INR's single network too).
    /// </summary>
    public static InrCodecSettings InrSettings(string name, TrainingOptions training, bool warmStart = false,
        TrainingOptions? objectTraining = null, SirenShape? background = null, int? quantizationAwareSteps = null)
    {
        var settings = name switch
        {
            "rapid-inr" => new InrCodecSettings(name, SirenShape.RapidInr, 16, ObjectEncoding.None, 16, ObjectInrGroups.Default, training, warmStart),
            // The 8-bit B-INR is fine-tuned through fake quantisation for as many steps again (+1.2-1.4 dB background measured).
            "residual-inr" => new(name, DefaultBackground, 8, ObjectEncoding.Residual, 16, ObjectInrGroups.Default, training, warmStart, QuantizationAwareSteps: training.Steps),
            "residual-inr-bg" => new(name, DefaultBackground, 16, ObjectEncoding.None, 16, ObjectInrGroups.Default, training, warmStart),
            "residual-inr-direct" => new(name, DefaultBackground, 16, ObjectEncoding.Direct, 16, ObjectInrGroups.Default, training, warmStart),
            "residual-inr-16bit" => new(name, DefaultBackground, 16, ObjectEncoding.Residual, 16, ObjectInrGroups.Default, training, warmStart),
            _ => throw new InputException($"unknown codec '{name}' (expected one of: {string.Join(", ", AllNames)})"),
        };
        return settings with
        {
            ObjectTraining = objectTraining,
            Background = background ?? settings.Background,
            QuantizationAwareSteps = quantizationAwareSteps ?? settings.QuantizationAwareSteps,
        };
    }

    public static IFrameCodec Create(string name, TrainingOptions training, TorchSharp.torch.Device device, int jpegQuality = 90, bool warmStart = false,
        TrainingOptions? objectTraining = null, SirenShape? background = null, int? quantizationAwareSteps = null) =>
        name == "jpeg" ? new JpegFrameCodec(jpegQuality)
        : IsSequenceCodec(name) ? throw new ArgumentException($"{name} is a video codec: use CreateSequenceCodec")
        : new InrCodec(InrSettings(name, training, warmStart, objectTraining, background, quantizationAwareSteps), device);
}
