using System.Diagnostics;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>Finds the server binaries the fixtures run, or fails with the command that installs them.</summary>
public static class ServerBinaries
{
    private static readonly Lazy<string> PostgresBin = new(FindPostgresBin);
    private static readonly Lazy<string> Redis = new(() => FindOnPath("redis-server")
        ?? throw Missing("redis-server", "redis-server"));

    public static string PostgresBinDir => PostgresBin.Value;

    public static string RedisServer => Redis.Value;

    /// <summary>promtool and prometheus, both from Debian's prometheus package.</summary>
    public static string Promtool => FindOnPath("promtool") ?? throw Missing("promtool", "prometheus");

    public static string Prometheus => FindOnPath("prometheus") ?? throw Missing("prometheus", "prometheus");

    /// <summary>Runs a command to completion; as the postgres user when we are root (PostgreSQL refuses to run as root). Throws on a non-zero exit.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, bool asPostgres = false, TimeSpan? timeout = null)
    {
        var (exitCode, output) = await ExecuteAsync(file, args, asPostgres: asPostgres, timeout: timeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' exited {exitCode}: {output}");
        }

        return output;
    }

    /// <summary>Runs a command to completion and returns its exit code and output (stdout, then stderr), whatever the exit code.</summary>
    public static async Task<(int ExitCode, string Output)> ExecuteAsync(
        string file, IEnumerable<string> args, string? workingDirectory = null, string? standardInput = null, bool asPostgres = false, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (asPostgres && Native.IsRoot)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = file;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        // A dotnet command run by a test must not leave build servers running after the test run.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // a command that overran its time is not left behind
            throw new TimeoutException($"'{file} {string.Join(' ', args)}' did not finish within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindPostgresBin()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PG_BIN");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return fromEnv;
        }

        var onPath = FindOnPath("pg_ctl");
        if (onPath is not null)
        {
            // Follow symlinks to the real bin folder: its ../lib holds the extensions (pg_stat_statements).
            var real = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
            if (File.Exists(Path.Combine(Path.GetDirectoryName(real)!, "initdb")))
            {
                return Path.GetDirectoryName(real)!;
            }
        }

        // Debian keeps server binaries out of PATH.
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return debian ?? throw Missing("PostgreSQL server binaries (initdb, pg_ctl, postgres)", "postgresql");
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static InvalidOperationException Missing(string what, string package) => new(
        $"{what} not found. Install with 'sudo apt-get install -y {package}' (./test.sh does this when run as root), " +
        "set PG_BIN to the folder holding initdb, or point the shared tests at running servers with TEST_POSTGRES / TEST_REDIS.");
}
