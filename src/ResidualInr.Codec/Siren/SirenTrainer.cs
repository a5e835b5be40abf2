using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// Fits a <see cref="BatchedSiren"/> to B targets at once: one Adam step updates every network.
/// Each network's loss is its own masked MSE, summed over the batch, so a network's gradient
/// does not depend on what else is in the batch. Adam is written out on the stacked tensors
/// (it is per-parameter, so stacking changes nothing) and lets us keep per-network best weights.
/// </summary>
public static class SirenTrainer
{
    private static Tensor MaskedMse(BatchedSiren net, Tensor coords, Tensor targets, Tensor? mask, Tensor counts, Func<Tensor, Tensor>? parameterView)
    {
        var diff = net.Forward(coords, parameterView) - targets;
        var sq = diff * diff;
        if (mask is not null) sq = sq * mask;
        return sq.sum([1, 2]) / counts;
    }

    /// <summary>Where a network's MSE beats its best so far, remember the MSE and copy its weights.</summary>
    private static void KeepBetter(Tensor mse, Tensor bestMse, Tensor[] parameters, Tensor[] bestParameters)
    {
        var better = mse < bestMse;
        bestMse.copy_(where(better, mse, bestMse));
        var select = better.view(-1, 1, 1);
        for (int i = 0; i < parameters.Length; i++)
            bestParameters[i].copy_(where(select, parameters[i], bestParameters[i]));
    }

    /// <param name="coords">[P, in] shared, or [B, P, in].</param>
    /// <param name="targets">[B, P, out] in the network's output units.</param>
    /// <param name="mask">Optional [B, P, 1] of 0/1: pixels that count (padding for boxes of different sizes).</param>
    /// <param name="onStep">Called with (step, per-network MSE) every step, for progress and measurements.</param>
    /// <returns>Per network, the MSE of the weights that were kept.</returns>
    /// <param name="onStepDone">Called after every step without reading anything back from the device (progress bars).</param>
    /// <param name="parameterView">Optional view of the parameters in every forward pass (fake quantisation); the kept MSE is measured through it.</param>
    public static float[] Fit(BatchedSiren net, Tensor coords, Tensor targets, Tensor? mask, TrainingOptions options,
        Action<int, float[]>? onStep = null, Func<Tensor, Tensor>? parameterView = null, Action<int>? onStepDone = null)
    {
        options.Validate();
        int b = net.Batch;
        var parameters = net.Parameters.ToArray();
        var m = parameters.Select(p => zeros_like(p)).ToArray();
        var v = parameters.Select(p => zeros_like(p)).ToArray();
        using var best = new BatchedSiren(net.Shape, b, net.Device);
        best.CopyFrom(net);
        var bestParameters = best.Parameters.ToArray();
        var bestMse = full([b], float.PositiveInfinity, device: net.Device);
        var counts = mask is null
            ? full([b], (float)(targets.shape[1] * targets.shape[2]), device: net.Device)
            : mask.sum([1, 2]) * targets.shape[2];
        net.RequireGrad();
        try
        {
            for (int step = 0; step < options.Steps; step++)
            {
                using var scope = NewDisposeScope();
                foreach (var p in parameters) p.grad?.zero_();
                var perNet = MaskedMse(net, coords, targets, mask, counts, parameterView); // [B]
                perNet.sum().backward();

                using (no_grad())
                {
                    // The loss was measured with the weights before this update, so those are the
                    // weights to keep when it is a new best.
                    if (!options.KeepBestOfSecondHalf || step >= options.Steps / 2)
                        KeepBetter(perNet.detach(), bestMse, parameters, bestParameters);
                    double lr = options.LearningRateAt(step);
                    double bc1 = 1 - Math.Pow(options.Beta1, step + 1), bc2 = 1 - Math.Pow(options.Beta2, step + 1);
                    // Explicit scalars held by using: an implicit number-to-Scalar conversion can be
                    // finalised by the GC while libtorch still reads it (seen once in a long run).
                    using var beta1 = options.Beta1.ToScalar();
                    using var gradWeight = (1 - options.Beta1).ToScalar();
                    using var beta2 = options.Beta2.ToScalar();
                    using var squareWeight = (1 - options.Beta2).ToScalar();
                    using var correction2 = bc2.ToScalar();
                    using var epsilon = options.Epsilon.ToScalar();
                    using var stepSize = (-lr / bc1).ToScalar();
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        var g = parameters[i].grad!;
                        m[i].mul_(beta1).add_(g, alpha: gradWeight);
                        v[i].mul_(beta2).addcmul_(g, g, value: squareWeight);
                        var denom = v[i].div(correction2).sqrt_().add_(epsilon);
                        parameters[i].addcdiv_(m[i], denom, value: stepSize);
                    }
                }
                onStep?.Invoke(step, perNet.detach().cpu().data<float>().ToArray());
                onStepDone?.Invoke(step);
            }
            // Score the final weights too: the last step's update has not been measured yet.
            using (var scope = NewDisposeScope())
            using (no_grad())
                KeepBetter(MaskedMse(net, coords, targets, mask, counts, parameterView), bestMse, parameters, bestParameters);
            foreach (var p in parameters) p.requires_grad_(false);
            net.CopyFrom(best);
            return bestMse.cpu().data<float>().ToArray();
        }
        finally
        {
            foreach (var t in m.Concat(v)) t.Dispose();
            bestMse.Dispose();
            counts.Dispose();
            foreach (var p in parameters) p.grad?.Dispose();
        }
    }
}
