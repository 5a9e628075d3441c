namespace HealthyApi.TemplateTests;

/// <summary>`dotnet new healthy-check` applied to a generated service, from the same package.</summary>
[Collection(TemplateCollection.Name)]
public sealed class ItemTemplateTests(TemplatePackage package)
{
    private const string Marker = "// healthy-check: new checks go above this line.";

    [Fact]
    public async Task Adds_a_registered_check_and_a_failing_test_skeleton_and_the_filled_in_test_passes()
    {
        var project = await package.CreateAsync("item", "--postgres", "false", "--redis", "false");
        var service = Path.Combine(project, "src", TemplatePackage.Name);
        var tests = Path.Combine(project, "tests", TemplatePackage.Name + ".Tests");
        await BuildAsync(project); // the item template reads the root namespace from the restored project

        foreach (var name in new[] { "Kafka", "SchemaRegistry" })
        {
            var (exitCode, output) = await package.NewAsync(service, "healthy-check", "-n", name, "--allow-scripts", "yes");
            Assert.True(exitCode == 0, output);
            Assert.Contains($"Program.cs: added checks.Add{name}();", output);
        }

        Assert.True(File.Exists(Path.Combine(service, "Health", "Checks", "KafkaHealthCheck.cs")));
        Assert.True(File.Exists(Path.Combine(tests, "Health", "SchemaRegistryHealthCheckTests.cs")));
        Assert.False(File.Exists(Path.Combine(service, "healthy-check-register.sh")), "the registration script must delete itself");
        var program = File.ReadAllLines(Path.Combine(service, "Program.cs")).ToList();
        var marker = program.IndexOf(Marker);
        Assert.Equal(["checks.AddKafka();", "checks.AddSchemaRegistry();"], program.GetRange(marker - 2, 2));
        var check = File.ReadAllText(Path.Combine(service, "Health", "Checks", "SchemaRegistryHealthCheck.cs"));
        Assert.Contains("namespace Acme.Orders.Health.Checks;", check);
        Assert.Contains("string name = \"schema_registry\"", check);
        Assert.Contains("timeout ?? TimeSpan.FromSeconds(1)", check);

        // Builds without a warning; the skeletons fail, saying what to do.
        await BuildAsync(project);
        var skeletons = await TestAsync(project, "FullyQualifiedName~HealthCheckTests");
        Assert.True(skeletons.Contains("Failed:     2, Passed:     0", StringComparison.Ordinal), skeletons);
        Assert.Contains("KafkaHealthCheckTests is a skeleton", skeletons);

        // Filled in with a real assertion, the Kafka test passes: the generated check and its registration
        // work against a real listener, and report a stopped one.
        File.WriteAllText(Path.Combine(tests, "Health", "KafkaHealthCheckTests.cs"), FilledInTest);
        await BuildAsync(project);
        var filled = await TestAsync(project, "FullyQualifiedName~KafkaHealthCheckTests");
        Assert.True(filled.Contains("Failed:     0, Passed:     1", StringComparison.Ordinal), filled);
    }

    [Fact]
    public async Task Outside_a_restored_service_project_it_creates_nothing_and_says_why()
    {
        var project = await package.CreateAsync("item-unrestored", "--postgres", "false", "--redis", "false");
        var service = Path.Combine(project, "src", TemplatePackage.Name);
        var before = Directory.GetFiles(project, "*", SearchOption.AllDirectories).Length;

        var (_, output) = await package.NewAsync(service, "healthy-check", "-n", "Kafka", "--allow-scripts", "yes");

        Assert.Contains("created nothing", output);
        Assert.Contains("--service", output);
        Assert.Equal(before, Directory.GetFiles(project, "*", SearchOption.AllDirectories).Length);
    }

    private static async Task BuildAsync(string project)
    {
        var (exitCode, output) = await DotNet.RunAsync(project, TimeSpan.FromMinutes(5), "build", TemplatePackage.Name + ".slnx", "-c", "Release", "-nologo");
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("warning CS", output);
    }

    private static async Task<string> TestAsync(string project, string filter)
    {
        var (_, output) = await DotNet.RunAsync(project, TimeSpan.FromMinutes(5), "test", TemplatePackage.Name + ".slnx", "-c", "Release", "--no-build", "--filter", filter);
        return output;
    }

    private const string FilledInTest = """
        using System.Net;
        using System.Net.Sockets;
        using Acme.Orders.Tests.Infrastructure;

        namespace Acme.Orders.Tests.Health;

        public sealed class KafkaHealthCheckTests
        {
            [Fact]
            public async Task Kafka_check_passes_against_a_listener_and_fails_when_it_stops()
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                // The other generated check (schema_registry) is critical too: the service is ready only when both pass.
                await using var service = ServiceProcess.Start(new Dictionary<string, string?>
                {
                    ["ConnectionStrings__Kafka"] = $"127.0.0.1:{port}",
                    ["ConnectionStrings__SchemaRegistry"] = $"127.0.0.1:{port}",
                });

                var (_, body) = await Poll.UntilAsync(() => service.ReadinessAsync("/readyz/kafka"), r => r.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "kafka to pass");
                Assert.Equal("pass", body.GetProperty("checks").GetProperty("kafka").GetProperty("status").GetString());

                listener.Stop();
                (_, body) = await Poll.UntilAsync(() => service.ReadinessAsync("/readyz/kafka"), r => r.Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "kafka to fail");
                Assert.Equal("connection refused", body.GetProperty("checks").GetProperty("kafka").GetProperty("error").GetString());
            }
        }
        """;
}
