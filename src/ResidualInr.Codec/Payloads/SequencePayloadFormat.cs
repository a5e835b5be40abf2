using System.Text;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Quantization;
using ResidualInr.Imaging;

namespace ResidualInr.Codec.Payloads;

/// <summary>
/// The container for a video codec's sequence, little-endian, version 1:
/// <code>
/// "RNRV" magic | u16 version | u8 codec-name length | codec name (ASCII)
/// u16 frame width | u16 frame height
/// u8 PE levels | u16 hidden | u16 stem channels | u8 blocks | per block: u8 stride, u16 channels | u8 bits
/// per NeRV layer (see NervShape.Layers): weights then bias, each f32 min | f32 scale | codes
/// u16 frame count | per frame: i32 index | u8 has-box | 4 x u16 box | f32 Q | u8 has-object | object network (as in .rinr)
/// u32 CRC-32 of everything before it
/// </code>
/// <para>
/// Per-frame share (what the simulator sends per frame, returned by Write(payload, out shares)): the header and the
/// NeRV are split evenly over the frames (the first frames take the remainder bytes), and each frame
/// adds its own entry. The shares add up to the container's length exactly. A device needs the NeRV
/// once per sequence; after that, a frame costs only its entry.
/// </para>
/// </summary>
public static class SequencePayloadFormat
{
    public const ushort Version = 1;
    private static readonly byte[] Magic = "RNRV"u8.ToArray();

    public static bool LooksLikeSequencePayload(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[..4].SequenceEqual(Magic);

    public static byte[] Write(SequencePayload payload) => Write(payload, out _);

    /// <summary>
    /// Writes the container and, from the same pass, each frame's share of it in frame order:
    /// (the frame's part of the header, NeRV, frame count and CRC; the frame's own entry). The shares
    /// sum to the container's length.
    /// </summary>
    public static byte[] Write(SequencePayload payload, out IReadOnlyList<(int Shared, int Own)> shares)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        WriteHeaderAndNetwork(w, payload);
        w.Write(checked((ushort)payload.Frames.Count));
        w.Flush();
        long common = ms.Length + 4; // header, NeRV, frame count, and the CRC at the end
        int n = payload.Frames.Count;
        var result = new (int Shared, int Own)[n];
        for (int i = 0; i < n; i++)
        {
            long before = ms.Length;
            WriteFrame(w, payload.Frames[i]);
            w.Flush();
            result[i] = ((int)(common / n + (i < common % n ? 1 : 0)), (int)(ms.Length - before));
        }
        shares = result;
        return PayloadFormat.WithCrc(ms);
    }

    private static void WriteHeaderAndNetwork(BinaryWriter w, SequencePayload payload)
    {
        var s = payload.Shape;
        w.Write(Magic);
        w.Write(Version);
        var name = Encoding.ASCII.GetBytes(payload.Codec);
        w.Write((byte)name.Length);
        w.Write(name);
        w.Write(checked((ushort)s.FrameWidth));
        w.Write(checked((ushort)s.FrameHeight));
        w.Write(checked((byte)s.PeLevels));
        w.Write(checked((ushort)s.Hidden));
        w.Write(checked((ushort)s.StemChannels));
        w.Write(checked((byte)s.Strides.Count));
        for (int i = 0; i < s.Strides.Count; i++)
        {
            w.Write(checked((byte)s.Strides[i]));
            w.Write(checked((ushort)s.Channels[i]));
        }
        w.Write((byte)payload.Tensors[0].Bits);
        foreach (var t in payload.Tensors) PayloadFormat.WriteTensor(w, t);
    }

    private static void WriteFrame(BinaryWriter w, SequenceFrame f)
    {
        w.Write(f.Index);
        PayloadFormat.WriteBox(w, f.Box);
        w.Write(f.Q);
        w.Write((byte)(f.Object is null ? 0 : 1));
        if (f.Object is not null) PayloadFormat.WriteNetwork(w, f.Object);
    }

    public static SequencePayload Read(byte[] bytes, string? file = null)
    {
        var r = PayloadFormat.Open(bytes, Magic, Version, file, "rinr sequence payload");
        var codec = Encoding.ASCII.GetString(r.Bytes(r.U8()));
        int fw = r.U16(), fh = r.U16();
        PayloadFormat.CheckFrameSize(ref r, fw, fh);
        int pe = r.U8(), hidden = r.U16(), stem = r.U16(), blocks = r.U8();
        if (blocks is < 1 or > 8) throw r.Error($"{blocks} NeRV blocks is impossible");
        var strides = new List<int>();
        var channels = new List<int>();
        for (int i = 0; i < blocks; i++)
        {
            strides.Add(r.U8());
            channels.Add(r.U16());
        }
        var shape = new NervShape(fw, fh, pe, hidden, stem, strides, channels);
        try { shape.Validate(); }
        catch (InputException) { throw r.Error($"NeRV shape ({shape}) is impossible"); }
        // Why: a NeRV cannot be tiled like a SIREN, so a frame's activations are bounded here instead
        // (a 600 kB container with a 1,024-channel last block once asked for 68 GB for one frame).
        if (shape.ActivationsPerFrame > NervShape.MaxActivationsPerFrame)
            throw r.Error($"NeRV shape ({shape}) needs {shape.ActivationsPerFrame:N0} activations per frame, beyond the limit of {NervShape.MaxActivationsPerFrame:N0}");
        if (shape.ParameterCount > r.Remaining) throw r.Error($"payload is truncated (a {shape.ParameterCount:N0}-parameter NeRV cannot fit)");
        int bits = r.U8();
        if (!QuantizedTensor.SupportedBits.Contains(bits)) throw r.Error($"the NeRV is stored at {bits} bits (expected 8, 16 or 32)");
        var tensors = new List<QuantizedTensor>();
        foreach (var (weights, bias) in shape.Layers)
        {
            tensors.Add(PayloadFormat.ReadTensor(ref r, weights, bits));
            tensors.Add(PayloadFormat.ReadTensor(ref r, bias, bits));
        }
        int count = r.U16();
        if (count < 1) throw r.Error("a sequence payload has no frames");
        var frames = new List<SequenceFrame>(count);
        for (int i = 0; i < count; i++)
        {
            int index = r.I32();
            var box = PayloadFormat.ReadBox(ref r, fw, fh, $"frame {index}: ");
            float q = r.F32();
            if (!float.IsFinite(q) || q < 0) throw r.Error($"frame {index}: residual scale Q = {q} is not a finite non-negative number");
            bool hasObject = r.U8() switch { 0 => false, 1 => true, var v => throw r.Error($"object flag {v} is not 0 or 1") };
            NetworkPayload? obj = null;
            if (hasObject)
            {
                obj = PayloadFormat.ReadNetwork(ref r, i);
                if (box is null || obj.Role == NetworkRole.Background) throw r.Error($"frame {index}: an object network needs a box and an object role");
            }
            frames.Add(new SequenceFrame(index, box, q, obj));
        }
        if (r.Remaining != 0) throw r.Error($"{r.Remaining} unexpected bytes after the last frame");
        return new SequencePayload(codec, shape, tensors, frames);
    }
}
