using System.Globalization;
using ResidualInr.Imaging.Images;

namespace ResidualInr.Imaging.Datasets;

/// <param name="JpegQuality">Quality of the stored frames: high, since they play the camera's originals.</param>
public sealed record SyntheticOptions(int Sequences = 4, int Frames = 30, int Width = 320, int Height = 180, int Seed = 1, int JpegQuality = 95)
{
    public void Validate()
    {
        if (Sequences < 1) throw new InputException($"--sequences must be at least 1, got {Sequences}");
        if (Frames < 1) throw new InputException($"--frames must be at least 1, got {Frames}");
        if (Width < 32 || Height < 32 || Width > 4096 || Height > 4096)
            throw new InputException($"--size {Width}x{Height} is out of range (32..4096 per side)");
        if (JpegQuality is < 1 or > 100) throw new InputException($"JPEG quality {JpegQuality} is out of range 1..100");
    }
}

/// <summary>Which family of scenes <see cref="SyntheticDataset"/> draws.</summary>
public enum SyntheticStyle
{
    /// <summary>The scenario datasets: sequence k aims its object at INR size group (k mod 4) + 1, three shapes.</summary>
    Scenario,

    /// <summary>
    /// The detector's pretraining corpus: scenes from a separate seed stream (an extra derivation index, so a
    /// pretraining sequence is not a scenario's sequence under any seed), object sizes drawn log-uniformly over
    /// the whole range rather than by group, wider aspect ratios, and six shapes, solid or striped.
    /// </summary>
    Pretraining,
}

/// <summary>
/// The embedded default dataset: textured scenes filmed by a panning camera, with one moving,
/// changing object per sequence. Sequence k aims its object at size group (k mod 4) + 1, so four
/// or more sequences cover every INR group. Boxes are exact: they are the bounding rectangle of
/// the pixels the object was painted on. Output is OTB layout, so <see cref="OtbReader"/> reads it,
/// and the bytes depend only on the options (same seed, same files).
/// </summary>
public static class SyntheticDataset
{
    public static Dataset Generate(SyntheticOptions options, string outDir, IProgress<int>? framesDone = null)
    {
        options.Validate();
        Directory.CreateDirectory(outDir);
        int done = 0;
        for (int s = 0; s < options.Sequences; s++)
        {
            var name = $"synth{s + 1:D2}";
            var imgDir = Path.Combine(outDir, name, "img");
            Directory.CreateDirectory(imgDir);
            var boxes = new List<Box?>(options.Frames);
            var scene = new Scene(options, s, SyntheticStyle.Scenario);
            for (int f = 0; f < options.Frames; f++)
            {
                var (image, box) = scene.Render(f);
                image.SaveJpeg(Path.Combine(imgDir, $"{f + 1:D4}.jpg"), options.JpegQuality);
                boxes.Add(box);
                framesDone?.Report(++done);
            }
            OtbReader.WriteAnnotations(Path.Combine(outDir, name), boxes);
        }
        return OtbReader.Read(outDir);
    }

    /// <summary>
    /// Sequence <paramref name="sequence"/>'s frames and exact boxes in memory, rendered as <see cref="Generate"/> renders
    /// them (before its JPEG storage); for <see cref="SyntheticStyle.Pretraining"/>, a scene no scenario dataset has.
    /// </summary>
    public static IEnumerable<(RgbImage Image, Box Box)> Render(SyntheticOptions options, int sequence, SyntheticStyle style)
    {
        options.Validate();
        var scene = new Scene(options, sequence, style);
        for (int f = 0; f < options.Frames; f++) yield return scene.Render(f);
    }

    /// <summary>The derivation index that separates the pretraining scenes' seed stream from the scenarios'.</summary>
    private const int PretrainingStream = 0x5052_4554; // "PRET"

