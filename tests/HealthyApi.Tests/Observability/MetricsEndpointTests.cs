using System.Net;
using HealthyApi.Tests.Infrastructure;
using Xunit.Abstractions;
using static HealthyApi.Tests.Infrastructure.FaultRig;

namespace HealthyApi.Tests.Observability;

/// <summary>/metrics on the real service: valid for Prometheus, complete, and counting what it says it counts.</summary>
public sealed class MetricsEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_pass_promtool_and_carry_the_health_http_and_runtime_families()
    {
        await using var service = await ServiceProcess.StartWithSharedServersAsync();
        await service.WaitForReadyAsync();
        (await service.App.GetAsync("/api/notes?limit=1")).EnsureSuccessStatusCode();
        var okBefore = (await ScrapeAsync(service)).Value("readyz_total{result=\"ok\"}");
        await service.ReadinessAsync();

        using var response = await service.Management.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());

        var (exitCode, lint) = await Promtool.CheckMetricsAsync(text);
        output.WriteLine($"promtool check metrics: exit {exitCode} {lint}");
        Assert.True(exitCode == 0 && lint.Length == 0, $"promtool check metrics exited {exitCode}: {lint}\n{text}");

        var metrics = new PrometheusText(text);
        Assert.Equal(okBefore + 1, metrics.Value("readyz_total{result=\"ok\"}"));
        foreach (var check in RegisteredChecks.Names)
        {
            Assert.Equal(RegisteredChecks.Provided.Contains(check) ? 1 : 0, metrics.Value($"health_check_status{{check=\"{check}\"}}"));
            Assert.True(metrics.Value($"health_check_duration_seconds_count{{check=\"{check}\"}}") >= 1);
            Assert.True(metrics.Has($"health_check_duration_seconds_bucket{{check=\"{check}\",le=\"+Inf\"}}"));
        }

        Assert.Equal(0, metrics.Value("app_draining"));
        string[] families =
        [
            "http_server_request_duration_seconds", "kestrel_active_connections", "dotnet_gc_collections_total", "dotnet_process_memory_working_set_bytes",
#if (postgres)
            "db_client_operation_duration_seconds",
#endif
        ];
        foreach (var family in families)
        {
            Assert.True(metrics.HasFamily(family), $"no {family} family in /metrics:\n{text}");
        }

        Assert.True(metrics.Series.Any(s => s.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && s.Contains("http_route=\"/api/notes/\"", StringComparison.Ordinal)), $"no request duration for the /api/notes/ route:\n{text}");
    }

    [Fact]
    public async Task Each_failing_readiness_probe_counts_once_and_scraping_runs_no_check()
    {
        // A real check that really fails: the disk-space check, asked for more free space than any disk has.
        // The service never becomes ready, so the rig does not wait for it.
        await using var rig = await StartAsync(new Dictionary<string, string?> { ["Health__DiskSpace__MinimumFreeMegabytes"] = "1000000000" }, waitForReady: false);
        await rig.ReadinessUntilAsync(
            (code, b) => code == HttpStatusCode.ServiceUnavailable && b.TryGetProperty("checks", out var checks) && checks.TryGetProperty("disk_space", out var disk)
                         && disk.GetProperty("status").GetString() == "fail"
                         && RegisteredChecks.Provided.All(name => checks.TryGetProperty(name, out var check) && check.GetProperty("status").GetString() == "pass"),
            Period * 5, "readiness to fail on the disk-space check alone");

        // The metrics pipeline starts in the background after the first request (README, "Start-up"): a
        // service that never becomes ready counts its probes from then on.
        var before = await Poll.UntilAsync(() => ScrapeAsync(rig.Service), m => m.HasFamily("health_check_status"), Period * 5, "the metrics pipeline to run");
        const int Probes = 7;
        for (var i = 0; i < Probes; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await rig.Service.Management.GetAsync("/readyz")).StatusCode);
        }

        var after = await ScrapeAsync(rig.Service);
        Assert.Equal(Probes, after.Value("readyz_total{result=\"fail\"}") - before.Value("readyz_total{result=\"fail\"}"));
        Assert.Equal(before.Value("readyz_total{result=\"ok\"}"), after.Value("readyz_total{result=\"ok\"}"));
        Assert.Equal(0, after.Value("health_check_status{check=\"disk_space\"}"));
        foreach (var check in RegisteredChecks.Provided)
        {
            Assert.Equal(1, after.Value($"health_check_status{{check=\"{check}\"}}"));
        }

        // /readyz/{check} answers are not counted: only what the kubelet asks moves the counter.
        await rig.Service.Management.GetAsync("/readyz/disk_space");
        Assert.Equal(after.Value("readyz_total{result=\"fail\"}"), (await ScrapeAsync(rig.Service)).Value("readyz_total{result=\"fail\"}"));

        // Scrapes read the latest snapshot: a burst of them adds no evaluation (evaluations happen once a period).
        var evaluations = (await ScrapeAsync(rig.Service)).Value("health_check_duration_seconds_count{check=\"disk_space\"}");
        var burst = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => ScrapeAsync(rig.Service)));
        var elapsed = burst.Elapsed;
        var evaluationsAfter = (await ScrapeAsync(rig.Service)).Value("health_check_duration_seconds_count{check=\"disk_space\"}");
        var periods = (long)Math.Ceiling(elapsed / (Period * 0.9)) + 1;
        output.WriteLine($"200 scrapes in {elapsed.TotalMilliseconds:0} ms; disk_space evaluations {evaluations} → {evaluationsAfter} (at most {periods} periods passed)");
        Assert.InRange(evaluationsAfter - evaluations, 0, periods);

        // Draining shows in app_draining.
        (await rig.Service.Management.PostAsync("/admin/drain", null)).EnsureSuccessStatusCode();
        Assert.Equal(1, (await ScrapeAsync(rig.Service)).Value("app_draining"));
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_service()
    {
        await using var service = await ServiceProcess.StartWithSharedServersAsync();
        await service.WaitForReadyAsync();
        await using var prometheus = await PrometheusServer.StartAsync("healthy-api", service.ManagementPort);

        var up = await Poll.UntilAsync(() => prometheus.QueryAsync("up{job=\"healthy-api\"}"), r => r.Count == 1 && r[0].Value == 1,
            TimeSpan.FromSeconds(20), "prometheus to report up == 1 for the service");
        var readyz = await Poll.UntilAsync(() => prometheus.QueryAsync("readyz_total{job=\"healthy-api\"}"), r => r.Any(s => s.Labels["result"] == "ok" && s.Value >= 1),
            TimeSpan.FromSeconds(20), "a readyz_total{result=\"ok\"} series in prometheus");
        var checks = await prometheus.QueryAsync("health_check_status{job=\"healthy-api\"}");
        output.WriteLine($"up {up[0].Value}; readyz_total {string.Join(", ", readyz.Select(s => $"{s.Labels["result"]}={s.Value}"))}; checks {string.Join(", ", checks.Select(s => $"{s.Labels["check"]}={s.Value}"))}");
        Assert.Equal(RegisteredChecks.Names, checks.Select(s => s.Labels["check"]).Order(StringComparer.Ordinal));
        Assert.All(checks.Where(s => RegisteredChecks.Provided.Contains(s.Labels["check"])), s => Assert.Equal(1, s.Value));
    }

    private static async Task<PrometheusText> ScrapeAsync(ServiceProcess service)
    {
        using var response = await service.Management.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }
}
