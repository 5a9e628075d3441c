using System.Diagnostics.Metrics;
using HealthyApi.Lifecycle;

namespace HealthyApi.Health;

/// <summary>
/// The health metrics, on the <c>HealthyApi.Health</c> meter, called where things happen (the
/// responder counts answers, the monitor records evaluations). Gauges read state already kept (the
/// latest evaluation, the lifecycle phase), so a scrape never runs a check. Names are OpenTelemetry
/// style; the Prometheus text gives them as <c>readyz_total</c>, <c>health_check_status</c>,
/// <c>health_check_duration_seconds</c> and <c>app_draining</c>.
/// </summary>
public sealed class HealthMetrics : IDisposable
{
    public const string MeterName = "HealthyApi.Health";

    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter _meter;
    private readonly Counter<long> _readyz;
    private readonly Histogram<double> _checkDuration;
    private volatile ReadinessSnapshot? _latest;

    public HealthMetrics(IMeterFactory meters, AppLifecycle lifecycle)
    {
        _meter = meters.Create(MeterName);
        _readyz = _meter.CreateCounter<long>("readyz", unit: "{request}", description: "Readiness probe answers, by result (ok = 200, fail = 503).");
        _checkDuration = _meter.CreateHistogram("health_check.duration", unit: "s", description: "Time each readiness check took, timeouts included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _meter.CreateObservableGauge("health_check.status", () => CheckStatuses(_latest),
            description: "1 when the readiness check passed in the latest evaluation, else 0.");
        _meter.CreateObservableGauge("health_check.pending", () => CheckPending(_latest),
            description: "1 while a readiness check's latest outcome disagrees with its reported status, below its threshold, else 0.");
        _meter.CreateObservableGauge("app.draining", () => lifecycle.IsOutOfRotation ? 1 : 0,
            description: "1 while the instance is out of rotation (drained or shutting down), else 0.");
    }

    public void ReadinessAnswered(ReadinessReport report) =>
        _readyz.Add(1, new KeyValuePair<string, object?>("result", report.Ok ? "ok" : "fail"));

    public void EvaluationCompleted(ReadinessSnapshot snapshot)
    {
        _latest = snapshot;
        foreach (var (name, result) in snapshot.Checks)
        {
            _checkDuration.Record(result.Duration.TotalSeconds, new KeyValuePair<string, object?>("check", name));
        }
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<int>> CheckPending(ReadinessSnapshot? snapshot) =>
        snapshot is null
            ? []
            : snapshot.Checks.Select(c => new Measurement<int>(c.Value.Pending is null ? 0 : 1, new KeyValuePair<string, object?>("check", c.Key)));

    private static IEnumerable<Measurement<int>> CheckStatuses(ReadinessSnapshot? snapshot) =>
        snapshot is null
            ? []
            : snapshot.Checks.Select(c => new Measurement<int>(c.Value.Status == CheckStatus.Pass ? 1 : 0, new KeyValuePair<string, object?>("check", c.Key)));
}
