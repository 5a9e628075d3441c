using System.Diagnostics;
using HealthyApi.Health;
using HealthyApi.Hosting;
#if (redis)
using HealthyApi.Redis;
#endif
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HealthyApi.Observability;

/// <summary>
/// Owns the OpenTelemetry SDK (OpenTelemetry.Extensions.Hosting, which would do this, does not restore
/// here). Built when first resolved, so the meters are listened to before the first request; flushed
/// and shut down in <see cref="StoppedAsync"/>, which the host calls after the server has stopped, so
/// the spans and metrics of the last requests are exported before the process exits.
/// </summary>
public sealed class TelemetryHost : IHostedLifecycleService, IDisposable
{
    /// <summary>The flush must fit in the margin the start-up check keeps inside the termination grace period.</summary>
    private static readonly TimeSpan FlushBudget = TimeSpan.FromSeconds(3);

    private static readonly string[] Meters =
    [
        HealthMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Runtime",
#if (postgres)
        "Npgsql",
#endif
    ];

    private static readonly string[] ActivitySources =
    [
        "Microsoft.AspNetCore",
#if (postgres)
        "Npgsql",
#endif
        "System.Net.Http",
#if (redis)
        RedisTelemetry.SourceName,
#endif
    ];

    private readonly OpenTelemetrySdk _sdk;
    private readonly ILogger<TelemetryHost> _logger;
    private int _stopped;

    public TelemetryHost(
        PrometheusScrapeReader scrapeReader,
        ManagementTrafficSampler sampler,
        IConfiguration configuration,
        IHostEnvironment environment,
        ILogger<TelemetryHost> logger)
    {
        _logger = logger;
        OtlpEnabled = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var serviceName = configuration["OTEL_SERVICE_NAME"];
        var version = ServiceVersion.Informational;

        _sdk = OpenTelemetrySdk.Create(otel =>
        {
            otel.ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, is already in the default resource and must win.
                if (string.IsNullOrWhiteSpace(serviceName))
                {
                    resource.AddService(environment.ApplicationName, serviceVersion: version);
                }
            });
            otel.WithMetrics(metrics => metrics.AddMeter(Meters).AddReader(scrapeReader));
            if (OtlpEnabled)
            {
                otel.WithTracing(tracing => tracing.AddSource(ActivitySources).SetSampler(sampler));
                // Reads the standard environment variables: OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS,
                // OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_SCHEDULE_DELAY, …
                otel.UseOtlpExporter();
            }
        });
    }

    public bool OtlpEnabled { get; }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation(OtlpEnabled
            ? "Metrics on the management port's /metrics; traces and metrics exported over OTLP"
            : "Metrics on the management port's /metrics; OTLP export off (OTEL_EXPORTER_OTLP_ENDPOINT is not set)");
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var flushed = Shutdown();
        if (OtlpEnabled)
        {
            if (flushed)
            {
                _logger.LogInformation("Telemetry flushed in {ElapsedMs:0} ms", watch.Elapsed.TotalMilliseconds);
            }
            else
            {
                _logger.LogWarning("Telemetry flush did not finish within {BudgetSeconds} s; the last spans and metrics may be lost", FlushBudget.TotalSeconds);
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose() => Shutdown();

    private bool Shutdown()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return true;
        }

        var budget = (int)FlushBudget.TotalMilliseconds;
        var deadline = Stopwatch.StartNew();
        var traces = _sdk.TracerProvider.Shutdown(budget);
        var metrics = _sdk.MeterProvider.Shutdown(Math.Max(1, budget - (int)deadline.ElapsedMilliseconds));
        _sdk.Dispose();
        return traces && metrics;
    }
}
