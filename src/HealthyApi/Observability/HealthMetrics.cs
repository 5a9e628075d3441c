using System.Diagnostics.Metrics;
using HealthyApi.Health;
using HealthyApi.Lifecycle;

namespace HealthyApi.Observability;

/// <summary>
/// The health metrics, on the <c>HealthyApi.Health</c> meter. Gauges read the state the probes
/// already keep (the latest snapshot, the lifecycle phase), so a scrape never runs a check.
/// Names are OpenTelemetry style; the Prometheus text gives them as <c>readyz_total</c>,
/// <c>health_check_status</c>, <c>health_check_duration_seconds</c> and <c>app_draining</c>.
/// </summary>
public sealed class HealthMetrics : IDisposable
{
    public const string MeterName = "HealthyApi.Health";

    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter _meter;
    private readonly Counter<long> _readyz;
    private readonly Histogram<double> _checkDuration;
    private readonly ReadinessResponder _responder;
    private readonly ReadinessMonitor _monitor;

    public HealthMetrics(IMeterFactory meters, ReadinessResponder responder, ReadinessMonitor monitor, AppLifecycle lifecycle)
    {
        _responder = responder;
        _monitor = monitor;
        _meter = meters.Create(MeterName);
        _readyz = _meter.CreateCounter<long>("readyz", unit: "{request}", description: "Readiness probe answers, by result (ok = 200, fail = 503).");
        _checkDuration = _meter.CreateHistogram("health_check.duration", unit: "s", description: "Time each readiness check took, timeouts included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _meter.CreateObservableGauge("health_check.status", () => CheckStatuses(monitor.Latest),
            description: "1 when the readiness check passed in the latest evaluation, else 0.");
        _meter.CreateObservableGauge("app.draining", () => lifecycle.IsOutOfRotation ? 1 : 0,
            description: "1 while the instance is out of rotation (drained or shutting down), else 0.");

        responder.Answered += OnReadinessAnswered;
        monitor.Published += OnSnapshotPublished;
    }

    public void Dispose()
    {
        _responder.Answered -= OnReadinessAnswered;
        _monitor.Published -= OnSnapshotPublished;
        _meter.Dispose();
    }

    private static IEnumerable<Measurement<int>> CheckStatuses(ReadinessSnapshot? snapshot) =>
        snapshot is null
            ? []
            : snapshot.Checks.Select(c => new Measurement<int>(c.Value.Status == CheckStatus.Pass ? 1 : 0, new KeyValuePair<string, object?>("check", c.Key)));

    private void OnReadinessAnswered(ReadinessReport report) =>
        _readyz.Add(1, new KeyValuePair<string, object?>("result", report.Ok ? "ok" : "fail"));

    private void OnSnapshotPublished(ReadinessSnapshot snapshot)
    {
        foreach (var (name, result) in snapshot.Checks)
        {
            _checkDuration.Record(result.Duration.TotalSeconds, new KeyValuePair<string, object?>("check", name));
        }
    }
}
