namespace HealthyApi.Tests.Infrastructure;

/// <summary>The readiness checks Program.cs registers, in name order.</summary>
public static class DefaultChecks
{
    public static readonly string[] Names =
    [
#if (postgres)
        "postgres",
        "postgres_write",
#endif
#if (redis)
        "redis",
#endif
    ];
}