    /// <summary>One sequence's world: a background larger than the view, a camera path and an object.</summary>
    private sealed class Scene
    {
        private readonly SyntheticOptions _o;
        private readonly Random _rng;
        private readonly int _cw, _ch;            // canvas size
        private readonly float[] _canvas;         // RGB floats 0..255, canvas-sized
        private readonly double _camPhaseX, _camPhaseY, _camFreq;
        private readonly double _baseArea, _aspect, _minArea, _maxArea;
        private readonly double _pathPhase, _pathFx, _pathFy, _hue, _stripeFreq;
        private readonly int _shape, _index, _frameSeed;
        private readonly bool _solid;

        public Scene(SyntheticOptions o, int index, SyntheticStyle style)
        {
            _o = o;
            _index = index;
            bool pretraining = style == SyntheticStyle.Pretraining;
            // One stream per sequence, so sequence k looks the same whatever K is. Pretraining scenes derive with one
            // index more, a stream of their own.
            _rng = new Random(pretraining ? StableSeed.Derive(o.Seed, index, PretrainingStream) : StableSeed.Derive(o.Seed, index));
            _frameSeed = pretraining ? StableSeed.Derive(o.Seed, PretrainingStream) : o.Seed;
            _cw = o.Width * 3 / 2;
            _ch = o.Height * 3 / 2;
            _canvas = PaintBackground();
            _camPhaseX = _rng.NextDouble() * Math.Tau;
            _camPhaseY = _rng.NextDouble() * Math.Tau;
            _camFreq = 0.5 + _rng.NextDouble();

            // Aim at size group (index mod 4) + 1, clipped to what fits in the frame.
            double[] lo = [300, 1001, 3001, 10001], hi = [1000, 3000, 10000, 20000];
            double fit = 0.8 * o.Width * 0.85 * o.Height;
            int g = index % 4;
            _minArea = Math.Min(lo[g], fit * 0.5);
            _maxArea = Math.Min(hi[g], fit);
            _baseArea = Math.Exp(Lerp(Math.Log(_minArea), Math.Log(_maxArea), 0.3 + 0.4 * _rng.NextDouble()));
            _aspect = 0.6 + _rng.NextDouble();
            _pathPhase = _rng.NextDouble() * Math.Tau;
            _pathFx = 1 + _rng.Next(3);
            _pathFy = 1 + _rng.Next(3);
            _hue = _rng.NextDouble();
            _stripeFreq = 0.15 + 0.2 * _rng.NextDouble();
            _shape = _rng.Next(3);
            if (pretraining)
            {
                // Any size from small to nearly the frame, any of six shapes and a wider range of aspect ratios, so
                // that pretraining covers what a scenario (or a real dataset) may show; drawn after the scenario's
                // draws, so the stream above stays as it is.
                _minArea = Math.Min(120, fit * 0.5);
                _maxArea = fit * 0.6;
                _baseArea = Math.Exp(Lerp(Math.Log(_minArea), Math.Log(_maxArea), _rng.NextDouble()));
                _aspect = Math.Exp(Lerp(Math.Log(0.35), Math.Log(2.8), _rng.NextDouble()));
                _shape = _rng.Next(6);
                _solid = _rng.Next(3) == 0;
            }
        }

        public (RgbImage Image, Box Box) Render(int frame)
        {
            int w = _o.Width, h = _o.Height;
            double t = _o.Frames <= 1 ? 0 : frame / (double)(_o.Frames - 1);

            // Camera pans smoothly over the larger canvas.
            double ox = (_cw - w) * (0.5 + 0.45 * Math.Sin(Math.Tau * _camFreq * t + _camPhaseX));
            double oy = (_ch - h) * (0.5 + 0.45 * Math.Sin(Math.Tau * _camFreq * 0.7 * t + _camPhaseY));
            var frameRng = new Random(StableSeed.Derive(_frameSeed, _index, frame, 1));
            var rgb = new float[w * h * 3];
            double flicker = 1 + 0.04 * Math.Sin(Math.Tau * 3 * t);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double sx = x + ox, sy = y + oy;
                for (int c = 0; c < 3; c++)
                    rgb[(y * w + x) * 3 + c] = (float)(SampleCanvas(sx, sy, c) * flicker);
            }

