using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Codec.Nerv;

/// <summary>Fits a <see cref="NervNetwork"/> to a sequence's frames in shuffled mini-batches.</summary>
public static class NervTrainer
{
    /// <param name="frames">[F, 3, H, W] in [0, 1] on the network's device, in time order.</param>
    /// <param name="onEpochDone">Called with the epoch just finished (1-based) and its mean loss.</param>
    /// <returns>The mean loss of the last epoch.</returns>
    public static double Fit(NervNetwork net, Tensor frames, NervTrainingOptions options, int seed, Action<int, double>? onEpochDone = null)
    {
        options.Validate();
        int count = (int)frames.shape[0];
        var times = tensor(Enumerable.Range(0, count).Select(i => NervNetwork.TimeOf(i, count)).ToArray()).to(frames.device);
        using var optimizer = optim.Adam(net.Parameters(), options.LearningRate, beta1: 0.5, beta2: 0.999);
        var random = new Random(seed);
        int perEpoch = (count + options.BatchSize - 1) / options.BatchSize, total = perEpoch * options.Epochs, step = 0;
        double last = double.NaN;
        using var l1Weight = options.L1Weight.ToScalar();
        using var ssimWeight = (1 - options.L1Weight).ToScalar();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, count).ToArray();
            random.Shuffle(order);
            double sum = 0;
            foreach (var batch in order.Chunk(options.BatchSize))
            {
                using var scope = NewDisposeScope();
                var index = tensor(batch.Select(i => (long)i).ToArray(), device: frames.device);
                var target = frames.index_select(0, index);
                var output = net.forward(times.index_select(0, index));
                // 0.7·L1 + 0.3·(1 − SSIM), written without the constant so no implicit Scalar is made.
                var loss = (output - target).abs().mean().mul(l1Weight) - Ssim.Mean(output, target).mul(ssimWeight);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = options.LearningRateAt(step++, total);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                sum += (loss.item<float>() + (1 - options.L1Weight)) * batch.Length;
            }
            last = sum / count;
            if (!double.IsFinite(last)) throw new Imaging.InputException($"NeRV training diverged at epoch {epoch + 1} (loss {last}); lower the learning rate");
            onEpochDone?.Invoke(epoch + 1, last);
        }
        times.Dispose();
        return last;
    }
}
