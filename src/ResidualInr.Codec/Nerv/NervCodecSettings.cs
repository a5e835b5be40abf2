using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Siren;

namespace ResidualInr.Codec.Nerv;

/// <summary>
/// A NeRV codec variant: the NeRV's widths (its strides follow from the frame size), its precision,
/// and for Residual-NeRV the object INRs, grouped and stored exactly as in Residual-INR.
/// </summary>
public sealed record NervCodecSettings(
    string Name,
    int Hidden,
    int StemChannels,
    int BlockChannels,
    int Bits,
    ObjectEncoding Object,
    int ObjectBits,
    ObjectInrGroups Groups,
    NervTrainingOptions Training,
    TrainingOptions ObjectTraining,
    int PeLevels = 40)
{
    public NervShape ShapeFor(int width, int height) => NervShape.For(width, height, Hidden, StemChannels, BlockChannels, PeLevels);

    public void Validate()
    {
        Training.Validate();
        ObjectTraining.Validate();
        Groups.Validate();
        if (Hidden < 1 || StemChannels < 1 || BlockChannels < 1) throw new Imaging.InputException($"{Name}: NeRV widths must be positive");
        foreach (var bits in new[] { Bits, ObjectBits })
            if (!Quantization.QuantizedTensor.SupportedBits.Contains(bits))
                throw new Imaging.InputException($"{Name}: {bits} bits is not a supported precision (8, 16 or 32)");
    }
}
