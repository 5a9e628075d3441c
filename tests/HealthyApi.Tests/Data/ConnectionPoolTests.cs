using HealthyApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HealthyApi.Tests.Data;

/// <summary>Every replica has a pool of its own: pods × pool must fit the server, and a burst must not hold it.</summary>
public sealed class ConnectionPoolTests
{
    private static readonly string ApplicationName = typeof(Program).Assembly.GetName().Name!;

    [Fact]
    public async Task A_burst_uses_at_most_the_pool_and_idle_connections_are_given_back()
    {
        var settings = await SharedServers.ServiceSettingsAsync();
        settings["Data__ConnectionIdleLifetime"] = "00:00:02";
        var database = settings["ConnectionStrings__Postgres"]!;
        await using var service = ServiceProcess.Start(settings);
        await service.WaitForReadyAsync();

        var peak = 0L;
        using var burst = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var load = Enumerable.Range(0, 64).Select(async _ =>
        {
            while (!burst.IsCancellationRequested)
            {
                using var response = await service.App.GetAsync("/api/notes?limit=100");
            }
        }).ToArray();
        while (!burst.IsCancellationRequested)
        {
            peak = Math.Max(peak, await ServiceConnectionsAsync(database));
        }

        await Task.WhenAll(load);
        Assert.InRange(peak, 1, 8); // Data__MaxPoolSize: 8 per pod by default

        // Connection Idle Lifetime 2 s, pruned every 10 s: the burst's connections go back to the server.
        var after = await Poll.UntilAsync(() => ServiceConnectionsAsync(database), n => n <= 2, TimeSpan.FromSeconds(40),
            "the idle connections of the burst to be closed");
        Assert.True(after <= 2, $"{after} connections still held");
    }

    [Fact]
    public async Task Pool_size_and_gss_encryption_have_safe_defaults_that_the_connection_string_can_override()
    {
        Assert.Equal((8, 60, GssEncryptionMode.Disable), EffectiveSettings("Host=127.0.0.1;Port=1"));
        Assert.Equal((3, 10, GssEncryptionMode.Prefer), EffectiveSettings("Host=127.0.0.1;Port=1;Maximum Pool Size=3;Connection Idle Lifetime=10;GSS Encryption Mode=Prefer"));
    }

    /// <summary>The service's own data source, as Program.cs builds it from <paramref name="connectionString"/>.</summary>
    private static (int Pool, int IdleSeconds, GssEncryptionMode Gss) EffectiveSettings(string connectionString)
    {
        using var app = InMemoryService.Start(web =>
        {
            foreach (var (key, value) in RegisteredChecks.UnreachableDependencies())
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }

            web.UseSetting("ConnectionStrings:Postgres", connectionString);
        });
        var effective = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        return (effective.MaxPoolSize, effective.ConnectionIdleLifetime, effective.GssEncryptionMode);
    }

    /// <summary>Server-side connections the service holds to its database (by its application name).</summary>
    private static async Task<long> ServiceConnectionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database + ";Pooling=false");
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = @app", connection);
        count.Parameters.AddWithValue("app", ApplicationName);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
