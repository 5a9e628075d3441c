namespace HealthyApi.Lifecycle;

/// <summary>
/// Dependency work at start-up (start-up tasks such as migrations, the first readiness evaluation) waits
/// until the server has answered its first request, or <see cref="MaxWait"/> after it started listening,
/// whichever comes first. That work is CPU-heavy when cold (data-access models, client libraries, their
/// first connections) and competes with the first request's own set-up: on 2 cores it doubled the time to
/// the first /healthz (README, "Performance"). Liveness answers first; readiness says starting meanwhile.
/// </summary>
/// <remarks>
/// The wait is wall-clock on purpose, not the injected TimeProvider: it paces CPU use, it is not a
/// timing of the service's behaviour, and a test's manual clock must not hold start-up back.
/// </remarks>
public sealed class StartupPacing
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(200);

    private readonly TaskCompletionSource _served = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StartupPacing(IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStarted.Register(() => _listening.TrySetResult());

    /// <summary>Called after each request; only the first one counts.</summary>
    public void RequestServed()
    {
        if (!_served.Task.IsCompleted)
        {
            _served.TrySetResult();
        }
    }

    public async Task WaitForFirstRequestAsync(CancellationToken cancellationToken)
    {
        await _listening.Task.WaitAsync(cancellationToken);
        await Task.WhenAny(_served.Task, Task.Delay(MaxWait, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }
}
