using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ResidualInr.Simulation.Network;

namespace ResidualInr.Simulation.Strategies;

/// <summary>
/// The broadcasts <see cref="BroadcastReceipts"/> recorded, one row each in arrival order, as columns (what the
/// replay reads per row sits in arrays of its own). Counts are kept as prefix sums so that a device's share of any
/// run of rows is two look-ups minus its own rows.
/// </summary>
internal sealed class ReceiptRows
{
    public readonly List<double> Arrival = [], Air = [], Decode = [];
    /// <summary>Per row: the latest decode end among the receivers replayed so far (-∞ before any).</summary>
    public readonly List<double> MaxReady = [];
    /// <summary>Per row: the device left out (-1: none), and the previous row that left the same device out (-1: none).</summary>
    public readonly List<int> Except = [], OwnBefore = [];
    public readonly List<Transmission> Payloads = [];
    /// <summary>Bytes, INR and JPEG payloads of the rows before index k (one entry more than rows).</summary>
    public readonly List<long> BytesBefore = [0];
    public readonly List<int> InrBefore = [0], JpegBefore = [0];

    public int Count => Arrival.Count;

    public long BytesOf(int k) => BytesBefore[k + 1] - BytesBefore[k];

    /// <summary>Appends <paramref name="t"/>, which arrived now (its end); returns its row.</summary>
    public int Add(Transmission t, int except, double decodeSeconds, int ownBefore)
    {
        Arrival.Add(t.EndSeconds);
        Air.Add(t.AirSeconds);
        Decode.Add(decodeSeconds);
        MaxReady.Add(double.NegativeInfinity);
        Except.Add(except);
        OwnBefore.Add(ownBefore);
        Payloads.Add(t);
        BytesBefore.Add(BytesBefore[^1] + t.Bytes);
        InrBefore.Add(InrBefore[^1] + (t.Kind == PayloadKind.Inr ? 1 : 0));
        JpegBefore.Add(JpegBefore[^1] + (t.Kind == PayloadKind.Jpeg ? 1 : 0));
        return Count - 1;
    }
}

/// <summary>
/// Replays rows into a block of consecutive devices exactly as <see cref="Entities.EdgeDevice.Receive"/> and the
/// receive air-time sum would have, row after row: rx += air (when air &gt; 0), busy += decode,
/// ready = max(arrival, ready) + decode, and the row's latest ready. Each device's operations come in the same order
/// with the same operands, so the bits are the same; the devices of a block are independent, so they go in vector
/// lanes (IEEE add and max are the same in a lane as in a scalar).
/// </summary>
internal static class ReplayKernel
{
    /// <param name="lo">The block's first device; row r skips device Except[r].</param>
    public static void Run(ReceiptRows rows, int from, int to, int lo, Span<double> rx, Span<double> ready, Span<double> busy)
    {
        var arrival = CollectionsMarshal.AsSpan(rows.Arrival);
        var air = CollectionsMarshal.AsSpan(rows.Air);
        var decode = CollectionsMarshal.AsSpan(rows.Decode);
        var except = CollectionsMarshal.AsSpan(rows.Except);
        var maxReady = CollectionsMarshal.AsSpan(rows.MaxReady);
        int n = rx.Length;
        for (int k = from; k < to; k++)
        {
            int e = except[k] - lo;
            double t = arrival[k], a = air[k], dec = decode[k], m;
            if ((uint)e < (uint)n)
                m = Math.Max(Span(rx, ready, busy, 0, e, t, a, dec), Span(rx, ready, busy, e + 1, n, t, a, dec));
            else
                m = Span(rx, ready, busy, 0, n, t, a, dec);
            if (m > maxReady[k]) maxReady[k] = m;
        }
    }

    /// <summary>One row into devices [<paramref name="start"/>, <paramref name="end"/>) of the block; returns their latest ready (-∞ when none).</summary>
    private static double Span(Span<double> rx, Span<double> ready, Span<double> busy, int start, int end, double t, double a, double dec)
    {
        double m = double.NegativeInfinity;
        int i = start;
        // 512-bit lanes where the CPU has them: 100,000 devices took 4.0-4.4 s here instead of 5.0-5.4 s with
        // Vector<double> (the same 256-bit loop ran as fast as the 512-bit one only with DOTNET_EnableAVX512F=0).
        if (Vector512.IsHardwareAccelerated)
            i = Lanes512(rx, ready, busy, i, end, t, a, dec, ref m);
        else if (Vector.IsHardwareAccelerated)
            i = Lanes(rx, ready, busy, i, end, t, a, dec, ref m);
        for (; i < end; i++) m = Math.Max(m, Scalar(ref rx[i], ref ready[i], ref busy[i], t, a, dec));
        return m;
    }

    /// <summary>Whole vectors from <paramref name="i"/> on; returns where the scalar rest starts.</summary>
    private static int Lanes512(Span<double> rx, Span<double> ready, Span<double> busy, int i, int end, double t, double a, double dec, ref double m)
    {
        int w = Vector512<double>.Count;
        if (end - i < w) return i;
        ref double r = ref MemoryMarshal.GetReference(rx);
        ref double q = ref MemoryMarshal.GetReference(ready);
        ref double b = ref MemoryMarshal.GetReference(busy);
        Vector512<double> vt = Vector512.Create(t), va = Vector512.Create(a), vd = Vector512.Create(dec), vm = Vector512.Create(m);
        bool listens = a > 0;
        for (; i <= end - w; i += w)
        {
            nuint at = (nuint)i;
            if (listens) (Vector512.LoadUnsafe(ref r, at) + va).StoreUnsafe(ref r, at);
            (Vector512.LoadUnsafe(ref b, at) + vd).StoreUnsafe(ref b, at);
            var next = Vector512.Max(vt, Vector512.LoadUnsafe(ref q, at)) + vd;
            next.StoreUnsafe(ref q, at);
            vm = Vector512.Max(vm, next);
        }
        for (int j = 0; j < w; j++) m = Math.Max(m, vm[j]);
        return i;
    }

    /// <summary>As <see cref="Lanes512"/> with the platform's <see cref="Vector{T}"/>, for CPUs without AVX-512 (on one with it, run the tests with DOTNET_EnableAVX512F=0 to check this path).</summary>
    private static int Lanes(Span<double> rx, Span<double> ready, Span<double> busy, int i, int end, double t, double a, double dec, ref double m)
    {
        int w = Vector<double>.Count;
        if (end - i < w) return i;
        ref double r = ref MemoryMarshal.GetReference(rx);
        ref double q = ref MemoryMarshal.GetReference(ready);
        ref double b = ref MemoryMarshal.GetReference(busy);
        Vector<double> vt = new(t), va = new(a), vd = new(dec), vm = new(m);
        bool listens = a > 0;
        for (; i <= end - w; i += w)
        {
            nuint at = (nuint)i;
            if (listens) (Vector.LoadUnsafe(ref r, at) + va).StoreUnsafe(ref r, at);
            (Vector.LoadUnsafe(ref b, at) + vd).StoreUnsafe(ref b, at);
            var next = Vector.Max(vt, Vector.LoadUnsafe(ref q, at)) + vd;
            next.StoreUnsafe(ref q, at);
            vm = Vector.Max(vm, next);
        }
        for (int j = 0; j < w; j++) m = Math.Max(m, vm[j]);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Scalar(ref double rx, ref double ready, ref double busy, double t, double a, double dec)
    {
        if (a > 0) rx += a;
        busy += dec;
        ready = Math.Max(t, ready) + dec;
        return ready;
    }
}
