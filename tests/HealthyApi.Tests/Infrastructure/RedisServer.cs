using System.Diagnostics;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>A throwaway redis-server on a free port, with a password, that tests can stop, restart and freeze.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;

    private RedisServer(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string Password { get; } = "redis-secret-" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync()
    {
        var dir = Path.Combine(TestRun.Root, "redis-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var server = new RedisServer(dir, FreePort.Next());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(ServerBinaries.RedisServer)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                     "--requirepass", Password, "--dir", _dir, "--logfile", Path.Combine(_dir, "redis.log") })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        TestRun.Track(_process.Id);
        await Poll.UntilAsync(() => FreePort.IsListeningAsync(Port), up => up, TimeSpan.FromSeconds(15), $"redis-server to listen on {Port}");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            Native.Signal(_process.Id, Native.SIGCONT);
            Native.Signal(_process.Id, Native.SIGTERM);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    public void Freeze() => Native.Signal(_process!.Id, Native.SIGSTOP);

    public void Thaw() => Native.Signal(_process!.Id, Native.SIGCONT);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception)
        {
            _process?.Kill();
        }

        try { Directory.Delete(_dir, recursive: true); } catch (Exception) { }
    }
}
