using System.Globalization;
using Npgsql;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster on a free port: initdb once per test run into a template, then a copy
/// per server (much faster than initdb each time). Exposes the real faults: stop, start again,
/// freeze (SIGSTOP on the postmaster and every backend), and read-only mode.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim TemplateGate = new(1, 1);
    private static string? _templateDir;
    private static readonly string TemplatePassword = "pg-secret-" + Guid.NewGuid().ToString("N")[..12];

    private readonly string _root;
    private readonly string _dataDir;
    private bool _running;

    private PostgresServer(string root, int port)
    {
        _root = root;
        _dataDir = Path.Combine(root, "data");
        Port = port;
    }

    public int Port { get; }

    public string Password => TemplatePassword;

    public string LogFile => Path.Combine(_root, "postgres.log");

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database};Timeout=5";

    public static async Task<PostgresServer> StartAsync()
    {
        var template = await EnsureTemplateAsync();
        var root = Path.Combine(TestRun.Root, "pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)0x1FF);
        var server = new PostgresServer(root, FreePort.Next());
        await ServerBinaries.RunAsync("cp", ["-a", template, server._dataDir]);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    /// <summary>Runs each statement in turn on one connection (some, like ALTER SYSTEM, refuse to share a batch).</summary>
    public async Task ExecuteAsync(string sql, string database = "postgres", params string[] more)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        foreach (var statement in more.Prepend(sql))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    public async Task<long> ScalarAsync(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task StartAgainAsync()
    {
        await ServerBinaries.RunAsync(Path.Combine(ServerBinaries.PostgresBinDir, "pg_ctl"),
            ["-D", _dataDir, "-l", LogFile, "-w", "-t", "30", "-o", $"-p {Port} -c unix_socket_directories={_root}", "start"],
            asPostgres: true);
        _running = true;
        TestRun.Track(PostmasterPid()); // pg_ctl detaches the postmaster: record it, not pg_ctl

    }

    public async Task StopAsync()
    {
        await ServerBinaries.RunAsync(Path.Combine(ServerBinaries.PostgresBinDir, "pg_ctl"),
            ["-D", _dataDir, "-m", "fast", "-w", "-t", "30", "stop"], asPostgres: true);
        _running = false;
    }

    /// <summary>
    /// Hangs the server: the postmaster (no new connections are answered) and every backend (queries on
    /// open connections never return). TCP connects still succeed, exactly like a wedged host.
    /// </summary>
    public void Freeze()
    {
        var postmaster = PostmasterPid();
        Native.Signal(postmaster, Native.SIGSTOP);
        foreach (var child in ChildrenOf(postmaster))
        {
            Native.Signal(child, Native.SIGSTOP);
        }
    }

    public void Thaw()
    {
        var postmaster = PostmasterPid();
        foreach (var child in ChildrenOf(postmaster))
        {
            Native.Signal(child, Native.SIGCONT);
        }

        Native.Signal(postmaster, Native.SIGCONT);
    }

    /// <summary>default_transaction_read_only, reloaded: existing sessions turn read-only too, as on a fenced primary.</summary>
    public async Task SetReadOnlyAsync(bool readOnly)
    {
        // This session must be writable itself to run ALTER SYSTEM while the server is read-only.
        await ExecuteAsync("SET default_transaction_read_only = off", "postgres",
            readOnly ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only",
            "SELECT pg_reload_conf()");
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            try
            {
                Thaw();
                await StopAsync();
            }
            catch (Exception)
            {
                // Best effort: the test already failed or finished.
            }
        }

        try { Directory.Delete(_root, recursive: true); } catch (Exception) { }
    }

    private int PostmasterPid() =>
        int.Parse(File.ReadLines(Path.Combine(_dataDir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            // pid (comm) state ppid …; comm may contain spaces, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.TryParse(fields[1], out var ppid) && ppid == parent)
            {
                yield return pid;
            }
        }
    }

    private static async Task<string> EnsureTemplateAsync()
    {
        await TemplateGate.WaitAsync();
        try
        {
            if (_templateDir is not null)
            {
                return _templateDir;
            }

            var dir = Path.Combine(TestRun.Root, "pg-template");
            var passwordFile = Path.Combine(TestRun.Root, "pg-password");
            await File.WriteAllTextAsync(passwordFile, TemplatePassword + "\n");
            File.SetUnixFileMode(passwordFile, (UnixFileMode)0x1A4); // 0644: readable by the postgres user
            await ServerBinaries.RunAsync(Path.Combine(ServerBinaries.PostgresBinDir, "initdb"),
                ["-D", dir, "-U", "postgres", $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync"],
                asPostgres: true);
            File.Delete(passwordFile);

            var settings = new List<string>
            {
                "listen_addresses = '127.0.0.1'",
                "max_connections = 200",
                // Throwaway data: durability buys nothing here and costs seconds.
                "fsync = off", "synchronous_commit = off", "full_page_writes = off",
            };
            if (File.Exists(Path.Combine(ServerBinaries.PostgresBinDir, "..", "lib", "pg_stat_statements.so")))
            {
                settings.Add("shared_preload_libraries = 'pg_stat_statements'");
            }

            await ServerBinaries.RunAsync("sh", ["-c", $"printf '%s\\n' {string.Join(' ', settings.Select(s => $"\"{s}\""))} >> {dir}/postgresql.auto.conf"], asPostgres: true);
            _templateDir = dir;
            return dir;
        }
        finally
        {
            TemplateGate.Release();
        }
    }
}
