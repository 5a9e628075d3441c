namespace HealthyApi.TemplateTests;

/// <summary>`dotnet new healthy-check` applied to a generated service, from the same package, as a script or CI job runs it.</summary>
[Collection(TemplateCollection.Name)]
public sealed class ItemTemplateTests(TemplatePackage package)
{
    [Fact]
    public async Task Adds_a_check_registered_by_its_mark_without_a_prompt_or_a_script_and_the_filled_in_test_passes()
    {
        var project = await package.CreateAsync("item", "--postgres", "false", "--redis", "false");
        var service = Path.Combine(project, "src", TemplatePackage.Name);
        var tests = Path.Combine(project, "tests", TemplatePackage.Name + ".Tests");
        await BuildAsync(project); // the item template reads the root namespace from the restored project
        var program = File.ReadAllText(Path.Combine(service, "Program.cs"));
        var filesBefore = Directory.GetFiles(project, "*", SearchOption.AllDirectories).Length;

        foreach (var name in new[] { "Kafka", "SchemaRegistry" })
        {
            // Default --allow-scripts, standard input closed: nothing may wait for an answer.
            var (exitCode, output) = await package.NewAsync(service, "healthy-check", "-n", name);
            Assert.True(exitCode == 0, output);
            Assert.DoesNotContain("Invalid input", output);
            Assert.DoesNotContain("Do you want to run", output);
        }

        Assert.Equal(program, File.ReadAllText(Path.Combine(service, "Program.cs")));
        Assert.Equal(filesBefore + 4, Directory.GetFiles(project, "*", SearchOption.AllDirectories).Length); // two checks, two tests, no helper
        Assert.Empty(Directory.GetFiles(project, "healthy-check*", SearchOption.AllDirectories)); // no helper script left behind
        Assert.True(File.Exists(Path.Combine(tests, "Health", "SchemaRegistryHealthCheckTests.cs")));
        var check = File.ReadAllText(Path.Combine(service, "Health", "Checks", "SchemaRegistryHealthCheck.cs"));
        Assert.Contains("namespace Acme.Orders.Health.Checks;", check);
        Assert.Contains("[ReadinessCheck(\"schema_registry\", TimeoutSeconds = 1)]", check);

        // Builds without a warning; the two skeletons are the only failures, saying what to do.
        await BuildAsync(project);
        var all = await TestAsync(project, filter: null);
        Assert.True(all.Contains("Failed:     2,", StringComparison.Ordinal), all);
        Assert.Contains("KafkaHealthCheckTests is a skeleton", all);
        Assert.Contains("SchemaRegistryHealthCheckTests is a skeleton", all);

        // Filled in with a real assertion, the Kafka test passes: the generated check and its registration
        // work against a real listener, and report a stopped one.
        File.WriteAllText(Path.Combine(tests, "Health", "KafkaHealthCheckTests.cs"), FilledInCheckTest);
        await BuildAsync(project);
        var filled = await TestAsync(project, "FullyQualifiedName~KafkaHealthCheckTests");
        Assert.True(filled.Contains("Failed:     0, Passed:     1", StringComparison.Ordinal), filled);
    }

    [Fact]
    public async Task A_user_who_adds_a_check_an_entity_and_a_migration_breaks_only_the_new_skeleton()
    {
        var project = await package.CreateAsync("extend", "--redis", "false");
        var service = Path.Combine(project, "src", TemplatePackage.Name);
        var tests = Path.Combine(project, "tests", TemplatePackage.Name + ".Tests");
        await BuildAsync(project);

        var (exitCode, output) = await package.NewAsync(service, "healthy-check", "-n", "Kafka");
        Assert.True(exitCode == 0, output);
        // README, "Extend the service": an entity mapped next to its feature, a hand-written migration, the snapshot.
        Directory.CreateDirectory(Path.Combine(service, "Features", "Tags"));
        File.WriteAllText(Path.Combine(service, "Features", "Tags", "Tag.cs"), TagEntity);
        File.WriteAllText(Path.Combine(service, "Features", "Tags", "TagConfiguration.cs"), TagConfiguration);
        File.WriteAllText(Path.Combine(service, "Data", "Migrations", "20261201000000_AddTags.cs"), TagMigration);
        var snapshot = Path.Combine(service, "Data", "Migrations", "AppDbContextModelSnapshot.cs");
        var text = File.ReadAllText(snapshot);
        var end = text.TrimEnd().LastIndexOf("    }", text.TrimEnd().Length - 1, StringComparison.Ordinal); // BuildModel's closing brace
        File.WriteAllText(snapshot, text[..end] + TagSnapshot + text[end..]);

        var first = await TestScriptAsync(project);
        Assert.True(first.ExitCode != 0, first.Output);
        var failed = first.Output.Split('\n').Where(l => l.StartsWith("  Failed ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToArray();
        Assert.True(failed.Length == 1 && failed[0].Contains("KafkaHealthCheckTests", StringComparison.Ordinal),
            $"only the new check's skeleton may fail; {first.Summary}:\n{string.Join('\n', failed)}\n\n{FailureDetails(first.Output)}");
        Assert.Contains("KafkaHealthCheckTests is a skeleton", first.Output);

        File.WriteAllText(Path.Combine(tests, "Health", "KafkaHealthCheckTests.cs"), FilledInCheckTest.Replace(
            "[\"ConnectionStrings__SchemaRegistry\"] = $\"127.0.0.1:{port}\",", "[\"ConnectionStrings__Postgres\"] = (await SharedServers.ServiceSettingsAsync())[\"ConnectionStrings__Postgres\"],", StringComparison.Ordinal));
        var second = await TestScriptAsync(project);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Matches(@"(?m)^[1-9][0-9]* passed, 0 failed$", second.Summary);
        // The new migration is applied once by three replicas, and the hand-written snapshot matches the model.
        Assert.Contains("Passed Acme.Orders.Tests.Data.MigrationTests.Three_replicas_starting_together_migrate_once_and_all_become_ready", second.Output);
        Assert.Contains("Passed Acme.Orders.Tests.Data.MigrationTests.Hand_written_snapshot_matches_the_model", second.Output);
    }

    [Fact]
    public async Task Outside_a_service_project_it_creates_nothing_and_exits_non_zero()
    {
        var project = await package.CreateAsync("item-outside", "--postgres", "false", "--redis", "false");
        var before = Directory.GetFiles(project, "*", SearchOption.AllDirectories).Length;

        var (exitCode, output) = await package.NewAsync(project, "healthy-check", "-n", "Kafka"); // the repository root: no project here

        Assert.True(exitCode != 0, output);
        Assert.Contains("constraint", output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, Directory.GetFiles(project, "*", SearchOption.AllDirectories).Length);
    }

    /// <summary>Each failed test's message and stack from a test.sh output, so a CI log says why, not only which.</summary>
    private static string FailureDetails(string output)
    {
        var details = new List<string>();
        var inFailure = false;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("  Failed ", StringComparison.Ordinal))
            {
                inFailure = true;
            }
            else if (line.StartsWith("  Passed ", StringComparison.Ordinal) || line.StartsWith("  Skipped ", StringComparison.Ordinal) || line.Length == 0)
            {
                inFailure = false;
            }

            if (inFailure && details.Count < 400)
            {
                details.Add(line);
            }
        }

        return string.Join('\n', details);
    }

