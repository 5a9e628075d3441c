namespace HealthyApi.Health;

/// <summary>The <c>Health</c> section: probe paths and readiness cadence (the shutdown budget in the same section is <c>ShutdownOptions</c>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    public string LivenessPath { get; set; } = "/healthz";

    public string ReadinessPath { get; set; } = "/readyz";

    /// <summary>503 until start-up work is done, then 200 for the life of the process: the startupProbe's target.</summary>
    public string StartupPath { get; set; } = "/startupz";

    /// <summary>How often the readiness checks run in the background (jittered by ±10 %).</summary>
    public TimeSpan ReadinessPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout for a check registered without one (community checks often are).</summary>
    public TimeSpan DefaultCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Consecutive failed evaluations before a passing check reports failing (1 = at once). A blip shorter
    /// than that keeps the pod in rotation instead of flapping it out and back in.
    /// </summary>
    public int FailureThreshold { get; set; } = 1;

    /// <summary>Consecutive passing evaluations before a failing check reports passing again (1 = at once).</summary>
    public int SuccessThreshold { get; set; } = 1;

    /// <summary>Per-check settings by check name, e.g. <c>Health__Checks__redis__Critical=false</c>.</summary>
    public Dictionary<string, CheckSettings> Checks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Optional local check on free disk space; off unless a minimum is set.</summary>
    public DiskSpaceSettings DiskSpace { get; set; } = new();

    /// <summary>Optional local check on memory use against the container limit; off unless a maximum is set.</summary>
    public MemorySettings Memory { get; set; } = new();

    /// <summary>A snapshot older than this counts as failed (<c>stale</c>).</summary>
    public TimeSpan StaleAfter => ReadinessPeriod * 3;

    public bool IsCritical(string checkName) =>
        !Checks.TryGetValue(checkName, out var settings) || settings.Critical;

    public int FailureThresholdOf(string checkName) =>
        Checks.TryGetValue(checkName, out var settings) && settings.FailureThreshold is { } own ? own : FailureThreshold;

    public int SuccessThresholdOf(string checkName) =>
        Checks.TryGetValue(checkName, out var settings) && settings.SuccessThreshold is { } own ? own : SuccessThreshold;
}
