namespace HealthyApi.Health;

/// <summary>What one check said in one evaluation.</summary>
/// <param name="Error">Short, human-readable, already redacted; null when the check passed.</param>
/// <param name="Pending">
/// Set while the latest outcome disagrees with <paramref name="Status"/> but has not yet repeated enough
/// times in a row to change it (<see cref="FlapFilter"/>), e.g. <c>fail 1 of 3</c>.
/// </param>
public sealed record CheckResult(CheckStatus Status, TimeSpan Duration, string? Error, bool Critical, string? Pending = null);
