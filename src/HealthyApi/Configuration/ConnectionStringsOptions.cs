namespace HealthyApi.Configuration;

/// <summary>The <c>ConnectionStrings</c> section.</summary>
public sealed class ConnectionStringsOptions
{
    public const string Section = "ConnectionStrings";

#if (postgres)
    /// <summary>Npgsql syntax, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>.</summary>
    public string? Postgres { get; set; }

#endif
#if (redis)
    /// <summary>StackExchange.Redis syntax, e.g. <c>redis:6379,password=…</c>.</summary>
    public string? Redis { get; set; }

#endif
}
