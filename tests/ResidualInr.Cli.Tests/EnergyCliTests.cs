using System.Globalization;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Strategies;

namespace ResidualInr.Cli.Tests;

/// <summary>Energy through the CLI: the scenario's energy section, simulate's --*-w options, the energy_j columns.</summary>
public class EnergyCliTests
{
    private static string Write(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rinr-energy-").FullName, "scenario.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static Dictionary<string, string>[] ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToArray();
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void The_energy_section_sets_the_powers_and_defaults_to_the_documented_ones()
    {
        Assert.Equal(new EnergyPowers(), ScenarioLoader.Load(Write("name: tiny\n")).Energy);
        var s = ScenarioLoader.Load(Write("name: tiny\nenergy: { radio_tx_w: 1.5, radio_rx_w: 1.1, radio_idle_w: 0.8, edge_compute_w: 15, fog_compute_w: 300 }\n"));
        Assert.Equal(new EnergyPowers(1.5, 1.1, 0.8, 15, 300), s.Energy);
        s = ScenarioLoader.Load(Write("name: tiny\nenergy: { fog_compute_w: 700 }\n"));
        Assert.Equal(new EnergyPowers() with { FogComputeWatts = 700 }, s.Energy);
    }

    [Theory]
    [InlineData("name: x\nenergy: { radio_tx_w: -1 }\n", ":2: energy.radio_tx_w: -1 is out of range")]
    [InlineData("name: x\nenergy: { radio_tx: 1 }\n", ":2: energy.radio_tx: unknown key (did you mean 'radio_tx_w'?)")]
    public void Bad_energy_keys_are_named(string yaml, string expected)
    {
        var path = Write(yaml);
        var e = Assert.Throws<InputException>(() => ScenarioLoader.Load(path));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void With_defaults_the_energy_columns_exist_are_finite_and_add_up_and_zero_powers_give_zero()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-energy-").FullName;
        try
        {
            string[] common = ["simulate", "--devices", "2,4", "--frames", "3", "--jpeg-bytes", "20000", "--inr-bytes", "5000", "--model-bytes", "100000",
                "--encode-s-per-batch", "0.2", "--edge-train-s", "0.01", "--fog-train-s", "0.002", "--inr-decode-s", "0.001"];
            var (exit, _, err) = CliRunner.Run([.. common, "--out", Path.Combine(dir, "d")]);
            Assert.True(exit == 0, err);
            var summary = ReadCsv(Path.Combine(dir, "d", "summary.csv"));
            var devices = ReadCsv(Path.Combine(dir, "d", "devices.csv"));
            Assert.Equal(12, summary.Length); // 6 strategies (all, hybrid and train-auto included) x 2 device counts
            foreach (var row in summary)
            {
                double total = D(row["energy_j"]), fog = D(row["fog_energy_j"]);
                Assert.True(double.IsFinite(total) && total > 0 && double.IsFinite(fog) && fog >= 0);
                double sum = devices.Where(d => d["devices"] == row["devices"] && d["strategy"] == row["strategy"]).Sum(d => D(d["energy_j"]));
                Assert.Equal(sum + fog, total, 1e-6 * total);
                if (row["strategy"] is "inr-train-edge" or "train-fog") Assert.True(fog > 0);
            }
            foreach (var d in devices)
                foreach (var c in new[] { "radio_tx_s", "radio_rx_s", "radio_idle_s", "compute_s", "energy_j" })
                    Assert.True(double.IsFinite(D(d[c])) && D(d[c]) >= 0, $"{c} = {d[c]}");

            (exit, _, err) = CliRunner.Run([.. common, "--radio-tx-w", "0", "--radio-rx-w", "0", "--radio-idle-w", "0", "--edge-compute-w", "0", "--fog-compute-w", "0",
                "--out", Path.Combine(dir, "z")]);
            Assert.True(exit == 0, err);
            Assert.All(ReadCsv(Path.Combine(dir, "z", "summary.csv")), r => Assert.Equal((0.0, 0.0), (D(r["energy_j"]), D(r["fog_energy_j"]))));
            Assert.All(ReadCsv(Path.Combine(dir, "z", "devices.csv")), r => Assert.Equal(0.0, D(r["energy_j"])));

            (exit, _, err) = CliRunner.Run("simulate", "--radio-tx-w", "-1");
            Assert.Equal(2, exit);
            Assert.Contains("--radio-tx-w", err);
        }
        finally { Directory.Delete(dir, true); }
    }
}
