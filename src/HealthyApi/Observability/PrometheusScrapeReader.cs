using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace HealthyApi.Observability;

/// <summary>
/// A pull reader on the one OpenTelemetry metrics pipeline: each scrape of /metrics collects once
/// and formats the batch as Prometheus text. The same MeterProvider feeds the OTLP exporter, so
/// /metrics and OTLP never disagree about what is measured.
/// </summary>
public sealed class PrometheusScrapeReader : BaseExportingMetricReader
{
    private static readonly TimeSpan CollectTimeout = TimeSpan.FromSeconds(5);

    private readonly TextExporter _exporter;
    private readonly SemaphoreSlim _oneScrapeAtATime = new(1, 1);

    public PrometheusScrapeReader()
        : this(new TextExporter())
    {
    }

    private PrometheusScrapeReader(TextExporter exporter)
        : base(exporter)
    {
        _exporter = exporter;
        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
    }

    /// <summary>The current metrics as Prometheus text, or null when the pipeline is shut down or did not answer in time.</summary>
    public async Task<string?> ScrapeAsync(CancellationToken cancellationToken)
    {
        // Collect runs the exporter on this thread; concurrent scrapes would share one export, so take turns.
        await _oneScrapeAtATime.WaitAsync(cancellationToken);
        try
        {
            _exporter.Latest = null;
            return Collect((int)CollectTimeout.TotalMilliseconds) ? _exporter.Latest : null;
        }
        finally
        {
            _oneScrapeAtATime.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _oneScrapeAtATime.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Formats the batch while its Metric objects are valid (only during Export). Declared with the
    /// default push mode: the SDK refuses a Collect() from outside on pull-only exporters. Nothing
    /// pushes on a timer here; only scrapes (and the final collect at shutdown) call Export.
    /// </summary>
    private sealed class TextExporter : BaseExporter<Metric>
    {
        public string? Latest { get; set; }

        public override ExportResult Export(in Batch<Metric> batch)
        {
            var metrics = new List<Metric>();
            foreach (var metric in batch)
            {
                metrics.Add(metric);
            }

            Latest = PrometheusTextFormatter.Format(metrics);
            return ExportResult.Success;
        }
    }
}
