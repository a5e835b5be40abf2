using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ResidualInr.Cli.Scenarios;
using ResidualInr.Imaging;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ResidualInr.Cli.Tests;

/// <summary>
/// YAML to JSON for schema validation, typing plain scalars as the loader reads them: integers
/// (underscores allowed, as in 2_000_000), other finite numbers, true/false, and empty or ~ as null;
/// quoted scalars stay strings (the schema accepts numeric text where the loader does).
/// </summary>
public static class YamlJson
{
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode s when s.Style != ScalarStyle.Plain => JsonValue.Create(s.Value ?? ""),
        YamlScalarNode s => Scalar(s.Value ?? ""),
        _ => throw new ArgumentException($"unexpected YAML node {node.NodeType}"),
    };

    private static JsonNode? Scalar(string text)
    {
        if (text is "" or "~") return null;
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        var digits = text.Replace("_", "");
        if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    public static JsonElement FromYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = Convert(stream.Documents[0].RootNode);
        return JsonSerializer.SerializeToElement(node);
    }
}

public class ScenarioSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(ScenarioSchema.ToJson()));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ResidualInr.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ResidualInr.sln not found above the test binaries");
    }

    private static EvaluationResults Validate(string yaml) =>
        Schema.Value.Evaluate(YamlJson.FromYaml(yaml), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Errors(EvaluationResults r) => string.Join("; ",
        (r.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    private static string Write(string yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rinr-schema-").FullName, "scenario.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public void The_committed_schema_is_what_rinr_schema_prints()
    {
        var (exit, output, _) = CliRunner.Run("schema");
        Assert.Equal(0, exit);
        var committed = File.ReadAllText(Path.Combine(RepoRoot(), "scenarios", "scenario.schema.json"));
        Assert.True(committed == output, "scenarios/scenario.schema.json is stale: regenerate it with 'scripts/rinr schema > scenarios/scenario.schema.json'");
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", JsonNode.Parse(output)!["$schema"]!.GetValue<string>());
    }

    public static TheoryData<string> ShippedScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "scenarios"), "*.yaml").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedScenarios))]
    public void Every_shipped_scenario_names_the_schema_and_validates_against_it(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), "scenarios", file));
        Assert.StartsWith("# yaml-language-server: $schema=./scenario.schema.json\n", text);
        var result = Validate(text);
        Assert.True(result.IsValid, Errors(result));
    }

    [Theory]
    [InlineData("unknown key", "name: x\ndevcies: [2]\n")]
    [InlineData("unknown nested key", "name: x\nnetwork:\n  capacity_byte_per_s: 5\n")]
    [InlineData("unknown codec", "name: x\ncodecs:\n  jpg: { quality: 90 }\n")]
    [InlineData("key of another codec family", "name: x\ncodecs:\n  nerv: { qat_steps: 5 }\n")]
    [InlineData("no codec", "name: x\ncodecs: {}\n")]
    [InlineData("missing name", "seed: 3\n")]
    [InlineData("wrong type: text for a section", "name: x\ninr: fast\n")]
    [InlineData("wrong type: text in a list of numbers", "name: x\ndevices: [2, many]\n")]
    [InlineData("wrong type: bool", "name: x\nlearning: { flip: maybe }\n")]
    [InlineData("wrong type: size", "name: x\nframe_size: huge\n")]
    [InlineData("wrong type: number", "name: x\ninr: { lr: fast }\n")]
    [InlineData("out of range: below minimum", "name: x\ndevices: 0\n")]
    [InlineData("out of range: exclusive maximum", "name: x\nnetwork: { loss_probability: 1 }\n")]
    [InlineData("out of range: above maximum", "name: x\nnetwork: { loss_probability: 1.5 }\n")]
    [InlineData("out of range: negative", "name: x\nnetwork: { latency_s: -1 }\n")]
    [InlineData("out of range: codec setting", "name: x\ncodecs:\n  jpeg: { quality: 101 }\n")]
    [InlineData("out of range: learning", "name: x\nlearning: { seeds: 0 }\n")]
    [InlineData("bad enum: device", "name: x\nlearning: { device: gpu }\n")]
    [InlineData("bad enum: downlink", "name: x\nnetwork: { downlink: multicast }\n")]
    [InlineData("bad enum: strategy", "name: x\nstrategies: [jpeg-p2q]\n")]
    [InlineData("bad enum: timing source", "name: x\ntiming: { source: guess }\n")]
    [InlineData("both synthetic and path", "name: x\ndataset: { synthetic: { sequences: 2 }, path: . }\n")]
    [InlineData("neither synthetic nor path", "name: x\ndataset: {}\n")]
    [InlineData("profile source without a profile", "name: x\ntiming: { source: profile }\n")]
    [InlineData("a profile the measure source ignores", "name: x\ntiming: { source: measure, profile: scenario.yaml }\n")]
    [InlineData("the moved training.fog_batch", "name: x\ntraining: { fog_batch: 8 }\n")]
    [InlineData("rounds and a Poisson process", "name: x\narrivals: { rounds: 2, poisson_rate_per_device_s: 1, duration_s: 5 }\n")]
    [InlineData("a round interval with a Poisson process", "name: x\narrivals: { round_interval_s: 2, poisson_rate_per_device_s: 1, duration_s: 5 }\n")]
    [InlineData("a Poisson rate without a duration", "name: x\narrivals: { poisson_rate_per_device_s: 1 }\n")]
    [InlineData("a duration alone", "name: x\narrivals: { duration_s: 5 }\n")]
    [InlineData("mac and capacity_bytes_per_s", "name: x\nnetwork:\n  capacity_bytes_per_s: 5\n  mac: { model: dcf, standard: 802.11g, rate_mbps: 24 }\n")]
    [InlineData("mac and efficiency", "name: x\nnetwork:\n  efficiency: [1, 0.9]\n  mac: { model: dcf, standard: g, rate_mbps: 24 }\n")]
    [InlineData("bad enum: mac model", "name: x\nnetwork: { mac: { model: edca, standard: g, rate_mbps: 24 } }\n")]
    [InlineData("bad enum: mac standard", "name: x\nnetwork: { mac: { model: dcf, standard: 802.11z, rate_mbps: 24 } }\n")]
    [InlineData("mac without a rate", "name: x\nnetwork: { mac: { model: dcf, standard: g } }\n")]
    [InlineData("out of range: mac payload", "name: x\nnetwork: { mac: { model: dcf, standard: g, rate_mbps: 24, payload_bytes: 0 } }\n")]
    [InlineData("out of range: efficiency 0", "name: x\nnetwork: { efficiency: [1, 0] }\n")]
    [InlineData("out of range: efficiency above 1", "name: x\nnetwork: { efficiency: 1.1 }\n")]
    public void Invalid_scenarios_are_rejected_by_the_schema_and_the_loader(string what, string yaml)
    {
        Assert.False(Validate(yaml).IsValid, $"the schema accepted {what}");
        var path = Write(yaml);
        Assert.Throws<InputException>(() => ScenarioLoader.Load(path));
    }

    [Theory]
    [InlineData("name: tiny\ndevices: 3\n")]
    [InlineData("name: q\nseed: \"2\"\ndevices: [\"2\", 4]\nnetwork: { capacity_bytes_per_s: 2_000_000, loss_probability: \"0.5\", retries: 0 }\n")]
    [InlineData("name: p\ndataset: { path: ., format: otb }\nframe_size: 160X90\nstrategies: train-fog\n")]
    [InlineData("name: p\ndataset: { path: ., format: dac-sdc }\n")]
    [InlineData("name: t\ntiming: { source: profile, profile: scenario.yaml }\n")]
    [InlineData("name: l\nlearning: { flip: \"false\", device: cuda, lr: 1e-3, width: 8 }\n")]
    [InlineData("name: l\nlearning:\n  epochs: 2\n")]
    [InlineData("name: m\ntraining: { model_bytes: [200000, 1000000], edge_s_per_frame_epoch: 0 }\n")]
    [InlineData("name: c\ncodecs:\n  jpeg:\n  rapid-inr: { steps: 10, lr: 0.01 }\n  residual-inr: { steps: 800, qat_steps: 0, object_steps: 5 }\n  nerv: { epochs: 10, lr: 0.003, object_steps: 5 }\n")]
    [InlineData("name: a\narrivals: { poisson_rate_per_device_s: 0.5, duration_s: 30 }\nfog: { max_batch: 8, max_wait_s: 0.2 }\n")]
    [InlineData("name: a\narrivals: { rounds: 3 }\ntiming: { source: measure, edge: scenario.yaml, fog: scenario.yaml }\n")]
    [InlineData("name: w\ndevices: [2, 40]\nnetwork:\n  mac: { model: dcf, standard: 802.11g, rate_mbps: 24, payload_bytes: 1500, rts_cts: false }\n  latency_s: 0.001\n")]
    [InlineData("name: w\nnetwork: { mac: { model: dcf, standard: ax, rate_mbps: \"143.4\", rts_cts: true }, links: per-device }\n")]
    [InlineData("name: w\nnetwork: { capacity_bytes_per_s: 1000000, efficiency: [1, 0.9, 0.85] }\n")]
    [InlineData("name: w\nnetwork: { efficiency: 0.8 }\n")]
    [InlineData(ScenarioLoaderTests.Full)]
    public void Valid_scenarios_are_accepted_by_the_schema_and_the_loader(string yaml)
    {
        var result = Validate(yaml);
        Assert.True(result.IsValid, Errors(result));
        ScenarioLoader.Load(Write(yaml));
    }
}
