namespace HealthyApi.TemplateTests;

public sealed class TemplateInstantiationTests(GeneratedProject project) : IClassFixture<GeneratedProject>
{
    [Fact]
    public void Derived_names_land_in_paths_and_namespaces()
    {
        Assert.True(Directory.Exists(Path.Combine(project.Directory, "deploy", "helm", "acme-orders")), "deploy/helm/acme-orders missing");
        Assert.True(File.Exists(Path.Combine(project.Directory, "Acme.Orders.slnx")));
        Assert.True(File.Exists(Path.Combine(project.Directory, "src", "Acme.Orders", "Acme.Orders.csproj")));
        Assert.True(File.Exists(Path.Combine(project.Directory, "tests", "Acme.Orders.Tests", "Acme.Orders.Tests.csproj")));

        var program = File.ReadAllText(Path.Combine(project.Directory, "src", "Acme.Orders", "Program.cs"));
        Assert.Contains("using Acme.Orders.Health;", program);
        var chart = File.ReadAllText(Path.Combine(project.Directory, "deploy", "helm", "acme-orders", "Chart.yaml"));
        Assert.Contains("name: acme-orders", chart);
        var helpers = File.ReadAllText(Path.Combine(project.Directory, "deploy", "helm", "acme-orders", "templates", "_helpers.tpl"));
        Assert.Contains("define \"acme-orders.fullname\"", helpers);
        var deployment = File.ReadAllText(Path.Combine(project.Directory, "deploy", "manifests", "deployment.yaml"));
        Assert.Contains("name: acme-orders-connections", deployment);
        var compose = File.ReadAllText(Path.Combine(project.Directory, "deploy", "compose.yaml"));
        Assert.Contains("\"Acme.Orders.dll\", \"probe\", \"readiness\"", compose);
        Assert.True(File.Exists(Path.Combine(project.Directory, "deploy", "prometheus", "acme-orders-rules.yaml")), "deploy/prometheus/acme-orders-rules.yaml missing");
    }

    [Fact]
    public void No_file_name_or_content_still_names_the_template()
    {
        var leftovers = Directory.EnumerateFiles(project.Directory, "*", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(path =>
            {
                var hits = new List<string>();
                if (path.Contains("HealthyApi", StringComparison.OrdinalIgnoreCase) || path.Contains("healthy-api", StringComparison.OrdinalIgnoreCase))
                {
                    hits.Add($"path: {path}");
                }

                var text = File.ReadAllText(path);
                if (text.Contains("HealthyApi", StringComparison.OrdinalIgnoreCase) || text.Contains("healthy-api", StringComparison.OrdinalIgnoreCase))
                {
                    hits.Add($"content: {path}");
                }

                return hits;
            })
            .ToArray();

        Assert.True(leftovers.Length == 0, "Still naming the template:\n" + string.Join('\n', leftovers));
    }

    [Fact]
    public void Repository_only_files_are_not_generated()
    {
        foreach (var path in new[] { ".ci", "bench", "templates", ".template.config", Path.Combine("tests", "Acme.Orders.TemplateTests") })
        {
            Assert.False(Path.Exists(Path.Combine(project.Directory, path)), $"{path} should not be in the generated project");
        }
    }

    [Fact]
    public void Scripts_are_executable()
    {
        foreach (var script in new[] { "run.sh", "test.sh" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(project.Directory, script));
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable ({mode})");
        }
    }

    [Fact]
    public async Task Generated_service_builds_and_passes_its_own_tests()
    {
        var (exitCode, output) = await DotNet.RunAsync(project.Directory, TimeSpan.FromMinutes(20), "test", "Acme.Orders.slnx", "-c", "Release");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Passed!", output);
        Assert.DoesNotContain("warning CS", output);
    }
}
