using ResidualInr.Imaging;
using ResidualInr.Learning.Experiments;
using ResidualInr.Learning.Metrics;

namespace ResidualInr.Learning.Tests;

public class AccuracyBootstrapTests
{
    private const string Original = AccuracyExperiment.Original;

    /// <summary>
    /// One detector's answers on <paramref name="frames"/> frames: boxes of 20x20 at random places, predictions off by a
    /// random shift of up to <paramref name="jitter"/> pixels, random confidences; every tenth frame has no object.
    /// </summary>
    private static List<TestDetection> Answers(string codec, int seed, int frames, double jitter, int dataSeed, bool equalConfidence = false)
    {
        var truthRng = new Random(dataSeed);
        var rng = new Random(StableSeed.Derive(dataSeed, seed, codec.Length));
        var list = new List<TestDetection>();
        for (int f = 0; f < frames; f++)
        {
            Box? truth = f % 10 == 9 ? null : new Box(truthRng.Next(0, 100), truthRng.Next(0, 60), 20, 20);
            var at = truth ?? new Box(50, 30, 20, 20);
            var predicted = at with { X = at.X + (rng.NextDouble() * 2 - 1) * jitter, Y = at.Y + (rng.NextDouble() * 2 - 1) * jitter };
            list.Add(new TestDetection(codec, seed, f, truth, predicted, equalConfidence ? 1.0 : rng.NextDouble()));
        }
        return list;
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void A_replicate_scores_exactly_what_DetectionMetrics_gives_on_the_frames_drawn_with_their_copies(int dataSeed, bool equalConfidence)
    {
        var answers = Answers("codec", 1, 60, 8, dataSeed, equalConfidence);
        var rng = new Random(dataSeed);
        for (int trial = 0; trial < 20; trial++)
        {
            // Trial 0 draws every frame once: the plain score.
            var counts = trial == 0 ? Enumerable.Repeat(1, 60).ToArray() : Enumerable.Range(0, 60).Select(_ => rng.Next(0, 4)).ToArray();
            if (counts.Sum() == 0) continue;
            // The expanded list, copies side by side in ranking order (DetectionMetrics breaks ties by input order).
            var expanded = answers.OrderBy(d => d.Frame).SelectMany(d => Enumerable.Repeat(d.ToDetection(), counts[d.Frame])).ToList();
            var expected = DetectionMetrics.Score(expanded);
            var (map, map50, iou) = AccuracyBootstrap.ScoreWithCounts(answers, counts);
            Assert.Equal(expected.Map50To95, map, 12);
            Assert.Equal(expected.Map50, map50, 12);
            Assert.Equal(expected.MeanIou, iou, 12);
        }
    }

    [Fact]
    public void A_codec_whose_detectors_answer_exactly_as_the_originals_do_differs_by_exactly_zero()
    {
        var original = Enumerable.Range(1, 3).SelectMany(seed => Answers(Original, seed, 80, 6, 7)).ToList();
        var same = original.Select(d => d with { Codec = "lossless" }).ToList();
        var intervals = AccuracyBootstrap.Of([.. original, .. same], Original, seed: 1, replicates: 300).ToDictionary(i => i.Codec);
        Assert.Equal(0, intervals["lossless"].Map50To95DiffVsOriginal);
        Assert.Equal(new Interval(0, 0), intervals["lossless"].Map50To95Diff);
        Assert.Equal(intervals[Original].Map50To95, intervals["lossless"].Map50To95);
    }

    [Fact]
    public void A_codec_that_blurs_the_detector_s_boxes_loses_and_its_paired_interval_says_so_while_a_noise_twin_does_not()
    {
        var original = Enumerable.Range(1, 5).SelectMany(seed => Answers(Original, seed, 150, 3, 11)).ToList();
        var worse = Enumerable.Range(1, 5).SelectMany(seed => Answers("lossy", seed, 150, 9, 11)).ToList();
        // The same jitter as the originals, another draw of the noise: only chance separates it from them.
        var twin = Enumerable.Range(1, 5).SelectMany(seed => Answers("twin!", seed, 150, 3, 11)).ToList();
        var intervals = AccuracyBootstrap.Of([.. original, .. worse, .. twin], Original, seed: 2, replicates: 500).ToDictionary(i => i.Codec);
        var lossy = intervals["lossy"];
        Assert.True(lossy.Map50To95DiffVsOriginal < 0);
        Assert.True(lossy.Map50To95Diff.High < 0, $"diff interval {lossy.Map50To95Diff}");
        Assert.True(intervals["twin!"].Map50To95Diff.Contains(0), $"twin's diff interval {intervals["twin!"].Map50To95Diff}");
        // The paired difference is narrower than the two separate intervals would suggest.
        double separate = lossy.Map50To95.High - lossy.Map50To95.Low + (intervals[Original].Map50To95.High - intervals[Original].Map50To95.Low);
        Assert.True(lossy.Map50To95Diff.High - lossy.Map50To95Diff.Low < separate);
    }

    [Fact]
    public void The_95_percent_interval_covers_the_true_mean_IoU_in_about_95_of_100_simulated_test_sets()
    {
        // A detector whose box misses a 20x20 object by dx, dy ~ U[-j, j] each: its true mean IoU is the integral of
        // (20-|dx|)(20-|dy|) / (800 - (20-|dx|)(20-|dy|)) over the square, here by the midpoint rule on a fine grid.
        const double j = 8;
        const int grid = 800;
        double truth = 0;
        for (int a = 0; a < grid; a++)
            for (int b = 0; b < grid; b++)
            {
                double dx = -j + (a + 0.5) * 2 * j / grid, dy = -j + (b + 0.5) * 2 * j / grid;
                double overlap = (20 - Math.Abs(dx)) * (20 - Math.Abs(dy));
                truth += overlap / (800 - overlap);
            }
        truth /= (double)grid * grid;

        const int sets = 200;
        int covered = 0;
        for (int set = 0; set < sets; set++)
        {
            var rng = new Random(StableSeed.Derive(41, set, 0));
            var answers = new List<TestDetection>();
            for (int f = 0; f < 100; f++)
            {
                var box = new Box(rng.Next(0, 100), rng.Next(0, 60), 20, 20);
                var predicted = box with { X = box.X + (rng.NextDouble() * 2 - 1) * j, Y = box.Y + (rng.NextDouble() * 2 - 1) * j };
                answers.Add(new TestDetection(Original, 1, f, box, predicted, rng.NextDouble()));
            }
            if (AccuracyBootstrap.Of(answers, Original, seed: set, replicates: 400).Single().MeanIou.Contains(truth)) covered++;
        }
        // Binomial(200, 0.95) lies in [180, 197] with probability > 0.99; a percentile bootstrap runs a little short of 95%.
        Assert.InRange(covered, 176, 198);
    }

    [Fact]
    public void Sixteen_times_the_test_frames_give_an_interval_about_a_quarter_as_wide()
    {
        double Width(int frames)
        {
            var d = Enumerable.Range(1, 3).SelectMany(seed => Answers(Original, seed, frames, 8, 5)).ToList();
            var i = AccuracyBootstrap.Of(d, Original, seed: 3, replicates: 400).Single().Map50To95;
            return i.High - i.Low;
        }
        double ratio = Width(50) / Width(800);
        Assert.InRange(ratio, 2.5, 6.5); // 1/sqrt(n): 4
    }

    [Fact]
    public void The_same_detections_and_seed_give_the_same_intervals_and_another_seed_slightly_different_ones()
    {
        var d = Enumerable.Range(1, 3).SelectMany(seed => Answers(Original, seed, 60, 8, 5)).ToList();
        var a = AccuracyBootstrap.Of(d, Original, seed: 1, replicates: 200).Single();
        var b = AccuracyBootstrap.Of(d, Original, seed: 1, replicates: 200).Single();
        var c = AccuracyBootstrap.Of(d, Original, seed: 2, replicates: 200).Single();
        Assert.Equal(a, b);
        Assert.NotEqual(a.Map50To95, c.Map50To95);
    }

    [Fact]
    public void A_detector_missing_a_test_frame_or_no_originals_is_refused_with_what_is_wrong()
    {
        var d = Answers(Original, 1, 20, 8, 5);
        var e = Assert.Throws<ArgumentException>(() => AccuracyBootstrap.Of([.. d, .. Answers("jpeg", 1, 19, 8, 5)], Original, 1, 10));
        Assert.Contains("codec 'jpeg' seed 1 has 19 detections for 20 test frames", e.Message);
        e = Assert.Throws<ArgumentException>(() => AccuracyBootstrap.Of(Answers("jpeg", 1, 20, 8, 5), Original, 1, 10));
        Assert.Contains("no detections of 'original'", e.Message);
    }
}
