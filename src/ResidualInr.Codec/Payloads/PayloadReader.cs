using System.Buffers.Binary;

namespace ResidualInr.Codec.Payloads;

/// <summary>Bounds-checked little-endian reads; running off the end is a truncation error.</summary>
internal ref struct PayloadReader(byte[] data, int end, string? file)
{
    private int _pos;
    public readonly int Remaining => end - _pos;
    public readonly PayloadException Error(string reason) => new(file, reason);

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || _pos + n > end) throw new PayloadException(file, $"payload is truncated (needed {n} more bytes at offset {_pos})");
        var s = data.AsSpan(_pos, n);
        _pos += n;
        return s;
    }

    public void Skip(int n) => Take(n);
    public byte[] Bytes(int n) => Take(n).ToArray();
    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
}
