using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ResidualInr.Cli.Output;
using ResidualInr.Cli.Scenarios;

namespace ResidualInr.Cli.Tests;

public class RunMetadataTests
{
    private static readonly string[] Keys =
    [
        "tool", "version", "git_sha", "git_dirty", "command", "args", "config_sha256", "seed", "device",
        "torchsharp_version", "libtorch_version", "os", "cpu", "gpu", "started_utc", "finished_utc",
    ];

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ResidualInr.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ResidualInr.sln not found above the test binaries");
    }

    private static string? GitHead(string repo)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", $"-C \"{repo}\" rev-parse HEAD") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var sha = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? sha : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }

    [Fact]
    public void Simulate_with_out_writes_run_json_with_every_key()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-runjson-").FullName;
        var (exit, _, err) = CliRunner.Run("simulate", "--devices", "2,3", "--frames", "2", "--seed", "5", "--out", dir);
        Assert.True(exit == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!.AsObject();
        Assert.Equal(Keys, json.Select(kv => kv.Key));
        Assert.Equal("rinr", json["tool"]!.GetValue<string>());
        Assert.Equal("simulate", json["command"]!.GetValue<string>());
        Assert.Equal(["simulate", "--devices", "2,3", "--frames", "2", "--seed", "5", "--out", dir], json["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(5, json["seed"]!.GetValue<int>());
        Assert.Matches("^[0-9a-f]{64}$", json["config_sha256"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(json["version"]!.GetValue<string>()));
        Assert.Equal("2.10.0", json["libtorch_version"]!.GetValue<string>());
        Assert.Contains("logical cores", json["cpu"]!.GetValue<string>());
        var started = DateTime.Parse(json["started_utc"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        var finished = DateTime.Parse(json["finished_utc"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.True(started <= finished, $"{started:O} > {finished:O}");
        // The tests run from the checkout, so run.json names its commit.
        if (GitHead(RepoRoot()) is { } head)
        {
            Assert.Equal(head, json["git_sha"]!.GetValue<string>());
            Assert.NotNull(json["git_dirty"]);
        }
    }

    [Fact]
    public void The_config_hash_is_of_the_resolved_options_given_or_defaulted()
    {
        var dir = Directory.CreateTempSubdirectory("rinr-runjson-").FullName;
        string Hash(params string[] extra)
        {
            var (exit, _, err) = CliRunner.Run(["simulate", "--devices", "2", "--out", dir, .. extra]);
            Assert.True(exit == 0, err);
            return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "run.json")))!["config_sha256"]!.GetValue<string>();
        }
        Assert.Equal(Hash(), Hash("--frames", "30")); // 30 is the default
        Assert.NotEqual(Hash(), Hash("--frames", "3"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("frames=30"))), RunMetadata.Start("x", [], "frames=30", 1, null).ConfigSha256);
    }

    [Fact]
    public void A_scenario_has_a_canonical_text_and_the_markdown_header_carries_the_facts()
    {
        var scenario = ScenarioLoader.Load(Path.Combine(RepoRoot(), "scenarios", "quickstart.yaml"));
        var text = RunMetadata.Canonical(scenario);
        Assert.Equal(text, RunMetadata.Canonical(ScenarioLoader.Load(Path.Combine(RepoRoot(), "scenarios", "quickstart.yaml"))));
        Assert.Contains("\"JpegP2p\"", text);
        var run = RunMetadata.Start("run", ["run", "scenarios/quickstart.yaml"], text, scenario.Seed, "cpu");
        var header = run.MarkdownHeader();
        Assert.Contains("`rinr run scenarios/quickstart.yaml`", header);
        Assert.Contains(run.ConfigSha256, header);
        Assert.Contains("libtorch 2.10.0", header);
    }
}
