namespace HealthyApi.Health;

public static class CheckStatusNames
{
    public static string ToWire(this CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Warn => "warn",
        CheckStatus.Fail => "fail",
        CheckStatus.Error => "error",
        CheckStatus.Timeout => "timeout",
        CheckStatus.Stale => "stale",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Statuses that keep readiness at 200.</summary>
    public static bool IsPassing(this CheckStatus status) => status is CheckStatus.Pass or CheckStatus.Warn;
}
