using HealthyApi.Tests.Deploy;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>The real helm against the chart; its caches and config live in this run's folder.</summary>
public static class Helm
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var home = Path.Combine(TestRun.Root, "helm-home");
        return await ServerBinaries.ExecuteAsync("env",
            [$"HELM_CACHE_HOME={home}/cache", $"HELM_CONFIG_HOME={home}/config", $"HELM_DATA_HOME={home}/data", DeployTools.Helm!, .. args]);
    }

    /// <summary>A values file with this YAML, in this run's folder.</summary>
    public static string ValuesFile(string yaml)
    {
        var file = Path.Combine(TestRun.Root, $"values-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml + "\n");
        return file;
    }

    /// <summary>helm lint --strict with the values; the output when it fails.</summary>
    public static async Task LintAsync(string valuesYaml = "")
    {
        var (exit, output) = await RunAsync("lint", "--strict", HelmChartTests.ChartDir, "-f", ValuesFile(valuesYaml));
        Assert.True(exit == 0, $"helm lint --strict failed:\n{output}");
    }

    /// <summary>helm template as `helm install` would render it (test hooks included), written to a file.</summary>
    public static async Task<Rendered> TemplateAsync(string valuesYaml = "", string release = "healthy-api")
    {
        var (exit, output) = await RunAsync("template", release, HelmChartTests.ChartDir, "--namespace", "apps", "-f", ValuesFile(valuesYaml));
        Assert.True(exit == 0, $"helm template failed:\n{output}");
        return await Rendered.SaveAsync("rendered", output);
    }
}

/// <summary>Objects rendered by helm or kustomize, and the file they were written to (for the validators).</summary>
public sealed record Rendered(string File, List<Dictionary<string, object?>> Objects)
{
    public IEnumerable<Dictionary<string, object?>> OfKind(string kind) => Objects.Where(o => Yaml.Str(o, "kind") == kind);

    public Dictionary<string, object?> Single(string kind) => OfKind(kind).Single();

    /// <summary>A tool's YAML output, parsed and written to a file of this run.</summary>
    public static async Task<Rendered> SaveAsync(string name, string yaml)
    {
        var file = Path.Combine(TestRun.Root, $"{name}-{Guid.NewGuid():N}.yaml");
        await System.IO.File.WriteAllTextAsync(file, yaml); // File alone is this record's property
        return new Rendered(file, Yaml.ParseAll(yaml));
    }
}
