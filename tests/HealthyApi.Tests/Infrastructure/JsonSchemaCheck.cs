namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// Validates Helm values against values.schema.json the way helm does (defaults merged with the user's
/// file, then JSON Schema draft 7), with Debian's python3-jsonschema: the .NET JSON Schema packages do
/// not restore here.
/// </summary>
public static class JsonSchemaCheck
{
    private const string Script = """
        import json, sys, yaml, jsonschema
        def merge(base, over):
            if isinstance(base, dict) and isinstance(over, dict):
                out = dict(base)
                for k, v in over.items():
                    out[k] = merge(base.get(k), v) if k in base else v
                return out
            return over
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft7Validator.check_schema(schema)
        values = yaml.safe_load(open(sys.argv[2])) or {}
        for extra in sys.argv[3:]:
            values = merge(values, yaml.safe_load(open(extra)) or {})
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=lambda e: list(map(str, e.absolute_path)))
        for e in errors:
            print("/".join(map(str, e.absolute_path)) + ": " + e.message)
        sys.exit(1 if errors else 0)
        """;

    public static async Task<(bool Valid, string Errors)> ValidateAsync(string schema, string values, params string[] overrides)
    {
        (int ExitCode, string Output) result;
        try
        {
            result = await ServerBinaries.ExecuteAsync("python3", new[] { "-c", Script, schema, values }.Concat(overrides));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("python3 not found: install it with 'sudo apt-get install -y python3 python3-jsonschema python3-yaml' (./test.sh does this)");
        }

        if (result.Output.Contains("ModuleNotFoundError", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"python3 lacks jsonschema or yaml: install them with 'sudo apt-get install -y python3-jsonschema python3-yaml' (./test.sh does this). {result.Output}");
        }

        if (result.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"schema check crashed: {result.Output}");
        }

        return (result.ExitCode == 0, result.Output.Trim());
    }
}
