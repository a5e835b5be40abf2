namespace ResidualInr.Cli.Tests;

/// <summary><c>rinr --threads N</c>: libtorch's CPU threads, set in one place for every command.</summary>
public class ThreadsOptionTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("5000")]
    public void A_thread_count_out_of_range_is_a_one_line_input_error(string threads)
    {
        var (exit, _, err) = CliRunner.Run("--threads", threads, "channel", "--standard", "802.11g", "--rate-mbps", "24", "--stations", "1");
        Assert.Equal(2, exit);
        Assert.Equal($"rinr: --threads must be between 1 and 1024, got {threads}", err.Trim());
    }

    [Fact]
    public void The_thread_count_reaches_libtorch()
    {
        // In a child process: the setting is process-wide, and the other tests share this one.
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "rinr.dll"), "bench", "codec", "--threads", "1", "--size", "64x36",
                     "--steps", "1", "--batch", "1", "--memory-frames", "0", "--warm-start-steps", "0" })
            info.ArgumentList.Add(a);
        using var child = System.Diagnostics.Process.Start(info)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        Assert.True(child.WaitForExit(120_000), "rinr bench codec did not finish in 2 minutes");
        Assert.True(child.ExitCode == 0, stderr.Result);
        Assert.Contains(", 1 torch threads)", stdout.Split('\n')[0]);
    }
}
