using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ResidualInr.Codec.Quantization;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Payloads;

/// <summary>
/// The binary container for INR payloads, little-endian, version 1:
/// <code>
/// "RINR" magic | u16 version | u8 codec-name length | codec name (ASCII)
/// u16 frame width | u16 frame height | u8 has-box | 4 x u16 box x, y, w, h | f32 Q
/// u8 network count, then per network:
///   u8 role | u16 width | u8 sine layers | u8 in | u8 out | f32 w0 | u8 bits
///   per tensor (2 per layer: weights then bias, sizes implied by the shape):
///     f32 min | f32 scale | codes (1, 2 or 4 bytes each; 4 = raw float32)
/// u32 CRC-32 of everything before it
/// </code>
/// The reader checks the CRC first, then every field against what the shape implies, so a
/// truncated, corrupted or foreign file is an error, never a crash or a wrong image.
/// </summary>
public static class PayloadFormat
{
    public const ushort Version = 1;
    private static readonly byte[] Magic = "RINR"u8.ToArray();
    /// <summary>
    /// The largest frame side a payload may claim: the encoder writes at most 4096 per side, and a
    /// header is all it takes to make the decoder do width x height work, so anything larger is
    /// refused as input, not attempted (a 6 kB file once claimed 4096x4096 and decoding took 23 GB).
    /// </summary>
    public const int MaxSide = 4096;

    /// <summary>Checks a claimed frame size against <see cref="MaxSide"/>.</summary>
    internal static void CheckFrameSize(ref PayloadReader r, int width, int height)
    {
        if (width < 1 || height < 1) throw r.Error($"frame size {width}x{height} is impossible");
        if (width > MaxSide || height > MaxSide) throw r.Error($"frame size {width}x{height} is beyond the limit of {MaxSide} pixels per side");
    }

