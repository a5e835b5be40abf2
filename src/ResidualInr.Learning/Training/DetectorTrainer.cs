using System.Diagnostics;
using ResidualInr.Imaging;
using ResidualInr.Learning.Data;
using ResidualInr.Learning.Detector;
using TorchSharp;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Training;

/// <summary>Wall time of one epoch, and the part of it spent loading (decoding) frames.</summary>
public readonly record struct EpochTiming(double TrainSeconds, double DecodeSeconds);

/// <summary>A trained detector and how long each epoch took.</summary>
public sealed class TrainedDetector(SingleObjectDetector model, IReadOnlyList<EpochTiming> epochs, IReadOnlyList<double> losses) : IDisposable
{
    public SingleObjectDetector Model { get; } = model;
    public IReadOnlyList<EpochTiming> Epochs { get; } = epochs;

    /// <summary>Mean training loss of every epoch.</summary>
    public IReadOnlyList<double> Losses { get; } = losses;

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// Trains a <see cref="SingleObjectDetector"/> on one source's frames. Every batch is loaded from
/// the source when it is needed (a JPEG source decodes on the CPU, an INR source on the training
/// device), so an epoch's time includes the data pipeline, as on a device that stores what it received.
/// The seed fixes the initial weights, the batch order and the flips.
/// </summary>
public static class DetectorTrainer
{
    /// <param name="pretrained">Weights to fine-tune from (checked against the settings' width and the frame size); null: random initial weights.</param>
    public static TrainedDetector Train(IFrameSource frames, IReadOnlyList<Box?> boxes, DetectorSettings settings, int seed, Device device,
        Action<int>? onEpochDone = null, DetectorWeights? pretrained = null)
    {
        if (boxes.Count != frames.Count) throw new ArgumentException($"{frames.Count} frames but {boxes.Count} boxes");
        pretrained?.CheckFits(settings.Width, frames.Width, frames.Height);
        return Fit(frames.Name, frames.Count, frames.Width, settings, seed, device, pretrained, (batch, _, random) =>
        {
            var images = frames.Load(batch, device);
            return (images, batch.Select(i => boxes[i]).ToArray());
        }, onEpochDone);
    }

    /// <summary>
    /// The training loop every detector shares: a seeded model (or <paramref name="pretrained"/>'s weights), Adam on the
    /// settings' schedule, an epoch as a seeded shuffle of <paramref name="count"/> items in batches that
    /// <paramref name="loadBatch"/> turns into images on the device and their boxes (which it may augment with the
    /// random stream it is given). It is also told the batch that comes next in the epoch (null after the last), so that
    /// it may start preparing it while this one trains. The time spent in <paramref name="loadBatch"/> is the epoch's
    /// decode time.
    /// </summary>
    public static TrainedDetector Fit(string name, int count, int frameWidth, DetectorSettings settings, int seed, Device device, DetectorWeights? pretrained,
        Func<int[], int[]?, Random, (Tensor Images, Box?[] Boxes)> loadBatch, Action<int>? onEpochDone = null)
    {
        settings.Validate();
        torch.random.manual_seed(seed);
        var model = new SingleObjectDetector(settings.Width);
        pretrained?.LoadInto(model);
        model.to(device);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), settings.LearningRate);
        var random = new Random(seed);
        int batches = (count + settings.BatchSize - 1) / settings.BatchSize;
        int totalSteps = batches * settings.Epochs, step = 0;
        var timings = new List<EpochTiming>(settings.Epochs);
        var losses = new List<double>(settings.Epochs);
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, count).ToArray();
            random.Shuffle(order);
            double decodeSeconds = 0, lossSum = 0;
            var clock = Stopwatch.StartNew();
            var chunks = order.Chunk(settings.BatchSize).ToArray();
            for (int b = 0; b < chunks.Length; b++)
            {
                var batch = chunks[b];
                using var scope = NewDisposeScope();
                var loadStart = clock.Elapsed.TotalSeconds;
                var (images, batchBoxes) = loadBatch(batch, b + 1 < chunks.Length ? chunks[b + 1] : null, random);
                Synchronise(device);
                decodeSeconds += clock.Elapsed.TotalSeconds - loadStart;

                if (settings.Flip) images = Flip(images, batchBoxes, frameWidth, random);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = settings.LearningRateAt(step++, totalSteps);
                optimizer.zero_grad();
                var loss = DetectorLoss.Compute(model.forward(images), batchBoxes, frameWidth, (int)images.shape[2]);
                if (loss is null) continue; // no object in this batch: nothing to learn from
                loss.backward();
                optimizer.step();
                double value = loss.item<float>() + 1; // the loss leaves out the constant 1 of (1 - GIoU)
                if (!double.IsFinite(value))
                    throw new InputException(null, null, $"detector training diverged ({name}, seed {seed}, epoch {epoch + 1}): the loss is {value}; lower the learning rate");
                lossSum += value * batch.Length;
            }
            Synchronise(device);
            timings.Add(new EpochTiming(clock.Elapsed.TotalSeconds, decodeSeconds));
            losses.Add(lossSum / count);
            onEpochDone?.Invoke(epoch + 1);
        }
        model.eval();
        return new TrainedDetector(model, timings, losses);
    }

    /// <summary>Mirrors a random half of the batch left-right, boxes with it (in place in <paramref name="boxes"/>).</summary>
    private static Tensor Flip(Tensor images, Box?[] boxes, int width, Random random)
    {
        var flip = new bool[boxes.Length];
        for (int i = 0; i < flip.Length; i++)
        {
            flip[i] = random.NextDouble() < 0.5;
            if (flip[i] && boxes[i] is { } b) boxes[i] = b with { X = width - b.X - b.W };
        }
        var mask = tensor(flip, device: images.device).view(-1, 1, 1, 1);
        return where(mask, images.flip(3), images);
    }

    private static void Synchronise(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize();
    }
}
