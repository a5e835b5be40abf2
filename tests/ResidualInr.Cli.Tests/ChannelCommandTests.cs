using System.Globalization;

namespace ResidualInr.Cli.Tests;

public class ChannelCommandTests
{
    [Fact]
    public void Csv_has_the_documented_header_and_efficiency_one_for_one_station()
    {
        var (exit, stdout, stderr) = CliRunner.Run("channel", "--standard", "a", "--rate-mbps", "54", "--stations", "1,5,10,20,50", "--csv");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("stations,throughput_mbps,efficiency", lines[0]);
        Assert.Equal(6, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal("1", first[0]);
        Assert.Equal(1.0, double.Parse(first[2], CultureInfo.InvariantCulture));
        // ns-3's wifi-bianchi DIFS table gives 28.1519 Mb/s for 11a 54 Mb/s with 10 stations.
        Assert.Equal(28.1519, double.Parse(lines[3].Split(',')[1], CultureInfo.InvariantCulture), 0.3);
    }

    [Fact]
    public void Table_lists_every_station_count()
    {
        var (exit, stdout, stderr) = CliRunner.Run("channel", "--standard", "11b", "--rate-mbps", "11", "--stations", "1,20", "--rts-cts", "--payload-bytes", "500");
        Assert.True(exit == 0, stderr);
        Assert.Contains("RTS/CTS", stdout);
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("--rate-mbps", "--standard", "b", "--rate-mbps", "54")]
    [InlineData("--rate-mbps", "--standard", "ax", "--rate-mbps", "6")]
    [InlineData("--standard", "--standard", "11z", "--rate-mbps", "6")]
    [InlineData("--payload-bytes", "--standard", "a", "--rate-mbps", "6", "--payload-bytes", "9000")]
    [InlineData("--stations", "--standard", "a", "--rate-mbps", "6", "--stations", "0,5")]
    public void Bad_combinations_are_one_line_input_errors_naming_the_option(string option, params string[] args)
    {
        var (exit, _, stderr) = CliRunner.Run(["channel", .. args]);
        Assert.Equal(2, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(option, lines[0]);
    }
}
