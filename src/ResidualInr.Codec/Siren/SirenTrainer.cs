using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>
/// Fits a <see cref="BatchedSiren"/> to B targets at once: one Adam step updates every network.
/// Each network's loss is its own masked MSE, summed over the batch, so a network's gradient
/// does not depend on what else is in the batch. Adam is written out on the stacked tensors
/// (it is per-parameter, so stacking changes nothing) and lets us keep per-network best weights.
/// <para>
/// With a target MSE (<see cref="TrainingOptions.TargetPsnrDb"/> or per network), a network that
/// reaches it is done: its weights of that step are kept and its rows leave the working batch (the
/// parameters, Adam moments, targets and masks are compacted), so the networks still training
/// run smaller kernels. Without a target nothing is compacted and the arithmetic is unchanged.
/// </para>
/// <para>
/// Optionally the first steps train on random pixel subsets (<see cref="TrainingOptions.SubsetPixels"/>) and the
/// later ones by L-BFGS (<see cref="TrainingOptions.LbfgsAfter"/>): the CPU's fast recipe, <see cref="TrainingOptions.FastOnCpu"/>.
/// </para>
/// </summary>
public static class SirenTrainer
{
    /// <summary>Each network's masked MSE [rows] (the loss), and its score: the same squared errors weighted by
    /// <paramref name="scoreWeights"/> over the same count (detached; the loss itself, detached, without weights).</summary>
    private static (Tensor Loss, Tensor Score) MaskedMse(SirenShape shape, Tensor[] parameters, Tensor coords, Tensor targets, Tensor? mask, Tensor counts,
        Func<Tensor, Tensor>? parameterView, Tensor? scoreWeights, bool foldW0 = false)
    {
        int layers = parameters.Length / 2;
        var diff = BatchedSiren.Forward(shape, parameters[..layers], parameters[layers..], coords, parameterView, foldW0) - targets;
        var sq = diff * diff;
        if (mask is not null) sq = sq * mask;
        var loss = sq.sum([1, 2]) / counts;
        return (loss, scoreWeights is null ? loss.detach() : (sq.detach() * scoreWeights).sum([1, 2]) / counts);
    }

    /// <summary>
    /// Each network's masked MSE [rows] at the current parameters (detached), its gradients accumulated into the
    /// parameters' <c>grad</c>. With a pixel chunk smaller than the frame, the forward and backward passes run chunk by
    /// chunk, each chunk's share of the loss (its squared errors over the whole frame's count) adding to the same
    /// gradients: the same loss and gradient up to the order of the sums, but every activation of a chunk stays in the
    /// CPU's cache instead of streaming through memory; the chunked passes also fold w0 into the weights
    /// (<see cref="BatchedSiren.Forward(SirenShape, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, Tensor, Func{Tensor, Tensor}?, bool)"/>).
    /// About 1.3x faster at 160x90, batch 16: 25% of the matmul peak against 20% (results/benchmarks.md). Without a chunk, or when the frame is no larger,
    /// the pass is the single one it always was.
    /// </summary>
    private static (Tensor Loss, Tensor Score) LossWithGradients(SirenShape shape, Tensor[] parameters, Tensor coords, Tensor targets, Tensor? mask, Tensor counts,
        Func<Tensor, Tensor>? parameterView, Tensor? scoreWeights, int? pixelChunk)
    {
        long pixels = targets.shape[1];
        if (pixelChunk is not { } chunk || chunk >= pixels)
        {
            var (loss, score) = MaskedMse(shape, parameters, coords, targets, mask, counts, parameterView, scoreWeights);
            loss.sum().backward();
            return (loss.detach(), score);
        }
        var total = zeros_like(counts);
        var totalScore = scoreWeights is null ? total : zeros_like(counts);
        int pixelDim = (int)coords.dim() - 2;
        for (long start = 0; start < pixels; start += chunk)
        {
            using var scope = NewDisposeScope();
            long n = Math.Min(chunk, pixels - start);
            var (part, score) = MaskedMse(shape, parameters, coords.narrow(pixelDim, start, n), targets.narrow(1, start, n), mask?.narrow(1, start, n), counts,
                parameterView, scoreWeights?.narrow(1, start, n), foldW0: true);
            part.sum().backward();
            total.add_(part.detach());
            if (scoreWeights is not null) totalScore.add_(score);
        }
        return (total, totalScore);
    }

    /// <summary>Seed of every fit's subset generator (<see cref="TrainingOptions.SubsetPixels"/>).</summary>
    private const ulong SubsetSeed = 12345;

