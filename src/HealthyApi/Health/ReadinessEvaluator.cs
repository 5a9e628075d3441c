using HealthyApi.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

/// <summary>
/// Runs every check tagged <c>ready</c> once, concurrently, each under its own timeout
/// (see <see cref="CheckRunner"/> for what "under its own timeout" takes when a check hangs).
/// </summary>
public sealed class ReadinessEvaluator
{
    private readonly CheckRunner[] _runners;
    private readonly IOptionsMonitor<HealthOptions> _options;
    private readonly TimeProvider _time;

    public ReadinessEvaluator(
        IOptions<HealthCheckServiceOptions> registrations,
        IServiceScopeFactory scopes,
        IOptionsMonitor<HealthOptions> options,
        SecretRedactor redactor,
        TimeProvider time,
        ILogger<ReadinessEvaluator> logger)
    {
        _runners = registrations.Value.Registrations
            .Where(r => r.Tags.Contains(HealthTags.Ready))
            .Select(r => new CheckRunner(r, scopes, redactor, time, logger))
            .ToArray();
        _options = options;
        _time = time;
    }

    public IReadOnlyCollection<string> CheckNames => _runners.Select(r => r.Name).ToArray();

    public async Task<ReadinessSnapshot> EvaluateAsync(CancellationToken cancellationToken)
    {
        // A check every few seconds per pod is not worth a trace: the checks' own client calls are
        // left out of tracing (the scope flows into the checks' tasks).
        using var untraced = OpenTelemetry.SuppressInstrumentationScope.Begin();
        var options = _options.CurrentValue;
        var results = await Task.WhenAll(_runners.Select(r =>
            r.RunAsync(r.TimeoutOr(options.DefaultCheckTimeout), options.IsCritical(r.Name), cancellationToken)));
        var checks = new Dictionary<string, CheckResult>(StringComparer.Ordinal);
        for (var i = 0; i < _runners.Length; i++)
        {
            checks[_runners[i].Name] = results[i];
        }

        return new ReadinessSnapshot(_time.GetUtcNow(), checks);
    }
}
