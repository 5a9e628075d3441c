using HealthyApi.Lifecycle;

namespace HealthyApi.Health;

/// <summary>
/// Start-up is not over until one readiness evaluation, run after the start-up tasks (so after the
/// migrations), finds every critical check passing.
/// </summary>
public sealed class ReadinessStartupCondition : IStartupCondition
{
    private readonly ReadinessMonitor _monitor;

    public ReadinessStartupCondition(ReadinessMonitor monitor) => _monitor = monitor;

    public async Task WaitUntilMetAsync(CancellationToken cancellationToken)
    {
        var next = _monitor.WaitForAsync(snapshot => snapshot.AllCriticalPassing, cancellationToken);
        _monitor.StartupTasksDone();
        _monitor.RequestEvaluation();
        await next;
    }
}
