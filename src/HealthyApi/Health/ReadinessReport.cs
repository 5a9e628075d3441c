using HealthyApi.Lifecycle;

namespace HealthyApi.Health;

/// <summary>
/// What /readyz answers, derived from the lifecycle phase and the latest snapshot. Pure: the same
/// inputs always give the same answer, which is what the unit tests rely on.
/// </summary>
public sealed record ReadinessReport(string Status, bool Ok, DateTimeOffset Timestamp, string? Reason, IReadOnlyDictionary<string, CheckResult> Checks)
{
    public int HttpStatusCode => Ok ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;

    /// <param name="onlyCheck">For <c>/readyz/{check}</c>: report this check alone (it must exist in the snapshot).</param>
    public static ReadinessReport Create(LifecyclePhase phase, ReadinessSnapshot? snapshot, DateTimeOffset now, TimeSpan staleAfter, string? onlyCheck = null)
    {
        IReadOnlyDictionary<string, CheckResult> checks = snapshot?.Checks ?? new Dictionary<string, CheckResult>();
        if (onlyCheck is not null)
        {
            checks = checks.Where(c => c.Key == onlyCheck).ToDictionary(c => c.Key, c => c.Value);
        }

        var age = snapshot is null ? TimeSpan.Zero : now - snapshot.CompletedAt;
        var stale = snapshot is not null && age > staleAfter;
        if (stale)
        {
            var note = $"last evaluated {age.TotalSeconds:0.0} s ago";
            checks = checks.ToDictionary(c => c.Key, c => c.Value with { Status = CheckStatus.Stale, Error = note });
        }

        var failing = checks.Where(c => !c.Value.Status.IsPassing()).Select(c => c.Key).ToArray();
        var (status, reason) = phase switch
        {
            LifecyclePhase.Stopping => (phase.ToWire(), "shutting down"),
            LifecyclePhase.Draining => (phase.ToWire(), "draining"),
            LifecyclePhase.Starting when snapshot is null => (phase.ToWire(), "first readiness evaluation has not completed"),
            LifecyclePhase.Starting => (phase.ToWire(), failing.Length > 0
                ? $"start-up in progress; failing: {string.Join(", ", failing)}"
                : "start-up in progress (start-up tasks still running)"),
            _ when snapshot is null => ("not_ready", "no readiness evaluation has completed"),
            _ when stale => ("not_ready", $"readiness checks are stale (last evaluated {age.TotalSeconds:0.0} s ago)"),
            _ when failing.Length > 0 => ("not_ready", $"failing: {string.Join(", ", failing)}"),
            _ => (LifecyclePhase.Ready.ToWire(), (string?)null),
        };

        return new ReadinessReport(status, status == "ready", now, reason, checks);
    }
}
