using ResidualInr.Codec.Codecs;
using ResidualInr.Imaging;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Codec.Tests;

/// <summary>A target quality is the frame's: what a residual O-INR may leave is what the background has not used.</summary>
public class FrameTargetTests
{
    [Fact]
    public void A_residual_object_may_keep_the_frame_budget_less_what_the_background_leaves_outside_its_box()
    {
        // 4x2 frame, box the left 2x2; the background is exact except one value outside the box, 10 levels off.
        var pixels = Enumerable.Range(0, 24).Select(i => (byte)(100 + i)).ToArray();
        var image = new RgbImage(4, 2, pixels);
        var background = pixels.Select(p => p / 127.5f - 1f).ToArray();
        background[3 * 3] = (pixels[9] + 10) / 127.5f - 1f; // pixel (3, 0), channel 0: outside the box
        var box = new PixelRect(0, 0, 2, 2);
        double target = 2.0 / (127.5 * 127.5); // an MSE of 2 levels² per value over the 24 values: 48 levels² in all
        // 48 - 100 < 0: the outside alone is over budget.
        Assert.Equal(0, ObjectInrFitter.BoxBudget(image, box, background, target));
        // With 10 levels² per value (240 in all), 140 are left for the box's 12 values.
        double budget = ObjectInrFitter.BoxBudget(image, box, background, 10.0 / (127.5 * 127.5));
        Assert.Equal(140.0 / 12 / (127.5 * 127.5), budget, 12);
    }
}
