namespace HealthyApi.Management;

/// <summary>
/// The <c>Limits</c> section: what one client, or many, can hold. Defaults fit the chart's 256 MiB memory
/// limit with room to spare (README, "Limits and hardening", has the measurements behind them).
/// </summary>
public sealed class ListenerLimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Connections the app port holds at once; more are closed as they are accepted. An idle connection costs
    /// about 10 KiB, so 2,000 stay far inside the memory limit; it is also capped below the process's
    /// file-descriptor limit, so a flood cannot take the descriptors the management port and the database need.
    /// </summary>
    public int AppConnections { get; set; } = 2000;

    /// <summary>The management port's own budget: probes and scrapes still answer while the app port is flooded.</summary>
    public int ManagementConnections { get; set; } = 1024;

    /// <summary>WebSocket and other upgraded connections, counted apart from the rest by Kestrel.</summary>
    public int UpgradedConnections { get; set; } = 100;

    /// <summary>
    /// A client gets this long to send a request's headers. It bounds slow-header attacks, and how long a
    /// half-sent request can hold up shutdown after the drain delay.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An idle keep-alive connection is closed after this long. Longer than load balancers' idle timeouts
    /// (60 s for most), so it is the balancer that closes, never the server under it mid-reuse.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>Largest request body on any endpoint; endpoints can allow less (a note: 16 KiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
