using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Payloads;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Images;
using ResidualInr.Imaging.Metrics;

namespace ResidualInr.Codec.Tests;

/// <summary>End-to-end codec behaviour on tiny synthetic frames with few steps (fast, CPU).</summary>
public class CodecTests
{
    private static readonly TrainingOptions Quick = new(Steps: 60, LearningRate: 1e-3);

    private static List<FrameToEncode> Frames(int count, int w = 48, int h = 32)
    {
        var dir = Directory.CreateTempSubdirectory("rinr-codec-").FullName;
        try
        {
            var ds = SyntheticDataset.Generate(new SyntheticOptions(Sequences: count, Frames: 1, Width: 64, Height: 48, Seed: 3), dir);
            var options = new EncodeOptions(w, h);
            return ds.Sequences.Select(s => EncodeRunner.Prepare(s, s.Frames[0], options)).ToList();
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Every_variant_encodes_and_decodes_a_batch_with_the_declared_sizes()
    {
        var frames = Frames(3);
        frames[2] = frames[2] with { Box = null }; // a target-absent frame carries the B-INR only
        foreach (var name in CodecCatalog.InrNames)
        {
            var codec = (InrCodec)CodecCatalog.Create(name, Quick, ComputeDevice.Resolve("cpu"));
            var encoded = codec.EncodeBatch(frames, seed: 1);
            var decoded = codec.DecodeBatch(encoded.Select(e => e.Payload).ToList());
            Assert.Equal(3, decoded.Count);
            int objectsSent = 0;
            for (int i = 0; i < 3; i++)
            {
                var p = PayloadFormat.Read(encoded[i].Payload);
                Assert.Equal(codec.Settings.BackgroundBits, p.Background.Bits);
                // An O-INR goes only with a box; a residual one only if it lowers the box's error
                // (ObjectInrFitter), which at 60 steps one of the two may not.
                bool mayHaveObject = codec.Settings.Object != ObjectEncoding.None && frames[i].Box is not null;
                if (!mayHaveObject) Assert.Null(p.Object);
                if (mayHaveObject && codec.Settings.Object == ObjectEncoding.Direct) Assert.NotNull(p.Object);
                if (p.Object is not null) objectsSent++;
                // Measured: what the payload shrinks by without its O-INR (not the NetworkBytes formula the codec uses).
                int withoutObject = PayloadFormat.Write(p with { Networks = [p.Background] }).Length;
                Assert.Equal(encoded[i].Payload.Length - withoutObject, encoded[i].ObjectBytes);
                Assert.True(ImageQuality.Psnr(frames[i].Image, decoded[i]) > 12, $"{name} frame {i}");
            }
            if (codec.Settings.Object != ObjectEncoding.None) Assert.True(objectsSent > 0, $"{name}: no frame carries an O-INR");
        }
    }

    [Fact]
    public void A_residual_object_inr_improves_the_object_over_the_same_background_alone()
    {
        // residual-inr-bg and residual-inr-16bit train the same B-INR from the same seed, so the
        // only difference inside the box is the O-INR's correction.
        var frames = Frames(2, 64, 40);
        var device = ComputeDevice.Resolve("cpu");
        var training = new TrainingOptions(Steps: 120, LearningRate: 1e-3);
        var bgOnly = CodecCatalog.Create("residual-inr-bg", training, device);
        var residual = CodecCatalog.Create("residual-inr-16bit", training, device);
        var b = bgOnly.EncodeBatch(frames, 1);
        var r = residual.EncodeBatch(frames, 1);
        var bd = bgOnly.DecodeBatch(b.Select(e => e.Payload).ToList());
        var rd = residual.DecodeBatch(r.Select(e => e.Payload).ToList());
        for (int i = 0; i < frames.Count; i++)
        {
            var box = frames[i].Box!.Value;
            var rect = new Box(box.X, box.Y, box.W, box.H);
            Assert.Equal(ImageQuality.PsnrOutside(frames[i].Image, bd[i], rect), ImageQuality.PsnrOutside(frames[i].Image, rd[i], rect), 9);
            double before = ImageQuality.PsnrInside(frames[i].Image, bd[i], rect), after = ImageQuality.PsnrInside(frames[i].Image, rd[i], rect);
            Assert.True(after > before + 1, $"frame {i}: object {before:F2} dB -> {after:F2} dB");
            Assert.Equal(b[i].BackgroundBytes, r[i].BackgroundBytes);
        }
    }

    [Fact]
    public void Decoding_is_deterministic_and_matches_the_encoder_view()
    {
        var frames = Frames(1);
        var codec = CodecCatalog.Create("residual-inr-16bit", Quick, ComputeDevice.Resolve("cpu"));
        var encoded = codec.EncodeBatch(frames, 7);
        var again = codec.EncodeBatch(frames, 7);
        Assert.Equal(encoded[0].Payload, again[0].Payload); // same seed, same bytes
        var a = codec.DecodeBatch([encoded[0].Payload])[0];
        var b = new InrDecoder(ComputeDevice.Resolve("cpu")).Decode([PayloadFormat.Read(encoded[0].Payload)])[0];
        Assert.Equal(a.Pixels, b.Pixels);
    }

    [Fact]
    public void Warm_start_reuses_the_previous_frame_of_the_same_sequence()
    {
        var frames = Frames(1);
        var settings = CodecCatalog.InrSettings("rapid-inr", new TrainingOptions(Steps: 40, LearningRate: 1e-3), warmStart: true);
        var codec = new InrCodec(settings, ComputeDevice.Resolve("cpu"));
        codec.EncodeBatch(frames, 1);
        var firstLoss = new List<float>();
        codec.OnBackgroundStep = (step, mse) => { if (step == 0) firstLoss.Add(mse[0]); };
        codec.EncodeBatch(frames, 2);                       // same image again, warm
        var cold = new InrCodec(settings with { WarmStart = false }, ComputeDevice.Resolve("cpu")) { OnBackgroundStep = (step, mse) => { if (step == 0) firstLoss.Add(mse[0]); } };
        cold.EncodeBatch(frames, 2);
        Assert.True(firstLoss[0] < firstLoss[1] / 2, $"warm first-step MSE {firstLoss[0]} vs cold {firstLoss[1]}");
    }

    [Fact]
    public void Jpeg_codec_payload_is_the_real_file()
    {
        var frames = Frames(1);
        var codec = CodecCatalog.Create("jpeg", Quick, ComputeDevice.Resolve("cpu"), jpegQuality: 75);
        var e = codec.EncodeBatch(frames, 1)[0];
        Assert.Equal(new JpegCodec(75).Encode(frames[0].Image), e.Payload);
        Assert.Equal("jpeg-q75", codec.Name);
    }

    [Fact]
    public void Unknown_codecs_and_bad_settings_are_input_errors()
    {
        Assert.Throws<InputException>(() => CodecCatalog.Create("mp4", Quick, ComputeDevice.Resolve("cpu")));
        Assert.Throws<InputException>(() => new TrainingOptions(Steps: 0).Validate());
        Assert.Throws<InputException>(() => new InrCodec(CodecCatalog.InrSettings("rapid-inr", Quick) with { BackgroundBits = 12 }, ComputeDevice.Resolve("cpu")));
    }
}
