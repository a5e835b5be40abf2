namespace ResidualInr.Cli.Tests;

public class SimulateCommandTests
{
    [Fact]
    public void Sweep_writes_csvs_that_match_the_closed_form_and_repeat_byte_for_byte()
    {
        var a = Directory.CreateTempSubdirectory("rinr-sim-").FullName;
        var b = Directory.CreateTempSubdirectory("rinr-sim-").FullName;
        try
        {
            string[] Args(string dir) => ["simulate", "--devices", "3,5", "--frames", "4", "--jpeg-bytes", "1000", "--inr-bytes", "300",
                "--model-bytes", "50000", "--loss", "0.1", "--latency", "0.001", "--seed", "3", "--out", dir, "--transfers"];
            var (exit, output, err) = CliRunner.Run(Args(a));
            Assert.True(exit == 0, err);
            Assert.Contains("inr-train-edge", output);
            Assert.Equal(0, CliRunner.Run(Args(b)).Exit);
            foreach (var f in new[] { "summary.csv", "devices.csv", "transfers.csv" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f)));

            var rows = File.ReadAllLines(Path.Combine(a, "summary.csv"));
            Assert.StartsWith("devices,strategy,codec,model_bytes,downlink,topology,frames_per_device,bytes_on_air,bytes_offered,", rows[0]);
            // Offered bytes follow DESIGN.md's table whatever the losses (retries add to bytes on air only):
            // N=5, F=4, unicast inr-train-edge: N F s_j + N (N-1) F s_i = 20,000 + 24,000.
            var inr5 = rows.Single(r => r.StartsWith("5,inr-train-edge,inr,,unicast,shared,")).Split(',');
            Assert.Equal("44000", inr5[8]);
            Assert.True(long.Parse(inr5[7]) >= 44000);
            Assert.Equal("50000", rows.Single(r => r.StartsWith("5,train-fog,")).Split(',')[3]);
            Assert.True(File.ReadAllLines(Path.Combine(a, "transfers.csv")).Skip(1).All(l => l.StartsWith("5,")), "transfers are written for the largest N only");
        }
        finally
        {
            Directory.Delete(a, true);
            Directory.Delete(b, true);
        }
    }

    [Fact]
    public void Transfers_csv_is_written_only_when_asked_and_has_one_row_per_transfer_of_each_point_it_covers()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-sim-").FullName;
        try
        {
            string[] Args(string name, params string[] more) => ["simulate", "--devices", "2,4", "--frames", "3", "--loss", "0.2", "--seed", "5",
                "--out", Path.Combine(dir, name), .. more];
            Assert.Equal(0, CliRunner.Run(Args("none")).Exit);
            Assert.False(File.Exists(Path.Combine(dir, "none", "transfers.csv")), "nobody asked for transfers.csv");

            var (exit, _, err) = CliRunner.Run(Args("all", "--all-transfers", "--jobs", "3"));
            Assert.True(exit == 0, err);
            Assert.Equal(0, CliRunner.Run(Args("all-1", "--all-transfers", "--jobs", "1")).Exit);
            // Streamed by parallel points into parts, assembled in sweep order: the file does not depend on --jobs.
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "all", "transfers.csv")), File.ReadAllBytes(Path.Combine(dir, "all-1", "transfers.csv")));
            Assert.Empty(Directory.GetFiles(Path.Combine(dir, "all"), "*.part"));

            // Every point's rows, as many as its summary counts, in the summary's order.
            var summary = File.ReadAllLines(Path.Combine(dir, "all", "summary.csv"));
            int transfersColumn = Array.IndexOf(summary[0].Split(','), "transfers");
            var points = summary.Skip(1).Select(l => l.Split(',')).Select(r => (Key: string.Join(',', r[..4]), Transfers: int.Parse(r[transfersColumn]))).ToList();
            var rows = File.ReadAllLines(Path.Combine(dir, "all", "transfers.csv"));
            Assert.StartsWith("devices,strategy,codec,model_bytes,start_s,end_s,source,destinations,kind,bytes,retries,lost,missed", rows[0]);
            var byPoint = rows.Skip(1).Select(l => string.Join(',', l.Split(',')[..4])).ToList();
            Assert.Equal(points.Select(p => p.Key), byPoint.Distinct());
            foreach (var (key, transfers) in points) Assert.Equal(transfers, byPoint.Count(k => k == key));

            // --transfers: the largest N's points only, the same rows as in the full file.
            Assert.Equal(0, CliRunner.Run(Args("largest", "--transfers")).Exit);
            Assert.Equal(rows.Where(r => r.StartsWith("devices,") || r.StartsWith("4,")), File.ReadAllLines(Path.Combine(dir, "largest", "transfers.csv")));

            var refused = CliRunner.Run("simulate", "--devices", "2", "--transfers");
            Assert.Equal(2, refused.Exit);
            Assert.Contains("--transfers: transfers.csv needs --out", refused.Err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Measured_sizes_from_codec_metrics_replace_the_fixed_ones()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-sim-").FullName;
        try
        {
            const string header = "sequence,frame,codec,payload_bytes,bg_inr_bytes,obj_inr_bytes,psnr_whole_db,psnr_bg_db,psnr_obj_db,encode_s_per_frame,decode_s_per_frame,size_group,payload_file";
            File.WriteAllLines(Path.Combine(dir, "jpeg.csv"), [header, "a,1,jpeg-q90,1000,1000,0,30,31,29,0.001,0.0005,1,a/1.jpg", "a,2,jpeg-q90,3000,3000,0,30,31,29,0.001,0.0005,1,a/2.jpg"]);
            File.WriteAllLines(Path.Combine(dir, "inr.csv"), [header, "a,1,residual-inr,200,150,50,30,31,29,1.5,0.002,1,a/1.rinr", "a,2,residual-inr,400,350,50,30,31,29,1.5,0.002,1,a/2.rinr"]);
            var (exit, _, err) = CliRunner.Run("simulate", "--devices", "2", "--frames", "1", "--strategies", "inr-train-edge",
                "--jpeg-metrics", Path.Combine(dir, "jpeg.csv"), "--inr-metrics", Path.Combine(dir, "inr.csv"), "--out", Path.Combine(dir, "out"));
            Assert.True(exit == 0, err);
            // Device 1 collected frame a/1, device 2 frame a/2: uplink 1000 + 3000, downlink 200 + 400.
            var row = File.ReadAllLines(Path.Combine(dir, "out", "summary.csv"))[1].Split(',');
            Assert.Equal(("inr-train-edge", "residual-inr"), (row[1], row[2]));
            Assert.Equal("4600", row[7]);
            File.WriteAllText(Path.Combine(dir, "bad.csv"), header + "\na,1,jpeg,-5,0,0,0,0,0,0,0.1,0,x\n");
            (exit, _, err) = CliRunner.Run("simulate", "--jpeg-metrics", Path.Combine(dir, "bad.csv"));
            Assert.Equal(2, exit);
            Assert.Contains("bad.csv:2: payload_bytes", err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("simulate", "--devices", "0")]
    [InlineData("simulate", "--devices", "2,x")]
    [InlineData("simulate", "--strategies", "carrier-pigeon")]
    [InlineData("simulate", "--loss", "1")]
    [InlineData("simulate", "--capacity", "0")]
    [InlineData("simulate", "--downlink", "multicast")]
    [InlineData("simulate", "--frames", "0")]
    public void Impossible_settings_exit_with_2(params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.StartsWith("rinr: ", err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
    }

    [Theory]
    [InlineData("g", "54")]
    [InlineData("b", "11")]
    [InlineData("n", "65")]
    public void The_dcf_mac_runs_where_two_stations_carry_more_than_one(string standard, string rate)
    {
        // At these rates Bianchi's S(2) > S(1), so η(2) > 1: the channel is faster with two senders than one.
        var dir = Directory.CreateTempSubdirectory("rinr-sim-").FullName;
        try
        {
            var (exit, _, err) = CliRunner.Run("simulate", "--mac", "dcf", "--standard", standard, "--rate-mbps", rate,
                "--devices", "3", "--strategies", "jpeg-p2p", "--frames", "1", "--out", Path.Combine(dir, "out"));
            Assert.True(exit == 0, err);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void The_dcf_mac_costs_airtime_over_its_single_sender_capacity()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-sim-").FullName;
        try
        {
            double Airtime(string name, params string[] channel)
            {
                var (exit, _, err) = CliRunner.Run(["simulate", .. channel, "--devices", "10", "--strategies", "jpeg-p2p", "--frames", "1", "--out", Path.Combine(dir, name)]);
                Assert.True(exit == 0, err);
                var rows = File.ReadAllLines(Path.Combine(dir, name, "summary.csv"));
                int column = Array.IndexOf(rows[0].Split(','), "airtime_s");
                return double.Parse(rows[1].Split(',')[column], System.Globalization.CultureInfo.InvariantCulture);
            }
            var s1 = ResidualInr.Simulation.Network.Mac.DcfModel.ChannelSettings(ResidualInr.Simulation.Network.Mac.WifiStandard.G, 24, 1500, false, 1).CapacityBytesPerSecond;
            double dcf = Airtime("dcf", "--mac", "dcf", "--standard", "g", "--rate-mbps", "24");
            double fixedC = Airtime("fixed", "--capacity", s1.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            // Ten devices share the air: η(n) < 1 for n > 1 senders, so the same bytes take longer than at S(1) with η = 1.
            Assert.True(dcf > fixedC * 1.05, $"dcf {dcf} s, fixed {fixedC} s");
            // --efficiency gives the fixed channel a table: η = 0.5 for every n doubles the airtime.
            Assert.Equal(2 * fixedC, Airtime("half", "--capacity", s1.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--efficiency", "0.5"), 9);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--mac and --capacity: give either the MAC model or the fixed channel, not both", "--mac", "dcf", "--standard", "g", "--rate-mbps", "24", "--capacity", "2000000")]
    [InlineData("--mac and --efficiency", "--mac", "dcf", "--standard", "g", "--rate-mbps", "24", "--efficiency", "1,0.9")]
    [InlineData("--standard needs --mac dcf", "--standard", "g", "--rate-mbps", "24")]
    [InlineData("--mac dcf needs --rate-mbps", "--mac", "dcf", "--standard", "g")]
    [InlineData("--rate-mbps 25: 802.11g has no such rate", "--mac", "dcf", "--standard", "g", "--rate-mbps", "25")]
    [InlineData("--mac 'edca': expected dcf", "--mac", "edca")]
    [InlineData("'0' is not a number in (0, 1]", "--efficiency", "1,0")]
    public void Channel_options_of_two_models_are_input_errors(string expected, params string[] args)
    {
        var (exit, _, err) = CliRunner.Run(["simulate", "--devices", "2", "--frames", "1", .. args]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, err);
    }
}
