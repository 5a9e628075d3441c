using HealthyApi.Errors;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthyApi.Health;

/// <summary>
/// Runs one readiness check: one attempt at a time, abandoned at its deadline, cancelled off the
/// thread pool. Unlike <c>HealthCheckService</c>, a check that ignores its cancellation token (some
/// client libraries' async calls do) is abandoned at its timeout rather than awaited, and is not
/// started again while the abandoned attempt still hangs, so a frozen dependency gets at most one
/// outstanding probe from this process.
/// </summary>
public sealed class CheckRunner
{
    private readonly HealthCheckRegistration _registration;
    private readonly IServiceScopeFactory _scopes;
    private readonly SecretRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Task? _attempt;
    private long _attemptStartedAt;

    public CheckRunner(HealthCheckRegistration registration, IServiceScopeFactory scopes, SecretRedactor redactor, TimeProvider time, ILogger logger)
    {
        _registration = registration;
        _scopes = scopes;
        _redactor = redactor;
        _time = time;
        _logger = logger;
    }

    public string Name => _registration.Name;

    /// <summary>The registration's own timeout, or <paramref name="defaultTimeout"/> for checks registered without one.</summary>
    public TimeSpan TimeoutOr(TimeSpan defaultTimeout) =>
        _registration.Timeout > TimeSpan.Zero && _registration.Timeout != Timeout.InfiniteTimeSpan ? _registration.Timeout : defaultTimeout;

    /// <param name="critical">False: a failure is reported as <c>warn</c> and keeps readiness at 200.</param>
    public async Task<CheckResult> RunAsync(TimeSpan timeout, bool critical, CancellationToken cancellationToken)
    {
        critical &= _registration.FailureStatus != HealthStatus.Degraded;
        if (_attempt is { IsCompleted: false })
        {
            var hungFor = _time.GetElapsedTime(_attemptStartedAt);
            return Outcome(CheckStatus.Timeout, TimeSpan.Zero,
                $"no answer within {timeout.TotalMilliseconds:0} ms (previous attempt still hanging after {hungFor.TotalMilliseconds:0} ms)",
                critical);
        }

        var startedAt = _time.GetTimestamp();

        // Not disposed: an abandoned check may still hold this token after we return.
        var checkCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Task.Run: a check that blocks synchronously must not block the evaluation of the others.
        var attempt = Task.Run(() => InvokeAsync(checkCancellation.Token), CancellationToken.None);
        (_attempt, _attemptStartedAt) = (attempt, startedAt);

        try
        {
            var result = await attempt.WaitAsync(timeout, _time, cancellationToken);
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
            _logger.LogDebug("Readiness check {Check} threw {ExceptionType}: {Error}", Name, ex.GetType().Name, text);
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

    private async Task<HealthCheckResult> InvokeAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var check = _registration.Factory(scope.ServiceProvider);
        var context = new HealthCheckContext { Registration = _registration };
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
