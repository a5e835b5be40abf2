using ResidualInr.Imaging.Datasets;
using ResidualInr.Imaging.Datasets.Samples;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Tests;

/// <summary>Derived boxes: background subtraction on a static camera finds the largest moving object per frame.</summary>
public class MotionBoxesTests
{
    private const int W = 40, H = 30;

    /// <summary>A textured static background with bright rectangles (x, y, w, h in reduced pixels) painted on it.</summary>
    private static byte[] Frame(params (int X, int Y, int W, int H)[] objects)
    {
        var plane = new byte[W * H];
        for (int p = 0; p < plane.Length; p++) plane[p] = (byte)(60 + (p * 37 % 23));
        foreach (var o in objects)
            for (int y = o.Y; y < o.Y + o.H; y++)
            for (int x = o.X; x < o.X + o.W; x++)
                plane[y * W + x] = 250;
        return plane;
    }

    [Fact]
    public void A_walking_object_gets_its_own_box_in_every_frame_scaled_to_the_full_frame()
    {
        var planes = Enumerable.Range(0, 9).Select(t => Frame((2 + 3 * t, 10, 4, 8))).ToList();
        var boxes = MotionBoxes.Derive(planes, W, H, W * 4, H * 4, new MotionBoxOptions(Scale: 4, BackgroundFrames: 9, Threshold: 40, Dilate: 1, MinArea: 4));
        Assert.Equal(Enumerable.Range(0, 9).Select(t => (Box?)new Box((2 + 3 * t) * 4, 40, 16, 32)), boxes);
    }

    [Fact]
    public void The_largest_object_wins_noise_is_ignored_and_an_empty_frame_has_no_box()
    {
        var planes = new List<byte[]>
        {
            Frame((1, 1, 3, 3), (20, 5, 6, 7)),     // two objects: the 6x7 one is larger
            Frame((30, 20, 1, 2)),                   // 2 moving pixels: below MinArea
            Frame(),                                  // nothing moves
            Frame((5, 5, 2, 2)), Frame(), Frame(),
        };
        var boxes = MotionBoxes.Derive(planes, W, H, W, H, new MotionBoxOptions(Scale: 1, BackgroundFrames: 6, Threshold: 40, Dilate: 0, MinArea: 3));
        Assert.Equal([new Box(20, 5, 6, 7), null, null, new Box(5, 5, 2, 2), null, null], boxes);
    }

    [Fact]
    public void Dilation_joins_an_object_split_by_a_thin_gap_and_the_box_bounds_only_moving_pixels()
    {
        // A person whose legs (below) are cut from the body by one still row.
        var split = Frame((10, 5, 4, 6), (10, 12, 4, 5));
        var planes = new List<byte[]> { split, Frame(), Frame() };
        var joined = MotionBoxes.Derive(planes, W, H, W, H, new MotionBoxOptions(Scale: 1, BackgroundFrames: 3, Threshold: 40, Dilate: 1, MinArea: 1));
        Assert.Equal(new Box(10, 5, 4, 12), joined[0]);
        var apart = MotionBoxes.Derive(planes, W, H, W, H, new MotionBoxOptions(Scale: 1, BackgroundFrames: 3, Threshold: 40, Dilate: 0, MinArea: 1));
        Assert.Equal(new Box(10, 5, 4, 6), apart[0]);
    }

    [Fact]
    public void The_background_is_the_per_pixel_median_over_frames_spread_evenly()
    {
        byte[][] planes = [[10, 200], [20, 0], [30, 100], [40, 50], [250, 50]];
        Assert.Equal(new byte[] { 30, 50 }, MotionBoxes.MedianBackground(planes, 2, 1, 5));
        Assert.Equal(new byte[] { 30, 100 }, MotionBoxes.MedianBackground(planes, 2, 1, 3)); // frames 0, 2, 4 only
    }

    [Fact]
    public void Derived_from_image_files_the_boxes_follow_the_files_and_their_size()
    {
        using var dir = new TempDir();
        var paths = new List<string>();
        for (int t = 0; t < 5; t++)
        {
            var plane = Frame((4 + 5 * t, 8, 5, 9));
            var image = new RgbImage(W * 2, H * 2);
            for (int y = 0; y < H * 2; y++)
            for (int x = 0; x < W * 2; x++)
            for (int c = 0; c < 3; c++)
                image[x, y, c] = plane[(y / 2) * W + x / 2];
            paths.Add(dir[$"{t + 1:D4}.png"]);
            image.SavePng(paths[^1]);
        }
        var boxes = MotionBoxes.Derive(paths, new MotionBoxOptions(Scale: 2, BackgroundFrames: 5, Threshold: 40, Dilate: 0, MinArea: 4));
        Assert.Equal(Enumerable.Range(0, 5).Select(t => (Box?)new Box((4 + 5 * t) * 2, 16, 10, 18)), boxes);
    }
}

/// <summary>The contact sheet shows frames with their boxes for a person to check.</summary>
public class ContactSheetTests
{
    [Fact]
    public void Boxes_are_drawn_in_red_on_the_scaled_frames_and_a_frame_without_box_gets_a_cross()
    {
        using var dir = new TempDir();
        var gray = new RgbImage(96, 64);
        Array.Fill(gray.Pixels, (byte)128);
        gray.SavePng(dir["a.png"]);
        gray.SavePng(dir["b.png"]);
        var frames = new List<Frame> { new("s", 1, dir["a.png"], new Box(24, 16, 48, 32)), new("s", 2, dir["b.png"], null) };
        var sheet = ContactSheet.Render(frames, count: 2, columns: 2, tileWidth: 48);
        Assert.Equal((2 * (48 + 4) + 4, 32 + 8), (sheet.Width, sheet.Height));
        bool IsRed(int x, int y) => sheet[x, y, 0] == 255 && sheet[x, y, 1] == 0 && sheet[x, y, 2] == 0;
        // Tile 1 starts at (4, 4); the box scales by 1/2 to (12, 8, 24, 16).
        Assert.True(IsRed(4 + 12, 4 + 8));
        Assert.True(IsRed(4 + 12 + 23, 4 + 8 + 15));
        Assert.False(IsRed(4 + 24, 4 + 16));          // inside the box: the frame
        Assert.Equal(128, sheet[4 + 2, 4 + 2, 1]);     // outside it: the frame
        Assert.True(IsRed(56 + 2, 4 + 2));              // tile 2 at (56, 4): the cross
        Assert.Equal(255, sheet[0, 0, 1]);             // the white margin
    }
}
