using System.Diagnostics;
using System.Diagnostics.Metrics;
using HealthyApi.Health;
using HealthyApi.Hosting;
using HealthyApi.Lifecycle;
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
/// here). Built in the background once the server has answered its first request (<see cref="StartupPacing"/>):
/// it takes ~50 ms of CPU on 2 cores (listeners for every instrument, the default resource), which liveness
/// must not wait for. It is also a start-up task that waits for the build: the readiness evaluation that ends
/// start-up comes after it, and an instance is routed only once ready, so every API request and every
/// evaluation that counts is measured (and traced); only the first probes and evaluations are not.
/// Flushed and shut down in <see cref="StoppedAsync"/>, which the host calls after the server has stopped,
/// so the spans and metrics of the last requests are exported before the process exits.
/// </summary>
public sealed class TelemetryHost : IHostedLifecycleService, IStartupTask, IDisposable
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

    private readonly PrometheusScrapeReader _scrapeReader;
    private readonly ManagementTrafficSampler _sampler;
    private readonly StartupPacing _pacing;
    private readonly string? _serviceName;
    private readonly string _applicationName;
    private readonly ILogger<TelemetryHost> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private OpenTelemetrySdk? _sdk;
    private bool _stopped;
    private int _disposed;

    public TelemetryHost(
        PrometheusScrapeReader scrapeReader,
        ManagementTrafficSampler sampler,
        StartupPacing pacing,
        IConfiguration configuration,
        IHostEnvironment environment,
        ILogger<TelemetryHost> logger)
    {
        _scrapeReader = scrapeReader;
        _sampler = sampler;
        _pacing = pacing;
        _logger = logger;
        OtlpEnabled = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        _serviceName = configuration["OTEL_SERVICE_NAME"];
        _applicationName = environment.ApplicationName;
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

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _ = BuildAfterFirstRequestAsync();
        return Task.CompletedTask;
    }

    public string Name => "telemetry";

    /// <summary>Done once the SDK listens to the meters and activity sources (built meanwhile, beside the other start-up tasks).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => _running.Task.WaitAsync(cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

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

    /// <summary>Called once per registration (the service, the hosted service, the start-up task): DI disposes what each returned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        Shutdown();
        _stopping.Dispose();
    }

    private async Task BuildAfterFirstRequestAsync()
    {
        try
        {
            await _pacing.WaitForFirstRequestAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return; // stopping before the first request: nothing to measure, and start-up work is cancelled with the host
        }

        try
        {
            lock (_gate)
            {
                if (!_stopped)
                {
                    _sdk = Build();
                }
            }
        }
        catch (Exception ex)
        {
            // Telemetry is worth a loud error, not an instance out of rotation: start-up goes on without it.
            _logger.LogError(ex, "OpenTelemetry did not start: /metrics is empty and nothing is exported");
        }

        _running.TrySetResult();
    }

    private OpenTelemetrySdk Build() => OpenTelemetrySdk.Create(otel =>
    {
        otel.ConfigureResource(resource =>
        {
            // OTEL_SERVICE_NAME, when set, is already in the default resource and must win.
            if (string.IsNullOrWhiteSpace(_serviceName))
            {
                resource.AddService(_applicationName, serviceVersion: ServiceVersion.Informational);
            }
        });
        otel.WithMetrics(metrics => metrics.AddMeter(Meters).AddReader(_scrapeReader).AddView(LabelSetLimit));
        if (OtlpEnabled)
        {
            otel.WithTracing(tracing => tracing.AddSource(ActivitySources).SetSampler(_sampler));
            // Reads the standard environment variables: OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS,
            // OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_SCHEDULE_DELAY, …
            otel.UseOtlpExporter();
        }
    });

    /// <summary>
    /// The SDK allocates every metric's label sets up front, 2,000 by default: ~6.5 MB of the ~10 MB managed
    /// heap for the ~45 metrics here, nearly all of which have a handful of label sets (a check, a pool, a
    /// GC generation). Requests by route, method and status get more. A metric past its limit reports the
    /// rest under <c>otel_metric_overflow="true"</c> (README, "Metrics and tracing").
    /// </summary>
    private static MetricStreamConfiguration LabelSetLimit(Instrument instrument) =>
        new() { CardinalityLimit = instrument.Name == "http.server.request.duration" ? 1000 : 100 };

    /// <summary>Flushes and shuts the SDK down once; true when there was nothing to flush or the flush finished in time.</summary>
    private bool Shutdown()
    {
        OpenTelemetrySdk? sdk;
        lock (_gate)
        {
            if (_stopped)
            {
                return true;
            }

            _stopped = true;
            sdk = _sdk;
        }

        if (sdk is null)
        {
            return true;
        }

        var budget = (int)FlushBudget.TotalMilliseconds;
        var deadline = Stopwatch.StartNew();
        var traces = sdk.TracerProvider.Shutdown(budget);
        var metrics = sdk.MeterProvider.Shutdown(Math.Max(1, budget - (int)deadline.ElapsedMilliseconds));
        sdk.Dispose();
        return traces && metrics;
    }
}
