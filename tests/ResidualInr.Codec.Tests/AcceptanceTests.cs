using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Metrics;
using Xunit.Abstractions;

namespace ResidualInr.Codec.Tests;

/// <summary>
/// The codec's claims on the synthetic dataset at 160x90 on the CPU, at a step count that runs
/// in a few minutes. Slow: run alone with --filter Category=Acceptance (scripts/test runs it too).
/// </summary>
[Trait("Category", "Acceptance")]
public class AcceptanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Residual_inr_buys_object_quality_for_small_objects_and_residual_beats_direct()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-accept-").FullName;
        try
        {
            // Sequences 1 and 2 aim at size groups 1 and 2: objects of a few percent of the frame,
            // the regime Residual-INR is for.
            var ds = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 2, Frames: 1, Width: 160, Height: 90, Seed: 1), dir);
            var frames = ds.Sequences.Select(s => EncodeRunner.Prepare(s, s.Frames[0], new EncodeOptions(160, 90))).ToList();
            var device = ComputeDevice.Resolve("cpu");
            var training = new TrainingOptions(Steps: 400, LearningRate: 1e-3);

            (byte[][] Payloads, double[] Object) Encode(string name)
            {
                var codec = CodecCatalog.Create(name, training, device);
                var encoded = codec.EncodeBatch(frames, 1);
                var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
                var obj = frames.Select((f, i) =>
                {
                    var b = f.Box!.Value;
                    return ImageQuality.PsnrInside(f.Image, decoded[i], new Box(b.X, b.Y, b.W, b.H));
                }).ToArray();
                output.WriteLine($"{name}: bytes {string.Join(", ", encoded.Select(e => e.Payload.Length))}; object PSNR {string.Join(", ", obj.Select(o => $"{o:F2}"))} dB");
                return (encoded.Select(e => e.Payload).ToArray(), obj);
            }

            var rapid = Encode("rapid-inr");
            var residual = Encode("residual-inr");
            var residual16 = Encode("residual-inr-16bit");
            var direct = Encode("residual-inr-direct");

            // Group 1: at least 3 dB more object PSNR than Rapid-INR, in fewer bytes.
            Assert.True(SizeGroups.Default.GroupOf(frames[0].Box!.Value.Area) == 1);
            Assert.True(residual.Payloads[0].Length <= rapid.Payloads[0].Length);
            Assert.True(residual.Object[0] >= rapid.Object[0] + 3, $"object {residual.Object[0]:F2} dB vs Rapid-INR {rapid.Object[0]:F2} dB");
            // Same O-INR size, same B-INR: fitting the residual beats fitting the raw object.
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.True(Math.Abs(direct.Payloads[i].Length - residual16.Payloads[i].Length) <= 1); // only the codec names differ
                Assert.True(residual16.Object[i] > direct.Object[i], $"frame {i}: residual {residual16.Object[i]:F2} dB vs direct {direct.Object[i]:F2} dB");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Residual_nerv_buys_at_least_2_db_of_object_quality_over_nerv_in_fewer_bytes()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-accept-nerv-").FullName;
        try
        {
            // One sequence of small objects (size group 1), generated at 320x180 and encoded at 160x90.
            var ds = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 1, Frames: 6, Seed: 1), dir);
            var seq = ds.Sequences[0];
            var frames = seq.Frames.Select(f => EncodeRunner.Prepare(seq, f, new EncodeOptions(160, 90))).ToList();
            var device = ComputeDevice.Resolve("cpu");

            (int Bytes, double Object) Encode(string name)
            {
                var codec = CodecCatalog.CreateSequenceCodec(name, new Nerv.NervTrainingOptions(Epochs: 300), new TrainingOptions(Steps: 300, LearningRate: 1e-3), device);
                var encoded = codec.EncodeSequence(frames, 1);
                var decoded = codec.DecodeSequence(encoded.Container);
                double obj = frames.Select((f, i) =>
                {
                    var b = f.Box!.Value;
                    return ImageQuality.PsnrInside(f.Image, decoded[i], new Box(b.X, b.Y, b.W, b.H));
                }).Average();
                output.WriteLine($"{name}: {encoded.Container.Length} bytes for {frames.Count} frames; mean object PSNR {obj:F2} dB");
                return (encoded.Container.Length, obj);
            }

            var nerv = Encode("nerv");
            var residual = Encode("residual-nerv");
            Assert.True(residual.Bytes <= nerv.Bytes, $"{residual.Bytes} bytes vs NeRV {nerv.Bytes}");
            Assert.True(residual.Object >= nerv.Object + 2, $"object {residual.Object:F2} dB vs NeRV {nerv.Object:F2} dB");
        }
        finally { Directory.Delete(dir, true); }
    }
}
