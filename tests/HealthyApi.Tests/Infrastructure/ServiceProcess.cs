using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// The built service, run as a child process exactly as in a container (`dotnet HealthyApi.dll`),
/// on free ports, with its output captured. Real listeners, real signals, real exit codes.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _outputGate = new();

    private ServiceProcess(Process process, int appPort, int managementPort)
    {
        _process = process;
        AppPort = appPort;
        ManagementPort = managementPort;
        App = NewClient(appPort);
        Management = NewClient(managementPort);
    }

    public int AppPort { get; }

    public int ManagementPort { get; }

    public HttpClient App { get; }

    public HttpClient Management { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_outputGate) { return _output.ToString(); } }
    }

    /// <summary>Starts the service with the shared servers and a fresh database, and waits until /readyz is 200.</summary>
    /// <param name="launcher">As for <see cref="Start"/>.</param>
    public static async Task<ServiceProcess> StartWithSharedServersAsync(IDictionary<string, string?>? settings = null, IEnumerable<string>? launcher = null)
    {
        var env = await SharedServers.ServiceSettingsAsync();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var service = Start(env, launcher: launcher);
        try
        {
            await service.WaitForReadyAsync();
        }
        catch
        {
            await service.DisposeAsync(); // the caller never gets it: do not leave the process running
            throw;
        }

        return service;
    }

    /// <param name="launcher">A command that runs the service, e.g. <c>prlimit --nofile=512:512 --</c> (it must exec it, keeping the PID).</param>
    public static ServiceProcess Start(IDictionary<string, string?> settings, IEnumerable<string>? args = null, IEnumerable<string>? launcher = null)
    {
        var appPort = FreePort.Next();
        var managementPort = FreePort.Next();
        var directory = AppContext.BaseDirectory;
        var command = (launcher ?? []).Append("dotnet").ToArray();
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var part in command[1..])
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add(Path.Combine(directory, "HealthyApi.dll"));
        foreach (var arg in args ?? [])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_HTTP_PORTS"] = appPort.ToString();
        start.Environment["Management__Port"] = managementPort.ToString();
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, appPort, managementPort);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        TestRun.Track(process.Id);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    public async Task WaitForReadyAsync(TimeSpan? timeout = null)
    {
        try
        {
            // A service that exited (a configuration error, a crash) will never be ready: stop at once.
            await Poll.UntilAsync(async () => HasExited ? default : (await Management.GetAsync("/readyz")).StatusCode,
                code => code == HttpStatusCode.OK || HasExited, timeout ?? TimeSpan.FromSeconds(60), "the service to report ready");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n--- service output ---\n{Output}", ex);
        }

        if (HasExited)
        {
            await _process.WaitForExitAsync(); // the last lines of its output are still in the pipe when it exits: read them first
            throw new InvalidOperationException($"The service exited with {_process.ExitCode} before it was ready:\n{Output}");
        }
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> ReadinessAsync(string path = "/readyz") => GetJsonAsync(Management, path);

    public void Signal(int signal) => Native.Signal(_process.Id, signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The service did not exit within {timeout.TotalSeconds} s.\n--- service output ---\n{Output}");
        }

        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        Management.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static HttpClient NewClient(int port) => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        Timeout = TimeSpan.FromSeconds(10),
    };

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputGate)
        {
            _output.AppendLine(line);
        }
    }
}
