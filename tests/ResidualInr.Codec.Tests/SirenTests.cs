using ResidualInr.Codec.Siren;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

public class SirenTests
{
    [Theory]
    [InlineData(28, 10, 7479)]
    [InlineData(10, 3, 283)]
    [InlineData(15, 3, 573)]
    [InlineData(17, 5, 1329)]
    [InlineData(24, 5, 2547)]
    public void Parameter_counts_match_the_reference_code(int width, int layers, int expected)
        => Assert.Equal(expected, new SirenShape(width, layers).ParameterCount);

    [Fact]
    public void Batched_forward_equals_each_network_computed_alone()
    {
        using var scope = NewDisposeScope();
        var shape = new SirenShape(8, 3);
        using var net = new BatchedSiren(shape, 3, CPU);
        net.Initialise(new Generator(5, CPU));
        var coords = CoordinateGrid.For(6, 4, CPU);
        var batched = net.Forward(coords);
        for (int b = 0; b < 3; b++)
        {
            var h = coords;
            for (int l = 0; l < shape.SineLayers; l++)
                h = sin((matmul(h, net.Weights[l][b]) + net.Biases[l][b]) * shape.W0);
            var alone = matmul(h, net.Weights[^1][b]) + net.Biases[^1][b];
            Assert.True(allclose(batched[b], alone, rtol: 1e-5, atol: 1e-5), $"network {b} differs");
        }
    }

    [Fact]
    public void Initialisation_follows_the_reference_bounds()
    {
        using var net = new BatchedSiren(new SirenShape(28, 10), 2, CPU);
        net.Initialise(new Generator(1, CPU));
        Assert.True(net.Weights[0].abs().max().item<float>() <= 1.0f / 2);
        float hidden = (float)(Math.Sqrt(6.0 / 28) / 30);
        Assert.True(net.Weights[3].abs().max().item<float>() <= hidden);
        Assert.True(net.Weights[3].abs().max().item<float>() > hidden * 0.8f);
        Assert.True(net.Biases[5].abs().max().item<float>() <= hidden);
    }

    [Fact]
    public void Training_a_batch_equals_training_each_network_alone()
    {
        // Adam is per parameter and each network's loss is its own, so stacking must not change
        // any network's trajectory.
        using var scope = NewDisposeScope();
        var shape = new SirenShape(6, 2);
        var coords = CoordinateGrid.For(8, 6, CPU);
        var targets = rand([2, 48, 3], generator: new Generator(3, CPU)) * 2 - 1;
        var options = new TrainingOptions(Steps: 30, LearningRate: 1e-3);
        using var both = new BatchedSiren(shape, 2, CPU);
        both.Initialise(new Generator(9, CPU));
        var init = Enumerable.Range(0, 2).Select(both.Export).ToArray();
        var mseBoth = SirenTrainer.Fit(both, coords, targets, null, options);
        for (int b = 0; b < 2; b++)
        {
            using var alone = new BatchedSiren(shape, 1, CPU);
            alone.Import(0, init[b]);
            var mse = SirenTrainer.Fit(alone, coords, targets[b].unsqueeze(0), null, options);
            Assert.Equal(mseBoth[b], mse[0], 4);
            Assert.True(allclose(both.Weights[0][b], alone.Weights[0][0], rtol: 1e-4, atol: 1e-5));
        }
    }

    [Fact]
    public void Fitting_reduces_the_error_and_keeps_the_best_weights()
    {
        using var scope = NewDisposeScope();
        var coords = CoordinateGrid.For(16, 12, CPU);
        var targets = (coords.narrow(1, 0, 1) * coords.narrow(1, 1, 1)).expand(-1, 3).unsqueeze(0).contiguous();
        using var net = new BatchedSiren(new SirenShape(16, 3), 1, CPU);
        net.Initialise(new Generator(2, CPU));
        var history = new List<float>();
        var kept = SirenTrainer.Fit(net, coords, targets, null, new TrainingOptions(Steps: 150, LearningRate: 1e-3), (_, mse) => history.Add(mse[0]));
        Assert.True(kept[0] < history[0] / 10, $"MSE {history[0]} -> {kept[0]}");
        Assert.True(kept[0] <= history.Skip(75).Min() + 1e-7);
        // The kept weights reproduce the kept error.
        using (no_grad())
        {
            var mse = (net.Forward(coords) - targets).pow(2).mean().item<float>();
            Assert.Equal(kept[0], mse, 5);
        }
    }

    [Fact]
    public void Masked_pixels_do_not_count()
    {
        using var scope = NewDisposeScope();
        var coords = CoordinateGrid.For(4, 4, CPU).unsqueeze(0);
        var targets = zeros([1, 16, 3]);
        targets[0, 15] = tensor(new float[] { 100, 100, 100 });   // a wild padded pixel
        var mask = ones([1, 16, 1]);
        mask[0, 15] = tensor(0f);
        using var net = new BatchedSiren(new SirenShape(4, 2), 1, CPU);
        net.Initialise(new Generator(1, CPU));
        var mse = SirenTrainer.Fit(net, coords, targets, mask, new TrainingOptions(Steps: 50, LearningRate: 1e-3));
        Assert.True(mse[0] < 1, $"masked MSE {mse[0]} was pulled by the padded pixel");
    }
}
