using ResidualInr.Codec.Codecs;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;
using static TorchSharp.torch;

namespace ResidualInr.Learning.Training;

/// <summary>
/// Pretraining on a large corpus, so that each codec's detector is fine-tuned from weights that already
/// know what an object is (as the paper fine-tunes a pretrained YOLOv8). Every time a frame is drawn it is
/// augmented afresh, cheaply: a random crop that keeps the object (a zoom), colour jitter, and then one
/// degradation of the kinds the codecs produce, JPEG re-compression at a random quality (blocks, ringing)
/// or a down-and-up resize (the smooth loss of detail of an INR), or both, or neither. Left-right flips
/// come from the shared training loop. A detector that has seen every kind of artefact in pretraining
/// does not favour one codec's frames over another's when it is fine-tuned.
/// </summary>
public static class DetectorPretrainer
{
    /// <summary>The pretraining schedule's defaults (width as in fine-tuning, so the weights fit the default detector).</summary>
    public static readonly DetectorSettings Defaults = new(Epochs: 20, BatchSize: 32, LearningRate: 3e-3);

    public static TrainedDetector Train(IReadOnlyList<RgbImage> frames, IReadOnlyList<Box?> boxes, DetectorSettings settings, int seed, Device device,
        Action<int>? onEpochDone = null)
    {
        if (frames.Count == 0) throw new InputException("the pretraining corpus is empty");
        if (boxes.Count != frames.Count) throw new ArgumentException($"{frames.Count} frames but {boxes.Count} boxes");
        int w = frames[0].Width, h = frames[0].Height;
        // The next batch is augmented on the CPU while this one trains (on a GPU machine the augmentations take longer than
        // the steps). Each frame's augmentation has its own random stream, seeded in batch order from the loop's, and its
        // frames augment in parallel: the corpus a seed gives depends on neither the cores nor the timing.
        (int[] Batch, Task<(RgbImage[], Box?[])> Work)? ahead = null;
        Task<(RgbImage[], Box?[])> Start(int[] batch, Random random)
        {
            var seeds = new int[batch.Length];
            for (int k = 0; k < seeds.Length; k++) seeds[k] = random.Next();
            return Task.Run(() =>
            {
                var images = new RgbImage[batch.Length];
                var batchBoxes = new Box?[batch.Length];
                Parallel.For(0, batch.Length, k => (images[k], batchBoxes[k]) = Augment(frames[batch[k]], boxes[batch[k]], new Random(seeds[k])));
                return (images, batchBoxes);
            });
        }
        try
        {
            return DetectorTrainer.Fit("pretraining", frames.Count, w, settings, seed, device, pretrained: null, (batch, next, random) =>
            {
                var work = ahead is { } a && ReferenceEquals(a.Batch, batch) ? a.Work : Start(batch, random);
                ahead = next is null ? null : (next, Start(next, random));
                var (images, batchBoxes) = work.GetAwaiter().GetResult();
                return (FrameTensors.FromImages(images, device), batchBoxes);
            }, onEpochDone);
        }
        finally
        {
            // Training stopped early (an exception): the batch still being augmented must not outlive the call, and the
            // exception to report is training's, not a second one from that batch.
            if (ahead is { } pending)
                try { pending.Work.Wait(); }
                catch (AggregateException) { }
        }
    }

    /// <summary>One random augmentation of a frame and its box (same size out as in).</summary>
    public static (RgbImage Image, Box? Box) Augment(RgbImage image, Box? box, Random random)
    {
        int w = image.Width, h = image.Height;
        if (random.NextDouble() < 0.5) (image, box) = CropKeepingObject(image, box, random);
        image = Jitter(image, random);
        double degrade = random.NextDouble();
        if (degrade < 0.45) image = Blur(image, random);
        if (degrade is >= 0.25 and < 0.8) image = Recompress(image, random);
        return (image, box);
        // The split: 25% blur only, 20% blur then JPEG, 35% JPEG only, 20% untouched.
    }

    /// <summary>A window of 55-100% of each side, placed so the object stays whole when it fits, resized back to the frame.</summary>
    private static (RgbImage, Box?) CropKeepingObject(RgbImage image, Box? box, Random random)
    {
        int w = image.Width, h = image.Height;
        double scale = 0.55 + 0.45 * random.NextDouble();
        int cw = Math.Max(8, (int)Math.Round(w * scale)), ch = Math.Max(8, (int)Math.Round(h * scale));
        int x0 = Place(w, cw, box?.X, box?.Right, random), y0 = Place(h, ch, box?.Y, box?.Bottom, random);
        var cropped = image.Crop(x0, y0, cw, ch).Resize(w, h);
        if (box is not { } b) return (cropped, null);
        var moved = new Box(b.X - x0, b.Y - y0, b.W, b.H).ClipTo(cw, ch).Scale((double)w / cw, (double)h / ch);
        return (cropped, moved is { W: > 1, H: > 1 } ? moved : null);
    }

    /// <summary>A window start in [0, size - window], inside the range that keeps [lo, hi) in the window when there is one.</summary>
    private static int Place(int size, int window, double? lo, double? hi, Random random)
    {
        int min = 0, max = size - window;
        if (lo is { } l && hi is { } r)
        {
            int keepMin = (int)Math.Ceiling(r) - window, keepMax = (int)Math.Floor(l);
            if (Math.Max(min, keepMin) <= Math.Min(max, keepMax)) (min, max) = (Math.Max(min, keepMin), Math.Min(max, keepMax));
        }
        return min + random.Next(max - min + 1);
    }

    /// <summary>Brightness and contrast 0.6-1.4x, saturation 0.5-1.5x, per frame.</summary>
    private static RgbImage Jitter(RgbImage image, Random random)
    {
        double brightness = 0.6 + 0.8 * random.NextDouble(), contrast = 0.6 + 0.8 * random.NextDouble(), saturation = 0.5 + random.NextDouble();
        var src = image.Pixels;
        double mean = 0;
        for (int i = 0; i < src.Length; i++) mean += src[i];
        mean /= src.Length;
        var dst = new byte[src.Length];
        for (int p = 0; p < src.Length; p += 3)
        {
            double gray = 0.299 * src[p] + 0.587 * src[p + 1] + 0.114 * src[p + 2];
            for (int c = 0; c < 3; c++)
            {
                double v = gray + (src[p + c] - gray) * saturation;
                v = ((v - mean) * contrast + mean) * brightness;
                dst[p + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
            }
        }
        return new RgbImage(image.Width, image.Height, dst);
    }

    /// <summary>Down to 1/1.5-1/4 of the size and back up: detail lost smoothly, as an INR loses it.</summary>
    private static RgbImage Blur(RgbImage image, Random random)
    {
        double factor = 1.5 + 2.5 * random.NextDouble();
        int sw = Math.Max(4, (int)Math.Round(image.Width / factor)), sh = Math.Max(4, (int)Math.Round(image.Height / factor));
        return image.Resize(sw, sh).Resize(image.Width, image.Height);
    }

    /// <summary>JPEG at a quality drawn from 5-95: from heavy blocking to faint ringing.</summary>
    private static RgbImage Recompress(RgbImage image, Random random) =>
        JpegCodec.Decode(new JpegCodec(5 + random.Next(91)).Encode(image));
}
