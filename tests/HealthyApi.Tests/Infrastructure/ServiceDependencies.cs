namespace HealthyApi.Tests.Infrastructure;

/// <summary>The template's optional dependencies this service was generated without.</summary>
public static class ServiceDependencies
{
    /// <summary>Names that must not appear in what the service ships (case-insensitive: "postgres" covers PostgreSQL).</summary>
    public static readonly string[] Absent =
    [
#if (!postgres)
        "postgres",
#endif
#if (!redis)
        "redis",
#endif
    ];
}
