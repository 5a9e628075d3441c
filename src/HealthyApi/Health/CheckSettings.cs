namespace HealthyApi.Health;

/// <summary><c>Health:Checks:&lt;name&gt;</c>: how one readiness check counts.</summary>
public sealed class CheckSettings
{
    /// <summary>
    /// A non-critical check that fails shows <c>warn</c> and readiness stays 200: a cache that is down
    /// slows the service, but taking every pod out of rotation for it would turn a slowdown into an outage.
    /// </summary>
    public bool Critical { get; set; } = true;

    /// <summary>Overrides <c>Health__FailureThreshold</c> for this check.</summary>
    public int? FailureThreshold { get; set; }

    /// <summary>Overrides <c>Health__SuccessThreshold</c> for this check.</summary>
    public int? SuccessThreshold { get; set; }
}
