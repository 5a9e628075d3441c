using Npgsql;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL and one Redis for every test that does not break them; each test gets its own
/// database. TEST_POSTGRES / TEST_REDIS point these at running servers instead (tests that inject
/// faults always start their own servers).
/// </summary>
public sealed class SharedServers
{
    private static readonly Lazy<Task<SharedServers>> Instance = new(CreateAsync);

    private readonly string _postgresAdmin;

    private SharedServers(string postgresAdmin, string redis)
    {
        _postgresAdmin = postgresAdmin;
        Redis = redis;
    }

    public string Redis { get; }

    public static Task<SharedServers> GetAsync() => Instance.Value;

    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(_postgresAdmin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(_postgresAdmin) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>The service's connection settings: a fresh database on the shared PostgreSQL, and the shared Redis.</summary>
    public static async Task<Dictionary<string, string?>> ServiceSettingsAsync()
    {
        var servers = await GetAsync();
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = await servers.CreateDatabaseAsync(),
            ["ConnectionStrings__Redis"] = servers.Redis,
        };
    }

    private static async Task<SharedServers> CreateAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("TEST_POSTGRES");
        var redis = Environment.GetEnvironmentVariable("TEST_REDIS");

        if (string.IsNullOrEmpty(postgres))
        {
            var server = await PostgresServer.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            postgres = server.ConnectionString();
        }

        if (string.IsNullOrEmpty(redis))
        {
            var server = await RedisServer.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            redis = server.ConnectionString;
        }

        return new SharedServers(postgres, redis);
    }
}
