using ResidualInr.Codec.Siren;

namespace ResidualInr.Codec.Codecs;

public enum ObjectEncoding
{
    /// <summary>No object network: the background INR is the whole frame.</summary>
    None,
    /// <summary>An O-INR fits the residual (B-INR reconstruction − original) / Q inside the box.</summary>
    Residual,
    /// <summary>An O-INR fits the object's RGB directly (ablation).</summary>
    Direct,
}

/// <summary>
/// Everything that defines an INR codec variant. Part of the cache key for encoded results.
/// <see cref="QuantizationAwareSteps"/> fine-tunes a background stored below 32 bits through fake
/// quantisation after its main fit (at a quarter of the learning rate).
/// </summary>
public sealed record InrCodecSettings(
    string Name,
    SirenShape Background,
    int BackgroundBits,
    ObjectEncoding Object,
    int ObjectBits,
    ObjectInrGroups Groups,
    TrainingOptions Training,
    bool WarmStart = false,
    TrainingOptions? ObjectTraining = null,
    int QuantizationAwareSteps = 0)
{
    /// <summary>O-INRs are small and see only their box, so they can afford more steps than the B-INR.</summary>
    public TrainingOptions ObjectTrainingOrDefault => ObjectTraining ?? Training;

    public void Validate()
    {
        Background.Validate($"{Name} background INR");
        Groups.Validate();
        Training.Validate();
        ObjectTrainingOrDefault.Validate();
        if (QuantizationAwareSteps < 0) throw new Imaging.InputException($"{Name}: quantisation-aware steps must be 0 or more, got {QuantizationAwareSteps}");
        foreach (var bits in new[] { BackgroundBits, ObjectBits })
            if (!Quantization.QuantizedTensor.SupportedBits.Contains(bits))
                throw new Imaging.InputException($"{Name}: {bits} bits is not a supported precision (8, 16 or 32)");
    }
}
