namespace ResidualInr.Codec.Quantization;

/// <summary>
/// A tensor stored at 8 or 16 bits with a per-tensor affine map (value = Min + code * Scale),
/// or at 32 bits as raw floats (Min = Scale = 0). Min and Scale travel in the payload.
/// </summary>
public sealed class QuantizedTensor
{
    public QuantizedTensor(int bits, float min, float scale, uint[] codes, float[]? raw = null)
    {
        Bits = bits;
        Min = min;
        Scale = scale;
        Codes = codes;
        Raw = raw;
    }

    public int Bits { get; }
    public float Min { get; }
    public float Scale { get; }
    public uint[] Codes { get; }
    public float[]? Raw { get; }
    public int Count => Raw?.Length ?? Codes.Length;

    public static readonly int[] SupportedBits = [8, 16, 32];

    public static QuantizedTensor Quantize(float[] values, int bits)
    {
        if (bits == 32) return new QuantizedTensor(32, 0, 0, [], (float[])values.Clone());
        if (bits is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "quantisation is to 8, 16 or 32 bits");
        float min = values.Length == 0 ? 0 : values.Min(), max = values.Length == 0 ? 0 : values.Max();
        uint levels = (1u << bits) - 1;
        float scale = max > min ? (max - min) / levels : 0f;
        var codes = new uint[values.Length];
        if (scale > 0)
            for (int i = 0; i < values.Length; i++)
                codes[i] = (uint)Math.Clamp(Math.Round((values[i] - min) / scale), 0, levels);
        return new QuantizedTensor(bits, min, scale, codes);
    }

    public float[] Dequantize()
    {
        if (Raw is not null) return (float[])Raw.Clone();
        var values = new float[Codes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = Min + Codes[i] * Scale;
        return values;
    }
}