    private static async Task BuildAsync(string project)
    {
        var (exitCode, output) = await DotNet.RunAsync(project, TimeSpan.FromMinutes(5), "build", TemplatePackage.Name + ".slnx", "-c", "Release", "-nologo");
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("warning CS", output);
    }

    private static async Task<string> TestAsync(string project, string? filter)
    {
        string[] args = ["test", TemplatePackage.Name + ".slnx", "-c", "Release", "--no-build"];
        var (_, output) = await DotNet.RunAsync(project, TimeSpan.FromMinutes(5), filter is null ? args : [.. args, "--filter", filter]);
        return output;
    }

    private static async Task<(int ExitCode, string Output, string Summary)> TestScriptAsync(string project)
    {
        var (exitCode, output) = await DotNet.ExecuteAsync("bash", project, TimeSpan.FromMinutes(15), "test.sh");
        return (exitCode, output, output.Split('\n').LastOrDefault(l => l.Contains(" passed, ", StringComparison.Ordinal))?.Trim() ?? "(no summary)");
    }

    private const string FilledInCheckTest = """
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

    private const string TagEntity = """
        namespace Acme.Orders.Features.Tags;

        public sealed class Tag
        {
            public long Id { get; set; }

            public required string Name { get; set; }
        }
        """;

    private const string TagConfiguration = """
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Metadata.Builders;

        namespace Acme.Orders.Features.Tags;

        public sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
        {
            public void Configure(EntityTypeBuilder<Tag> tag)
            {
                tag.ToTable("tags");
                tag.HasKey(t => t.Id);
                tag.Property(t => t.Id).HasColumnName("id").UseIdentityByDefaultColumn();
                tag.Property(t => t.Name).HasColumnName("name").HasMaxLength(100).IsRequired();
            }
        }
        """;

    private const string TagMigration = """
        using Microsoft.EntityFrameworkCore.Infrastructure;
        using Microsoft.EntityFrameworkCore.Migrations;
        using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

        namespace Acme.Orders.Data.Migrations;

        [DbContext(typeof(AppDbContext))]
        [Migration("20261201000000_AddTags")]
        public sealed class AddTags : Migration
        {
            protected override void Up(MigrationBuilder migrationBuilder) =>
                migrationBuilder.CreateTable(
                    name: "tags",
                    columns: table => new
                    {
                        id = table.Column<long>(type: "bigint", nullable: false)
                            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                        name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    },
                    constraints: table => table.PrimaryKey("PK_tags", x => x.id));

            protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "tags");
        }
        """;

    private const string TagSnapshot = """

                modelBuilder.Entity("Acme.Orders.Features.Tags.Tag", b =>
                {
                    b.Property<long>("Id")
                        .ValueGeneratedOnAdd()
                        .HasColumnType("bigint")
                        .HasColumnName("id");

                    NpgsqlPropertyBuilderExtensions.UseIdentityByDefaultColumn(b.Property<long>("Id"));

                    b.Property<string>("Name")
                        .IsRequired()
                        .HasMaxLength(100)
                        .HasColumnType("character varying(100)")
                        .HasColumnName("name");

                    b.HasKey("Id");

                    b.ToTable("tags");
                });

        """;
}
