using ResidualInr.Imaging;

namespace ResidualInr.Cli.Samples;

/// <summary>Debian's ffmpeg, for the video and TIFF samples (scripts/rinr installs it on first use of <c>dataset fetch</c>).</summary>
public static class Ffmpeg
{
    /// <summary>
    /// Every frame of <paramref name="video"/> as <c>0001.jpg</c>, <c>0002.jpg</c>, ... (JPEG quality scale 2, near
    /// lossless) in <paramref name="dir"/>, with a progress bar against <paramref name="expectedFrames"/>; returns the
    /// files in frame order.
    /// </summary>
    public static IReadOnlyList<string> ExtractFrames(string video, string dir, int expectedFrames)
    {
        ExternalTool.Require("ffmpeg", "ffmpeg");
        Directory.CreateDirectory(dir);
        ConsoleProgress.Run($"Extracting frames of {Path.GetFileName(video)} (ffmpeg)", expectedFrames, progress =>
        {
            ExternalTool.Run("ffmpeg", ["-nostdin", "-v", "error", "-i", video, "-q:v", "2", "-start_number", "1", Path.Combine(dir, "%04d.jpg")],
                poll: () => progress.Report(Math.Min(expectedFrames, Directory.GetFiles(dir, "*.jpg").Length)));
            return 0;
        });
        var frames = Directory.GetFiles(dir, "*.jpg").Order(StringComparer.Ordinal).ToList();
        if (frames.Count == 0) throw new InputException(video, null, "ffmpeg wrote no frames");
        return frames;
    }

    /// <summary>Converts one image (a TIFF, say) to the format <paramref name="target"/>'s extension names.</summary>
    public static void ConvertImage(string source, string target)
    {
        ExternalTool.Require("ffmpeg", "ffmpeg");
        ExternalTool.Run("ffmpeg", ["-nostdin", "-v", "error", "-i", source, "-frames:v", "1", target]);
    }
}
