using System.Net;
using System.Net.Http.Json;
using HealthyApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthyApi.Tests.Observability;

/// <summary>OTLP export to a real (loopback) OTLP/HTTP receiver: what is traced, what is not, and the flush at shutdown.</summary>
public sealed class OtlpExportTests(ITestOutputHelper output)
{
    private static readonly string[] ManagementPaths = ["/healthz", "/readyz", "/readyz/some-check", "/metrics", "/admin/drain"];

    [Fact]
    public async Task Api_requests_and_their_database_calls_are_exported_probes_are_not_and_shutdown_flushes()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var settings = await SharedServers.ServiceSettingsAsync();
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_SERVICE_NAME"] = "otlp-test";
        // Nothing is exported on a timer during the test: what arrives, arrives through the shutdown flush.
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "600000";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "600000";
        settings["Health__DrainDelay"] = "00:00:00.5";
        settings["Health__DiskSpace__MinimumFreeMegabytes"] = "1"; // at least one check, whatever the dependencies
        await using var service = ServiceProcess.Start(settings);
        await service.WaitForReadyAsync();

        using var created = await service.App.PostAsJsonAsync("/api/notes", new { text = "traced" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        (await service.App.GetAsync($"/api/notes/{id}")).EnsureSuccessStatusCode();
        foreach (var path in ManagementPaths.Where(p => p != "/admin/drain"))
        {
            await service.Management.GetAsync(path);
        }

        await service.Management.PostAsync("/admin/drain", null);
        Assert.Empty(receiver.Spans); // the batch delay is 10 minutes: nothing has been sent yet

        service.Signal(Native.SIGTERM);
        Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var spans = receiver.Spans.ToList();
        output.WriteLine(string.Join('\n', spans));
        output.WriteLine("metrics: " + string.Join(", ", receiver.MetricNames.Distinct().Order()));
        Assert.Contains("Telemetry flushed", service.Output);
        Assert.All(receiver.ServiceNames, name => Assert.Equal("otlp-test", name));

        var requests = spans.Where(s => s.Scope == "Microsoft.AspNetCore").ToList();
        Assert.Contains(requests, s => s.Attribute("http.request.method") == "POST" && s.Attribute("http.route") == "/api/notes/" && s.Attribute("http.response.status_code") == "201");
        Assert.Contains(requests, s => s.Attribute("url.path") == $"/api/notes/{id}");
        Assert.DoesNotContain(requests, s => ManagementPaths.Contains(s.Attribute("url.path")));
#if (postgres)
        Assert.Contains(spans, s => s.Scope == "Npgsql" && (s.Attribute("db.query.text") ?? s.Attribute("db.statement") ?? "").Contains("notes", StringComparison.Ordinal));
#endif
#if (redis)
        Assert.Contains(spans, s => s.Scope == "HealthyApi.Redis" && s.Name == "GET" && s.Attribute("db.system.name") == "redis");
#endif
#if (postgres)
        // The readiness checks' own queries run every period and are not traced (the write check's
        // statement is unique to it; EF Core's migrator also runs a SELECT 1, so that one cannot tell).
        Assert.DoesNotContain(spans, s => s.Attribute("db.query.text") == HealthyApi.Data.HealthProbeTable.WriteCheckSql);
#endif

        var metrics = receiver.MetricNames.ToHashSet();
        Assert.Contains("readyz", metrics);
        Assert.Contains("health_check.status", metrics);
        Assert.Contains("http.server.request.duration", metrics);
    }
}
