using ResidualInr.Codec.Quantization;
using ResidualInr.Codec.Siren;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Tests;

/// <summary>
/// Residual-INR's refit with a target: the sine biases wrapped by whole periods (the same function, a finer 8-bit grid),
/// the first layer fixed while the others train, and the options of the fit before and of the refit.
/// </summary>
public class FirstLayerRefitTests
{
    private static readonly SirenShape Shape = new(8, 3);

    private static BatchedSiren Spread(int seed)
    {
        var net = new BatchedSiren(Shape, 2, CPU);
        net.Initialise(new Generator((ulong)seed, CPU));
        using var _ = no_grad();
        // Biases as a fit leaves a first layer's: spread over several periods of the sine.
        foreach (var b in net.Biases) b.copy_(rand(b.shape, generator: new Generator((ulong)seed + 1, CPU)) - 0.5);
        return net;
    }

    [Fact]
    public void Wrapping_the_phases_keeps_the_function_and_brings_every_sine_bias_within_half_a_period()
    {
        using var scope = NewDisposeScope();
        using var net = Spread(3);
        var coords = CoordinateGrid.For(12, 9, CPU);
        Tensor before;
        using (no_grad()) before = net.Forward(coords);
        var head = net.Biases[^1].clone();
        net.WrapPhases();
        double half = Math.PI / Shape.W0;
        for (int l = 0; l < Shape.SineLayers; l++)
            Assert.True(net.Biases[l].abs().max().item<float>() <= half + 1e-6, $"layer {l}'s biases exceed π/w0");
        Assert.True(before.allclose(net.Forward(coords).detach(), rtol: 0, atol: 1e-4));
        Assert.True(head.allclose(net.Biases[^1], rtol: 0, atol: 0), "the linear head's bias is not a phase and stays");
    }

    [Fact]
    public void Wrapped_biases_lose_less_to_an_8_bit_grid()
    {
        using var net = Spread(5);
        float Error(BatchedSiren n) { using var _ = no_grad(); var b = n.Biases[0]; return (FakeQuantizer.Apply(b, 8) - b).abs().max().item<float>(); }
        float spread = Error(net);
        net.WrapPhases();
        // The grid's step is the range over 255: 1 wide before, 2π/30 after.
        Assert.True(Error(net) < spread / 4, $"{Error(net)} against {spread}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_frozen_first_layer_keeps_its_values_while_the_other_layers_train(bool lbfgs)
    {
        using var scope = NewDisposeScope();
        using var net = Spread(7);
        var coords = CoordinateGrid.For(8, 6, CPU);
        var targets = rand([2, 48, 3], generator: new Generator(9, CPU)) * 2 - 1;
        var before = net.Export(1);
        var options = new TrainingOptions(Steps: 20, LearningRate: 1e-3, LbfgsAfter: lbfgs ? 0 : null);
        SirenTrainer.Fit(net, coords, targets, null, options, frozenLayers: 1);
        var after = net.Export(1);
        Assert.Equal(before[0], after[0]);  // first layer's weights
        Assert.Equal(before[1], after[1]);  // and biases
        Assert.NotEqual(before[2], after[2]);
        Assert.NotEqual(before[^1], after[^1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SirenTrainer.Fit(net, coords, targets, null, options, frozenLayers: Shape.Layers.Count));
    }

    [Fact]
    public void Before_the_refit_the_float_fit_is_the_recipes_adam_phase_on_its_pixel_subsets()
    {
        var recipe = TrainingOptions.FastOnCpu(2000);
        var before = recipe.BeforeRefit();
        Assert.Null(before.LbfgsAfter);
        Assert.Equal(recipe.LbfgsAfter, before.Steps);
        Assert.Equal(recipe.SubsetSteps, before.SubsetSteps);
        Assert.Equal(before.Steps, before.SubsetSteps);
        // The same learning rate at every step as the recipe's Adam phase (its cosine runs over that phase).
        var adamPhase = recipe with { Steps = recipe.LbfgsAfter!.Value };
        for (int step = 0; step < before.Steps; step += 97) Assert.Equal(adamPhase.LearningRateAt(step), before.LearningRateAt(step), 12);
        // A recipe without L-BFGS fits as it always did.
        Assert.Equal(TrainingOptions.Fast(2000), TrainingOptions.Fast(2000).BeforeRefit());
    }

    [Fact]
    public void The_refit_is_the_recipes_lbfgs_phase_on_whole_frames_and_an_adam_recipe_has_none()
    {
        var refit = TrainingOptions.FastOnCpu(2000).Refit()!;
        Assert.Equal(200, refit.Steps);  // a tenth of the recipe's
        Assert.Equal(0, refit.LbfgsAfter);
        Assert.Null(refit.SubsetPixels);
        Assert.Equal(TrainingOptions.FastLearningRate, refit.LearningRate);
        refit.Validate();
        Assert.Equal(1, TrainingOptions.FastOnCpu(5).Refit()!.Steps);
        Assert.Null(TrainingOptions.Fast(300).Refit());
        Assert.Null(TrainingOptions.Reference(300).Refit());
    }
}
