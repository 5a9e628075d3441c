namespace HealthyApi.Health;

/// <summary>What one check said in one evaluation.</summary>
/// <param name="Error">Short, human-readable, already redacted; null when the check passed.</param>
public sealed record CheckResult(CheckStatus Status, TimeSpan Duration, string? Error, bool Critical);