    /// <summary>
    /// <see cref="LossWithGradients"/> over <see cref="TrainingOptions.SubsetPixels"/> pixels drawn at random (without
    /// replacement, the same for every network): each network's MSE over its subset, an unbiased estimate of its MSE over
    /// the frame, so the gradient is too; a step costs about the subset's share of a whole-frame step.
    /// </summary>
    private static Tensor SubsetLossWithGradients(SirenShape shape, Tensor[] parameters, Tensor coords, Tensor targets, Tensor? mask,
        Func<Tensor, Tensor>? parameterView, TrainingOptions options, Generator generator)
    {
        int pixels = options.SubsetPixels!.Value;
        var pick = randperm(targets.shape[1], generator: generator).narrow(0, 0, pixels).to(targets.device);
        var subsetMask = mask?.index_select(1, pick);
        var counts = subsetMask is null
            ? full([targets.shape[0]], (float)(pixels * targets.shape[2]), device: targets.device)
            : (subsetMask.sum([1, 2]) * targets.shape[2]).clamp_min(1); // a subset may miss a small box: no loss, no gradient
        return LossWithGradients(shape, parameters, coords.index_select(coords.dim() - 2, pick), targets.index_select(1, pick), subsetMask, counts,
            parameterView, null, options.PixelChunk).Loss;
    }

    /// <summary>Where a network's MSE beats its best so far, remember the MSE and copy its weights (rows of [rows, n]).</summary>
    private static void KeepBetter(Tensor mse, Tensor bestMse, Tensor parameters, Tensor bestParameters)
    {
        var better = mse < bestMse;
        bestMse.copy_(where(better, mse, bestMse));
        bestParameters.copy_(where(better.unsqueeze(1), parameters, bestParameters));
    }

