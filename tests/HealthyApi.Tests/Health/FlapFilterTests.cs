using HealthyApi.Health;
using HealthyApi.Lifecycle;
using HealthyApi.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HealthyApi.Tests.Health;

/// <summary>Anti-flap thresholds, through the real evaluator on a hand-moved clock.</summary>
public sealed class FlapFilterTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private readonly ManualTimeProvider _time = new();
    private bool _healthy = true;

    [Fact]
    public async Task A_blip_shorter_than_the_failure_threshold_keeps_the_check_passing_and_shows_it_pending()
    {
        var (evaluator, options) = Create(new() { ["Health:FailureThreshold"] = "3" });
        var filter = new FlapFilter();

        Assert.Equal((CheckStatus.Pass, null), Outcome(await NextAsync(evaluator, filter, options)));
        _healthy = false;
        Assert.Equal((CheckStatus.Pass, "fail 1 of 3"), Outcome(await NextAsync(evaluator, filter, options)));
        var second = await NextAsync(evaluator, filter, options);
        Assert.Equal((CheckStatus.Pass, "fail 2 of 3"), Outcome(second));
        Assert.Equal(200, ReadinessReport.Create(LifecyclePhase.Ready, second, _time.GetUtcNow(), Period * 3).HttpStatusCode);
        Assert.Equal("database is on fire", second.Checks["db"].Error); // the latest outcome is not hidden

        _healthy = true; // recovered before the third failure: the streak starts over
        Assert.Equal((CheckStatus.Pass, null), Outcome(await NextAsync(evaluator, filter, options)));
        _healthy = false;
        for (var i = 1; i < 3; i++)
        {
            Assert.Equal((CheckStatus.Pass, $"fail {i} of 3"), Outcome(await NextAsync(evaluator, filter, options)));
        }

        var failing = await NextAsync(evaluator, filter, options);
        Assert.Equal((CheckStatus.Fail, null), Outcome(failing));
        Assert.Equal(503, ReadinessReport.Create(LifecyclePhase.Ready, failing, _time.GetUtcNow(), Period * 3).HttpStatusCode);
    }

    [Fact]
    public async Task A_failing_check_needs_the_success_threshold_and_a_per_check_override_wins()
    {
        var (evaluator, options) = Create(new() { ["Health:SuccessThreshold"] = "5", ["Health:Checks:db:SuccessThreshold"] = "2" });
        var filter = new FlapFilter();
        _healthy = false;

        Assert.Equal((CheckStatus.Fail, null), Outcome(await NextAsync(evaluator, filter, options))); // the first evaluation is taken as it is
        _healthy = true;
        Assert.Equal((CheckStatus.Fail, "pass 1 of 2"), Outcome(await NextAsync(evaluator, filter, options)));
        Assert.Equal((CheckStatus.Pass, null), Outcome(await NextAsync(evaluator, filter, options)));
    }

    [Fact]
    public async Task The_default_threshold_of_one_changes_at_once()
    {
        var (evaluator, options) = Create([]);
        var filter = new FlapFilter();

        Assert.Equal((CheckStatus.Pass, null), Outcome(await NextAsync(evaluator, filter, options)));
        _healthy = false;
        Assert.Equal((CheckStatus.Fail, null), Outcome(await NextAsync(evaluator, filter, options)));
    }

    private static (CheckStatus, string?) Outcome(ReadinessSnapshot snapshot) => (snapshot.Checks["db"].Status, snapshot.Checks["db"].Pending);

    private async Task<ReadinessSnapshot> NextAsync(ReadinessEvaluator evaluator, FlapFilter filter, HealthOptions options)
    {
        _time.Advance(Period);
        return filter.Apply(await evaluator.EvaluateAsync(CancellationToken.None), options);
    }

    private (ReadinessEvaluator, HealthOptions) Create(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));
        services.AddHealthChecks().Add(new HealthCheckRegistration("db",
            _ => new DelegateCheck(() => _healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("database is on fire")), null, [HealthTags.Ready], TimeSpan.FromSeconds(1)));
        var provider = services.BuildServiceProvider();
        var evaluator = new ReadinessEvaluator(
            provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>(),
            provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<IOptionsMonitor<HealthOptions>>(),
            new HealthyApi.Errors.SecretRedactor(configuration),
            _time,
            NullLogger<ReadinessEvaluator>.Instance);
        return (evaluator, provider.GetRequiredService<IOptions<HealthOptions>>().Value);
    }

    private sealed class DelegateCheck(Func<HealthCheckResult> check) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(check());
    }
}
