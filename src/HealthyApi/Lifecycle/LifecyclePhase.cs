namespace HealthyApi.Lifecycle;

/// <summary>Where the process is in its life. Transitions live in <see cref="AppLifecycle"/>.</summary>
public enum LifecyclePhase
{
    /// <summary>Migrations not applied yet, or no evaluation has passed yet.</summary>
    Starting,

    /// <summary>Start-up work done; readiness follows the checks.</summary>
    Ready,

    /// <summary>Taken out of rotation by <c>POST /admin/drain</c>; <c>POST /admin/resume</c> undoes it.</summary>
    Draining,

    /// <summary>SIGTERM received: out of rotation for good, the process is on its way out.</summary>
    Stopping,
}