            // The object: size breathes within its group, it moves on a Lissajous path, and its
            // colours and stripe angle drift so its appearance changes over the sequence.
            double area = Math.Clamp(_baseArea * (1 + 0.3 * Math.Sin(Math.Tau * 1.3 * t + _pathPhase)), _minArea, _maxArea);
            int bw = Math.Clamp((int)Math.Round(Math.Sqrt(area * _aspect)), 6, w - 2);
            int bh = Math.Clamp((int)Math.Round(area / bw), 6, h - 2);
            double px = (w - bw) * (0.5 + 0.48 * Math.Sin(Math.Tau * _pathFx * t + _pathPhase));
            double py = (h - bh) * (0.5 + 0.48 * Math.Cos(Math.Tau * _pathFy * t + 2 * _pathPhase));
            int bx = (int)Math.Round(px), by = (int)Math.Round(py);
            var (c1, c2) = (HueToRgb(_hue + 0.15 * t), HueToRgb(_hue + 0.5 - 0.1 * t));
            double angle = Math.PI * t + _pathPhase;
            double ca = Math.Cos(angle), sa = Math.Sin(angle);
            int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
            for (int y = by; y < by + bh; y++)
            for (int x = bx; x < bx + bw; x++)
            {
                double u = (x + 0.5 - bx) / bw * 2 - 1, v = (y + 0.5 - by) / bh * 2 - 1;
                bool inside = _shape switch
                {
                    0 => u * u + v * v <= 1,                       // ellipse
                    1 => Math.Abs(u) + Math.Abs(v) <= 1.25,        // clipped diamond
                    3 => v >= 2 * Math.Abs(u) - 1,                 // triangle, apex up
                    4 => u * u + v * v is <= 1 and >= 0.3,         // ring
                    5 => Math.Abs(u) <= 0.4 || Math.Abs(v) <= 0.4, // cross
                    _ => true,                                     // rectangle
                };
                if (!inside) continue;
                double stripe = _solid ? 1 : Math.Sin(((x - bx) * ca + (y - by) * sa) * _stripeFreq * Math.Tau) > 0 ? 1 : 0;
                double shade = 0.75 + 0.25 * (1 - (u * u + v * v) / 2);
                for (int c = 0; c < 3; c++)
                    rgb[(y * w + x) * 3 + c] = (float)((stripe * c1[c] + (1 - stripe) * c2[c]) * shade);
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
                minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }

            // Sensor noise, so frames are never trivially compressible.
            var image = new RgbImage(w, h);
            for (int i = 0; i < rgb.Length; i++)
                image.Pixels[i] = (byte)Math.Clamp(Math.Round(rgb[i] + 3.0 * Gaussian(frameRng)), 0, 255);
            return (image, new Box(minX, minY, maxX - minX + 1, maxY - minY + 1));
        }

        private double SampleCanvas(double x, double y, int c)
        {
            int x0 = Math.Clamp((int)x, 0, _cw - 2), y0 = Math.Clamp((int)y, 0, _ch - 2);
            double fx = Math.Clamp(x - x0, 0, 1), fy = Math.Clamp(y - y0, 0, 1);
            double a = _canvas[(y0 * _cw + x0) * 3 + c], b = _canvas[(y0 * _cw + x0 + 1) * 3 + c];
            double d = _canvas[((y0 + 1) * _cw + x0) * 3 + c], e = _canvas[((y0 + 1) * _cw + x0 + 1) * 3 + c];
            return Lerp(Lerp(a, b, fx), Lerp(d, e, fx), fy);
        }

