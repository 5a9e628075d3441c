namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// Deploy/validate/validate.mjs under node, with the npm packages test.sh installed: rendered objects
/// against the Kubernetes OpenAPI schemas (unknown fields included), or a compose file against the
/// compose specification's schema.
/// </summary>
public static class SchemaValidator
{
    private static readonly Lazy<string> Script = new(() =>
    {
        // ES modules find their packages next to the script, not through NODE_PATH: the script runs from a
        // folder of this run with node_modules linked in.
        var dir = Path.Combine(TestRun.Root, "validate");
        Directory.CreateDirectory(dir);
        File.Copy(SourceTree.PathOf("tests", typeof(SchemaValidator).Assembly.GetName().Name!, "Deploy", "validate", "validate.mjs"), Path.Combine(dir, "validate.mjs"), overwrite: true);
        File.CreateSymbolicLink(Path.Combine(dir, "node_modules"), DeployTools.ValidateModules!);
        return Path.Combine(dir, "validate.mjs");
    });

    /// <summary>Asserts the file is valid and holds at least one document; returns the validator's report.</summary>
    public static async Task<string> AssertValidAsync(string mode, string file)
    {
        var (exit, output) = await ServerBinaries.ExecuteAsync(DeployTools.Node!, [Script.Value, mode, file]);
        Assert.True(exit is 0 or 1, $"the validator crashed (exit {exit}):\n{output}");
        Assert.True(exit == 0, $"{Path.GetFileName(file)} does not satisfy the {mode} schemas:\n{output}");
        Assert.DoesNotContain("checked 0 document(s)", output);
        return output;
    }

    /// <summary>The validator's problems for a file that must be invalid (proves the validator can fail).</summary>
    public static async Task<string> ProblemsAsync(string mode, string file)
    {
        var (exit, output) = await ServerBinaries.ExecuteAsync(DeployTools.Node!, [Script.Value, mode, file]);
        Assert.True(exit == 1, $"expected problems (exit 1), got exit {exit}:\n{output}");
        return output;
    }
}
