using HealthyApi.Errors;
using HealthyApi.Health;
using HealthyApi.Lifecycle;
using HealthyApi.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HealthyApi.Tests.Health;

/// <summary>The evaluator and the report, on a hand-moved clock: timeouts and staleness without sleeping.</summary>
public sealed class ReadinessEvaluatorTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task No_checks_registered_is_ready()
    {
        var evaluator = CreateEvaluator();

        var snapshot = await evaluator.EvaluateAsync(CancellationToken.None);
        var report = ReadinessReport.Create(LifecyclePhase.Ready, snapshot, _time.GetUtcNow(), Period * 3);

        Assert.Empty(snapshot.Checks);
        Assert.True(snapshot.AllCriticalPassing);
        Assert.Equal("ready", report.Status);
        Assert.Equal(200, report.HttpStatusCode);
    }

    [Fact]
    public async Task A_check_that_throws_is_error_with_the_exception_message()
    {
        var evaluator = CreateEvaluator(("boom", new DelegateCheck(_ => throw new InvalidOperationException("disk on fire")), null));

        var snapshot = await evaluator.EvaluateAsync(CancellationToken.None);

        Assert.Equal(CheckStatus.Error, snapshot.Checks["boom"].Status);
        Assert.Equal("disk on fire", snapshot.Checks["boom"].Error);
        Assert.Equal(503, ReadinessReport.Create(LifecyclePhase.Ready, snapshot, _time.GetUtcNow(), Period * 3).HttpStatusCode);
    }

    [Fact]
    public async Task A_check_that_ignores_cancellation_is_abandoned_at_its_timeout_and_not_started_again_while_hanging()
    {
        var hang = new TaskCompletionSource<HealthCheckResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new SemaphoreSlim(0);
        var calls = 0;
        var hungCheck = new DelegateCheck(_ =>
        {
            Interlocked.Increment(ref calls);
            started.Release();
            return hang.Task; // ignores its token, like some clients' async calls
        });
        var evaluator = CreateEvaluator(("redis", hungCheck, TimeSpan.FromSeconds(1)), ("fast", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy())), null));

        var evaluation = evaluator.EvaluateAsync(CancellationToken.None);
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(10)), "the check never started");
        Assert.False(evaluation.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(evaluation.IsCompleted, "gave up before the timeout");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var snapshot = await evaluation.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(CheckStatus.Timeout, snapshot.Checks["redis"].Status);
        Assert.Equal("no answer within 1000 ms", snapshot.Checks["redis"].Error);
        Assert.Equal(CheckStatus.Pass, snapshot.Checks["fast"].Status);

        // Next period: the first attempt still hangs, so no second attempt piles onto the dependency.
        _time.Advance(Period);
        var second = await evaluator.EvaluateAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CheckStatus.Timeout, second.Checks["redis"].Status);
        Assert.Contains("previous attempt still hanging", second.Checks["redis"].Error);
        Assert.Equal(1, Volatile.Read(ref calls));

        // Once the hung call returns, the check runs again.
        hang.SetResult(HealthCheckResult.Healthy());
        await Poll.UntilAsync(async () => (await evaluator.EvaluateAsync(CancellationToken.None)).Checks["redis"].Status,
            status => status == CheckStatus.Pass, TimeSpan.FromSeconds(10), "the check to run again once the hung call returned");
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Snapshot_older_than_three_periods_is_stale_and_not_ready()
    {
        var evaluator = CreateEvaluator(("postgres", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy())), null));
        var snapshot = await evaluator.EvaluateAsync(CancellationToken.None);

        _time.Advance(Period * 3);
        var fresh = ReadinessReport.Create(LifecyclePhase.Ready, snapshot, _time.GetUtcNow(), Period * 3);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var stale = ReadinessReport.Create(LifecyclePhase.Ready, snapshot, _time.GetUtcNow(), Period * 3);

        Assert.Equal("ready", fresh.Status);
        Assert.Equal("not_ready", stale.Status);
        Assert.Equal(503, stale.HttpStatusCode);
        Assert.Equal(CheckStatus.Stale, stale.Checks["postgres"].Status);
        Assert.Contains("stale", stale.Reason);
    }

    [Fact]
    public async Task Non_critical_failure_is_warn_and_degraded_is_warn_and_both_stay_ready()
    {
        var evaluator = CreateEvaluator(
            new Dictionary<string, string?> { ["Health:Checks:cache:Critical"] = "false" },
            ("cache", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Unhealthy("cache down"))), null),
            ("slow", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Degraded("slow disk"))), null));

        var snapshot = await evaluator.EvaluateAsync(CancellationToken.None);
        var report = ReadinessReport.Create(LifecyclePhase.Ready, snapshot, _time.GetUtcNow(), Period * 3);

        Assert.Equal(CheckStatus.Warn, snapshot.Checks["cache"].Status);
        Assert.Equal("fail: cache down", snapshot.Checks["cache"].Error);
        Assert.Equal(CheckStatus.Warn, snapshot.Checks["slow"].Status);
        Assert.Equal(200, report.HttpStatusCode);
    }

    [Theory]
    [InlineData(LifecyclePhase.Starting, "starting", 503)]
    [InlineData(LifecyclePhase.Ready, "ready", 200)]
    [InlineData(LifecyclePhase.Draining, "draining", 503)]
    [InlineData(LifecyclePhase.Stopping, "draining", 503)]
    public async Task Lifecycle_phase_decides_before_the_checks(LifecyclePhase phase, string status, int code)
    {
        var evaluator = CreateEvaluator(("postgres", new DelegateCheck(_ => Task.FromResult(HealthCheckResult.Healthy())), null));
        var snapshot = await evaluator.EvaluateAsync(CancellationToken.None);

        var report = ReadinessReport.Create(phase, snapshot, _time.GetUtcNow(), Period * 3);

        Assert.Equal(status, report.Status);
        Assert.Equal(code, report.HttpStatusCode);
    }

    private ReadinessEvaluator CreateEvaluator(params (string Name, IHealthCheck Check, TimeSpan? Timeout)[] checks) =>
        CreateEvaluator(new Dictionary<string, string?>(), checks);

    private ReadinessEvaluator CreateEvaluator(IDictionary<string, string?> settings, params (string Name, IHealthCheck Check, TimeSpan? Timeout)[] checks)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));
        var builder = services.AddHealthChecks();
        foreach (var (name, check, timeout) in checks)
        {
            builder.Add(new HealthCheckRegistration(name, _ => check, null, [HealthTags.Ready], timeout));
        }

        var provider = services.BuildServiceProvider();
        return new ReadinessEvaluator(
            provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>(),
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<IOptionsMonitor<HealthOptions>>(),
            new SecretRedactor(configuration),
            _time,
            NullLogger<ReadinessEvaluator>.Instance);
    }

    private sealed class DelegateCheck(Func<CancellationToken, Task<HealthCheckResult>> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => check(cancellationToken);
    }
}
