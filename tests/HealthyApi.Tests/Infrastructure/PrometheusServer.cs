using System.Diagnostics;
using System.Text.Json;

namespace HealthyApi.Tests.Infrastructure;

/// <summary>A throwaway Prometheus server (Debian's prometheus package) scraping one target every second.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly HttpClient _client;

    private PrometheusServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<PrometheusServer> StartAsync(string job, int targetPort)
    {
        var dir = Path.Combine(TestRun.Root, "prometheus-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {job}
                static_configs:
                  - targets: ["127.0.0.1:{targetPort}"]
            """);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(ServerBinaries.Prometheus)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        TestRun.Track(process.Id);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, dir, port);
        await Poll.UntilAsync(async () => (await server._client.GetAsync("/-/ready")).IsSuccessStatusCode, ready => ready, TimeSpan.FromSeconds(30), "prometheus to be ready");
        return server;
    }

    /// <summary>An instant query; returns the result vector as (labels, value) pairs.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var response = await _client.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(promql)}");
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var results = new List<(Dictionary<string, string>, double)>();
        foreach (var series in body.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var value = double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            results.Add((labels, value));
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
