using System.Diagnostics.Metrics;
using HealthyApi.Observability;
using HealthyApi.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace HealthyApi.Tests.Observability;

/// <summary>
/// The formatter against the rules of the text format 0.0.4, through the real OpenTelemetry pipeline
/// (a MeterProvider with the scrape reader), and checked by promtool, Prometheus's own parser.
/// </summary>
public sealed class PrometheusTextFormatterTests : IDisposable
{
    private readonly Meter _meter = new($"Test.Formatter.{Guid.NewGuid():N}");
    private readonly Meter _other;
    private readonly PrometheusScrapeReader _reader = new();
    private readonly MeterProvider _provider;

    public PrometheusTextFormatterTests()
    {
        _other = new Meter(_meter.Name + ".Other");
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(_meter.Name, _other.Name).AddReader(_reader).Build();
    }

    public void Dispose()
    {
        _provider.Dispose();
        _meter.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task Counter_gets_total_suffix_help_type_and_escaped_label_values()
    {
        var counter = _meter.CreateCounter<long>("orders.created", unit: "{order}", description: "Orders created.\nPer tenant \\ region.");
        counter.Add(3, new KeyValuePair<string, object?>("tenant", "a\"b\\c\nd"));

        var text = await ScrapeAsync();

        Assert.Contains("# HELP orders_created_total Orders created.\\nPer tenant \\\\ region.\n", text);
        Assert.Contains("# TYPE orders_created_total counter\n", text);
        Assert.Contains("orders_created_total{tenant=\"a\\\"b\\\\c\\nd\"} 3\n", text);
        await AssertPromtoolAcceptsAsync(text);
    }

    [Fact]
    public async Task Histogram_in_seconds_has_cumulative_buckets_ending_in_inf_then_sum_and_count()
    {
        var histogram = _meter.CreateHistogram("job.duration", unit: "s", description: "Job time.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        histogram.Record(0.05, new KeyValuePair<string, object?>("job", "x"));
        histogram.Record(0.5, new KeyValuePair<string, object?>("job", "x"));
        histogram.Record(7, new KeyValuePair<string, object?>("job", "x"));

        var text = await ScrapeAsync();

        Assert.Contains("# TYPE job_duration_seconds histogram\n", text);
        Assert.Contains(
            "job_duration_seconds_bucket{job=\"x\",le=\"0.1\"} 1\n" +
            "job_duration_seconds_bucket{job=\"x\",le=\"1\"} 2\n" +
            "job_duration_seconds_bucket{job=\"x\",le=\"+Inf\"} 3\n" +
            "job_duration_seconds_sum{job=\"x\"} 7.55\n" +
            "job_duration_seconds_count{job=\"x\"} 3\n", text);
        await AssertPromtoolAcceptsAsync(text);
    }

    [Fact]
    public async Task Up_down_counters_and_gauges_are_gauges_with_unit_suffixes_and_no_total()
    {
        _meter.CreateUpDownCounter<long>("queue.depth", unit: "{item}", description: "Items waiting.").Add(-2);
        _meter.CreateObservableGauge("cache.size", () => 1536.5, unit: "By", description: "Cache size.");
        _meter.CreateUpDownCounter<int>("worker.count", unit: "{worker}", description: "Workers now.").Add(4);

        var text = await ScrapeAsync();

        Assert.Contains("# TYPE queue_depth gauge\nqueue_depth -2\n", text);
        Assert.Contains("# TYPE cache_size_bytes gauge\ncache_size_bytes 1536.5\n", text);
        Assert.Contains("# TYPE worker_count_current gauge\nworker_count_current 4\n", text);
        Assert.DoesNotContain("queue_depth_total", text);
        await AssertPromtoolAcceptsAsync(text);
    }

    [Fact]
    public async Task Same_instrument_on_two_meters_is_one_family_and_odd_names_are_sanitized()
    {
        _meter.CreateCounter<long>("jobs.done").Add(1, new KeyValuePair<string, object?>("worker", "a"));
        _other.CreateCounter<long>("jobs.done").Add(2, new KeyValuePair<string, object?>("worker", "b"));
        _meter.CreateCounter<double>("http-client..retries", unit: "{retry}").Add(0.5, new KeyValuePair<string, object?>("9lives", "x"), new KeyValuePair<string, object?>("__reserved", "y"));

        var text = await ScrapeAsync();

        Assert.Equal(1, CountOccurrences(text, "# TYPE jobs_done_total counter"));
        Assert.Contains("jobs_done_total{worker=\"a\"} 1\n", text);
        Assert.Contains("jobs_done_total{worker=\"b\"} 2\n", text);
        Assert.Contains("# HELP http_client_retries_total http-client..retries\n", text);
        Assert.Contains("http_client_retries_total{key_9lives=\"x\",key_reserved=\"y\"} 0.5\n", text);
        await AssertPromtoolAcceptsAsync(text);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(12345678901234.0, "12345678901234")]
    public void Special_and_small_values_use_the_formats_prometheus_parses(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextFormatter.FormatValue(value));

    private async Task<string> ScrapeAsync() =>
        await _reader.ScrapeAsync(CancellationToken.None) ?? throw new InvalidOperationException("the scrape reader collected nothing");

    private static async Task AssertPromtoolAcceptsAsync(string text)
    {
        var (exitCode, lint) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exitCode == 0 && lint.Length == 0, $"promtool check metrics exited {exitCode}: {lint}\n{text}");
    }

    private static int CountOccurrences(string text, string value) =>
        (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
