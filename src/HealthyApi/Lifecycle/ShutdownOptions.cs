namespace HealthyApi.Lifecycle;

/// <summary>
/// The SIGTERM budget. It is read from the <c>Health</c> section (<c>Health__DrainDelay</c>, …) because
/// that is where operators look for it next to the probes, but only the lifecycle uses it.
/// </summary>
public sealed class ShutdownOptions
{
    public const string Section = "Health";

    /// <summary>After SIGTERM: how long readiness says <c>draining</c> while the API keeps serving.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After the drain delay: how long in-flight requests get to finish.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pod's <c>terminationGracePeriodSeconds</c>; delay + timeout must fit inside it.</summary>
    public TimeSpan TerminationGracePeriod { get; set; } = TimeSpan.FromSeconds(60);
}
