namespace HealthyApi.Health;

/// <summary><c>Health:DiskSpace</c>: the optional free-disk check (registered only when a minimum is set).</summary>
public sealed class DiskSpaceSettings
{
    /// <summary>Directory whose file system is measured.</summary>
    public string Path { get; set; } = "/tmp";

    /// <summary>Fail below this many free MiB; 0 turns the check off.</summary>
    public long MinimumFreeMegabytes { get; set; }
}
