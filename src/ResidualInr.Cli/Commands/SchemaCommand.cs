using System.CommandLine;
using ResidualInr.Cli.Scenarios;

namespace ResidualInr.Cli.Commands;

/// <summary>
/// <c>rinr schema</c>: prints the JSON Schema of scenario files, generated from the key declarations
/// the loader validates with (scenarios/scenario.schema.json is its committed output).
/// </summary>
public static class SchemaCommand
{
    public static Command Build()
    {
        var cmd = new Command("schema", "Print the JSON Schema (draft 2020-12) of scenario files, for editors and other tools.");
        cmd.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(ScenarioSchema.ToJson());
            return RinrApp.ExitOk;
        });
        return cmd;
    }
}
