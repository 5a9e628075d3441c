namespace HealthyApi.Health;

/// <summary>The outcome of one background evaluation of every <c>ready</c> check.</summary>
public sealed record ReadinessSnapshot(DateTimeOffset CompletedAt, IReadOnlyDictionary<string, CheckResult> Checks)
{
    /// <summary>True when no critical check is failing.</summary>
    public bool AllCriticalPassing => Checks.Values.All(c => c.Status.IsPassing());
}
