using System.Security.Cryptography;
using System.Text;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// A learned starting point for every SIREN of one shape (<c>rinr meta-train</c>): the parameters laid out as
/// <see cref="BatchedSiren.Export"/> writes them (per layer its weights [in, out], then its bias [out]), and the
/// command that made them. What is sent is unchanged: a network that starts here has the shape and payload of
/// one that starts from random weights; only the fit gets there sooner.
/// <para>
/// File layout (little-endian): the 8 bytes <c>RINRINIT</c>, int32 version 1, int32 in, out, width, sine
/// layers, float64 w0, int32 byte length and UTF-8 text of the provenance, then every tensor's float32s.
/// </para>
/// </summary>
public sealed class SirenInit
{
    private static ReadOnlySpan<byte> Magic => "RINRINIT"u8;
    private const int Version = 1;

    public SirenInit(SirenShape shape, float[][] tensors, string provenance)
    {
        var layers = shape.Layers;
        if (tensors.Length != 2 * layers.Count) throw new ArgumentException($"{tensors.Length} tensors for a {shape} SIREN (expected {2 * layers.Count})");
        for (int l = 0; l < layers.Count; l++)
            if (tensors[2 * l].Length != layers[l].In * layers[l].Out || tensors[2 * l + 1].Length != layers[l].Out)
                throw new ArgumentException($"layer {l} of a {shape} SIREN has the wrong size");
        Shape = shape;
        Tensors = tensors;
        Provenance = provenance;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(ToBytes()));
    }

    public SirenShape Shape { get; }
    public float[][] Tensors { get; }

    /// <summary>The command (and corpus) that made it.</summary>
    public string Provenance { get; }

    /// <summary>SHA-256 of the file's bytes: part of an encode's cache key, so re-learned weights are not mistaken for old ones.</summary>
    public string Sha256 { get; }

    /// <summary>The file name a shape's initialisation has in a folder of them: <c>siren-init-10x28.bin</c> (layers x width).</summary>
    public static string FileName(SirenShape shape) => $"siren-init-{shape.SineLayers}x{shape.Width}.bin";

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(Version);
            w.Write(Shape.In);
            w.Write(Shape.Out);
            w.Write(Shape.Width);
            w.Write(Shape.SineLayers);
            w.Write(Shape.W0);
            var text = Encoding.UTF8.GetBytes(Provenance);
            w.Write(text.Length);
            w.Write(text);
            foreach (var t in Tensors)
                foreach (var v in t) w.Write(v);
        }
        return stream.ToArray();
    }

    public void Save(string path) => AtomicFile.WriteAllBytes(path, ToBytes());

    /// <summary>Reads a file written by <see cref="Save"/>; anything else is an input error naming the file.</summary>
    public static SirenInit Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputException(path, null, $"cannot read: {e.Message}", e); }
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InputException(path, null, "not a SIREN initialisation (rinr meta-train writes them)");
            int version = r.ReadInt32();
            if (version != Version) throw new InputException(path, null, $"version {version} is not supported (this build reads {Version})");
            int fin = r.ReadInt32(), fout = r.ReadInt32(), width = r.ReadInt32(), layers = r.ReadInt32();
            double w0 = r.ReadDouble();
            if (fin is < 1 or > 16 || fout is < 1 or > 16 || width is < 1 or > 4096 || layers is < 1 or > 64 || !(w0 > 0))
                throw new InputException(path, null, $"impossible SIREN shape ({layers} layers x {width}, {fin} in, {fout} out, w0 {w0})");
            var shape = new SirenShape(width, layers, fin, fout, w0);
            int textLength = r.ReadInt32();
            if (textLength < 0 || textLength > bytes.Length) throw new InputException(path, null, "corrupt provenance length");
            var provenance = Encoding.UTF8.GetString(r.ReadBytes(textLength));
            var tensors = shape.Layers.SelectMany(l => new[] { l.In * l.Out, l.Out }).Select(n =>
            {
                var t = new float[n];
                for (int i = 0; i < n; i++) t[i] = r.ReadSingle();
                return t;
            }).ToArray();
            if (r.BaseStream.Position != bytes.Length) throw new InputException(path, null, $"{bytes.Length - r.BaseStream.Position} bytes after the last tensor");
            if (tensors.Any(t => t.Any(v => !float.IsFinite(v)))) throw new InputException(path, null, "holds a value that is not finite");
            return new SirenInit(shape, tensors, provenance);
        }
        catch (EndOfStreamException) { throw new InputException(path, null, "truncated: the file ends before its last tensor"); }
    }
}

/// <summary>
/// The learned initialisations a codec starts its SIRENs from, by shape: the shipped ones (the repository's
/// <c>models/</c> folder, copied beside the binary) or a folder of them. A shape without one is an error naming it,
/// never a silent fall-back to random weights.
/// </summary>
public sealed class SirenInitSet
{
    private readonly Dictionary<SirenShape, SirenInit> _byShape;

    public SirenInitSet(string folder, IEnumerable<SirenInit> inits)
    {
        Folder = folder;
        _byShape = inits.ToDictionary(i => i.Shape);
        Fingerprint = string.Join(";", _byShape.Values.OrderBy(i => i.Shape.ToString(), StringComparer.Ordinal).Select(i => $"{i.Shape}:{i.Sha256[..16]}"));
    }

    public string Folder { get; }

    /// <summary>The shapes and file hashes, in a stable order: what an encode's cache key holds.</summary>
    public string Fingerprint { get; }

    public IReadOnlyCollection<SirenShape> Shapes => _byShape.Keys;

    /// <summary>Where the shipped initialisations are: <c>models/</c> beside the binary.</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "models");

    private static readonly Lazy<SirenInitSet> Shipped = new(() => Load(ShippedFolder));

    /// <summary>The initialisations shipped with the build (models/README.md has the command for each).</summary>
    public static SirenInitSet Default => Shipped.Value;

    /// <summary>What a <c>--learned-init</c> option names: <c>default</c> (the shipped set) or a folder of initialisations.</summary>
    public static SirenInitSet Resolve(string spec) => spec == "default" ? Default : Load(spec);

    /// <summary>Every <c>siren-init-*.bin</c> in <paramref name="folder"/>.</summary>
    public static SirenInitSet Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new InputException(folder, null, "folder of SIREN initialisations not found");
        return new SirenInitSet(folder, Directory.GetFiles(folder, "siren-init-*.bin").Order(StringComparer.Ordinal).Select(SirenInit.Read));
    }

    public bool Has(SirenShape shape) => _byShape.ContainsKey(shape);

    public SirenInit For(SirenShape shape) => _byShape.TryGetValue(shape, out var init) ? init
        : throw new InputException(Path.Combine(Folder, SirenInit.FileName(shape)), null,
            $"no learned initialisation for {shape} SIRENs here; make one with 'rinr meta-train --shape {shape} --out FILE'");

    public override string ToString() => Fingerprint;
}
