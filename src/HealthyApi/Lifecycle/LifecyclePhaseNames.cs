namespace HealthyApi.Lifecycle;

public static class LifecyclePhaseNames
{
    /// <summary>
    /// The one vocabulary /readyz and the admin endpoints share. Draining and stopping are both
    /// <c>draining</c> on the wire: to a load balancer they mean the same thing, stop sending.
    /// </summary>
    public static string ToWire(this LifecyclePhase phase) => phase switch
    {
        LifecyclePhase.Starting => "starting",
        LifecyclePhase.Ready => "ready",
        LifecyclePhase.Draining or LifecyclePhase.Stopping => "draining",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };
}
