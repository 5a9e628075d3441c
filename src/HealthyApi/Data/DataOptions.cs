namespace HealthyApi.Data;

/// <summary>
/// The <c>Data</c> section: the PostgreSQL pool of one pod. Every replica has its own pool, so pods × pool
/// must fit the server's <c>max_connections</c> (100 by default, 3 of them reserved for superusers): the
/// chart's 10-pod autoscaling maximum × 8 = 80 leaves room for migrations, psql and a second service.
/// A value written in the connection string itself (Maximum Pool Size=…) wins over these.
/// </summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary>Connections one pod opens at most; requests beyond wait for a free one.</summary>
    public int MaxPoolSize { get; set; } = 8;

    /// <summary>An idle connection is closed after this long, so a burst does not hold connections for minutes.</summary>
    public TimeSpan ConnectionIdleLifetime { get; set; } = TimeSpan.FromSeconds(60);
}
