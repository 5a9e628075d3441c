using System.Reflection;
#if (postgres)
using HealthyApi.Data;
#endif
using Microsoft.Extensions.Diagnostics.HealthChecks;
#if (postgres)
using Npgsql;
#endif
#if (redis)
using StackExchange.Redis;
#endif

namespace HealthyApi.Health.Checks;

/// <summary>
/// One <c>AddX</c> per dependency, in the shape community packages use (name, failureStatus, tags,
/// timeout), so swapping in an AspNetCore.HealthChecks.* package is a one-line change. Every check
/// reuses the client the application already has in DI.
/// </summary>
public static class HealthChecksBuilderExtensions
{
#if (postgres)
    /// <summary><c>SELECT 1</c>: can we get a connection and a round trip?</summary>
    public static IHealthChecksBuilder AddPostgres(this IHealthChecksBuilder builder, string name = "postgres",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>(), "SELECT 1"),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(2)));

    /// <summary>
    /// <c>INSERT … ON CONFLICT DO NOTHING</c> on one fixed row of the health table. <c>SELECT 1</c> passes on
    /// a read-only primary, a promoted-then-fenced node or a hot standby; a service that must write is not
    /// ready there. The row already exists after the first run, so the check writes nothing and bloats nothing.
    /// </summary>
    public static IHealthChecksBuilder AddPostgresWrite(this IHealthChecksBuilder builder, string name = "postgres_write",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>(), HealthProbeTable.WriteCheckSql),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(2)));

#endif
#if (redis)
    public static IHealthChecksBuilder AddRedis(this IHealthChecksBuilder builder, string name = "redis",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(1)));

#endif
    /// <summary>Every <see cref="IHealthCheck"/> in <paramref name="assembly"/> marked <see cref="ReadinessCheckAttribute"/>, tagged <c>ready</c>.</summary>
    public static IHealthChecksBuilder AddMarkedChecks(this IHealthChecksBuilder builder, Assembly assembly)
    {
        var marked = assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(IHealthCheck).IsAssignableFrom(type))
            .Select(type => (Type: type, Mark: type.GetCustomAttribute<ReadinessCheckAttribute>()))
            .Where(check => check.Mark is not null)
            .OrderBy(check => check.Mark!.Name, StringComparer.Ordinal);
        foreach (var (type, mark) in marked)
        {
            builder.Add(new HealthCheckRegistration(mark!.Name,
                sp => (IHealthCheck)ActivatorUtilities.CreateInstance(sp, type),
                failureStatus: null, [HealthTags.Ready], mark.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(mark.TimeoutSeconds) : null));
        }

        return builder;
    }

    public static IHealthChecksBuilder AddDiskSpace(this IHealthChecksBuilder builder, DiskSpaceSettings settings, string name = "disk_space",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name, _ => new DiskSpaceHealthCheck(settings),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(1)));

    public static IHealthChecksBuilder AddMemory(this IHealthChecksBuilder builder, MemorySettings settings, string name = "memory",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name, _ => new MemoryHealthCheck(settings),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(1)));
}
