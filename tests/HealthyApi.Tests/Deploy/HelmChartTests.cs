using System.Text.RegularExpressions;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Deploy;

/// <summary>
/// What can be checked of the chart without a helm binary: the schema against the values, and the
/// templates against the values and helpers they use. Rendering itself is not verified here.
/// </summary>
public sealed partial class HelmChartTests
{
    public static string ChartDir { get; } = Directory.GetDirectories(SourceTree.PathOf("deploy", "helm")).Single();

    private static string ValuesFile => Path.Combine(ChartDir, "values.yaml");

    private static string SchemaFile => Path.Combine(ChartDir, "values.schema.json");

    public static IEnumerable<string> Templates =>
        Directory.GetFiles(Path.Combine(ChartDir, "templates"), "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".tpl", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal));

    [Fact]
    public void Chart_has_the_layout_helm_create_gives()
    {
        foreach (var file in new[] { "Chart.yaml", "values.yaml", "values.schema.json", ".helmignore", "README.md",
                     "templates/_helpers.tpl", "templates/deployment.yaml", "templates/service.yaml", "templates/serviceaccount.yaml",
                     "templates/pdb.yaml", "templates/networkpolicy.yaml", "templates/podmonitor.yaml", "templates/servicemonitor.yaml",
                     "templates/hpa.yaml", "templates/ingress.yaml", "templates/NOTES.txt", "templates/tests/test-connection.yaml" })
        {
            Assert.True(File.Exists(Path.Combine(ChartDir, file)), $"{file} is missing from {ChartDir}");
        }

        var chart = Yaml.Load(Path.Combine(ChartDir, "Chart.yaml"));
        Assert.Equal("v2", Yaml.Str(chart, "apiVersion"));
        Assert.Equal(Path.GetFileName(ChartDir), Yaml.Str(chart, "name"));
    }

    [Fact]
    public async Task Default_values_satisfy_the_schema()
    {
        var (valid, errors) = await JsonSchemaCheck.ValidateAsync(SchemaFile, ValuesFile);
        Assert.True(valid, errors);
    }

    [Theory]
    [InlineData("replicaCount: two", "replicaCount")]
    [InlineData("probes:\n  liveness:\n    perodSeconds: 10", "perodSeconds")]
    [InlineData("health:\n  drainDelaySeconds: \"15\"", "drainDelaySeconds")]
    [InlineData("health:\n  readinessPath: readyz", "readinessPath")]
    [InlineData("ports:\n  management: 70000", "management")]
    [InlineData("otel:\n  protocol: http", "protocol")]
    [InlineData("replicas: 3", "replicas")]
    public async Task A_wrong_type_or_unknown_key_is_rejected(string yaml, string named)
    {
        var file = Path.Combine(TestRun.Root, $"values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml + "\n");
        var (valid, errors) = await JsonSchemaCheck.ValidateAsync(SchemaFile, ValuesFile, file);
        Assert.False(valid, $"the schema accepted: {yaml}");
        Assert.Contains(named, errors);
    }

    [Fact]
    public void Every_values_reference_in_the_templates_exists_in_values_yaml()
    {
        var values = Yaml.Load(ValuesFile);
        var missing = Templates
            .SelectMany(file => ValuesReference().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Path: m.Groups[1].Value)))
            .Where(r => !Yaml.Has(values, r.Path))
            .Select(r => $"{r.File}: .Values.{r.Path}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "not in values.yaml: " + string.Join(", ", missing));
        Assert.True(Templates.Sum(f => ValuesReference().Matches(File.ReadAllText(f)).Count) > 50, "the pattern found almost no references: the check proves nothing");
    }

    [Fact]
    public void Every_include_is_defined_in_the_helpers()
    {
        var helpers = File.ReadAllText(Path.Combine(ChartDir, "templates", "_helpers.tpl"));
        var defined = Define().Matches(helpers).Select(m => m.Groups[1].Value).ToHashSet();
        var chartName = Path.GetFileName(ChartDir);
        Assert.Contains($"{chartName}.fullname", defined);
        Assert.Contains($"{chartName}.labels", defined);
        Assert.Contains($"{chartName}.selectorLabels", defined);
        var used = Templates.SelectMany(f => Include().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(defined.Contains(name), $"include \"{name}\" is not defined in _helpers.tpl"));
        Assert.All(used, name => Assert.StartsWith(chartName + ".", name));
    }

    [Fact]
    public void Every_template_balances_its_blocks()
    {
        foreach (var file in Templates)
        {
            var depth = 0;
            foreach (Match action in Action().Matches(File.ReadAllText(file)))
            {
                depth += action.Groups[1].Value == "end" ? -1 : 1;
                Assert.True(depth >= 0, $"{Path.GetFileName(file)}: an {{{{ end }}}} without an opening block at offset {action.Index}");
            }

            Assert.True(depth == 0, $"{Path.GetFileName(file)}: {depth} block(s) not closed with {{{{ end }}}}");
        }
    }

    [Fact]
    public void Probes_are_on_the_management_port_and_the_service_exposes_only_the_app_port()
    {
        var deployment = File.ReadAllText(Path.Combine(ChartDir, "templates", "deployment.yaml"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            var block = deployment[deployment.IndexOf(probe + ":", StringComparison.Ordinal)..];
            block = block[..block.IndexOf("failureThreshold", StringComparison.Ordinal)];
            Assert.Contains("port: management", block);
        }

        var service = File.ReadAllText(Path.Combine(ChartDir, "templates", "service.yaml"));
        Assert.Contains("targetPort: http", service);
        Assert.DoesNotContain("targetPort: management", service);
        Assert.DoesNotContain(".Values.ports.management", service);
    }

    [GeneratedRegex(@"\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex("""define\s+"([^"]+)"\s*-?\}\}""")]
    private static partial Regex Define();

    [GeneratedRegex("""(?:include|template)\s+"([^"]+)"\s""")]
    private static partial Regex Include();

    // Openers and end, right after "{{" or "{{-": "else if" starts with else and is not an opener.
    [GeneratedRegex(@"\{\{-?\s*(if|range|with|define|block|end)\b")]
    private static partial Regex Action();
}
