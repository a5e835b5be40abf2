using ResidualInr.Simulation.Network;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Simulation.Tests;

/// <summary>Every enum the edges spell reads back from its name, and a table that misses or repeats a value is refused.</summary>
public class NameTableTests
{
    private static void RoundTrips<T>(Func<T, string> toName, Func<string, (bool, T)> parse) where T : struct, Enum
    {
        var names = Enum.GetValues<T>().Select(toName).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        foreach (var v in Enum.GetValues<T>()) Assert.Equal((true, v), parse(toName(v)));
        Assert.False(parse("no-such-name").Item1);
    }

    [Fact]
    public void Every_name_reads_back_as_its_value()
    {
        RoundTrips<SharingStrategy>(SharingStrategyNames.ToName, n => (SharingStrategyNames.TryParse(n, out var v), v));
        RoundTrips<HybridRule>(HybridNames.ToName, n => (HybridNames.TryParseRule(n, out var v), v));
        RoundTrips<Minimise>(TrainSiteNames.ToName, n => (TrainSiteNames.TryParseObjective(n, out var v), v));
        Assert.Equal(["smaller", "deadline", "both"], HybridNames.Rules);
        Assert.Equal(["bytes", "time", "energy"], TrainSiteNames.Objectives);
        Assert.Equal(["strategy", "smaller", "object-psnr", "deadline", "in-time"], Enum.GetValues<PayloadReason>().Select(HybridNames.ToName));
        Assert.Equal(["edge", "fog"], Enum.GetValues<TrainSite>().Select(TrainSiteNames.ToName));
    }

    [Fact]
    public void A_table_must_name_every_value_once()
    {
        Assert.Contains("Downlink", Assert.Throws<ArgumentException>(() => new NameTable<Downlink>((Downlink.Unicast, "unicast"))).Message);
        Assert.Throws<ArgumentException>(() => new NameTable<Downlink>((Downlink.Unicast, "u"), (Downlink.Broadcast, "b"), (Downlink.Unicast, "again")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NameTable<Downlink>((Downlink.Unicast, "u"), (Downlink.Broadcast, "b")).Name((Downlink)7));
    }
}
