using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using StackExchange.Redis;

namespace HealthyApi.Health.Checks;

/// <summary>
/// One <c>AddX</c> per dependency, in the shape community packages use (name, failureStatus, tags,
/// timeout), so swapping in an AspNetCore.HealthChecks.* package is a one-line change. Every check
/// reuses the client the application already has in DI.
/// </summary>
public static class HealthChecksBuilderExtensions
{
    public static IHealthChecksBuilder AddPostgres(this IHealthChecksBuilder builder, string name = "postgres",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(2)));

    public static IHealthChecksBuilder AddPostgresWrite(this IHealthChecksBuilder builder, string name = "postgres_write",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new PostgresWriteHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(2)));

    public static IHealthChecksBuilder AddRedis(this IHealthChecksBuilder builder, string name = "redis",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name,
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(1)));

    public static IHealthChecksBuilder AddDiskSpace(this IHealthChecksBuilder builder, DiskSpaceSettings settings, string name = "disk_space",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name, _ => new DiskSpaceHealthCheck(settings),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(1)));

    public static IHealthChecksBuilder AddMemory(this IHealthChecksBuilder builder, MemorySettings settings, string name = "memory",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.Add(new HealthCheckRegistration(name, _ => new MemoryHealthCheck(settings),
            failureStatus, tags ?? [HealthTags.Ready], timeout ?? TimeSpan.FromSeconds(1)));
}