    /// <param name="coords">[P, in] shared, or [B, P, in].</param>
    /// <param name="targets">[B, P, out] in the network's output units.</param>
    /// <param name="mask">Optional [B, P, 1] of 0/1: pixels that count (padding for boxes of different sizes).</param>
    /// <param name="onStep">Called with (step, per-network MSE) every step, for progress and measurements (a network that is done repeats its last MSE).</param>
    /// <returns>Per network, the MSE of the weights that were kept.</returns>
    /// <param name="onStepDone">Called after every step without reading anything back from the device (progress bars).</param>
    /// <param name="parameterView">Optional view of the parameters in every forward pass (fake quantisation); the kept MSE is measured through it.</param>
    /// <param name="cost">Optional: adds the steps (forward and backward passes) each network took, and its share of the
    /// wall time (each step's time split evenly among the networks still in it).</param>
    /// <param name="targetMse">Optional per-network target MSE, instead of <see cref="TrainingOptions.TargetMse"/> for all.</param>
    /// <param name="scoreWeights">Optional [B, P, 1]: per-pixel weights of the score that judges a network (its best weights,
    /// its target, what <paramref name="onStep"/> reports and what is returned): its squared errors weighted by them over the
    /// same count as the loss. Training still minimises the unweighted loss. Null: the score is the loss. Residual-INR's
    /// fine-tuning weighs a box's pixels by the share of their error its object INR will leave (<see cref="Codecs.InrCodec"/>).</param>
    /// <param name="frozenLayers">The first this many layers keep their weights and biases; the others train around them
    /// (Residual-INR's first layer, fixed at its 8-bit values: <see cref="Codecs.InrCodec"/>).</param>
    public static float[] Fit(BatchedSiren net, Tensor coords, Tensor targets, Tensor? mask, TrainingOptions options,
        Action<int, float[]>? onStep = null, Func<Tensor, Tensor>? parameterView = null, Action<int>? onStepDone = null,
        FitCost? cost = null, IReadOnlyList<double>? targetMse = null, Tensor? scoreWeights = null, int frozenLayers = 0)
    {
        if (frozenLayers < 0 || frozenLayers >= net.Shape.Layers.Count)
            throw new ArgumentOutOfRangeException(nameof(frozenLayers), frozenLayers, $"a {net.Shape} network can freeze 0 to {net.Shape.Layers.Count - 1} layers");
        options.Validate();
        if (options.LbfgsAfter is not null && parameterView is not null)
            throw new ArgumentException("L-BFGS fits float networks: a fake-quantised fine-tuning (parameterView) stays with Adam");
        int b = net.Batch;
        if (targetMse is not null && targetMse.Count != b) throw new ArgumentException($"targetMse has {targetMse.Count} entries for {b} networks");
        var goal = targetMse ?? (options.TargetMse is { } all ? Enumerable.Repeat(all, b).ToArray() : null);
        // With a target, a network may stop in the first half, so its best weights are tracked from the start.
        int keepFrom = options.KeepBestOfSecondHalf && goal is null ? options.Steps / 2 : 0;

        var output = net.Parameters.ToArray();
        var layout = new FlatParameters(output);
        // Frozen layers: their gradients are zeroed, so neither Adam (m = v = 0: no update) nor L-BFGS moves them.
        // The parameters are every layer's weights, then every layer's biases (BatchedSiren.Parameters).
        using var trainable = frozenLayers == 0 ? null : layout.Flatten(output.Select((p, i) =>
            full([1, .. p.shape[1..]], i % net.Weights.Length < frozenLayers ? 0f : 1f, device: net.Device)));
        var active = Enumerable.Range(0, b).ToArray(); // original index of each working row
        var finalMse = new float[b];
        if (cost is not null && cost.Steps.Length != b) throw new ArgumentException($"cost has {cost.Steps.Length} entries for {b} networks");
        var clock = cost is null ? null : System.Diagnostics.Stopwatch.StartNew();
        // The working rows [active, n]: the parameters, Adam's moments and the best weights so far, each one flat tensor
        // (FlatParameters); the net's own tensors receive the kept weights at the end (or when a network is done).
        Tensor x;
        using (no_grad()) x = layout.Flatten(output);
        var m = zeros_like(x);
        var v = zeros_like(x);
        var best = x.clone();
        var bestMse = full([b], float.PositiveInfinity, device: net.Device);
        var counts = mask is null
            ? full([b], (float)(targets.shape[1] * targets.shape[2]), device: net.Device)
            : mask.sum([1, 2]) * targets.shape[2];
        Tensor workCoords = coords, workTargets = targets;
        Tensor? workMask = mask, workScoreWeights = scoreWeights;
        bool compacted = false;  // the work tensors are ours (compacted copies), not the caller's
        // With L-BFGS after some Adam steps, Adam's cosine runs over those steps only.
        var adamSchedule = options.LbfgsAfter is { } adamPhase ? options with { Steps = adamPhase, WarmupSteps = Math.Min(options.WarmupSteps, adamPhase / 2) } : options;
        BatchedLbfgs? lbfgs = null;
        // Subsets are drawn for the batch as a whole, from a generator seeded alike in every fit: reproducible, and a
        // network's subsets do not depend on what else is in its batch.
        using var subsetGenerator = options.SubsetPixels is null ? null : new Generator(SubsetSeed);
        try
        {
            for (int step = 0; step < options.Steps && active.Length > 0; step++)
            {
                float[]? mse = null;
                // The first SubsetSteps steps train on pixel subsets, where the frame (or box) is larger than one.
                bool subset = options.SubsetPixels is { } subsetPixels && step < options.SubsetSteps && subsetPixels < workTargets.shape[1];
                using (var scope = NewDisposeScope())
                {
                    var parameters = layout.Leaves(x);
                    var (perNet, score) = subset // [active] each
                        ? (SubsetLossWithGradients(net.Shape, parameters, workCoords, workTargets, workMask, parameterView, options, subsetGenerator!), null)
                        : LossWithGradients(net.Shape, parameters, workCoords, workTargets, workMask, counts, parameterView, workScoreWeights, options.PixelChunk);

                    using (no_grad())
                    {
                        // The loss was measured with the weights before this update, so those are the
                        // weights to keep when it is a new best.
                        // A subset's loss only estimates the frame's: no best weights from it.
                        if (step >= keepFrom && score is not null)
                            KeepBetter(score, bestMse, x, best);
                        var g = layout.Flatten(parameters.Select(p => p.grad!));
                        if (trainable is not null) g.mul_(trainable);
                        if (options.LbfgsAfter is { } adamSteps && step >= adamSteps)
                        {
                            lbfgs ??= new BatchedLbfgs(active.Length, (int)layout.Count, options.LbfgsHistory, net.Device);
                            x.copy_(lbfgs.Next(x, perNet, g));
                        }
                        else
                        {
                            double lr = adamSchedule.LearningRateAt(step);
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
                            m.mul_(beta1).add_(g, alpha: gradWeight);
                            v.mul_(beta2).addcmul_(g, g, value: squareWeight);
                            var denom = v.div(correction2).sqrt_().add_(epsilon);
                            x.addcdiv_(m, denom, value: stepSize);
                        }
                    }
                    if (onStep is not null || goal is not null)
                        mse = (score ?? perNet).cpu().data<float>().ToArray();
                }
                if (cost is not null)
                {
                    // On the CPU the step has finished here; on a GPU the read-back of a target check syncs it.
                    double share = clock!.Elapsed.TotalSeconds / active.Length;
                    clock.Restart();
                    foreach (var i in active) { cost.Steps[i]++; cost.Seconds[i] += share; }
                }
                if (mse is not null)
                    for (int k = 0; k < active.Length; k++) finalMse[active[k]] = mse[k];
                onStep?.Invoke(step, (float[])finalMse.Clone());
                onStepDone?.Invoke(step);

                // Nor a verdict on the target: networks stop only on whole-frame losses.
                if (goal is null || subset) continue;
                var done = Enumerable.Range(0, active.Length).Where(k => mse![k] <= goal[active[k]]).ToArray();
                if (done.Length == 0) continue;
                // Retire the networks that reached their target: their best weights (those of this
                // step or better) go to the output, and every working tensor loses their rows.
                var keep = Enumerable.Range(0, active.Length).Except(done).ToArray();
                using (no_grad())
                {
                    using var doneRows = tensor(done.Select(k => (long)k).ToArray(), device: net.Device);
                    using var doneTargets = tensor(done.Select(k => (long)active[k]).ToArray(), device: net.Device);
                    using (var scope = NewDisposeScope())
                    {
                        var rows = layout.Views(best.index_select(0, doneRows));
                        for (int i = 0; i < output.Length; i++) output[i].index_copy_(0, doneTargets, rows[i]);
                    }
                    using (var rows = bestMse.index_select(0, doneRows).cpu())
                    {
                        var kept = rows.data<float>().ToArray();
                        for (int k = 0; k < done.Length; k++) finalMse[active[done[k]]] = kept[k];
                    }
                    if (keep.Length > 0)
                    {
                        using var keepRows = tensor(keep.Select(k => (long)k).ToArray(), device: net.Device);
                        Tensor Shrink(Tensor t, bool ours)
                        {
                            var smaller = t.index_select(0, keepRows);
                            if (ours) t.Dispose();
                            return smaller;
                        }
                        x = Shrink(x, true);
                        m = Shrink(m, true);
                        v = Shrink(v, true);
                        best = Shrink(best, true);
                        bestMse = Shrink(bestMse, true);
                        lbfgs?.Keep(keepRows);
                        counts = Shrink(counts, true);
                        workTargets = Shrink(workTargets, compacted);
                        if (workMask is not null) workMask = Shrink(workMask, compacted);
                        if (workScoreWeights is not null) workScoreWeights = Shrink(workScoreWeights, compacted);
                        if (workCoords.dim() == 3) workCoords = Shrink(workCoords, compacted);
                        compacted = true;
                    }
                }
                active = keep.Select(k => active[k]).ToArray();
            }
            if (active.Length > 0)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                // Score the final weights too: the last step's update has not been measured yet.
                KeepBetter(MaskedMse(net.Shape, layout.Views(x), workCoords, workTargets, workMask, counts, parameterView, workScoreWeights).Score, bestMse, x, best);
                var rows = tensor(active.Select(k => (long)k).ToArray(), device: net.Device);
                var kept = layout.Views(best);
                for (int i = 0; i < output.Length; i++) output[i].index_copy_(0, rows, kept[i]);
                var keptMse = bestMse.cpu().data<float>().ToArray();
                for (int k = 0; k < active.Length; k++) finalMse[active[k]] = keptMse[k];
            }
            return finalMse;
        }
        finally
        {
            lbfgs?.Dispose();
            foreach (var t in new[] { x, m, v, best, bestMse, counts }) t.Dispose();
            if (compacted)
            {
                workTargets.Dispose();
                workMask?.Dispose();
                workScoreWeights?.Dispose();
                if (workCoords.dim() == 3) workCoords.Dispose();
            }
        }
    }
}

/// <summary>What a fit cost per network: steps taken (a pixel-subset step counts as one) and seconds (its share of each step
/// it was in). Accumulates over fits.</summary>
public sealed class FitCost(int networks)
{
    public int[] Steps { get; } = new int[networks];
    public double[] Seconds { get; } = new double[networks];

    /// <summary>Adds each of this cost's networks to <paramref name="total"/>'s network <paramref name="rows"/>[k] (a fit of part of a batch).</summary>
    public void AddTo(FitCost total, IReadOnlyList<int> rows)
    {
        if (rows.Count != Steps.Length) throw new ArgumentException($"{rows.Count} rows for a cost of {Steps.Length} networks");
        for (int k = 0; k < rows.Count; k++) { total.Steps[rows[k]] += Steps[k]; total.Seconds[rows[k]] += Seconds[k]; }
    }
}
