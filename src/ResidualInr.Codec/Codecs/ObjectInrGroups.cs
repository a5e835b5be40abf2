using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Codecs;

/// <summary>
/// Residual-INR's grouping: an object box's pixel area picks one of a few O-INR shapes, so every
/// O-INR in a group has the same shape and a group trains and decodes as one batch. The defaults
/// are the reference code's (DESIGN.md): 283, 573, 1,329 and 2,547 parameters.
/// </summary>
public sealed record ObjectInrGroups(SizeGroups Thresholds, IReadOnlyList<SirenShape> Shapes)
{
    public static ObjectInrGroups Default { get; } = new(SizeGroups.Default,
        [new SirenShape(10, 3), new SirenShape(15, 3), new SirenShape(17, 5), new SirenShape(24, 5)]);

    public int GroupOf(PixelRect box) => Thresholds.GroupOf(box.Area);

    public SirenShape ShapeFor(int group) => Shapes[group - 1];

    public void Validate()
    {
        if (Shapes.Count != Thresholds.Count)
            throw new InputException($"{Shapes.Count} O-INR shapes for {Thresholds.Count} size groups");
        foreach (var s in Shapes) s.Validate("O-INR group");
    }
}
