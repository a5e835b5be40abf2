using ResidualInr.Cli.Codecs;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Cli.Sweeps;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Datasets;
using ResidualInr.Simulation.Strategies;
using static TorchSharp.torch;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// The registry is the one list of codecs: every registered codec must go through every stage
/// (encode, decode of its payload files, the learning stage's frame source, the timing profile and
/// the simulation) with nothing else to edit.
/// </summary>
public class CodecRegistryTests
{
    private static CodecSettings Quick(CodecDescriptor codec) => codec switch
    {
        VideoInrCodecDescriptor => new NervSettings(Epochs: 2),
        _ => codec.DefaultSettings,
    };

    [Fact]
    public void Every_registered_codec_round_trips_through_encode_decode_learning_and_simulation()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-registry-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 2, Frames: 2, Width: 64, Height: 48), Path.Combine(dir, "data"));
            var options = new EncodeOptions(48, 32, Batch: 4);
            var keys = data.AllFrames.Select(f => (f.Sequence, f.Index)).ToList();
            var measured = new List<(string, IReadOnlyList<FrameMetrics>)>();
            foreach (var codec in CodecRegistry.All)
            {
                var spec = new CodecSpec(codec, Quick(codec));
                var folder = Path.Combine(dir, codec.Id);
                var job = new EncodeJob(data, options, folder, CPU, new TrainingOptions(Steps: 4, LearningRate: 1e-3), TextWriter.Null);
                var rows = codec.Encode(spec.Settings, job, null);
                Assert.Equal(4, rows.Count);
                Assert.All(rows, r => Assert.Equal(spec.Key, r.Codec));
                Assert.Same(codec, CodecRegistry.ForKey(spec.Key));
                Assert.Same(codec, CodecRegistry.Get(codec.Id));

                // Every payload file is recognised as this codec's family and decodes at the encoding size.
                var encoded = new EncodedFolder(folder, rows);
                foreach (var row in rows)
                {
                    var file = encoded.PayloadFile(row);
                    var bytes = File.ReadAllBytes(file);
                    Assert.True(codec.Recognises(bytes), $"{codec.Id} does not recognise its own payload {file}");
                    Assert.Equal(codec.GetType(), CodecRegistry.ForPayload(bytes, file).GetType());
                    var image = CodecRegistry.DecodeFile(bytes, file, CPU, row.Frame);
                    Assert.Equal((48, 32), (image.Width, image.Height));
                }

                // The learning stage's view: a batch of decoded frames as [B, 3, H, W] on the device.
                var source = codec.OpenFrameSource(spec.Key, encoded, keys, CPU);
                try
                {
                    Assert.Equal((4, 48, 32), (source.Count, source.Width, source.Height));
                    using var batch = source.Load([0, 3], CPU);
                    Assert.Equal([2L, 3, 32, 48], batch.shape);
                }
                finally { (source as IDisposable)?.Dispose(); }
                measured.Add((spec.Key, rows));
            }

            // Timing profile and simulation: each codec is a carrier with its own measured figures.
            var profile = TimingProfile.FromMeasurements("cpu", 4, measured, 0.01, 0.001);
            var jpegRows = measured.Single(m => m.Item1 == "jpeg-q90").Item2;
            foreach (var (key, rows) in measured.Where(m => m.Item1 != "jpeg-q90"))
            {
                var timings = new ComputeTimings(profile.FogEncodeFor(key), profile.EdgeDecodeSecondsFor("jpeg-q90"),
                    profile.EdgeDecodeSecondsFor(key), profile.EdgeTrainSecondsFor(key));
                var config = new SimulationConfig(2, 2, SharingStrategy.InrTrainEdge, Commands.CodecMetricsFile.Sizes(jpegRows, rows, 2, 0, 0)!, Timings: timings,
                    Batching: FogBatching.Greedy(4));
                var result = Sweep.Run([new SweepPoint(key, null, config)], 1).Single();
                // Closed form: N F s_j up, N (N-1) F s_i down, with this codec's real payload sizes.
                Assert.Equal(jpegRows.Sum(r => (long)r.PayloadBytes) + rows.Sum(r => (long)r.PayloadBytes), result.Summary.BytesOnAir);
                Assert.Equal(key, result.Codec);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_lookup_that_misses_names_the_key_and_never_falls_back()
    {
        var e = Assert.Throws<InputException>(() => CodecRegistry.Get("residual-inrr"));
        Assert.Contains("unknown codec 'residual-inrr' (did you mean 'residual-inr'?)", e.Message);
        Assert.Throws<InputException>(() => CodecRegistry.ForKey("jpeg-q"));
        Assert.Throws<InputException>(() => CodecRegistry.ForKey("jpeg-q101"));
        Assert.IsType<JpegCodecDescriptor>(CodecRegistry.ForKey("jpeg-q7"));
        var profile = new TimingProfile("cpu", new Dictionary<string, IReadOnlyDictionary<int, double>> { ["jpeg-q90"] = new Dictionary<int, double> { [1] = 1 } },
            new Dictionary<string, double> { ["jpeg-q90"] = 1 }, 0.5, 0.1, new Dictionary<string, double> { ["jpeg-q90"] = 0.2 });
        Assert.Throws<InputException>(() => profile.FogEncodeFor("nerv"));
        Assert.Throws<InputException>(() => profile.EdgeDecodeSecondsFor("nerv"));
        Assert.Throws<InputException>(() => profile.EdgeTrainSecondsFor("nerv"));
        // Without any learning-stage table, the scenario's single figure is the documented value for every codec.
        Assert.Equal(0.5, (profile with { EdgeTrainSecondsPerFrameEpochByCodec = null }).EdgeTrainSecondsFor("nerv"));
    }

    [Fact]
    public void Codec_ids_are_unique_and_every_payload_format_is_claimed()
    {
        Assert.Equal(CodecRegistry.Ids.Count, CodecRegistry.Ids.Distinct().Count());
        Assert.All(CodecRegistry.All, c => Assert.True(c.OwnsKey(c.KeyFor(c.DefaultSettings))));
        Assert.Throws<Codec.Payloads.PayloadException>(() => CodecRegistry.ForPayload("GIF89a"u8.ToArray(), "x.gif"));
    }
}
