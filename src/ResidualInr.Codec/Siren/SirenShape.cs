namespace ResidualInr.Codec.Siren;

/// <summary>
/// The shape of a SIREN: <see cref="SineLayers"/> sine layers of <see cref="Width"/> units
/// (in -> width, then width -> width) and a linear width -> out head. All networks of one shape
/// train and decode together as one batch.
/// </summary>
public sealed record SirenShape(int Width, int SineLayers, int In = 2, int Out = 3, double W0 = 30)
{
    /// <summary>The reference background INR: 10 sine layers of width 28, 7,479 parameters.</summary>
    public static SirenShape RapidInr { get; } = new(28, 10);

    /// <summary>(fan-in, fan-out) of each layer, the head last.</summary>
    public IReadOnlyList<(int In, int Out)> Layers
    {
        get
        {
            var layers = new List<(int, int)> { (In, Width) };
            for (int i = 1; i < SineLayers; i++) layers.Add((Width, Width));
            layers.Add((Width, Out));
            return layers;
        }
    }

    public int ParameterCount => Layers.Sum(l => l.In * l.Out + l.Out);

    public override string ToString() => $"{SineLayers}x{Width}";

    public void Validate(string what)
    {
        if (Width < 1 || SineLayers < 1 || In < 1 || Out < 1 || !(W0 > 0))
            throw new Imaging.InputException($"{what}: SIREN shape {SineLayers} layers x {Width} wide (w0 {W0}) is impossible");
    }
}
