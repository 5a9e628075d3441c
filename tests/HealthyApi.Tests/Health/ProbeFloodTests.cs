using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;
using static HealthyApi.Tests.Infrastructure.FaultRig;

namespace HealthyApi.Tests.Health;

public sealed class ProbeFloodTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_thousand_concurrent_probes_during_a_postgres_hang_answer_promptly_and_cost_the_database_nothing()
    {
        await using var rig = await StartAsync();
        await rig.Postgres.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        const string HealthQueries = "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid " +
                                     "WHERE d.datname = '{0}' AND (s.query LIKE 'SELECT $1%' OR s.query LIKE 'INSERT INTO health_probe%')";
        var query = string.Format(System.Globalization.CultureInfo.InvariantCulture, HealthQueries, rig.Database);
        var before = await rig.Postgres.ScalarAsync(query);

        rig.Postgres.Freeze();
        var window = Stopwatch.StartNew();
        await rig.ReadinessUntilAsync((code, b) => CheckStatus(b, "postgres") == "timeout", Period * 4, "the hang to be detected");

        using var flood = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{rig.Service.ManagementPort}"),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var latencies = await Task.WhenAll(Enumerable.Range(0, 1000).Select(async _ =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await flood.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            return watch.Elapsed;
        }));
        rig.Postgres.Thaw();
        await rig.ReadinessUntilAsync((code, _) => code == HttpStatusCode.OK, Period * 10, "recovery after the flood");
        var elapsed = window.Elapsed;
        var after = await rig.Postgres.ScalarAsync(query);

        Array.Sort(latencies);
        var p50 = latencies[latencies.Length / 2];
        var p99 = latencies[(int)(latencies.Length * 0.99)];
        var queries = after - before;
        // Two checks, each at most one query per evaluation, one evaluation per period (±10 %).
        var budget = (long)Math.Ceiling(elapsed / (Period * 0.9)) * 2 + 4;
        output.WriteLine($"1000 probes during the hang: p50 {p50.TotalMilliseconds:0.0} ms, p99 {p99.TotalMilliseconds:0.0} ms, max {latencies[^1].TotalMilliseconds:0.0} ms; health queries reaching PostgreSQL in {elapsed.TotalSeconds:0.0} s: {queries} (budget {budget})");
        // Not a speed goal (bench/ measures those): a probe that waited on the frozen database would not
        // answer before the check's 2 s timeout, so every answer must come well before it. A thousand
        // concurrent connections on a loaded 2-core machine queue for a few hundred milliseconds.
        Assert.True(p50 < TimeSpan.FromMilliseconds(500), $"p50 {p50.TotalMilliseconds:0} ms");
        Assert.True(latencies[^1] < TimeSpan.FromSeconds(1.5), $"slowest probe {latencies[^1].TotalMilliseconds:0} ms, check timeout 2000 ms");
        Assert.True(queries <= budget, $"{queries} health queries reached PostgreSQL for 1000 probes (budget {budget})");
    }
}
