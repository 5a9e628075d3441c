using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HealthyApi.Health;

/// <summary>
/// Runs every check tagged <c>ready</c> once, concurrently, each under its own timeout.
/// Unlike <c>HealthCheckService</c>, a check that ignores its cancellation token (some client
/// libraries' async calls do) is abandoned at its timeout rather than awaited, and is not started again while the abandoned
/// attempt is still hanging, so a frozen dependency gets at most one outstanding probe per check.
/// </summary>
public sealed class ReadinessEvaluator
{
    private readonly HealthCheckRegistration[] _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<HealthOptions> _options;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger<ReadinessEvaluator> _logger;
    private readonly ConcurrentDictionary<string, (Task Task, long StartedAt)> _inFlight = new(StringComparer.Ordinal);

    public ReadinessEvaluator(
        IOptions<HealthCheckServiceOptions> registrations,
        IServiceScopeFactory scopes,
        IOptionsMonitor<HealthOptions> options,
        SecretRedactor redactor,
        TimeProvider time,
        ILogger<ReadinessEvaluator> logger)
    {
        _registrations = registrations.Value.Registrations.Where(r => r.Tags.Contains(HealthTags.Ready)).ToArray();
        _scopes = scopes;
        _options = options;
        _redactor = redactor;
        _time = time;
        _logger = logger;
    }

    public IReadOnlyCollection<string> CheckNames => _registrations.Select(r => r.Name).ToArray();

    public async Task<ReadinessSnapshot> EvaluateAsync(CancellationToken cancellationToken)
    {
        // A SELECT 1 every few seconds per pod is not worth a trace: the checks' own database and
        // Redis calls are left out of tracing (the scope flows into the checks' tasks).
        using var untraced = OpenTelemetry.SuppressInstrumentationScope.Begin();
        var runs = _registrations.Select(r => RunAsync(r, cancellationToken)).ToArray();
        var results = await Task.WhenAll(runs);
        var checks = new Dictionary<string, CheckResult>(StringComparer.Ordinal);
        for (var i = 0; i < _registrations.Length; i++)
        {
            checks[_registrations[i].Name] = results[i];
        }

        return new ReadinessSnapshot(_time.GetUtcNow(), checks);
    }

    private async Task<CheckResult> RunAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var critical = options.IsCritical(registration.Name) && registration.FailureStatus != HealthStatus.Degraded;
        var timeout = registration.Timeout > TimeSpan.Zero && registration.Timeout != Timeout.InfiniteTimeSpan
            ? registration.Timeout
            : options.DefaultCheckTimeout;

        if (_inFlight.TryGetValue(registration.Name, out var previous) && !previous.Task.IsCompleted)
        {
            var hungFor = _time.GetElapsedTime(previous.StartedAt);
            return Outcome(CheckStatus.Timeout, TimeSpan.Zero,
                $"no answer within {timeout.TotalMilliseconds:0} ms (previous attempt still hanging after {hungFor.TotalMilliseconds:0} ms)",
                critical);
        }

        var startedAt = _time.GetTimestamp();

        // Not disposed: an abandoned check may still hold this token after we return.
        var checkCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Task.Run: a check that blocks synchronously must not block the evaluation of the others.
        var check = Task.Run(() => InvokeAsync(registration, checkCancellation.Token), CancellationToken.None);
        _inFlight[registration.Name] = (check, startedAt);

        try
        {
            var result = await check.WaitAsync(timeout, _time, cancellationToken);
            var duration = _time.GetElapsedTime(startedAt);
            return result.Status switch
            {
                HealthStatus.Healthy => Outcome(CheckStatus.Pass, duration, null, critical),
                HealthStatus.Degraded => Outcome(CheckStatus.Warn, duration, Describe(result), critical),
                _ => Outcome(CheckStatus.Fail, duration, Describe(result), critical),
            };
        }
        catch (TimeoutException)
        {
            CancelOffThreadPool(checkCancellation);
            return Outcome(CheckStatus.Timeout, _time.GetElapsedTime(startedAt), $"no answer within {timeout.TotalMilliseconds:0} ms", critical);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var text = _redactor.Redact(ErrorText.Describe(ex));
            _logger.LogDebug("Readiness check {Check} threw {ExceptionType}: {Error}", registration.Name, ex.GetType().Name, text);
            return Outcome(CheckStatus.Error, _time.GetElapsedTime(startedAt), text, critical);
        }
    }

    /// <summary>
    /// Cancellation callbacks run on the thread that cancels, and some block: a database client may send
    /// its cancel request synchronously, which against a frozen server waits for seconds. On the thread pool
    /// that starves /healthz (measured: 600 ms liveness answers during a database hang), so cancel on a
    /// thread of its own. This happens only when a check times out.
    /// </summary>
    private static void CancelOffThreadPool(CancellationTokenSource source) =>
        new Thread(static state => ((CancellationTokenSource)state!).Cancel()) { IsBackground = true, Name = "health-check-cancel" }.Start(source);

    private async Task<HealthCheckResult> InvokeAsync(HealthCheckRegistration registration, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var check = registration.Factory(scope.ServiceProvider);
        var context = new HealthCheckContext { Registration = registration };
        return await check.CheckHealthAsync(context, cancellationToken);
    }

    private string Describe(HealthCheckResult result)
    {
        var text = result.Description ?? (result.Exception is { } ex ? ErrorText.Describe(ex) : "unhealthy");
        return _redactor.Redact(text);
    }

    /// <summary>A failing non-critical check is reported as <c>warn</c> and keeps readiness at 200.</summary>
    private static CheckResult Outcome(CheckStatus status, TimeSpan duration, string? error, bool critical) =>
        !critical && !status.IsPassing()
            ? new CheckResult(CheckStatus.Warn, duration, $"{status.ToWire()}: {error}", critical)
            : new CheckResult(status, duration, error, critical);
}
