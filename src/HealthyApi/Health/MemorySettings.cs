namespace HealthyApi.Health;

/// <summary><c>Health:Memory</c>: the optional memory check (registered only when a maximum is set).</summary>
public sealed class MemorySettings
{
    /// <summary>
    /// Fail when the process's working set exceeds this share of the memory the runtime may use
    /// (the container limit when there is one); 0 turns the check off.
    /// </summary>
    public int MaximumPercentOfLimit { get; set; }
}
