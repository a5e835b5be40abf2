using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Nerv;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

public class NervTests
{
    [Theory]
    [InlineData(160, 90, new[] { 5, 2 }, 16, 9)]
    [InlineData(640, 360, new[] { 5, 2, 2, 2 }, 16, 9)]
    [InlineData(320, 180, new[] { 5, 2, 2 }, 16, 9)]
    [InlineData(48, 32, new[] { 2, 2, 2, 2 }, 3, 2)]
    public void Strides_come_from_the_frame_size(int w, int h, int[] strides, int baseW, int baseH)
    {
        var shape = NervShape.For(w, h, 16, 4, 8);
        Assert.Equal(strides, shape.Strides);
        Assert.Equal((baseW, baseH), (shape.BaseWidth, shape.BaseHeight));
    }

    [Fact]
    public void A_size_without_a_usable_common_factor_is_refused()
    {
        Assert.Contains("161x90", Assert.Throws<InputException>(() => NervShape.StridesFor(161, 90)).Message);
        Assert.Throws<InputException>(() => NervShape.StridesFor(22, 11)); // gcd 11
    }

    [Fact]
    public void The_parameter_count_matches_the_network_and_the_payload()
    {
        var shape = NervShape.For(160, 90, 64, 8, 16);
        using var net = new NervNetwork(shape, CPU);
        Assert.Equal(shape.ParameterCount, net.Parameters().Sum(p => p.numel()));
        Assert.Equal(shape.Layers.Count * 2, net.Parameters().Count());
        // 80*64+64 + 64*1152+1152 + 8*400*9+400 + 16*64*9+64 + 16*3+3
        Assert.Equal(5_184 + 74_880 + 29_200 + 9_280 + 51, shape.ParameterCount);
    }

    [Fact]
    public void Training_lowers_the_loss_and_any_subset_of_frames_decodes_like_the_whole_sequence()
    {
        var frames = Frames(4, 32, 18);
        var losses = new List<double>();
        var codec = new NervCodec(Settings("nerv", ObjectEncoding.None, epochs: 40), CPU) { OnEpoch = (_, loss) => losses.Add(loss) };
        var encoded = codec.EncodeSequence(frames, seed: 5);
        Assert.True(losses[^1] < 0.7 * losses[0], $"loss {losses[0]:F3} -> {losses[^1]:F3}");

        using var decoder = new NervSequenceDecoder(SequencePayloadFormat.Read(encoded.Container), CPU);
        using var all = decoder.Decode([0, 1, 2, 3]);
        using var some = decoder.Decode([3, 1]);
        Assert.True(some[0].allclose(all[3], rtol: 0, atol: 1e-3));
        Assert.True(some[1].allclose(all[1], rtol: 0, atol: 1e-3));
        var images = codec.DecodeSequence(encoded.Container);
        Assert.True(ImageQuality.Psnr(frames[0].Image, images[0]) > 15);
    }

    [Fact]
    public void Frame_shares_add_up_to_the_container_and_the_format_round_trips()
    {
        var frames = Frames(3, 32, 18);
        var codec = new NervCodec(Settings("residual-nerv", ObjectEncoding.Residual, epochs: 3), CPU);
        var encoded = codec.EncodeSequence(frames, seed: 1);
        Assert.Equal(encoded.Container.Length, encoded.Frames.Sum(f => f.PayloadBytes));
        Assert.All(encoded.Frames.Where(f => f.Frame.Box is not null), f => Assert.True(f.ObjectBytes > 0));
        Assert.Contains(encoded.Frames, f => f.ObjectBytes > 0);
        var payload = SequencePayloadFormat.Read(encoded.Container, "s.rnrv");

        // The split, measured by writing variants of the container rather than from the share rule:
        // a frame's object bytes are what removing its O-INR saves; an entry without an O-INR is what
        // a second frame adds; the shared part (header, NeRV, count, CRC) is a one-frame container
        // less that entry, and it is split evenly over the frames.
        int Length(IEnumerable<SequenceFrame> f) => SequencePayloadFormat.Write(payload with { Frames = f.ToList() }).Length;
        var bare = payload.Frames.Select(f => f with { Object = null }).ToList();
        int entry = Length(bare.Take(2)) - Length(bare.Take(1));
        int shared = Length(bare.Take(1)) - entry;
        Assert.Equal(shared, encoded.Frames.Sum(f => f.BackgroundBytes));
        Assert.All(encoded.Frames, f => Assert.InRange(f.BackgroundBytes, shared / frames.Count, (shared + frames.Count - 1) / frames.Count));
        for (int i = 0; i < frames.Count; i++)
        {
            int objectBytes = encoded.Container.Length - Length(payload.Frames.Select((f, j) => j == i ? f with { Object = null } : f));
            Assert.Equal(objectBytes, encoded.Frames[i].ObjectBytes);
            Assert.Equal(entry + objectBytes, encoded.Frames[i].PayloadBytes - encoded.Frames[i].BackgroundBytes);
        }
        Assert.Equal(encoded.Container, SequencePayloadFormat.Write(payload));
        Assert.Equal(frames.Select(f => f.Index), payload.Frames.Select(f => f.Index));
        Assert.Equal(frames.Select(f => f.Box), payload.Frames.Select(f => f.Box));
    }

