using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// Servers that one test owns and may break (stop, freeze, make read-only), and the service running
/// against them. Every observation checks that no password leaked into a body.
/// </summary>
public sealed class FaultRig : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    private FaultRig(PostgresServer postgres, RedisServer redis, string database, ServiceProcess service)
    {
        Postgres = postgres;
        Redis = redis;
        Database = database;
        Service = service;
    }

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    public string Database { get; }

    public ServiceProcess Service { get; }

    public static async Task<FaultRig> StartAsync(IDictionary<string, string?>? settings = null, bool waitForReady = true)
    {
        var postgres = await PostgresServer.StartAsync();
        var redis = await RedisServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var service = ServiceProcess.Start(env);
        var rig = new FaultRig(postgres, redis, new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!, service);
        if (waitForReady)
        {
            await service.WaitForReadyAsync();
        }

        return rig;
    }

    /// <summary>Polls /readyz until <paramref name="accept"/> holds; returns the matching answer and how long it took.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, TimeSpan Elapsed)> ReadinessUntilAsync(
        Func<HttpStatusCode, JsonElement, bool> accept, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        var (status, body) = await Poll.UntilAsync(() => Service.ReadinessAsync(), r => accept(r.Status, r.Body), timeout, what + $"\n--- service output ---\n{Service.Output}");
        AssertNoSecrets(body.ToString());
        return (status, body, watch.Elapsed);
    }

    public static string CheckStatus(JsonElement body, string check) =>
        body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    public static string? CheckError(JsonElement body, string check) =>
        body.GetProperty("checks").GetProperty(check).TryGetProperty("error", out var e) ? e.GetString() : null;

    public async Task<TimeSpan> LivenessLatencyAsync()
    {
        var watch = Stopwatch.StartNew();
        using var response = await Service.Management.GetAsync("/healthz");
        var elapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return elapsed;
    }

    public void AssertNoSecrets(string text)
    {
        Assert.DoesNotContain(Postgres.Password, text);
        Assert.DoesNotContain(Redis.Password, text);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
