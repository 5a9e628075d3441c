namespace HealthyApi.Health;

/// <summary>
/// Anti-flap: each check keeps the status it reports until the opposite outcome has come
/// <c>Health__FailureThreshold</c> (or <c>Health__SuccessThreshold</c>) evaluations in a row. Meanwhile the
/// report carries the latest outcome as <see cref="CheckResult.Pending"/> ("fail 1 of 3"), so nothing is
/// hidden from someone reading /readyz. Only warn/pass versus the failing statuses counts as a change.
/// One instance per monitor; evaluations are applied one at a time, in order.
/// </summary>
public sealed class FlapFilter
{
    private readonly Dictionary<string, (CheckResult Reported, int Streak)> _checks = new(StringComparer.Ordinal);

    public ReadinessSnapshot Apply(ReadinessSnapshot evaluation, HealthOptions options)
    {
        var reported = new Dictionary<string, CheckResult>(StringComparer.Ordinal);
        foreach (var (name, latest) in evaluation.Checks)
        {
            reported[name] = Apply(name, latest, options);
        }

        return evaluation with { Checks = reported };
    }

    private CheckResult Apply(string name, CheckResult latest, HealthOptions options)
    {
        if (!_checks.TryGetValue(name, out var state) || latest.Status.IsPassing() == state.Reported.Status.IsPassing())
        {
            _checks[name] = (latest, 0); // first evaluation, or agrees with what is reported
            return latest;
        }

        var streak = state.Streak + 1;
        var needed = latest.Status.IsPassing() ? options.SuccessThresholdOf(name) : options.FailureThresholdOf(name);
        if (streak >= needed)
        {
            _checks[name] = (latest, 0);
            return latest;
        }

        _checks[name] = (state.Reported, streak);
        return latest with { Status = state.Reported.Status, Pending = $"{latest.Status.ToWire()} {streak} of {needed}" };
    }
}
