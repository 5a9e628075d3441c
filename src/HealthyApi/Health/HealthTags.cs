namespace HealthyApi.Health;

/// <summary>Tags that decide which <c>IHealthCheck</c>s an endpoint evaluates.</summary>
public static class HealthTags
{
    /// <summary>Checks with this tag decide readiness. Liveness runs no check at all.</summary>
    public const string Ready = "ready";
}
