using ResidualInr.Imaging;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Tests;

public class DetectorTrainingTests(ITestOutputHelper log)
{
    [Fact]
    public void Training_lowers_the_loss()
    {
        var (images, boxes, _) = SyntheticFrames.Get();
        using var source = new PixelFrameSource("original", images, CPU);
        using var trained = DetectorTrainer.Train(source, boxes, new DetectorSettings(Epochs: 12, BatchSize: 8), seed: 1, CPU);
        log.WriteLine(string.Join(", ", trained.Losses.Select(l => l.ToString("F3"))));
        Assert.All(trained.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(trained.Losses[^1] < 0.6 * trained.Losses[0], $"loss {trained.Losses[0]:F3} -> {trained.Losses[^1]:F3}");
    }
}