    [Fact]
    public void Fuzzing_a_sequence_payload_gives_only_clean_errors_or_valid_payloads()
    {
        var frames = Frames(2, 32, 18);
        var seedBytes = new NervCodec(Settings("residual-nerv", ObjectEncoding.Residual, epochs: 1), CPU).EncodeSequence(frames, 1).Container;
        var rng = new Random(7);
        int rejected = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])seedBytes.Clone();
            switch (rng.Next(4))
            {
                // Mutations aimed at the header and frame table as often as at the weights.
                case 0: bytes[rng.Next(2) == 0 ? rng.Next(Math.Min(40, bytes.Length)) : rng.Next(bytes.Length)] = (byte)rng.Next(256); break;
                case 1: bytes = bytes[..rng.Next(bytes.Length)]; break;
                case 2: for (int k = 0; k < 4; k++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); break;
                case 3: bytes = bytes.Concat(Enumerable.Range(0, rng.Next(1, 9)).Select(_ => (byte)rng.Next(256))).ToArray(); break;
            }
            bool resealed = rng.Next(2) == 0 && bytes.Length > 4;
            if (resealed)
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
            bool changed = !bytes.AsSpan().SequenceEqual(seedBytes);
            try
            {
                var p = SequencePayloadFormat.Read(bytes, "fuzz.rnrv");
                Assert.False(changed && !resealed, $"trial {trial}: a corrupted payload passed the CRC");
                SequencePayloadFormat.Write(p);
            }
            catch (PayloadException e)
            {
                Assert.StartsWith("fuzz.rnrv: ", e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > 1500, $"only {rejected} of 3000 mutations were rejected");
    }

    [Fact]
    public void Sequence_header_fields_set_to_huge_values_with_the_crc_resealed_are_clean_errors()
    {
        // Frame size, PE levels, hidden and stem widths, block count, strides and channels, bits:
        // each set to 0, its largest value or a random one, 1-3 at a time, the CRC resealed.
        var seed = SequencePayloadFormat.Write(SequencePayloadFormat.Read(new NervCodec(Settings("residual-nerv", ObjectEncoding.Residual, epochs: 1), CPU).EncodeSequence(Frames(2, 32, 18), 1).Container));
        int n = seed[6], o = 7 + n, blocks = seed[o + 9];
        var fields = new List<(int Offset, int Size)> { (o, 2), (o + 2, 2), (o + 4, 1), (o + 5, 2), (o + 7, 2), (o + 9, 1) };
        for (int b = 0; b < blocks; b++) { fields.Add((o + 10 + 3 * b, 1)); fields.Add((o + 11 + 3 * b, 2)); }
        fields.Add((o + 10 + 3 * blocks, 1));
        var rng = new Random(78);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])seed.Clone();
            foreach (var (offset, size) in fields.OrderBy(_ => rng.Next()).Take(rng.Next(1, 4)))
            {
                int value = rng.Next(4) switch { 0 => 0, 1 => 0xFFFF, 2 => 4097, _ => rng.Next(0x10000) };
                bytes[offset] = (byte)value;
                if (size == 2) bytes[offset + 1] = (byte)(value >> 8);
            }
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), System.IO.Hashing.Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
            try
            {
                var p = SequencePayloadFormat.Read(bytes, "fuzz.rnrv");
                SequencePayloadFormat.Write(p);
                Assert.True(p.Shape.ActivationsPerFrame <= NervShape.MaxActivationsPerFrame);
            }
            catch (PayloadException e) { Assert.StartsWith("fuzz.rnrv: ", e.Message); }
        }
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 512L << 20, "reading 3,000 small containers allocated over 512 MB");
    }

    private static NervCodecSettings Settings(string name, ObjectEncoding objects, int epochs) =>
        new(name, 16, 4, 8, 8, objects, 16, ObjectInrGroups.Default, new NervTrainingOptions(epochs, 3e-3, BatchSize: 2), new TrainingOptions(Steps: 20, LearningRate: 1e-3));

    private static List<FrameToEncode> Frames(int count, int w, int h)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-nerv-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 1, Frames: count, Width: 64, Height: 36), dir);
            var seq = data.Sequences[0];
            return seq.Frames.Select(f => Evaluation.EncodeRunner.Prepare(seq, f, new Evaluation.EncodeOptions(w, h))).ToList();
        }
        finally { Directory.Delete(dir, true); }
    }
}
