using HealthyApi.Lifecycle;
using HealthyApi.Observability;
using HealthyApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HealthyApi.Tests.Lifecycle;

/// <summary>
/// Liveness answers as soon as the server listens: what only readiness needs (the start-up tasks with the
/// data sources and clients they pull in, the OpenTelemetry SDK) is built after the server has started,
/// never on the way to it. Order is asserted here; the time it saves is measured by bench/run.sh (row 5).
/// </summary>
public sealed class StartPathTests
{
    [Fact]
    public async Task Start_up_tasks_and_telemetry_are_built_after_the_server_has_started_not_before()
    {
        var seen = new StartPath();
        await using var app = InMemoryService.Start(web =>
        {
            foreach (var (key, value) in RegisteredChecks.UnreachableDependencies())
            {
                web.UseSetting(key.Replace("__", ":", StringComparison.Ordinal), value);
            }

            web.ConfigureServices(services =>
            {
                services.AddSingleton(seen);
                services.AddSingleton<IStartupTask, WitnessTask>();
                services.AddHostedService<AtServerStart>();
            });
        });

        await Poll.UntilAsync(() => seen.TaskBuilt is not null, TimeSpan.FromSeconds(20), "the start-up task to be built");
        Assert.True(seen.TaskBuilt == true, "a start-up task (and so its data source or client) was built before the server had started");
        Assert.True(seen.MetricsAtStart == false, "the OpenTelemetry SDK was built before the server had started");

        // And it does run, soon after: /metrics has something to say.
        var metrics = app.Services.GetRequiredService<PrometheusScrapeReader>();
        await Poll.UntilAsync(() => metrics.ScrapeAsync(CancellationToken.None), Measured, TimeSpan.FromSeconds(20), "the metrics pipeline to run");
    }

    /// <summary>A scrape with metric families in it: before the SDK runs, the reader has nothing (an empty text).</summary>
    private static bool Measured(string? scrape) => scrape?.Contains("# TYPE ", StringComparison.Ordinal) == true;

    private sealed class StartPath
    {
        /// <summary>Null until the task is built; then whether the server had started by then.</summary>
        public bool? TaskBuilt { get; set; }

        public bool? MetricsAtStart { get; set; }
    }

    /// <summary>Stands for any start-up task: records, when it is built, whether the server had started.</summary>
    private sealed class WitnessTask : IStartupTask
    {
        public WitnessTask(StartPath seen, IHostApplicationLifetime lifetime) =>
            seen.TaskBuilt = lifetime.ApplicationStarted.IsCancellationRequested;

        public string Name => "witness";

        public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Scrapes the metrics pipeline the moment the server has started (the scrape completes at once: nothing waits in it).</summary>
    private sealed class AtServerStart(StartPath seen, IHostApplicationLifetime lifetime, PrometheusScrapeReader metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
                seen.MetricsAtStart = Measured(metrics.ScrapeAsync(CancellationToken.None).GetAwaiter().GetResult()));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
