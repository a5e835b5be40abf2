namespace ResidualInr.Imaging;

/// <summary>
/// An axis-aligned object box in pixels: top-left corner (X, Y), width and height, the OTB
/// convention. Every dataset format is converted to this.
/// </summary>
public readonly record struct Box(double X, double Y, double W, double H)
{
    public double Area => W * H;
    public double Right => X + W;
    public double Bottom => Y + H;

    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(W) && double.IsFinite(H);

    /// <summary>
    /// The pixels the box covers: every pixel whose square overlaps it, clipped to the image.
    /// Empty (zero width or height) when the box lies outside.
    /// </summary>
    public PixelRect ToPixelRect(int imageWidth, int imageHeight)
    {
        int x0 = Math.Clamp((int)Math.Floor(X), 0, imageWidth);
        int y0 = Math.Clamp((int)Math.Floor(Y), 0, imageHeight);
        int x1 = Math.Clamp((int)Math.Ceiling(Right), 0, imageWidth);
        int y1 = Math.Clamp((int)Math.Ceiling(Bottom), 0, imageHeight);
        return new PixelRect(x0, y0, Math.Max(0, x1 - x0), Math.Max(0, y1 - y0));
    }

    public Box Scale(double sx, double sy) => new(X * sx, Y * sy, W * sx, H * sy);

    public double IntersectionArea(Box other)
    {
        double w = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        double h = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        return w > 0 && h > 0 ? w * h : 0;
    }

    public double Iou(Box other)
    {
        double inter = IntersectionArea(other);
        double union = Area + other.Area - inter;
        return union > 0 ? inter / union : 0;
    }

    /// <summary>The part of the box inside a W x H image.</summary>
    public Box ClipTo(int imageWidth, int imageHeight)
    {
        double x0 = Math.Clamp(X, 0, imageWidth), y0 = Math.Clamp(Y, 0, imageHeight);
        double x1 = Math.Clamp(Right, 0, imageWidth), y1 = Math.Clamp(Bottom, 0, imageHeight);
        return new Box(x0, y0, x1 - x0, y1 - y0);
    }

    public override string ToString() => FormattableString.Invariant($"{X:0.##},{Y:0.##},{W:0.##},{H:0.##}");
}

/// <summary>An integer pixel rectangle [X, X+W) x [Y, Y+H).</summary>
public readonly record struct PixelRect(int X, int Y, int W, int H)
{
    public int Area => W * H;
    public bool IsEmpty => W <= 0 || H <= 0;
    public bool Contains(int x, int y) => x >= X && x < X + W && y >= Y && y < Y + H;
}
