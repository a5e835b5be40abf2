using System.Globalization;
using System.Text.RegularExpressions;
using ResidualInr.Cli.Commands;
using ResidualInr.Codec.Evaluation;

namespace ResidualInr.Cli.Tests;

/// <summary><c>rinr bench soak</c> with tiny counts: both phases run and report; no timing is asserted.</summary>
public class SoakBenchmarkTests
{
    [Fact]
    public void A_tiny_soak_prints_a_verdict_with_finite_slopes_per_phase_and_writes_the_figures()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-soak-test-").FullName;
        try
        {
            var csv = Path.Combine(dir, "soak.csv");
            var (exit, output, err) = CliRunner.Run("bench", "soak", "--encodes", "20", "--sweeps", "5", "--steps", "2", "--devices", "20", "--out", csv);
            Assert.True(exit == 0, err);
            foreach (var (phase, unit) in new[] { ("encode", "100 encodes"), ("sweep", "10 sweeps") })
            {
                var m = Regex.Match(output, $@"^{phase} phase flat: (yes|no) \(slope (\S+) MB per {unit}, threshold (\S+);", RegexOptions.Multiline);
                Assert.True(m.Success, output);
                Assert.True(double.IsFinite(double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)), m.Value);
                Assert.True(double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) > 0, m.Value);
                // Samples at the start and at every 10%: 20 encodes in batches of 2, 5 sweeps one at a time.
                Assert.Equal(phase == "encode" ? 11 : 6, Regex.Matches(output, $@"^{phase}: RSS after \d+ ", RegexOptions.Multiline).Count);
            }
            var rows = File.ReadAllLines(csv);
            Assert.Equal("name,value,unit,detail", rows[0]);
            Assert.Contains(rows, r => r.StartsWith("\"encode: RSS slope\","));
            Assert.Contains(rows, r => r.StartsWith("\"sweep: flat\","));
            Assert.Contains(rows, r => r.StartsWith("\"encode: live tensor slope\",0,"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--encodes", "1")]
    [InlineData("--sweeps", "0")]
    [InlineData("--codec", "nerv")]
    [InlineData("--size", "4x4")]
    public void Impossible_options_are_input_errors(string option, string value)
    {
        var (exit, _, err) = CliRunner.Run("bench", "soak", option, value);
        Assert.Equal(2, exit);
        Assert.StartsWith("rinr: ", err.Split('\n').First(l => !l.StartsWith("[rinr]")));
    }

    [Fact]
    public void The_slope_is_least_squares_and_a_phase_is_flat_only_without_growth()
    {
        Assert.Equal(2.0, MemoryProbe.Slope([0, 1, 2, 3], [1, 3, 5, 7]), 12);
        Assert.True(double.IsNaN(MemoryProbe.Slope([1], [1])));
        MemorySample S(double at, double rss, long tensors = 5) => new(at, rss, 10, tensors);
        var flat = new SoakPhase("encode", "encodes", 100, 100, [S(0, 50), S(50, 100), S(75, 100.2), S(100, 100)], 1);
        Assert.True(flat.Flat);
        Assert.Equal(0, flat.RssSlope, 6);
        var leaking = flat with { Samples = [S(0, 50), S(50, 100), S(75, 101), S(100, 102)] };
        Assert.False(leaking.Flat); // 4 MB per 100 encodes against 1% of ~100 MB
        var tensors = flat with { Samples = [S(0, 50), S(50, 100, 5), S(75, 100, 6), S(100, 100, 7)] };
        Assert.False(tensors.Flat);
    }
}
