using static TorchSharp.torch;

namespace ResidualInr.Codec.Siren;

/// <summary>How <see cref="MetaTrainer"/> learns an initialisation.</summary>
/// <param name="OuterSteps">Reptile updates of the initialisation.</param>
/// <param name="InnerSteps">Adam steps each sampled network takes from the current initialisation before the update.</param>
/// <param name="Batch">Corpus targets fitted per update (together, as one stacked fit).</param>
/// <param name="PixelsPerStep">Pixels of each target an update fits (a random subset, the same for the whole inner loop); 0: all.</param>
/// <param name="InnerLearningRate">The encoder's own learning rate, so that the initialisation is learned for the steps it will take.</param>
/// <param name="OuterLearningRate">Reptile's step towards the adapted networks' mean, falling linearly to 0 over the outer steps.</param>
public sealed record MetaTrainingOptions(
    int OuterSteps = 400,
    int InnerSteps = 16,
    int Batch = 8,
    int PixelsPerStep = 4096,
    double InnerLearningRate = TrainingOptions.FastLearningRate,
    double OuterLearningRate = 0.5)
{
    public void Validate()
    {
        if (OuterSteps < 1 || OuterSteps > 1_000_000) throw new Imaging.InputException($"--outer-steps must be between 1 and 1000000, got {OuterSteps}");
        if (InnerSteps < 1 || InnerSteps > 10_000) throw new Imaging.InputException($"--inner-steps must be between 1 and 10000, got {InnerSteps}");
        if (Batch < 1 || Batch > 4096) throw new Imaging.InputException($"--batch must be between 1 and 4096, got {Batch}");
        if (PixelsPerStep < 0) throw new Imaging.InputException($"--pixels must be 0 (all) or more, got {PixelsPerStep}");
        if (!(InnerLearningRate > 0) || InnerLearningRate > 1) throw new Imaging.InputException($"--inner-lr must be in (0, 1], got {InnerLearningRate}");
        if (!(OuterLearningRate > 0) || OuterLearningRate > 1) throw new Imaging.InputException($"--outer-lr must be in (0, 1], got {OuterLearningRate}");
    }
}

/// <summary>
/// Learns one initialisation for every SIREN of a shape from a corpus of fitting tasks, with Reptile (Nichol et al.
/// 2018, arXiv 1803.02999; for coordinate networks, Tancik et al. 2021, arXiv 2012.02189): sample a batch of targets,
/// fit a copy of the initialisation to each for a few steps of the encoder's own optimiser, move the initialisation
/// a step towards the mean of the fitted copies; repeat. The fits are <see cref="SirenTrainer.Fit"/>'s, one stacked
/// batch per update.
/// </summary>
public static class MetaTrainer
{
    /// <summary>One fitting task: pixel coordinates [P, 2] in [-1, 1] and targets [P, 3] in network units, both on the CPU.</summary>
    public sealed record Task(float[] Coordinates, float[] Targets)
    {
        public int Pixels => Coordinates.Length / 2;
    }

    /// <param name="onUpdate">After each update: its index and the mean PSNR (network units) the batch reached after its inner steps.</param>
    public static SirenInit Train(SirenShape shape, IReadOnlyList<Task> corpus, MetaTrainingOptions options, int seed, Device device,
        string provenance, Action<int, double>? onUpdate = null)
    {
        options.Validate();
        if (corpus.Count < options.Batch) throw new Imaging.InputException($"the corpus has {corpus.Count} targets, fewer than --batch {options.Batch}");
        var rng = new Random(seed);
        using var generator = new Generator((ulong)seed);
        using var init = new BatchedSiren(shape, 1, device);
        init.Initialise(generator);
        var inner = new TrainingOptions(Steps: options.InnerSteps, LearningRate: options.InnerLearningRate, CosineSchedule: false, KeepBestOfSecondHalf: false);

        for (int outer = 0; outer < options.OuterSteps; outer++)
        {
            using var scope = NewDisposeScope();
            var tasks = Sample(rng, corpus.Count, options.Batch).Select(i => corpus[i]).ToArray();
            // Each task fits a random subset of its pixels (all of them when it has no more), drawn without replacement;
            // tasks with fewer pixels than the longest are padded and masked, as boxes of different sizes are in an encode.
            var counts = tasks.Select(t => options.PixelsPerStep == 0 ? t.Pixels : Math.Min(options.PixelsPerStep, t.Pixels)).ToArray();
            int pixels = counts.Max();
            var coords = new float[tasks.Length * pixels * 2];
            var targets = new float[tasks.Length * pixels * 3];
            var mask = new float[tasks.Length * pixels];
            for (int b = 0; b < tasks.Length; b++)
            {
                var chosen = Sample(rng, tasks[b].Pixels, counts[b]);
                for (int k = 0; k < counts[b]; k++)
                {
                    int p = chosen[k], row = b * pixels + k;
                    coords[row * 2] = tasks[b].Coordinates[2 * p];
                    coords[row * 2 + 1] = tasks[b].Coordinates[2 * p + 1];
                    for (int c = 0; c < 3; c++) targets[row * 3 + c] = tasks[b].Targets[3 * p + c];
                    mask[row] = 1;
                }
            }
            using var net = new BatchedSiren(shape, tasks.Length, device);
            net.CopyFrom(init);
            var masked = counts.Any(c => c < pixels) ? tensor(mask, [tasks.Length, pixels, 1]).to(device) : null;
            var mse = SirenTrainer.Fit(net, tensor(coords, [tasks.Length, pixels, 2]).to(device), tensor(targets, [tasks.Length, pixels, 3]).to(device), masked, inner);
            double step = options.OuterLearningRate * (1 - (double)outer / options.OuterSteps);
            using (no_grad())
                for (int l = 0; l < net.Weights.Length; l++)
                {
                    init.Weights[l].add_(net.Weights[l].mean([0], keepdim: true).sub_(init.Weights[l]), alpha: step);
                    init.Biases[l].add_(net.Biases[l].mean([0], keepdim: true).sub_(init.Biases[l]), alpha: step);
                }
            onUpdate?.Invoke(outer, mse.Average(e => Psnr.FromMse(e)));
        }
        return new SirenInit(shape, init.Export(0), provenance);
    }

    /// <summary><paramref name="count"/> distinct indices below <paramref name="n"/> (a partial Fisher-Yates shuffle).</summary>
    private static int[] Sample(Random rng, int n, int count)
    {
        var all = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, n);
            (all[i], all[j]) = (all[j], all[i]);
        }
        return all[..count];
    }
}