        /// <summary>Gradient sky-to-ground, fractal value noise in colour, and scattered shapes.</summary>
        private float[] PaintBackground()
        {
            var canvas = new float[_cw * _ch * 3];
            var top = HueToRgb(_rng.NextDouble()).Select(v => v * 0.8 + 40).ToArray();
            var bottom = HueToRgb(_rng.NextDouble()).Select(v => v * 0.6 + 20).ToArray();
            for (int y = 0; y < _ch; y++)
            for (int x = 0; x < _cw; x++)
            for (int c = 0; c < 3; c++)
                canvas[(y * _cw + x) * 3 + c] = (float)Lerp(top[c], bottom[c], (double)y / _ch);

            double cell = Math.Max(_cw, _ch) / 4.0, amplitude = 60;
            for (int octave = 0; octave < 5; octave++, cell /= 2.2, amplitude *= 0.6)
            {
                var tint = HueToRgb(_rng.NextDouble()).Select(v => v / 255.0 + 0.3).ToArray();
                var noise = ValueNoise(Math.Max(cell, 1.5));
                for (int i = 0; i < _cw * _ch; i++)
                for (int c = 0; c < 3; c++)
                    canvas[i * 3 + c] += (float)((noise[i] - 0.5) * amplitude * tint[c]);
            }

            int shapes = 10 + _rng.Next(10);
            for (int k = 0; k < shapes; k++)
            {
                double cx = _rng.NextDouble() * _cw, cy = _rng.NextDouble() * _ch;
                double rx = 4 + _rng.NextDouble() * _cw / 10, ry = 4 + _rng.NextDouble() * _ch / 10;
                var color = HueToRgb(_rng.NextDouble());
                double alpha = 0.4 + 0.5 * _rng.NextDouble();
                bool rect = _rng.Next(2) == 0;
                for (int y = Math.Max(0, (int)(cy - ry)); y < Math.Min(_ch, (int)(cy + ry) + 1); y++)
                for (int x = Math.Max(0, (int)(cx - rx)); x < Math.Min(_cw, (int)(cx + rx) + 1); x++)
                {
                    double u = (x - cx) / rx, v = (y - cy) / ry;
                    if (!rect && u * u + v * v > 1) continue;
                    for (int c = 0; c < 3; c++)
                    {
                        int i = (y * _cw + x) * 3 + c;
                        canvas[i] = (float)Lerp(canvas[i], color[c], alpha);
                    }
                }
            }
            return canvas;
        }

        private double[] ValueNoise(double cell)
        {
            int gw = (int)Math.Ceiling(_cw / cell) + 2, gh = (int)Math.Ceiling(_ch / cell) + 2;
            var lattice = new double[gw * gh];
            for (int i = 0; i < lattice.Length; i++) lattice[i] = _rng.NextDouble();
            var noise = new double[_cw * _ch];
            for (int y = 0; y < _ch; y++)
            for (int x = 0; x < _cw; x++)
            {
                double gx = x / cell, gy = y / cell;
                int ix = (int)gx, iy = (int)gy;
                double fx = Smooth(gx - ix), fy = Smooth(gy - iy);
                double a = lattice[iy * gw + ix], b = lattice[iy * gw + ix + 1];
                double d = lattice[(iy + 1) * gw + ix], e = lattice[(iy + 1) * gw + ix + 1];
                noise[y * _cw + x] = Lerp(Lerp(a, b, fx), Lerp(d, e, fx), fy);
            }
            return noise;
        }
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);
    private static double Lerp(double a, double b, double t) => a + (b - a) * t;

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(Math.Tau * u2);
    }

    /// <summary>A saturated colour for a hue in turns (wraps), channels 0..255.</summary>
    private static double[] HueToRgb(double hue)
    {
        hue -= Math.Floor(hue);
        double r = Math.Abs(hue * 6 - 3) - 1, g = 2 - Math.Abs(hue * 6 - 2), b = 2 - Math.Abs(hue * 6 - 4);
        return [Math.Clamp(r, 0, 1) * 200 + 30, Math.Clamp(g, 0, 1) * 200 + 30, Math.Clamp(b, 0, 1) * 200 + 30];
    }
}
