using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static HealthyApi.Tests.Infrastructure.FaultRig;

namespace HealthyApi.Tests.Api;

/// <summary>The note cache is an optimisation: a hung Redis must cost reads almost nothing and keep the pod in rotation.</summary>
public sealed class NoteCacheTests
{
    [Fact]
    public async Task A_hung_cache_is_skipped_by_its_circuit_breaker_so_reads_stay_fast_and_the_pod_stays_ready()
    {
        await using var rig = await StartAsync();
        var created = await rig.Service.App.PostAsJsonAsync("/api/notes", new { text = "cached" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        rig.Redis.Freeze();
        try
        {
            // The first reads wait out the cache's 250 ms budget and open the breaker...
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await rig.Service.App.GetAsync($"/api/notes/{id}")).StatusCode);
            }

            // ...then reads skip Redis: no read waits for the budget it would cost to ask a hung server.
            var durations = new List<TimeSpan>();
            for (var i = 0; i < 20; i++)
            {
                var watch = Stopwatch.StartNew();
                using var read = await rig.Service.App.GetAsync($"/api/notes/{id}");
                durations.Add(watch.Elapsed);
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal("cached", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());
            }

            durations.Sort();
            Assert.True(durations[10] < TimeSpan.FromMilliseconds(100), $"median read {durations[10].TotalMilliseconds:0} ms while the cache hangs");
            Assert.True(durations.Count(d => d >= TimeSpan.FromMilliseconds(250)) <= 2, $"reads waited on the cache: {string.Join(", ", durations.Select(d => $"{d.TotalMilliseconds:0}"))} ms");

            var (status, body, _) = await rig.ReadinessUntilAsync((_, b) => CheckStatus(b, "redis") == "warn", Period * 3, "the hung cache to show warn");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("skip it for 15 s", rig.Service.Output);
            var warnings = rig.Service.Output.Split('\n').Count(l => l.Contains("Note cache read skipped", StringComparison.Ordinal));
            Assert.True(warnings <= 2, $"{warnings} cache warnings for 26 reads: they are rate-limited");
        }
        finally
        {
            rig.Redis.Thaw();
        }
    }
}
