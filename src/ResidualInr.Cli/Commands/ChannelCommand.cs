using System.CommandLine;
using System.Globalization;
using ResidualInr.Imaging;
using ResidualInr.Simulation.Network.Mac;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// <c>rinr channel</c>: Bianchi's saturation throughput S(n) of 802.11 DCF and the efficiency η(n) = S(n)/S(1)
/// the simulator's shared channel takes, per station count (<see cref="DcfModel"/>).
/// </summary>
public static class ChannelCommand
{
    public static Command Build()
    {
        var standard = new Option<string>("--standard") { Description = $"802.11 standard: {string.Join(", ", WifiStandardNames.All)}.", Required = true };
        var rate = new Option<double>("--rate-mbps") { Description = "PHY rate of data frames in Mb/s, one the standard has (20 MHz, one stream, long GI).", Required = true };
        var stations = new Option<string>("--stations") { Description = "Comma-separated station counts.", DefaultValueFactory = _ => "1,5,10,20,50" };
        var payload = new Option<int>("--payload-bytes") { Description = $"Payload (MSDU) bytes per frame, 1 to {DcfModel.MaxPayloadBytes}.", DefaultValueFactory = _ => 1500 };
        var rtsCts = new Option<bool>("--rts-cts") { Description = "RTS/CTS before every data frame instead of basic access." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (stations,throughput_mbps,efficiency) instead of a table." };
        var cmd = new Command("channel", "802.11 DCF saturation throughput S(n) and efficiency eta(n) = S(n)/S(1) from Bianchi's model, per station count.");
        foreach (var o in new Option[] { standard, rate, stations, payload, rtsCts, csv }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var name = parse.GetValue(standard)!;
            if (!WifiStandardNames.TryParse(name, out var s))
                throw new InputException($"--standard: unknown standard '{name}' (expected {string.Join(", ", WifiStandardNames.All)})");
            double mbps = parse.GetValue(rate);
            if (!double.IsFinite(mbps) || DcfModel.FindRate(s, mbps) is null)
                throw new InputException($"--rate-mbps {mbps.ToString(CultureInfo.InvariantCulture)}: 802.11{s.ToName()} has no such rate (expected one of {string.Join(", ", DcfModel.Rates(s).Select(r => r.Mbps.ToString("0.###", CultureInfo.InvariantCulture)))})");
            int bytes = parse.GetValue(payload);
            if (bytes is < 1 or > DcfModel.MaxPayloadBytes)
                throw new InputException($"--payload-bytes {bytes}: must be 1 to {DcfModel.MaxPayloadBytes}");
            var counts = TextValues.DeviceCounts(parse.GetValue(stations)!, "--stations");
            var d = DcfModel.Parameters(s, mbps, bytes, parse.GetValue(rtsCts));

            double s1 = DcfModel.ThroughputBitsPerSecond(d, 1);
            var rows = counts.Select(n => (N: n, Mbps: DcfModel.ThroughputBitsPerSecond(d, n) / 1e6)).Select(r => (r.N, r.Mbps, Eta: r.Mbps * 1e6 / s1)).ToList();
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(csv))
            {
                output.WriteLine("stations,throughput_mbps,efficiency");
                foreach (var (n, m, eta) in rows) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n},{m:F6},{eta:F6}"));
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"802.11{s.ToName()} {d.RateMbps:0.###} Mb/s, {bytes} B payload, {(d.RtsCts ? "RTS/CTS" : "basic access")}: T_s {d.SuccessSeconds * 1e6:F1} us, T_c {d.CollisionSeconds * 1e6:F1} us, S(1) {s1 / 1e6:F3} Mb/s"));
                output.WriteLine($"{"stations",8}  {"S(n) Mb/s",10}  {"eta(n)",8}");
                foreach (var (n, m, eta) in rows) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n,8}  {m,10:F3}  {eta,8:F4}"));
            }
            return RinrApp.ExitOk;
        });
        return cmd;
    }
}
