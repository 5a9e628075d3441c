#if (postgres)
using Npgsql;

#endif
namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// The servers that every test that does not break them shares, started once per run (each test gets a
/// database of its own where there is a database). A TEST_&lt;DEPENDENCY&gt; connection string points one at a
/// running server instead; tests that inject faults always start their own servers.
/// <para>
/// A new dependency: start its server in <see cref="CreateAsync"/>, add its connection string in
/// <see cref="ServiceSettingsAsync"/> and its check to <see cref="ProvidedChecks"/>. Until then its check
/// is non-critical in the shared tests (<see cref="RegisteredChecks.NonCriticalUnlessProvided"/>).
/// </para>
/// </summary>
public sealed class SharedServers
{
    /// <summary>The readiness checks whose dependency these servers provide.</summary>
    public static readonly string[] ProvidedChecks =
    [
#if (postgres)
        "postgres",
        "postgres_write",
#endif
#if (redis)
        "redis",
#endif
    ];

    private static readonly Lazy<Task<SharedServers>> Instance = new(CreateAsync);
#if (postgres)

    private string PostgresAdmin { get; init; } = "";
#endif
#if (redis)

    public string Redis { get; private init; } = "";
#endif

    public static Task<SharedServers> GetAsync() => Instance.Value;

    /// <summary>The service's settings for the shared servers (a fresh database where there is one).</summary>
    public static async Task<Dictionary<string, string?>> ServiceSettingsAsync()
    {
        var settings = RegisteredChecks.NonCriticalUnlessProvided();
        var servers = await GetAsync();
#if (postgres)
        settings["ConnectionStrings__Postgres"] = await servers.CreateDatabaseAsync();
#endif
#if (redis)
        settings["ConnectionStrings__Redis"] = servers.Redis;
#endif
        return settings;
    }
#if (postgres)

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(PostgresAdmin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, Pooling = true }.ConnectionString;
    }
#endif

    private static async Task<SharedServers> CreateAsync()
    {
#if (postgres)
        var postgres = Environment.GetEnvironmentVariable("TEST_POSTGRES");
        if (string.IsNullOrEmpty(postgres))
        {
            var server = await PostgresServer.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            postgres = server.ConnectionString();
        }

#endif
#if (redis)
        var redis = Environment.GetEnvironmentVariable("TEST_REDIS");
        if (string.IsNullOrEmpty(redis))
        {
            var server = await RedisServer.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            redis = server.ConnectionString;
        }

#endif
#if (!postgres && !redis)
        await Task.CompletedTask; // nothing to start yet
#endif
        return new SharedServers
        {
#if (postgres)
            PostgresAdmin = postgres,
#endif
#if (redis)
            Redis = redis,
#endif
        };
    }
}