    public static byte[] Write(InrPayload payload)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(Magic);
        w.Write(Version);
        var name = Encoding.ASCII.GetBytes(payload.Codec);
        w.Write((byte)name.Length);
        w.Write(name);
        w.Write(checked((ushort)payload.FrameWidth));
        w.Write(checked((ushort)payload.FrameHeight));
        WriteBox(w, payload.Box);
        w.Write(payload.Q);
        w.Write(checked((byte)payload.Networks.Count));
        foreach (var net in payload.Networks) WriteNetwork(w, net);
        w.Flush();
        return WithCrc(ms);
    }

    internal static void WriteNetwork(BinaryWriter w, NetworkPayload net)
    {
        w.Write((byte)net.Role);
        w.Write(checked((ushort)net.Shape.Width));
        w.Write(checked((byte)net.Shape.SineLayers));
        w.Write(checked((byte)net.Shape.In));
        w.Write(checked((byte)net.Shape.Out));
        w.Write((float)net.Shape.W0);
        w.Write((byte)net.Bits);
        foreach (var t in net.Tensors) WriteTensor(w, t);
    }

    /// <summary>u8 has-box, then 4 x u16 x, y, w, h (zeros without a box).</summary>
    internal static void WriteBox(BinaryWriter w, PixelRect? box)
    {
        w.Write((byte)(box is null ? 0 : 1));
        var b = box ?? default;
        foreach (var v in new[] { b.X, b.Y, b.W, b.H }) w.Write(checked((ushort)v));
    }

    internal static PixelRect? ReadBox(ref PayloadReader r, int frameWidth, int frameHeight, string where)
    {
        bool hasBox = r.U8() switch { 0 => false, 1 => true, var v => throw r.Error($"{where}box flag {v} is not 0 or 1") };
        int bx = r.U16(), by = r.U16(), bw = r.U16(), bh = r.U16();
        if (!hasBox) return null;
        if (bw < 1 || bh < 1 || bx + bw > frameWidth || by + bh > frameHeight)
            throw r.Error($"{where}box {bx},{by},{bw}x{bh} is outside the {frameWidth}x{frameHeight} frame");
        return new PixelRect(bx, by, bw, bh);
    }

    internal static void WriteTensor(BinaryWriter w, QuantizedTensor t)
    {
        w.Write(t.Min);
        w.Write(t.Scale);
        if (t.Raw is not null) foreach (var f in t.Raw) w.Write(f);
        else if (t.Bits == 8) foreach (var c in t.Codes) w.Write((byte)c);
        else foreach (var c in t.Codes) w.Write((ushort)c);
    }

    /// <summary>Appends the CRC-32 of everything written so far.</summary>
    internal static byte[] WithCrc(MemoryStream ms)
    {
        var body = ms.ToArray();
        var result = new byte[body.Length + 4];
        body.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(body.Length), Crc32.HashToUInt32(body));
        return result;
    }

    /// <summary>Bytes of one network's section, for the B-INR / O-INR split in reports.</summary>
    public static int NetworkBytes(NetworkPayload net) =>
        1 + 2 + 1 + 1 + 1 + 4 + 1 + net.Tensors.Sum(t => 8 + t.Count * (t.Bits / 8));

    public static bool LooksLikeInrPayload(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[..4].SequenceEqual(Magic);

    public static InrPayload Read(byte[] bytes, string? file = null)
    {
        if (bytes.Length < 4 + 2 + 4) throw new PayloadException(file, $"payload is truncated ({bytes.Length} bytes)");
        if (!LooksLikeInrPayload(bytes)) throw new PayloadException(file, "not a rinr payload (bad magic)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (version != Version) throw new PayloadException(file, $"unsupported payload version {version} (this build reads version {Version})");
        var body = bytes.AsSpan(0, bytes.Length - 4);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        if (Crc32.HashToUInt32(body) != stored) throw new PayloadException(file, "payload is corrupted or truncated (CRC-32 mismatch)");

        var r = new PayloadReader(bytes, bytes.Length - 4, file);
        r.Skip(6);
        int nameLength = r.U8();
        var codec = Encoding.ASCII.GetString(r.Bytes(nameLength));
        int fw = r.U16(), fh = r.U16();
        CheckFrameSize(ref r, fw, fh);
        var box = ReadBox(ref r, fw, fh, "");
        float q = r.F32();
        if (!float.IsFinite(q) || q < 0) throw r.Error($"residual scale Q = {q} is not a finite non-negative number");
        int count = r.U8();
        if (count is < 1 or > 2) throw r.Error($"{count} networks (expected 1 or 2)");
        var networks = new List<NetworkPayload>();
        for (int n = 0; n < count; n++) networks.Add(ReadNetwork(ref r, n));
        if (r.Remaining != 0) throw r.Error($"{r.Remaining} unexpected bytes after the last network");
        if (networks[0].Role != NetworkRole.Background) throw r.Error("the first network must be the background");
        if (count == 2 && (networks[1].Role == NetworkRole.Background || box is null))
            throw r.Error("an object network needs a box and must follow the background");
        return new InrPayload(codec, fw, fh, box, q, networks);
    }

    internal static NetworkPayload ReadNetwork(ref PayloadReader r, int n)
    {
        byte roleByte = r.U8();
        if (roleByte > 2) throw r.Error($"network role {roleByte} is unknown");
        var role = (NetworkRole)roleByte;
        int width = r.U16(), layers = r.U8(), inDim = r.U8(), outDim = r.U8();
        float w0 = r.F32();
        int bits = r.U8();
        if (width < 1 || width > 1024 || layers < 1 || layers > 64 || inDim != 2 || outDim != 3 || !(w0 > 0) || !float.IsFinite(w0))
            throw r.Error($"network {n + 1} has an impossible shape ({layers}x{width}, {inDim}->{outDim}, w0 {w0})");
        if (!QuantizedTensor.SupportedBits.Contains(bits)) throw r.Error($"network {n + 1} is stored at {bits} bits (expected 8, 16 or 32)");
        var shape = new SirenShape(width, layers, inDim, outDim, w0);
        var tensors = new List<QuantizedTensor>();
        foreach (var (fin, fout) in shape.Layers)
        {
            tensors.Add(ReadTensor(ref r, fin * fout, bits));
            tensors.Add(ReadTensor(ref r, fout, bits));
        }
        return new NetworkPayload(role, shape, tensors);
    }

    /// <summary>Checks length, magic, version and CRC-32; returns a reader positioned after the version.</summary>
    internal static PayloadReader Open(byte[] bytes, ReadOnlySpan<byte> magic, ushort version, string? file, string what)
    {
        if (bytes.Length < 4 + 2 + 4) throw new PayloadException(file, $"{what} is truncated ({bytes.Length} bytes)");
        if (!bytes.AsSpan(0, 4).SequenceEqual(magic)) throw new PayloadException(file, $"not a {what} (bad magic)");
        ushort stored = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        if (stored != version) throw new PayloadException(file, $"unsupported {what} version {stored} (this build reads version {version})");
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        if (Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)) != crc) throw new PayloadException(file, $"{what} is corrupted or truncated (CRC-32 mismatch)");
        var r = new PayloadReader(bytes, bytes.Length - 4, file);
        r.Skip(6);
        return r;
    }

    internal static QuantizedTensor ReadTensor(ref PayloadReader r, int count, int bits)
    {
        float min = r.F32(), scale = r.F32();
        // Why: a shape field must not make us allocate more than the file could possibly hold.
        if ((long)count * (bits / 8) > r.Remaining) throw r.Error($"payload is truncated (a {count:N0}-value tensor at {bits} bits cannot fit)");
        if (!float.IsFinite(min) || !float.IsFinite(scale) || scale < 0) throw r.Error($"quantisation parameters min {min}, scale {scale} are invalid");
        if (bits == 32)
        {
            var raw = new float[count];
            for (int i = 0; i < count; i++)
            {
                raw[i] = r.F32();
                if (!float.IsFinite(raw[i])) throw r.Error("a weight is not a finite number");
            }
            return new QuantizedTensor(32, 0, 0, [], raw);
        }
        var codes = new uint[count];
        for (int i = 0; i < count; i++) codes[i] = bits == 8 ? r.U8() : r.U16();
        return new QuantizedTensor(bits, min, scale, codes);
    }
}
