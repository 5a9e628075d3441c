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

    private FaultRig(ServiceProcess service) => Service = service;
#if (postgres)

    public PostgresServer Postgres { get; private init; } = null!;

    public string Database { get; private init; } = null!;
#endif
#if (redis)

    public RedisServer Redis { get; private init; } = null!;
#endif

    public ServiceProcess Service { get; }

    public static async Task<FaultRig> StartAsync(IDictionary<string, string?>? settings = null, bool waitForReady = true)
    {
#if (postgres)
        var postgres = await PostgresServer.StartAsync();
        var connectionString = await postgres.CreateDatabaseAsync();
#endif
#if (redis)
        var redis = await RedisServer.StartAsync();
#endif
        var env = RegisteredChecks.NonCriticalUnlessProvided();
#if (postgres)
        env["ConnectionStrings__Postgres"] = connectionString;
#endif
#if (redis)
        env["ConnectionStrings__Redis"] = redis.ConnectionString;
#endif
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var service = ServiceProcess.Start(env);
        var rig = new FaultRig(service)
        {
#if (postgres)
            Postgres = postgres,
            Database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!,
#endif
#if (redis)
            Redis = redis,
#endif
        };
        if (waitForReady)
        {
            try
            {
                await service.WaitForReadyAsync();
            }
            catch
            {
                await rig.DisposeAsync(); // the test never gets the rig: stop its servers and service here
                throw;
            }
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

#if (postgres || redis)
    public void AssertNoSecrets(string text)
    {
#if (postgres)
        Assert.DoesNotContain(Postgres.Password, text);
#endif
#if (redis)
        Assert.DoesNotContain(Redis.Password, text);
#endif
    }
#else
    public void AssertNoSecrets(string text) => Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
#endif

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
#if (redis)
        await Redis.DisposeAsync();
#endif
#if (postgres)
        await Postgres.DisposeAsync();
#endif
    }
}
