using ResidualInr.Codec.Codecs;
using ResidualInr.Codec.Devices;
using ResidualInr.Codec.Evaluation;
using ResidualInr.Codec.Siren;
using ResidualInr.Imaging.Datasets;

namespace ResidualInr.Codec.Tests;

/// <summary>A sharded run's encode unit: a slice of an encode's batches gives the whole encode's payloads for its frames.</summary>
public class EncodeSliceTests
{
    [Fact]
    public void Slices_of_whole_batches_encode_the_same_payloads_as_the_whole_encode()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-slice-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 3, Frames: 2, Width: 64, Height: 48, Seed: 5), Path.Combine(dir, "data"));
            var settings = CodecCatalog.InrSettings("residual-inr", new TrainingOptions(Steps: 8, LearningRate: 1e-3));
            var cpu = ComputeDevice.Resolve("cpu");
            var whole = new EncodeOptions(48, 32, Batch: 2, Seed: 7);
            var all = EncodeRunner.Run(data, new InrCodec(settings, cpu), whole, Path.Combine(dir, "whole"));
            // Batches 0 and 1-2 of the three, in reverse order of running: a slice depends on nothing outside it.
            var later = EncodeRunner.Run(data, new InrCodec(settings, cpu), whole with { FirstBatch = 1, BatchCount = 2 }, Path.Combine(dir, "later"));
            var first = EncodeRunner.Run(data, new InrCodec(settings, cpu), whole with { FirstBatch = 0, BatchCount = 1 }, Path.Combine(dir, "first"));
            Assert.Equal(6, all.Count);
            Assert.Equal(2, first.Count);
            Assert.Equal(4, later.Count);
            var sliced = first.Select(m => (m, "first")).Concat(later.Select(m => (m, "later"))).ToList();
            for (int i = 0; i < all.Count; i++)
            {
                var (row, folder) = sliced[i];
                Assert.Equal((all[i].Sequence, all[i].Frame), (row.Sequence, row.Frame));
                Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "whole", all[i].PayloadFile)), File.ReadAllBytes(Path.Combine(dir, folder, row.PayloadFile)));
                Assert.Equal(all[i].PsnrWholeDb, row.PsnrWholeDb);
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_warm_started_encode_cannot_be_sliced()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-slice-").FullName;
        try
        {
            var data = SyntheticDataset.Generate(new SyntheticOptions(Sequences: 1, Frames: 2, Width: 64, Height: 48, Seed: 5), Path.Combine(dir, "data"));
            var settings = CodecCatalog.InrSettings("rapid-inr", new TrainingOptions(Steps: 2), warmStart: true);
            var e = Assert.Throws<ArgumentException>(() => EncodeRunner.Run(data, new InrCodec(settings, ComputeDevice.Resolve("cpu")),
                new EncodeOptions(48, 32, Batch: 1, FirstBatch: 1, BatchCount: 1), Path.Combine(dir, "out")));
            Assert.Contains("warm-started", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
