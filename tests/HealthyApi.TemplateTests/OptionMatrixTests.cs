using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace HealthyApi.TemplateTests;

/// <summary>
/// Every combination of the dependency options, plus non-default port and drain delay: generated from
/// the package, it builds without a warning, passes its own ./test.sh, and names no dependency it left out.
/// </summary>
[Collection(TemplateCollection.Name)]
public sealed partial class OptionMatrixTests(TemplatePackage package, ITestOutputHelper log)
{
    public static TheoryData<string, string[]> Variants => new()
    {
        { "all", [] },
        { "no-redis", ["--redis", "false"] },
        { "no-postgres", ["--postgres", "false"] },
        { "neither", ["--postgres", "false", "--redis", "false"] },
        { "ports", ["--management-port", "9191", "--drain-delay", "20"] },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Variant_builds_without_warnings_and_passes_its_own_tests(string folder, string[] options)
    {
        var project = await package.CreateAsync(folder, options);
        var postgres = !options.Contains("--postgres");
        var redis = !options.Contains("--redis");

        var files = Directory.EnumerateFiles(project, "*", SearchOption.AllDirectories).ToDictionary(p => Path.GetRelativePath(project, p), File.ReadAllText);
        AssertOnlyChosenDependencies(project, files, postgres, redis);
        Assert.Empty(TemplateInstantiationTests.LeftoverTemplateNames(project));
        foreach (var script in new[] { "run.sh", "test.sh", "scripts/deps.sh" })
        {
            var syntax = await DotNet.ExecuteAsync("bash", project, TimeSpan.FromSeconds(30), "-n", script);
            Assert.True(syntax.ExitCode == 0, $"{script}: {syntax.Output}");
        }

        if (folder == "ports")
        {
            AssertPortAndDelay(files, port: "9191", delaySeconds: 20);
        }

        var (exitCode, output) = await DotNet.ExecuteAsync("bash", project, TimeSpan.FromMinutes(15), "test.sh");
        var summary = output.Split('\n').LastOrDefault(l => l.Contains(" passed, ", StringComparison.Ordinal)) ?? "(no summary)";
        log.WriteLine($"{folder} ({string.Join(' ', options)}): ./test.sh: {summary.Trim()}");
        Assert.True(exitCode == 0, $"{folder}: ./test.sh exited {exitCode}, {summary}\n{Tail(output)}");
        Assert.Matches(@"^[1-9][0-9]* passed, 0 failed", summary.Trim());
        var warnings = output.Split('\n').Where(l => WarningLine().IsMatch(l)).Distinct().ToList();
        Assert.True(warnings.Count == 0, $"{folder}: build warnings:\n{string.Join('\n', warnings.Take(20))}");
    }

    /// <summary>A dependency that was left out leaves no package, code, configuration or deploy wiring behind.</summary>
    private static void AssertOnlyChosenDependencies(string project, Dictionary<string, string> files, bool postgres, bool redis)
    {
        void Check(bool included, string what, params string[] markers)
        {
            foreach (var marker in markers)
            {
                var hits = files.Where(f => f.Value.Contains(marker, StringComparison.Ordinal)).Select(f => f.Key).ToList();
                if (included)
                {
                    Assert.True(hits.Count > 0, $"{what} was chosen but nothing mentions {marker}");
                }
                else
                {
                    Assert.True(hits.Count == 0, $"{what} was left out but {marker} is still in: {string.Join(", ", hits)}");
                }
            }
        }

        Check(postgres, "PostgreSQL", "Npgsql", "ConnectionStrings__Postgres", "postgres_write", "AddPostgres");
        Check(redis, "Redis", "StackExchange.Redis", "ConnectionStrings__Redis", "IConnectionMultiplexer", "AddRedis");
        Assert.Equal(postgres, Directory.Exists(Path.Combine(project, "src", TemplatePackage.Name, "Data")));
        Assert.Equal(redis, Directory.Exists(Path.Combine(project, "src", TemplatePackage.Name, "Redis")));
        Assert.DoesNotContain(files, f => f.Value.Contains("#if (", StringComparison.Ordinal) || f.Value.Contains("<!--#", StringComparison.Ordinal));
    }

    private static void AssertPortAndDelay(Dictionary<string, string> files, string port, int delaySeconds)
    {
        Assert.DoesNotContain(files, f => f.Value.Contains("8081", StringComparison.Ordinal));
        string Read(params string[] parts) => files[Path.Combine(parts)];
        Assert.Contains($"\"Port\": {port}", Read("src", TemplatePackage.Name, "appsettings.json"));
        Assert.Contains($"\"DrainDelay\": \"00:00:{delaySeconds:00}\"", Read("src", TemplatePackage.Name, "appsettings.json"));
        Assert.Contains($"EXPOSE 8080 {port}", Read("Dockerfile"));
        Assert.Contains($"management: {port}", Read("deploy", "helm", "acme-orders", "values.yaml"));
        Assert.Contains($"drainDelaySeconds: {delaySeconds}", Read("deploy", "helm", "acme-orders", "values.yaml"));
        Assert.Contains($"containerPort: {port}", Read("deploy", "manifests", "deployment.yaml"));
        Assert.Contains($"value: \"00:00:{delaySeconds:00}\"", Read("deploy", "manifests", "deployment.yaml"));
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(80));

    [GeneratedRegex(@"warning (CS|IDE|CA|xUnit)[0-9]+")]
    private static partial Regex WarningLine();
}
