using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests.TimeAxis;

/// <summary>t(b) is piecewise linear through (0, 0) and the measured points, extended along the last segment.</summary>
public class BatchCostTests
{
    private static readonly BatchCost Table = new([(2, 1.0), (8, 2.2), (32, 5.8)]);

    [Theory]
    [InlineData(2, 1.0)]    // measured
    [InlineData(8, 2.2)]
    [InlineData(32, 5.8)]
    [InlineData(1, 0.5)]    // below the smallest: towards (0, 0)
    [InlineData(5, 1.6)]    // between 2 and 8: 1 + 1.2 * 3/6
    [InlineData(20, 4.0)]   // between 8 and 32: 2.2 + 3.6 * 12/24
    [InlineData(64, 10.6)]  // above: slope of the last segment, 0.15 s per frame
    [InlineData(0, 0.0)]    // an empty batch is free
    public void Is_exact_at_measured_sizes_and_linear_between_and_beyond(int b, double seconds) =>
        Assert.Equal(seconds, Table.SecondsFor(b), 12);

    [Fact]
    public void Per_frame_constant_and_affine_costs_are_special_cases()
    {
        for (int b = 1; b <= 100; b++)
        {
            Assert.Equal(0.25 * b, BatchCost.PerFrame(0.25).SecondsFor(b), 12);
            Assert.Equal(3.0, BatchCost.Constant(3).SecondsFor(b), 12);
            Assert.Equal(0.5 + 0.1 * b, BatchCost.Affine(0.5, 0.1).SecondsFor(b), 12);
            // One measured point {B: s}, what timing profiles hold, is s/B per frame: a partial batch costs less.
            Assert.Equal(6.4 * b / 32, BatchCost.Measured(32, 6.4).SecondsFor(b), 12);
        }
        Assert.Equal(0, BatchCost.Free.SecondsFor(1000));
    }

    [Theory]
    [InlineData("0:1")]          // size below 1
    [InlineData("4:1,4:2")]      // sizes not strictly increasing
    [InlineData("8:1,4:2")]
    [InlineData("1:-1")]         // negative seconds
    [InlineData("1:NaN")]
    [InlineData("1:2,8:1")]      // a bigger batch cheaper than a smaller one
    [InlineData("1=2")]          // not SIZE:SECONDS
    [InlineData("")]             // no point
    public void Impossible_tables_are_rejected(string text) =>
        Assert.Throws<ArgumentException>(() => BatchCost.Parse(text));

    [Fact]
    public void Parses_and_prints_the_option_syntax()
    {
        var cost = BatchCost.Parse("1:0.8, 8:2.1");
        Assert.Equal([(1, 0.8), (8, 2.1)], cost.Points);
        Assert.Equal("1:0.8,8:2.1", cost.ToString());
        Assert.Equal(cost, BatchCost.Parse(cost.ToString()));
    }
}
