namespace HealthyApi.Health;

/// <summary>
/// Decides whether a caller of /readyz may read the checks' error texts (they can name hosts and
/// databases). Implemented by whoever owns the callers' trust: the management port.
/// </summary>
public interface IReadinessDetailAccess
{
    bool MaySeeErrors(HttpContext context);
}
