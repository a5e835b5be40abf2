using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ResidualInr.Cli.Codecs;

namespace ResidualInr.Cli.Scenarios;

/// <summary>
/// JSON Schema (draft 2020-12) for scenario files, generated from <see cref="ScenarioKeys"/> and
/// the codec descriptors' <see cref="CodecDescriptor.SettingKeys"/>, the declarations the loader validates with. It accepts what the loader
/// accepts as YAML scalars: numbers may also be written as text (<c>"2"</c>, <c>2_000_000</c>), so a
/// numeric key's type is number-or-string, the range applying to numbers and a pattern to text.
/// What a schema cannot say (sizes between 8x8 and 4096x4096, folders that exist) only the loader checks.
/// </summary>
public static class ScenarioSchema
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";
    private const string IntegerText = "^[+-]?[0-9][0-9_]*$";
    private const string NumberText = @"^[+-]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9]+)?$";
    private const string SizeText = "^[0-9]+[xX][0-9]+$";

    public static JsonObject Generate()
    {
        var schema = ForSection(ScenarioKeys.Root);
        schema.Insert(0, "$schema", Draft);
        schema.Insert(1, "title", "rinr scenario");
        return schema;
    }

    /// <summary>The schema as <c>rinr schema</c> prints it and scenarios/scenario.schema.json holds it.</summary>
    public static string ToJson() => Generate().ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n";

    private static JsonObject ForSection(Section section)
    {
        var properties = new JsonObject();
        foreach (var key in section.Keys) properties[key.Name] = ForKey(key);
        var schema = new JsonObject
        {
            ["description"] = section.Description,
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = section.Keys.Where(k => k.Required).Select(k => (JsonNode)k.Name).ToArray();
        if (required.Length > 0) schema["required"] = new JsonArray(required);
        if (section.ExactlyOneOf.Count > 0)
            schema["oneOf"] = new JsonArray(section.ExactlyOneOf.Select(k => (JsonNode)new JsonObject { ["required"] = new JsonArray(k) }).ToArray());
        if (section.DependentRequired.Count > 0)
            schema["dependentRequired"] = new JsonObject(section.DependentRequired.Select(d =>
                KeyValuePair.Create(d.Key, (JsonNode?)new JsonArray(d.Value.Select(v => (JsonNode)v).ToArray()))));
        if (section.NotTogether.Count > 0)
        {
            var nots = section.NotTogether.Select(g => (JsonNode)new JsonObject { ["not"] = new JsonObject { ["required"] = new JsonArray(g.Select(k => (JsonNode)k).ToArray()) } }).ToArray();
            schema["allOf"] = new JsonArray(nots);
        }
        if (section.OnlyWhen is var (when, value, dependent))
        {
            schema["if"] = new JsonObject
            {
                ["properties"] = new JsonObject { [when] = new JsonObject { ["const"] = value } },
                ["required"] = new JsonArray(when),
            };
            schema["then"] = new JsonObject { ["required"] = new JsonArray(dependent) };
            schema["else"] = new JsonObject { ["not"] = new JsonObject { ["required"] = new JsonArray(dependent) } };
        }
        return schema;
    }

    private static JsonObject ForKey(Key key)
    {
        switch (key.Kind)
        {
            case KeyKind.Section:
                return ForSection(key.Section!);
            case KeyKind.CodecMap:
                return ForCodecs(key);
        }
        var item = ForValue(key);
        JsonObject schema;
        if (key.ListOrSingle)
        {
            var list = new JsonObject { ["type"] = "array", ["items"] = item.DeepClone() };
            if (key.Kind != KeyKind.Enum) list["minItems"] = 1;
            schema = new JsonObject { ["oneOf"] = new JsonArray(item, list) };
        }
        else schema = item;
        var description = key.DefaultNote is { } note ? $"{key.Description} Default: {note}." : key.Description;
        schema.Insert(0, "description", description);
        if (key.Default is { } d) schema["default"] = JsonSerializer.SerializeToNode(d);
        return schema;
    }

    /// <summary>One value of the key (an item of it, for a list-or-single key).</summary>
    private static JsonObject ForValue(Key key)
    {
        var schema = new JsonObject();
        switch (key.Kind)
        {
            case KeyKind.Int or KeyKind.Long:
                schema["type"] = new JsonArray("integer", "string");
                schema["pattern"] = IntegerText;
                break;
            case KeyKind.Double:
                schema["type"] = new JsonArray("number", "string");
                schema["pattern"] = NumberText;
                break;
            case KeyKind.Bool:
                schema["enum"] = new JsonArray(true, false, "true", "false");
                return schema;
            case KeyKind.String:
                schema["type"] = "string";
                schema["minLength"] = 1;
                return schema;
            case KeyKind.Enum:
                schema["type"] = "string";
                schema["enum"] = new JsonArray(key.Allowed.Concat(key.Aliases).Select(v => (JsonNode)v).ToArray());
                return schema;
            case KeyKind.Size:
                schema["type"] = "string";
                schema["pattern"] = SizeText;
                return schema;
            default:
                throw new InvalidOperationException($"key {key.Name}: no schema for {key.Kind}");
        }
        if (key.Min is { } min) schema[key.MinExclusive ? "exclusiveMinimum" : "minimum"] = Number(min);
        if (key.Max is { } max) schema[key.MaxExclusive ? "exclusiveMaximum" : "maximum"] = Number(max);
        return schema;
    }

    private static JsonObject ForCodecs(Key key)
    {
        var properties = new JsonObject();
        foreach (var codec in CodecRegistry.All)
        {
            var settings = new JsonObject();
            foreach (var k in codec.SettingKeys) settings[k.Name] = ForKey(k);
            properties[codec.Id] = new JsonObject
            {
                ["description"] = $"{codec.Summary}. Its settings (empty for the defaults).",
                ["type"] = new JsonArray("object", "null"),
                ["properties"] = settings,
                ["additionalProperties"] = false,
            };
        }
        return new JsonObject
        {
            ["description"] = key.Description,
            ["type"] = "object",
            ["properties"] = properties,
            ["additionalProperties"] = false,
            ["minProperties"] = 1,
            ["default"] = new JsonObject(((string[])key.Default!).Select(n => KeyValuePair.Create(n, (JsonNode?)new JsonObject()))),
        };
    }

    /// <summary>Whole numbers as integers (1, not 1.0); others as the shortest round-trip double.</summary>
    private static JsonNode Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);
}
