using System.Net;
using HealthyApi.Data;
using HealthyApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HealthyApi.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public void Hand_written_snapshot_matches_the_model()
    {
        // The EF Core Design package is not available, so migrations and the snapshot are kept by hand.
        // A drift would make Migrate() throw at start-up (PendingModelChangesWarning); catch it here.
        using var db = NewContext();

        Assert.False(db.Database.HasPendingModelChanges(), "AppDbContext changed without a migration and snapshot update");
    }

    [Fact]
    public async Task Three_replicas_starting_together_migrate_once_and_all_become_ready()
    {
        var settings = await SharedServers.ServiceSettingsAsync();
        var database = settings["ConnectionStrings__Postgres"]!;
        var migrations = Migrations().Length; // the application's own: a user's new migration changes nothing here

        var replicas = Enumerable.Range(0, 3).Select(_ => ServiceProcess.Start(settings)).ToArray();
        try
        {
            await Task.WhenAll(replicas.Select(r => r.WaitForReadyAsync()));
            foreach (var replica in replicas)
            {
                Assert.Equal(HttpStatusCode.OK, (await replica.ReadinessAsync()).Status);
            }

            var applied = string.Join("", replicas.Select(r => r.Output)).Split('\n').Count(l => l.Contains($"Applying {migrations} migration(s)"));
            Assert.Equal(1, applied);
            await using var connection = new Npgsql.NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", connection);
            Assert.Equal((long)migrations, await count.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_restart_with_the_schema_up_to_date_answers_from_one_query_without_the_migrator()
    {
        var settings = await SharedServers.ServiceSettingsAsync();
        await using (var first = ServiceProcess.Start(settings))
        {
            await first.WaitForReadyAsync();
            Assert.Contains($"Applying {Migrations().Length} migration(s)", first.Output);
        }

        await using var second = ServiceProcess.Start(settings);
        await second.WaitForReadyAsync();
        Assert.Contains($"Database schema is up to date ({Migrations()[^1]} applied)", second.Output);
        Assert.DoesNotContain("Applying", second.Output);
    }

    private static AppDbContext NewContext() => new(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql("Host=unused").Options);

    private static string[] Migrations()
    {
        using var db = NewContext();
        return db.Database.GetMigrations().ToArray();
    }
}
