#if (postgres)
using Npgsql;

#endif
namespace HealthyApi.Tests.Infrastructure;

#if (postgres && redis)
/// <summary>
/// One PostgreSQL and one Redis for every test that does not break them; each test gets its own
/// database. TEST_POSTGRES / TEST_REDIS point these at running servers instead (tests that inject
/// faults always start their own servers).
/// </summary>
#elif (postgres)
/// <summary>
/// One PostgreSQL for every test that does not break it; each test gets its own database. TEST_POSTGRES
/// points it at a running server instead (tests that inject faults always start their own servers).
/// </summary>
#elif (redis)
/// <summary>
/// One Redis for every test that does not break it. TEST_REDIS points it at a running server instead
/// (tests that inject faults always start their own servers).
/// </summary>
#else
/// <summary>
/// The dependencies every test that does not break them shares: none yet. Start a server for a new
/// dependency in <see cref="CreateAsync"/> and add its connection string to <see cref="ServiceSettingsAsync"/>.
/// </summary>
#endif
public sealed class SharedServers
{
    private static readonly Lazy<Task<SharedServers>> Instance = new(CreateAsync);
#if (postgres)

    private readonly string _postgresAdmin;
#endif
#if (postgres && redis)

    private SharedServers(string postgresAdmin, string redis)
    {
        _postgresAdmin = postgresAdmin;
        Redis = redis;
    }

    public string Redis { get; }
#elif (postgres)

    private SharedServers(string postgresAdmin) => _postgresAdmin = postgresAdmin;
#elif (redis)

    private SharedServers(string redis) => Redis = redis;

    public string Redis { get; }
#endif

    public static Task<SharedServers> GetAsync() => Instance.Value;
#if (postgres)

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
#endif

#if (postgres && redis)
    /// <summary>The service's connection settings: a fresh database on the shared PostgreSQL, and the shared Redis.</summary>
#elif (postgres)
    /// <summary>The service's connection settings: a fresh database on the shared PostgreSQL.</summary>
#elif (redis)
    /// <summary>The service's connection settings: the shared Redis.</summary>
#else
    /// <summary>The service's connection settings (none yet).</summary>
#endif
#if (postgres || redis)
    public static async Task<Dictionary<string, string?>> ServiceSettingsAsync()
    {
        var servers = await GetAsync();
        return new Dictionary<string, string?>
        {
#if (postgres)
            ["ConnectionStrings__Postgres"] = await servers.CreateDatabaseAsync(),
#endif
#if (redis)
            ["ConnectionStrings__Redis"] = servers.Redis,
#endif
        };
    }

    private static async Task<SharedServers> CreateAsync()
    {
#if (postgres)
        var postgres = Environment.GetEnvironmentVariable("TEST_POSTGRES");
#endif
#if (redis)
        var redis = Environment.GetEnvironmentVariable("TEST_REDIS");
#endif
#if (postgres)

        if (string.IsNullOrEmpty(postgres))
        {
            var server = await PostgresServer.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            postgres = server.ConnectionString();
        }
#endif
#if (redis)

        if (string.IsNullOrEmpty(redis))
        {
            var server = await RedisServer.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            redis = server.ConnectionString;
        }
#endif

#if (postgres && redis)
        return new SharedServers(postgres, redis);
#elif (postgres)
        return new SharedServers(postgres);
#else
        return new SharedServers(redis);
#endif
    }
#else
    public static Task<Dictionary<string, string?>> ServiceSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    private static Task<SharedServers> CreateAsync() => Task.FromResult(new SharedServers());
#endif
}
