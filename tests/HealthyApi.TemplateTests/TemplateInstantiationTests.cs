namespace HealthyApi.TemplateTests;

/// <summary>`dotnet new healthy-api -n Acme.Orders` from the package, with no options: names, exclusions, file modes.</summary>
[Collection(TemplateCollection.Name)]
public sealed class TemplateInstantiationTests(TemplatePackage package)
{
    [Fact]
    public async Task Derived_names_land_in_paths_and_namespaces()
    {
        var project = await package.DefaultProjectAsync();
        Assert.True(Directory.Exists(Path.Combine(project, "deploy", "helm", "acme-orders")), "deploy/helm/acme-orders missing");
        Assert.True(File.Exists(Path.Combine(project, "Acme.Orders.slnx")));
        Assert.True(File.Exists(Path.Combine(project, "src", "Acme.Orders", "Acme.Orders.csproj")));
        Assert.True(File.Exists(Path.Combine(project, "tests", "Acme.Orders.Tests", "Acme.Orders.Tests.csproj")));

        var program = File.ReadAllText(Path.Combine(project, "src", "Acme.Orders", "Program.cs"));
        Assert.Contains("using Acme.Orders.Health;", program);
        var chart = File.ReadAllText(Path.Combine(project, "deploy", "helm", "acme-orders", "Chart.yaml"));
        Assert.Contains("name: acme-orders", chart);
        var helpers = File.ReadAllText(Path.Combine(project, "deploy", "helm", "acme-orders", "templates", "_helpers.tpl"));
        Assert.Contains("define \"acme-orders.fullname\"", helpers);
        var deployment = File.ReadAllText(Path.Combine(project, "deploy", "manifests", "deployment.yaml"));
        Assert.Contains("name: acme-orders-connections", deployment);
        var compose = File.ReadAllText(Path.Combine(project, "deploy", "compose.yaml"));
        Assert.Contains("\"Acme.Orders.dll\", \"probe\", \"readiness\"", compose);
        Assert.True(File.Exists(Path.Combine(project, "deploy", "prometheus", "acme-orders-rules.yaml")), "deploy/prometheus/acme-orders-rules.yaml missing");
    }

    [Fact]
    public async Task No_file_name_or_content_still_names_the_template()
    {
        var leftovers = LeftoverTemplateNames(await package.DefaultProjectAsync());
        Assert.True(leftovers.Length == 0, "Still naming the template:\n" + string.Join('\n', leftovers));
    }

    /// <summary>Paths and files under <paramref name="project"/> (build output aside) that still say HealthyApi or healthy-api.</summary>
    public static string[] LeftoverTemplateNames(string project) =>
        Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories)
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

    [Fact]
    public async Task Repository_only_files_are_not_generated()
    {
        var project = await package.DefaultProjectAsync();
        foreach (var path in new[] { ".ci", "bench", "templates", ".template.config", Path.Combine("tests", "Acme.Orders.TemplateTests") })
        {
            Assert.False(Path.Exists(Path.Combine(project, path)), $"{path} should not be in the generated project");
        }
    }

    [Fact]
    public async Task Scripts_are_executable()
    {
        var project = await package.DefaultProjectAsync();
        foreach (var script in new[] { "run.sh", "test.sh" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(project, script));
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{script} is not executable ({mode})");
        }
    }
}
